"""Government web pages → body text and the page's metadata table.

gov.cn-style pages put 索引号/发文机关/成文日期/标题/发文字号 in a table above the body; the body is the
content container (id UCAP-CONTENT and the like) or, failing that, the largest text block. Block
elements become lines and table rows become tab-separated lines.

Nesting is bounded: walking a tree costs time in its depth, and libxml2 stops building one at 256
levels. Depth is measured first by lxml (linear, in C); a page nested deeper than MAX_DEPTH, which no
real page is, is read as flat text instead (tags dropped, block tags as line breaks), in linear time.
"""

from __future__ import annotations

import html as html_lib
import re

import lxml.html
from bs4 import BeautifulSoup, NavigableString, Tag

__all__ = ["MAX_DEPTH", "html_text"]

MAX_DEPTH = 200
_TAG_NAME = re.compile(r"/?\s*([a-zA-Z][a-zA-Z0-9]*)")
_SKIPPED = {"script", "style", "noscript", "iframe", "head"}

META_LABELS = {
    "发文机关": "issuer",
    "成文日期": "date",
    "标题": "title",
    "发文字号": "doc_number",
    "发布日期": "published",
    "索引号": "index",
    "主题分类": "topic",
}
CONTENT_IDS = ("UCAP-CONTENT", "zoom", "Zoom", "content", "article", "mainText", "pare")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
BLOCKS = {
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "table",
    "section",
    "article",
    "center",
}


def _clean_label(s: str) -> str:
    return re.sub(r"[\s\u3000：:]", "", s)


def depth(raw: str) -> int:
    """The element nesting depth of a page (at most libxml2's 256: it stops there)."""
    try:
        root = lxml.html.document_fromstring(raw)
    except Exception:  # an empty or unparsable page: the BeautifulSoup path reports it
        return 0
    deepest, stack = 0, [(root, 1)]
    while stack:
        el, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in el)
    return deepest


def flat_text(raw: str) -> str:
    """Text of a page without its tree: block tags become line breaks, cells tabs, other tags nothing.
    One forward scan with str.find (a regex over unclosed `<` would rescan the rest at each one)."""
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        lt = raw.find("<", i)
        if lt < 0:
            out.append(raw[i:])
            break
        out.append(raw[i:lt])
        if raw.startswith("<!--", lt):
            end = raw.find("-->", lt + 4)
            i = n if end < 0 else end + 3
            continue
        gt = raw.find(">", lt + 1)
        if gt < 0:
            break
        m = _TAG_NAME.match(raw, lt + 1, gt)
        name = m.group(1).lower() if m else ""
        i = gt + 1
        if name in _SKIPPED and not raw[lt + 1 : gt].lstrip().startswith("/"):
            close = re.compile(f"</{name}", re.IGNORECASE).search(raw, i)
            i = n if close is None else close.start()
        elif name in BLOCKS:
            out.append("\n")
        elif name in ("td", "th"):
            out.append("\t")
    text = html_lib.unescape("".join(out)).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_text(raw: str) -> tuple[str, dict[str, str]]:
    if depth(raw) > MAX_DEPTH:
        return flat_text(raw), {}
    soup = BeautifulSoup(raw, "lxml")
    for t in soup(["script", "style", "noscript", "iframe", "head"]):
        t.decompose()
    meta: dict[str, str] = {}
    for td in soup.find_all(["td", "th", "span", "li", "div"]):
        label = _clean_label(td.get_text())
        if label in META_LABELS and META_LABELS[label] not in meta:
            nxt = td.find_next_sibling(["td", "th", "span", "div"])
            if nxt is not None:
                value = " ".join(nxt.get_text(" ").split())
                if value:
                    meta[META_LABELS[label]] = value
    body = None
    for cid in CONTENT_IDS:
        body = soup.find(id=cid) or soup.find(class_=cid)
        if body is not None and len(body.get_text(strip=True)) > 50:
            break
        body = None
    if body is None:
        # The block with the most direct paragraph text.
        cands = [t for t in soup.find_all(["div", "td", "article", "section"]) if t.find("p", recursive=False)]
        body = max(cands, key=lambda t: len(t.get_text(strip=True)), default=soup.body or soup)
    lines: list[str] = []
    _walk(body, lines, [""])
    text = "\n".join(line.strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip(), meta


def _walk(node: Tag, lines: list[str], cur: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            cur[0] += str(child).replace("\xa0", " ").replace("\n", " ")
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "table":
            _flush(lines, cur)
            for tr in child.find_all("tr"):
                cells = [" ".join(td.get_text(" ").split()) for td in tr.find_all(["td", "th"], recursive=False)]
                if any(cells):
                    lines.append("\t".join(cells))
            continue
        if name == "br":
            _flush(lines, cur)
            continue
        if name in ("strong", "b") and not cur[0].strip() and HEADING.match(child.get_text().strip()):
            # a bold heading that shares its paragraph with the first sentence is a line of its own
            _walk(child, lines, cur)
            _flush(lines, cur)
            continue
        if name in BLOCKS:
            _flush(lines, cur)
            _walk(child, lines, cur)
            _flush(lines, cur)
        else:
            _walk(child, lines, cur)


def _flush(lines: list[str], cur: list[str]) -> None:
    if cur[0].strip():
        lines.append(cur[0])
    cur[0] = ""
