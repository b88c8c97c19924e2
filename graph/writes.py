"""The write plans: the Cypher statements that store or remove one document, for both engines.

A plan is a list of `Statement`s that a store runs in ONE transaction, so a document is stored whole
or not at all. Everything here is in the Cypher subset Neo4j 5 and ladybug both accept (see
graph/README.md): `UNWIND $rows` batches with uniform row keys, a two-step upsert (create missing
keys, then set properties) because `MERGE` slows down on large ladybug tables, and values only in
parameters; labels and relationship types come from the fixed model, never from input.

Who owns what:
- per-document facts (tasks, role/citation/coverage relationships) carry `doc` = the document's key
  and are deleted by it;
- shared nodes (Agency, Region, cited Policy) are upserted; they are deleted only when no document
  refers to them any more (and, for 隶属 parents, when no child hangs under them);
- 隶属 edges are reference data (administrative hierarchy, agency parents): merged, doc = ''.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import (
    META_LABEL,
    NODE_PROPERTIES,
    REFERENCE_TYPES,
    REL_ENDPOINTS,
    REL_PROPERTIES,
    ROLE_TYPES,
    DocumentGraph,
    Rel,
)

__all__ = [
    "AFFECTED_AGENCIES",
    "BUMP_VERSION",
    "LOOKUP_KEY",
    "LOOKUP_SOURCE",
    "READ_VERSION",
    "Statement",
    "remove_plan",
    "write_plan",
]

DOC_TYPES = [t for t in REL_ENDPOINTS if t not in REFERENCE_TYPES]
ALIAS_SOURCES = (*ROLE_TYPES, "发布")
ALIAS_TYPES = "|".join(f"`{t}`" for t in ALIAS_SOURCES)
BATCH = 2000


@dataclass
class Statement:
    cypher: str
    params: dict[str, Any] = field(default_factory=dict)
    # a statement whose rows the caller needs back (the others are run for their effect)
    returns: bool = False


LOOKUP_SOURCE = (
    "MATCH (p:Policy) WHERE p.source = $source "
    "RETURN p.key AS key, p.content_hash AS content_hash, p.ingested AS ingested"
)
LOOKUP_KEY = "MATCH (p:Policy {key: $key}) RETURN p.key AS key, p.source AS source, p.ingested AS ingested"
READ_VERSION = f"MATCH (m:{META_LABEL} {{name: 'graph'}}) RETURN m.version AS version"
AFFECTED_AGENCIES = f"MATCH (a:Agency)-[r:{ALIAS_TYPES}]->() WHERE r.doc = $doc RETURN DISTINCT a.key AS key"


# The last statement of every write transaction: the graph changed (see model.META_LABEL).
BUMP_VERSION = Statement(
    f"MERGE (m:{META_LABEL} {{name: 'graph'}}) ON CREATE SET m.version = 1 ON MATCH SET m.version = m.version + 1"
)


def _batches(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def _delete_doc_facts(doc: str) -> list[Statement]:
    stmts = [Statement(f"MATCH ()-[r:`{t}`]->() WHERE r.doc = $doc DELETE r", {"doc": doc}) for t in DOC_TYPES]
    stmts.append(Statement("MATCH (t:Task) WHERE t.doc = $doc DETACH DELETE t", {"doc": doc}))
    return stmts


def _sweep_orphans() -> list[Statement]:
    """Delete shared nodes no document refers to. Three passes: a region freed by its child (district →
    city → province) goes in the next pass."""
    any_doc_rel = "|".join(f"`{t}`" for t in DOC_TYPES)
    once = [
        Statement(
            f"MATCH (n:{label}) WHERE NOT EXISTS {{ MATCH (n)-[:{any_doc_rel}]-() }} "
            f"AND NOT EXISTS {{ MATCH (n)<-[:`隶属`]-() }} {extra}DETACH DELETE n"
        )
        for label, extra in (("Agency", ""), ("Region", ""), ("Policy", "AND n.ingested = false "))
    ]
    return once + once + once


def _recompute_aliases(keys: list[str]) -> Statement:
    # Aliases are the mentions on the agency's remaining relationships, so removing a document also
    # removes the aliases only it used.
    return Statement(
        f"UNWIND $keys AS k MATCH (a:Agency {{key: k}}) OPTIONAL MATCH (a)-[r:{ALIAS_TYPES}]->() "
        "WITH a, collect(DISTINCT r.mention) AS ms SET a.aliases = ms",
        {"keys": keys},
    )


def _node_rows(graph: DocumentGraph) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for n in graph.nodes:
        cols = NODE_PROPERTIES[n.label]
        row = {p: n.props.get(p) for p in cols if p != "aliases"}
        row["key"] = n.key
        prev = rows[n.label].get(n.key)
        if prev:  # the same node twice in one document: keep what either copy knows
            row = {p: (row[p] if row[p] is not None else prev[p]) for p in row}
        rows[n.label][n.key] = row
    return {label: list(by_key.values()) for label, by_key in rows.items()}


def _upsert(label: str, rows: list[dict[str, Any]], overwrite: bool) -> list[Statement]:
    stmts = []
    for batch in _batches(rows):
        stmts.append(
            Statement(
                f"UNWIND $rows AS row OPTIONAL MATCH (n:{label} {{key: row.key}}) "
                f"WITH row, n WHERE n IS NULL CREATE (m:{label} {{key: row.key}})",
                {"rows": [{"key": r["key"]} for r in batch]},
            )
        )
        cols = [p for p in batch[0] if p != "key"]
        # ladybug types a parameter column from its values, so a column that is null in every row of
        # the batch is not sent: it is set to NULL literally (or left alone).
        present = [p for p in cols if any(r[p] is not None for r in batch)]
        if not overwrite:
            # Cited-only policies: fill a property only where nothing better is stored.
            sets = ", ".join(f"n.`{p}` = coalesce(n.`{p}`, row.`{p}`)" for p in present)
        else:
            nulls = [p for p in cols if p not in present]
            sets = ", ".join([f"n.`{p}` = row.`{p}`" for p in present] + [f"n.`{p}` = NULL" for p in nulls])
        if sets:
            stmts.append(
                Statement(
                    f"UNWIND $rows AS row MATCH (n:{label} {{key: row.key}}) SET {sets}",
                    {"rows": [{p: r[p] for p in ["key", *present]} for r in batch]},
                )
            )
    return stmts


def _rel_statements(rels: list[Rel]) -> list[Statement]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rels:
        cols = REL_PROPERTIES[r.type]
        row = {"s": r.start[1], "e": r.end[1]}
        row.update({p: r.props.get(p) for p in cols})
        for p in ("char_start", "char_end"):
            row[p] = int(row[p]) if row[p] is not None else -1
        groups[(r.type, r.start[0], r.end[0])].append(row)
    stmts = []
    for (rtype, a, b), rows in groups.items():
        cols = list(REL_PROPERTIES[rtype])
        for batch in _batches(rows):
            present = [p for p in cols if any(r[p] is not None for r in batch)]
            props = ", ".join(f"`{p}`: row.`{p}`" for p in present)
            head = f"UNWIND $rows AS row MATCH (a:{a} {{key: row.s}}) MATCH (b:{b} {{key: row.e}}) "
            if rtype in REFERENCE_TYPES:
                sets = ", ".join(f"r.`{p}` = row.`{p}`" for p in present)
                cypher = head + f"MERGE (a)-[r:`{rtype}`]->(b) ON CREATE SET {sets}"
            else:
                cypher = head + f"CREATE (a)-[:`{rtype}` {{{props}}}]->(b)"
            stmts.append(Statement(cypher, {"rows": [{k: r[k] for k in ["s", "e", *present]} for r in batch]}))
    return stmts


def remove_plan(doc: str, affected_agencies: list[str]) -> list[Statement]:
    """Take one document's facts out; its Policy node stays as a cited-only policy if others cite it."""
    return [
        *_delete_doc_facts(doc),
        Statement(
            "MATCH (p:Policy {key: $doc}) SET p.ingested = false, p.source = NULL, p.content_hash = NULL",
            {"doc": doc},
        ),
        _recompute_aliases(affected_agencies),
        *_sweep_orphans(),
        BUMP_VERSION,
    ]


def write_plan(graph: DocumentGraph, previous_doc: str | None, affected_agencies: list[str]) -> list[Statement]:
    """Replace `previous_doc`'s facts (if any) by `graph`, in statements for one transaction."""
    graph.validate()
    stmts: list[Statement] = []
    if previous_doc is not None:
        stmts += _delete_doc_facts(previous_doc)
        if previous_doc != graph.doc:
            stmts.append(
                Statement(
                    "MATCH (p:Policy {key: $doc}) SET p.ingested = false, p.source = NULL, p.content_hash = NULL",
                    {"doc": previous_doc},
                )
            )
    rows = _node_rows(graph)
    for label in NODE_PROPERTIES:
        label_rows = rows.get(label, [])
        if label == "Policy":
            own = [r for r in label_rows if r["key"] == graph.doc]
            cited = [r for r in label_rows if r["key"] != graph.doc]
            stmts += _upsert(label, own, overwrite=True) if own else []
            stmts += _upsert(label, cited, overwrite=False) if cited else []
        elif label_rows:
            stmts += _upsert(label, label_rows, overwrite=True)
    stmts += _rel_statements(graph.rels)
    new_agencies = {r.start[1] for r in graph.rels if r.start[0] == "Agency" and r.type in ALIAS_SOURCES}
    keys = sorted(new_agencies | set(affected_agencies))
    if keys:
        stmts.append(_recompute_aliases(keys))
    stmts += _sweep_orphans()
    stmts.append(BUMP_VERSION)
    return stmts
