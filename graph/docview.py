"""A document's text with its extracted facts highlighted by displaCy, as one HTML page.

Two sources: a file, run through the extraction pipeline (`file_view`: the whole clean text with the spans the
pipeline leaves in `doc.spans`: task headings, roles, citations, regions), or a stored document
(`stored_view`: the graph keeps the tasks' text and every fact's character span, not the whole file, so the view
is the tasks' text in order with the role mentions and citations inside it; gaps are marked `…`).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["COLORS", "file_view", "render", "stored_view"]

COLORS = {
    "牵头": "#f4a6a6",
    "参加": "#a6c8f4",
    "负责": "#f7cf8e",
    "依据": "#9fdc9f",
    "引用": "#d3efc6",
    "地区": "#d7b8f0",
    "任务": "#dddddd",
}
STYLE = (
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;"
    "margin:2rem;line-height:2.2;color:#222}h1{font-size:1.3rem}.legend span{padding:.1rem .5rem;margin-right:.4rem}"
    ".meta{color:#666;font-size:.9rem}"
)


def render(text: str, spans: Iterable[tuple[int, int, str]], title: str, meta: str = "") -> str:
    """`text` with `spans` (character start, end, label) highlighted, as a standalone HTML page.

    displaCy's entity style draws the marks: it keeps the text as it is, where the span style puts a space
    after every token (every character, in Chinese). It takes no overlapping marks, so where two overlap the
    one of the higher kind stays: roles, then citations, then task headings, then regions.
    """
    from spacy import displacy

    kept: list[tuple[int, int, str]] = []
    taken = bytearray(len(text))
    for start, end, label in sorted(set(spans), key=lambda s: (_rank(s[2]), s[0], -s[1])):
        start, end = max(0, start), min(len(text), end)
        if start < end and not any(taken[start:end]):
            kept.append((start, end, label))
            taken[start:end] = b"\x01" * (end - start)
    ents = [{"start": s, "end": e, "label": label} for s, e, label in sorted(kept)]
    colors = {**COLORS, **{label: COLORS["任务"] for _s, _e, label in kept if label.startswith("任务")}}
    body = displacy.render(
        {"text": text, "ents": ents, "title": None}, style="ent", manual=True, page=False, options={"colors": colors}
    )
    legend = "".join(f'<span style="background:{c}">{html.escape(k)}</span>' for k, c in COLORS.items())
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f'<p class="meta">{html.escape(meta)}</p><p class="legend">{legend}</p>{body}</body></html>'
    )


def _rank(label: str) -> int:
    if label in ("牵头", "参加", "负责"):
        return 0
    if label in ("依据", "引用"):
        return 1
    return 2 if label.startswith("任务") else 3


def file_view(path: str | Path) -> str:
    """The HTML view of a document file, extracted now (any format `policykg extract` reads)."""
    from policykg.ingest.clean import clean
    from policykg.ingest.load import load
    from policykg.ingest.pipeline import build_nlp

    loaded = load(path)
    nlp = build_nlp()
    doc = nlp.make_doc(clean(loaded.text).text)
    doc._.policykg_meta = loaded.meta
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    spans = []
    for key, label_of in (
        ("task", lambda s: f"任务 {s.label_}"),
        ("role", lambda s: s.label_),
        ("citation", lambda s: s.label_),
        ("region", lambda s: "地区"),
    ):
        for s in doc.spans.get(key, []):
            spans.append((s.start_char, s.end_char, label_of(s)))
    return render(doc.text, spans, Path(str(path)).name, f"{len(doc.text)} 字 · {len(spans)} 处标注")


def stored_view(title: str, marks: list[dict[str, Any]]) -> str:
    """The HTML view of a stored document from the rows of template `document_marks`."""
    tasks = sorted((m for m in marks if m["kind"] == "task" and m["char_start"] is not None), key=_start)
    pieces: list[str] = []
    offset: dict[int, int] = {}  # a task's start in the clean text → its start in the assembled text
    cursor, length = None, 0
    for t in tasks:
        if cursor is not None and t["char_start"] < cursor:
            continue  # a span already covered (should not happen: task spans do not overlap)
        if cursor is not None and t["char_start"] > cursor:
            pieces.append("\n…\n")
            length += 3
        offset[t["char_start"]] = length
        text = t["detail"] or ""
        pieces.append(text)
        length += len(text)
        cursor = t["char_start"] + len(text)
    starts = sorted(offset)

    def place(start: int, end: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(starts, start) - 1
        if i < 0:
            return None
        t0 = starts[i]
        task = next(t for t in tasks if t["char_start"] == t0)
        if end > t0 + len(task["detail"] or ""):
            return None
        return offset[t0] + start - t0, offset[t0] + end - t0

    spans = []
    outside = 0
    for m in marks:
        if m["char_start"] is None or m["char_start"] < 0:
            continue
        if m["kind"] == "task":
            heading = _HEADING.match(m["detail"] or "").group(0)
            s, e = offset.get(m["char_start"], -1), offset.get(m["char_start"], -1) + len(heading)
            if s >= 0:
                spans.append((s, e, f"任务 {m['label']}"))
            continue
        where = place(m["char_start"], m["char_end"])
        if where is None:
            outside += 1
        else:
            spans.append((*where, m["label"]))
    meta = f"入库文件的任务正文 · {len(tasks)} 项任务 · {len(spans)} 处标注"
    if outside:
        meta += f" · {outside} 处标注在任务正文之外（如文件开头的依据）"
    return render("".join(pieces), spans, title, meta)


_HEADING = re.compile(r"[^。；\n]{0,40}")


def _start(m: dict[str, Any]) -> int:
    return m["char_start"]
