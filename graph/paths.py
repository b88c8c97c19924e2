"""Task paths in document order: a sort key that reads Chinese and Arabic numerals at every level.

A task path is the numbering of a task (`二.(三).1`); as text, `二.(三)` sorts before `二.(二)` and
`三.(十一)` before `三.(四)`. `path_sort_key` turns each level into a zero-padded number, so the key
sorts as the document reads: 二.(二) < 二.(三), 三.(九) < 三.(十一), a parent before its children. It is
stored on Task nodes as `sort_key` when a document is written, and every template orders by it.
"""

from __future__ import annotations

import re

__all__ = ["chinese_number", "path_sort_key"]

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(r"\d+|[零〇一二两三四五六七八九十百千]+")
WIDTH = 5


def chinese_number(text: str) -> int | None:
    """十一 → 11, 二十 → 20, 一百零五 → 105, 三 → 3; None when `text` is not a Chinese numeral."""
    if not text or any(c not in DIGITS and c not in UNITS for c in text):
        return None
    if all(c in DIGITS for c in text):  # 二〇二四: digit by digit
        return int("".join(str(DIGITS[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in DIGITS:
            digit = DIGITS[c]
        else:
            total += (1 if digit is None else digit) * UNITS[c]
            digit = None
    return total + (digit or 0)


def _level(segment: str) -> str:
    m = _NUMBER.search(segment)
    if m:
        n = int(m.group()) if m.group().isdigit() else chinese_number(m.group())
        if n is not None:
            return f"{n:0{WIDTH}d}"
    return "~" + segment  # no number: after the numbered siblings, by its text


def path_sort_key(path: str) -> str:
    """The key that sorts task paths in document order: `三.(十一).2` → `00003.00011.00002`."""
    return ".".join(_level(s) for s in path.split("."))
