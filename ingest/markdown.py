"""Markdown text (web pages converted by compilers and scrapers) → plain text and page metadata.

What is read: a YAML front matter block (标题, 文号, 发布单位, 发布日期 …) becomes metadata hints; heading
marks (`# `), emphasis and link syntax are blanked; pipe tables become tab-separated rows (the table
reader's input), their separator row dropped; quoted notes (`> `) above the document's first heading are
the compiler's remarks (本文正文由脚本…提取), not the document. Every kept character stays at its offset
(what is removed becomes spaces), so provenance spans point into the file as read.
"""

from __future__ import annotations

import re

__all__ = ["looks_markdown", "markdown_text"]

FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
FIELD = re.compile(r"^\s*([^:：\n]{1,20})\s*[:：]\s*(.*?)\s*$")
HEADING = re.compile(r"^(#{1,6})[ \t]+")
QUOTE = re.compile(r"^>[ \t]?")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
# front matter keys → the metadata names the header reader knows (hints: the text itself wins)
KEYS = {
    "标题": "title_hint",
    "title": "title_hint",
    "文号": "doc_number_hint",
    "发文字号": "doc_number_hint",
    "发布单位": "issuer_hint",
    "发文机关": "issuer_hint",
    "成文日期": "date_hint",
    "发布日期": "date_hint",
    "date": "date_hint",
}


def looks_markdown(text: str, name: str = "") -> bool:
    if name.lower().endswith((".md", ".markdown")):
        return True
    return bool(FRONT.match(text))


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def markdown_text(text: str) -> tuple[str, dict[str, str]]:
    """(text with Markdown syntax blanked, metadata hints from the front matter)."""
    meta: dict[str, str] = {}
    front = FRONT.match(text)
    if front:
        for line in front.group(1).splitlines():
            m = FIELD.match(line)
            if m and m.group(2) and m.group(1).strip() in KEYS:
                meta.setdefault(KEYS[m.group(1).strip()], m.group(2).strip().strip("'\""))
        text = _blank(text[: front.end()]) + text[front.end() :]
    out = []
    seen_heading = False
    for line in text.split("\n"):
        h = HEADING.match(line)
        if h:
            seen_heading = True
            line = " " * h.end() + line[h.end() :]
        elif QUOTE.match(line) and not seen_heading:
            line = _blank(line)  # a compiler's note above the document
        elif SEPARATOR.match(line) and "-" in line:
            line = _blank(line)
        elif TABLE_ROW.match(line):
            inner = line.strip()
            lead = len(line) - len(line.lstrip())
            cells = inner[1:-1]
            # | a | b | → a\tb: pipes become tabs in place; the outer pipes are blanked
            line = " " * lead + " " + cells.replace("|", "\t") + " " + line[lead + len(inner) :]
        line = LINK.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), line)
        line = re.sub(r"\*\*(.+?)\*\*", lambda m: "  " + m.group(1) + "  ", line)
        out.append(line)
    return "\n".join(out), meta
