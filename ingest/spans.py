"""Interval lookups over character spans: containment tests and innermost sections, by bisection.

Documents of a few MB hold thousands of clauses, places and sections; a linear scan per lookup makes
extraction quadratic in the document's length.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate

__all__ = ["contained", "innermost"]


def contained(intervals: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether [a, b) lies inside one of `intervals`: among those starting at or before a,
    the farthest end must reach b (a prefix maximum over the sorted starts)."""
    ordered = sorted(intervals)
    starts = [x for x, _ in ordered]
    reach = list(accumulate((y for _, y in ordered), max))

    def inside(a: int, b: int) -> bool:
        i = bisect_right(starts, a) - 1
        return i >= 0 and reach[i] >= b

    return inside


def innermost(spans: Sequence[tuple[int, int]]) -> Callable[[int], int | None]:
    """For nested spans (sections and their sub-sections): the index of the innermost one holding a
    position, i.e. the latest-starting span that still holds it, or None."""
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    starts = [spans[i][0] for i in order]

    def find(pos: int) -> int | None:
        k = bisect_right(starts, pos) - 1
        while k >= 0:
            if pos < spans[order[k]][1]:
                return order[k]
            k -= 1
        return None

    return find
