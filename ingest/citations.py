"""《…》 citations → basis (依据) and other citations (引用), with normalised policy keys.

Basis: titles the preamble says the document implements or rests on (为全面落实《…》, 根据《…》,
依据《…》, 贯彻落实《…》, 按照《…》): every 《》 after such a trigger in the same preamble sentence.
Every other distinct 《》 in the text is cited; the document's own title is neither.
`policy_key` normalises a title so the same policy cited two ways is one node: NFKC, one dash,
no spaces or quotes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Citation", "find_citations", "policy_key"]

TITLE = re.compile(r"《([^《》\n]{2,120})》")
TRIGGER = re.compile(r"全面落实|贯彻落实|深入贯彻|认真贯彻|贯彻|落实|根据|依据|按照|依照|遵照|为实施|实施")
DASHES = dict.fromkeys(map(ord, "—–－‐‑‒―~～"), "-")


def policy_key(title: str) -> str:
    s = unicodedata.normalize("NFKC", title).translate(DASHES)
    s = re.sub(r"-+", "-", s)
    return re.sub(r"[\s《》〈〉<>\"“”‘’'「」]", "", s)


@dataclass
class Citation:
    title: str
    start: int  # span of the title (inside the 《》)
    end: int
    basis: bool
    evidence: str


def find_citations(text: str, own_titles: list[str], preamble: tuple[int, int]) -> list[Citation]:
    """The document's 《》 citations; `own_titles` are the names of the document itself (the title, the
    policy its cover notice prints), never cited."""
    own = {policy_key(t) for t in own_titles if t}
    out: list[Citation] = []
    seen: dict[str, Citation] = {}
    p0, p1 = preamble
    for m in TITLE.finditer(text):
        title = re.sub(r"\s+", "", m.group(1))
        key = policy_key(title)
        if not key or key in own:
            continue
        sent_start = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        sent_end_m = re.compile(r"[。\n]").search(text, m.end())
        sent_end = sent_end_m.end() if sent_end_m else len(text)
        sentence = text[sent_start:sent_end].strip()
        basis = False
        if p0 <= m.start() < p1:
            before = text[sent_start : m.start()]
            basis = bool(TRIGGER.search(before))
        if key in seen:
            if basis and not seen[key].basis:
                seen[key].basis = True
            continue
        c = Citation(title, m.start(1), m.end(1), basis, sentence)
        seen[key] = c
        out.append(c)
    return out
