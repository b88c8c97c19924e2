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
    "发布机构": "issuer",
    "发文单位": "issuer",
    "发文机构": "issuer",
    "制发机关": "issuer",
    "成文日期": "date",
    "印发日期": "date",
    "签发日期": "date",
    "标题": "title",
    "名称": "title",
    "文件名称": "title",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "发文号": "doc_number",
    "文件编号": "doc_number",
    "发布日期": "published",
    "发布时间": "published",
    "索引号": "index",
    "主题分类": "topic",
}
# 发文机关：国务院 in one cell (JSP and provincial pages print label and value together)
INLINE_META = re.compile(r"^\s*(" + "|".join(META_LABELS) + r")\s*[：:]\s*(\S.{0,120}?)\s*$")
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


# a title names a document: a cell next to 名称 in a body table (名称 | 金额) does not
TITLE_WORDS = re.compile(
    r"(?:方案|意见|通知|办法|规划|纲要|细则|规定|决定|计划|措施|条例|指南|要点|批复|函|公告|通告|清单|报告)"
)


def _accept(key: str, value: str) -> bool:
    return key != "title" or bool(TITLE_WORDS.search(value))


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
    for td in soup.find_all(["td", "th", "span", "li", "div", "p"]):
        text = td.get_text()
        if len(text) > 200:
            continue  # a container, not a label cell
        label = _clean_label(text)
        if label in META_LABELS and META_LABELS[label] not in meta:
            nxt = td.find_next_sibling(["td", "th", "span", "div"])
            if nxt is not None:
                value = " ".join(nxt.get_text(" ").split())
                if value and _accept(META_LABELS[label], value):
                    meta[META_LABELS[label]] = value
            continue
        # 文　　号：… (label letters spread with full-width spaces)
        inline = INLINE_META.match(re.sub(r"(?<=[\u4e00-\u9fa5])[\s\u3000]+(?=[\u4e00-\u9fa5：:])", "", text.strip()))
        key = META_LABELS[inline.group(1)] if inline else ""
        if (
            inline
            and not td.find(["td", "div", "li", "span", "p"])
            and key not in meta
            and _accept(key, inline.group(2))
        ):
            meta[key] = inline.group(2)
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
            for cells in _table_rows(child):
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


MAX_SPAN = 100  # a rowspan/colspan beyond this is a page's error, not a table


def _table_rows(table: Tag) -> list[list[str]]:
    """The table's rows with merged cells (rowspan, colspan) repeated in every row and column they
    cover, so each row has its cells under its own header."""
    rows: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column → (text, rows still covered)
    for tr in table.find_all("tr"):
        row: list[str] = []
        col = _carry(row, 0, pending)
        for td in tr.find_all(["td", "th"], recursive=False):
            text = " ".join(td.get_text(" ").split())
            span_r = _span(td.get("rowspan"))
            for _ in range(_span(td.get("colspan"))):
                row.append(text)
                if span_r > 1:
                    pending[col] = (text, span_r - 1)
                col += 1
            col = _carry(row, col, pending)
        rows.append(row)
    return rows


def _carry(row: list[str], col: int, pending: dict[int, tuple[str, int]]) -> int:
    """Fill the columns a cell of an earlier row still covers, from `col` on; the next free column."""
    while col in pending:
        text, left = pending[col]
        row.append(text)
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (text, left - 1)
        col += 1
    return col


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value)), MAX_SPAN))
    except (TypeError, ValueError):
        return 1


def _flush(lines: list[str], cur: list[str]) -> None:
    if cur[0].strip():
        lines.append(cur[0])
    cur[0] = ""
