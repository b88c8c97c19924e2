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
    position, i.e. the latest-starting span that still holds it, or None.

    From the latest span starting at or before the position, a span that ends too early hands over to
    its parent (the latest earlier span holding its start): siblings in between cannot hold the
    position, so a lookup climbs the nesting instead of scanning back over every earlier span.
    """
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    starts = [spans[i][0] for i in order]
    ends = [spans[i][1] for i in order]
    parent: list[int] = []
    stack: list[int] = []
    for k, start in enumerate(starts):
        while stack and ends[stack[-1]] <= start:
            stack.pop()
        parent.append(stack[-1] if stack else -1)
        stack.append(k)

    def find(pos: int) -> int | None:
        k = bisect_right(starts, pos) - 1
        while k >= 0 and ends[k] <= pos:
            k = parent[k]
        return order[k] if k >= 0 else None

    return find
