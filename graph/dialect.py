"""The few places where Neo4j and ladybug Cypher differ, kept in one module.

Templates are written in Neo4j 5 syntax within the subset both engines accept; the one construct
with no common spelling, the shortest path, is written as Neo4j's `shortestPath(...)` and rewritten
here for ladybug (`-[* SHORTEST 1..k]-`). Result values are normalised to plain JSON-able Python, nodes and relationships
of both engines to the same shape (a map of properties with `_label`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from neo4j.graph import Node, Path, Relationship

__all__ = ["for_ladybug", "plain"]

_SHORTEST = re.compile(
    r"shortestPath\s*\(\s*(\([^()]*\))\s*-\s*\[\s*(\w*)\s*(:[^\]*]*)?\*\s*(\d*)\s*\.\.\s*(\d+)\s*\]\s*-\s*(\([^()]*\))\s*\)"
)


def for_ladybug(cypher: str) -> str:
    """Rewrite Neo4j-only spellings into ladybug's."""

    def shortest(m: re.Match[str]) -> str:
        a, var, types, lo, hi, b = m.groups()
        types = types or ""
        return f"{a}-[{var}{types}* SHORTEST {lo or 1}..{hi}]-{b}"

    return _SHORTEST.sub(shortest, cypher)


def plain(value: Any) -> Any:
    """Engine values as JSON-able Python: Decimal sums, dates, nested lists and maps."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        if "_NODES" in value:  # a ladybug path
            return {"_nodes": plain(value["_NODES"]), "_rels": plain(value["_RELS"])}
        if "_LABEL" in value:  # a ladybug node or relationship: its properties, as for Neo4j
            return {"_label": value["_LABEL"], **{k: plain(v) for k, v in value.items() if not k.startswith("_")}}
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    if isinstance(value, Path):  # ad-hoc Cypher may return whole paths, nodes and relationships
        return {"_nodes": [plain(n) for n in value.nodes], "_rels": [plain(r) for r in value.relationships]}
    if isinstance(value, Node):
        return {"_label": next(iter(value.labels), None), **plain(dict(value))}
    if isinstance(value, Relationship):
        return {"_label": value.type, **plain(dict(value))}
    return value
