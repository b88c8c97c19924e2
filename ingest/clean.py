"""Raw text → clean text, with a map from every clean character back to the source text.

What it repairs: stray HTML tags in web extracts, web-page footers ("预览已结束…" and what follows),
page numbers, and lines broken by PDF extraction. A line break inside a sentence is not a paragraph:
a line is joined to the next when it does not end a sentence and either runs to the page's usual
width, carries sentence punctuation, or leaves a bracket open; a line that starts with a heading
marker always starts a paragraph. Table rows (tab-separated) are kept as they are.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from dataclasses import dataclass

__all__ = ["HEADING_START", "CleanText", "clean"]

TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
FOOTER = re.compile(r"预览已结束|完整报告链接|扫码(?:查看|阅读)全文|(?:本文|全文)(?:未完|完)，?请")
PAGE_NUMBER = re.compile(r"^[\s\-—–－]*\d{1,3}[\s\-—–－]*$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$")
URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
# Heading markers: 一、 （一） (一) 1. 1、 1． （1） ①
HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、．.]|[（(]\s*[一二三四五六七八九十百]+\s*[)）]|\d{1,2}\s*[.．、](?!\d)|[（(]\d{1,2}[)）]|[①-⑳])"
)
END_PUNCT = "。！？；：!?;:"
OPEN_CLOSE = {"（": "）", "(": ")", "《": "》", "“": "”", "【": "】", "〔": "〕"}


@dataclass
class CleanText:
    text: str
    offsets: array  # offsets[i] = index in the source text of clean character i

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source-text span of clean span [start, end)."""
        if start >= len(self.offsets):  # at or past the end of the clean text: the end of the source
            end_of_source = self.offsets[-1] + 1 if self.offsets else 0
            return end_of_source, end_of_source
        return self.offsets[start], (self.offsets[end - 1] + 1 if end > start else self.offsets[start])


def _unbalanced(line: str) -> bool:
    depth = 0
    for ch in line:
        if ch in "（(《【〔":
            depth += 1
        elif ch in "）)》】〕":
            depth = max(0, depth - 1)
    return depth > 0


def _typical_width(lines: list[str]) -> int:
    lengths = [len(s) for s in lines if len(s) >= 12 and "\t" not in s]
    if not lengths:
        return 0
    buckets = Counter(n // 3 for n in lengths)
    common, count = buckets.most_common(1)[0]
    # Only a real page width: many lines of about the same length (PDF); web text has none.
    return common * 3 if count >= max(5, len(lengths) // 5) else 0


def clean(raw: str) -> CleanText:
    """Clean `raw`; see the module docstring."""
    # 1. Lines with their source offsets; tags and footers removed.
    lines: list[tuple[str, array]] = []
    pos = 0
    for raw_line in raw.splitlines(keepends=True):
        start = pos
        pos += len(raw_line)
        body = raw_line.rstrip("\r\n")
        if FOOTER.search(body):
            break  # everything after a web footer is the page's chrome, not the document
        # runs of characters between tags, copied whole with their offsets (no per-character loop)
        pieces: list[str] = []
        offs = array("i")
        last = 0
        if "<" in body:
            last_char = ""
            for m in TAG.finditer(body):
                run = body[last : m.start()]
                pieces.append(run)
                offs.extend(range(start + last, start + m.start()))
                last_char = run[-1] if run else last_char
                if m.group(0).lower().startswith(("<p", "</p", "<br", "<div", "</div")) and offs and last_char != " ":
                    pieces.append(" ")  # a block tag separated two items
                    offs.append(start + m.start())
                    last_char = " "
                last = m.end()
        pieces.append(body[last:])
        offs.extend(range(start + last, start + len(body)))
        text = "".join(pieces).replace("\u3000", " ").replace("\xa0", " ")
        # strip, keeping offsets aligned
        lead = len(text) - len(text.lstrip(" "))
        trail = len(text.rstrip(" \t")) if "\t" not in text.strip(" ") else len(text.rstrip(" "))
        text, offs = text[lead:trail], offs[lead:trail]
        if not text.strip() or URL_LINE.match(text):
            lines.append(("", array("i")))
            continue
        if PAGE_NUMBER.match(text):
            lines.append((BARE_NUMBER + text, offs))  # a page number in a PDF, a 序号 cell elsewhere: decided below
            continue
        lines.extend(_split_run_in(text, offs))

    lines = _without_site_chrome(lines)
    content = [t for t, _ in lines if t and not t.startswith(BARE_NUMBER)]
    width = _typical_width(content)
    # Bare numbers are page numbers in text with a page width (PDF) or when decorated (- 3 -, 第3页);
    # in web text they are the 序号 cells of a flattened table.
    numbered_table = any(t.strip() in ("序号", "编号") for t, _ in lines)
    kept = []
    for i, (t, o) in enumerate(lines):
        if t.startswith(BARE_NUMBER):
            page = (width and not numbered_table and not _in_fragments(lines, i)) or not t[1:].strip().isdigit()
            t, o = ("", array("i")) if page else (t[1:], o)
        kept.append((t, o))
    lines = kept

    # 2. Join broken lines into paragraphs.
    out: list[str] = []
    out_offs = array("i")
    prev: str | None = None
    blank_before = False
    spaced = _blank_separated(lines)
    for text, offs in lines:
        if not text:
            blank_before = True
            continue
        if prev is not None:
            if spaced and blank_before:
                # paragraphs written with a blank line between them: the blank line is the boundary
                join = _unbalanced(prev) and "\t" not in prev and "\t" not in text
            else:
                join = _should_join(prev, text, width)
            blank_before = False
            if not join:
                out.append("\n")
                out_offs.append(offs[0] if offs else (out_offs[-1] if out_offs else 0))
        out.append(text)
        out_offs.extend(offs)
        prev = text
    return CleanText("".join(out), out_offs)


# A numbered item run into the previous sentence: "…意见。1.对来莆田…" / "…。（二）…" in one-line web text.
RUN_IN = re.compile(
    r"(?<=[。；;])\s*(?=(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、](?!\d)))"
)
RUN_IN_MIN = 200  # only long lines: a short line with "。1." is a sentence, not a flattened document


def _split_run_in(text: str, offs: array) -> list[tuple[str, array]]:
    """A long line holding several numbered items, split before each item (offsets kept)."""
    if len(text) < RUN_IN_MIN or "\t" in text:
        return [(text, offs)]
    cuts = [m.end() for m in RUN_IN.finditer(text) if 0 < m.end() < len(text)]
    if not cuts:
        return [(text, offs)]
    out, last = [], 0
    for c in [*cuts, len(text)]:
        piece = text[last:c]
        stripped = piece.rstrip(" ")
        if stripped:
            out.append((stripped, offs[last : last + len(stripped)]))
        last = c
    return out


def _blank_separated(lines: list[tuple[str, array]]) -> bool:
    """Whether the text separates its paragraphs with blank lines (Markdown, many web extracts)."""
    content = [i for i, (t, _) in enumerate(lines) if t]
    if len(content) < 8:
        return False
    followed = [i for i in content if i + 1 < len(lines) and not lines[i + 1][0]]
    # a PDF extract with blank lines between its broken lines ends most of them mid-sentence
    closed = [i for i in followed if lines[i][0].rstrip()[-1:] in END_PUNCT + "）)》" or len(lines[i][0]) <= 15]
    return len(followed) >= 0.6 * len(content) and len(closed) >= 0.6 * len(followed)


BARE_NUMBER = "\x00"  # marks a line that is only a number until the text's kind is known
DATE_LINE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
TABLE_START = re.compile(r"^\s*(?:序号|编号|附件|附表)")


# A site's chrome after the document: link lists, copyright and registration lines.
SITE_CHROME = re.compile(
    r"^\s*(?:相关链接|友情链接|关联文件|相关文件|网站地图)\s*$|版权所有|ICP备|网站标识码|公网安备|技术支持\s*[:：]"
)
CHROME_FROM = 0.5  # only in the second half of the page: a heading 相关文件 near the top is the document's


def _without_site_chrome(lines: list[tuple[str, array]]) -> list[tuple[str, array]]:
    start = int(len(lines) * CHROME_FROM)
    for i in range(start, len(lines)):
        if lines[i][0] and SITE_CHROME.search(lines[i][0]):
            return lines[:i]
    return lines


FRAGMENT = 4  # characters: a line this short that ends no sentence is a piece of one


def _in_fragments(lines: list[tuple[str, array]], i: int) -> bool:
    """A bare number between pieces of a broken token (〔2025〕 / 661 / 号, 2025年 / 5 / 月) is text."""
    # the nearest non-empty lines on each side, by index (no copies of the line list: bare numbers can be many)
    before = next((lines[k][0] for k in range(i - 1, -1, -1) if lines[k][0]), "").strip()
    after = next((lines[k][0] for k in range(i + 1, len(lines)) if lines[k][0]), "").strip()
    return (bool(before) and before[-1] in "〔〕（）年月") or (bool(after) and after[0] in "号年月日%〕")


def _fragments(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    if not b or len(b) > FRAGMENT or HEADING_START.match(b) or b[-1] in END_PUNCT:
        return False
    return (len(a) <= FRAGMENT and a[-1] not in END_PUNCT) or a[-1] in "〕）〔年月" or a[-1].isdigit()


def _should_join(a: str, b: str, width: int) -> bool:
    if "\t" in a or "\t" in b or TABLE_START.match(a) or TABLE_START.match(b):
        return False
    if _fragments(a, b):
        return True  # 内发改价费字〔2025〕 / 661 / 号, 2025 / 年 / 5 / 月: a scrape that broke every token
    if b.strip().isdigit() or a.strip().isdigit() or DATE_LINE.match(b):
        return False
    if HEADING_START.match(b):
        return False
    tail = a.rstrip()
    if not tail:
        return False
    if _unbalanced(a):
        return True  # a clause or title left open continues on the next line, whatever ends this one
    if tail[-1] in END_PUNCT:
        return False
    if tail[-1] in "）)" and re.search(r"(?:负责|牵头|参加|配合|参与|协同|单位|部门)[^（(]*[)）]$", tail):
        return False  # a responsibility clause closes its paragraph
    if width and len(a) >= 0.7 * width:
        return True
    # A wrapped sentence carries sentence-internal punctuation; short header lines do not.
    return bool(re.search(r"[，、,]", a)) and len(a) >= 12
