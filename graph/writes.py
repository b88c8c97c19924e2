"""The write plans: the Cypher statements that store, replace or remove documents, for both engines.

A plan is a list of `Statement`s that a store runs in ONE transaction: one document, or a batch of
documents whose rows are UNWIND-ed together (a failed batch is retried document by document by the
store, so a document is still stored whole or not at all). Everything here is in the Cypher subset
Neo4j 5 and ladybug both accept (see graph/README.md): `UNWIND $rows` batches with uniform row keys, a
two-step upsert (create missing keys, then set properties) because `MERGE` slows down on large ladybug
tables, and values only in parameters; labels and relationship types come from the fixed model.

Who owns what:
- per-document facts (tasks, role/citation/coverage relationships) carry `doc` = the document's key;
  every one of them hangs on the document's Policy node or on its tasks (reached by 包含), so taking a
  version out starts from its Policy node and costs what the document holds, not what the graph holds;
- shared nodes (Agency, Region, cited Policy) are upserted; they are deleted only when no document
  refers to them any more (and, for 隶属 parents, when no child hangs under them). Only the nodes an
  old version touched can lose their last reference, so only they are checked (a new document
  orphans nothing);
- an agency's aliases are the mentions on its relationships: a new document appends its mentions, a
  replaced or removed one makes its agencies' aliases recomputed;
- 隶属 edges are reference data (administrative hierarchy, agency parents): merged, doc = '';
- derived data (`Policy.tasks`, the `共担` Agency->Agency aggregate, graph/model.py) is updated by the
  difference each document makes, in the same transaction; `derived_rebuild_plan` recomputes it all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import (
    DERIVED_COUNTS,
    META_LABEL,
    NODE_PROPERTIES,
    REFERENCE_TYPES,
    REL_ENDPOINTS,
    REL_PROPERTIES,
    ROLE_TYPES,
    SHARED,
    DocumentGraph,
    Rel,
)

__all__ = [
    "BUMP_VERSION",
    "LOOKUP_KEYS",
    "LOOKUP_SOURCES",
    "READ_VERSION",
    "OldVersion",
    "Statement",
    "WriteItem",
    "batch_plan",
    "derived_rebuild_plan",
    "old_version_queries",
    "old_versions",
    "shared_deltas",
]

DOC_TYPES = [t for t in REL_ENDPOINTS if t not in REFERENCE_TYPES]
ALIAS_SOURCES = (*ROLE_TYPES, "发布")
ALIAS_TYPES = "|".join(f"`{t}`" for t in ALIAS_SOURCES)
ROLES = "|".join(f"`{t}`" for t in ROLE_TYPES)
BATCH = 2000
# a document's tasks, from its Policy node down the 包含 tree (numbering paths are a few levels deep).
# Statements about old versions take one document each ($d, not UNWIND): ladybug starts a recursive
# match from a primary-key lookup only when the key is a parameter, not a value from UNWIND.
TASKS_OF = "(p:Policy {key: $d})-[:`包含`*1..16]->(t:Task)"
SWEEP_PASSES = 4  # a node freed by its child (district → city → province) goes in the next pass
ANCESTORS = 3


@dataclass
class Statement:
    cypher: str
    params: dict[str, Any] = field(default_factory=dict)
    # a statement whose rows the caller needs back (the others are run for their effect)
    returns: bool = False


# Batched lookups: which stored document each file is, and who owns each policy key.
LOOKUP_SOURCES = (
    "UNWIND $sources AS s MATCH (p:Policy) WHERE p.source = s "
    "RETURN s AS source, p.key AS key, p.content_hash AS content_hash, p.ingested AS ingested"
)
LOOKUP_KEYS = (
    "UNWIND $keys AS k MATCH (p:Policy {key: k}) RETURN p.key AS key, p.source AS source, p.ingested AS ingested"
)
READ_VERSION = f"MATCH (m:{META_LABEL} {{name: 'graph'}}) RETURN m.version AS version"

# The last statement of every write transaction: the graph changed (see model.META_LABEL).
BUMP_VERSION = Statement(
    f"MERGE (m:{META_LABEL} {{name: 'graph'}}) ON CREATE SET m.version = 1 ON MATCH SET m.version = m.version + 1"
)


@dataclass
class OldVersion:
    """What a stored version of a document touched, read before it is replaced or removed."""

    doc: str
    roles: list[tuple[str, str, str]] = field(default_factory=list)  # (agency, task, role)
    agencies: set[str] = field(default_factory=set)  # holding a role or 发布 on it: aliases to recompute
    candidates: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # label -> keys


@dataclass
class WriteItem:
    """One document to write: its graph, the key of the version it replaces and what that version held."""

    graph: DocumentGraph
    previous: str | None = None
    old: OldVersion | None = None


def old_version_queries() -> dict[str, str]:
    """Read queries (parameter `d`) for what a stored version touched; rows (key[, task, role])."""
    return {
        "roles": f"MATCH {TASKS_OF}<-[r:{ROLES}]-(a:Agency) RETURN a.key AS key, t.key AS task, r.role AS role",
        "Agency": "MATCH (p:Policy {key: $d})<-[r:`发布`]-(a:Agency) WHERE r.doc = $d RETURN a.key AS key",
        "Policy": "MATCH (p:Policy {key: $d})-[r:`依据`|`引用`]->(c:Policy) WHERE r.doc = $d RETURN c.key AS key",
        "Region": "MATCH (p:Policy {key: $d})-[r:`适用`]->(g:Region) WHERE r.doc = $d RETURN g.key AS key",
        "Region.tasks": f"MATCH {TASKS_OF}-[:`涉及`]->(g:Region) RETURN g.key AS key",
    }


def ancestor_queries() -> dict[tuple[str, str], str]:
    """Read queries (parameter `keys`) for the 隶属 parents of nodes, one level up (a freed node may free
    its parent in turn); one step at a time, since a variable-length match from UNWIND-ed keys makes
    ladybug expand from every node."""
    return {
        (start, end): f"UNWIND $keys AS k MATCH (n:{start} {{key: k}}) OPTIONAL MATCH (n)-[:`隶属`]->(m:{end}) "
        "WITH m WHERE m IS NOT NULL RETURN DISTINCT m.key AS key"
        for start, end in REL_ENDPOINTS["隶属"]
    }


def old_versions(docs: list[str], read: Any) -> dict[str, OldVersion]:
    """Gather what each stored version in `docs` touched; `read(cypher, params)` returns row lists."""
    out = {d: OldVersion(d) for d in docs}
    for d, old in out.items():
        for name, cypher in old_version_queries().items():
            for row in read(cypher, {"d": d}):
                if name == "roles":
                    old.roles.append((row[0], row[1], row[2]))
                    old.agencies.add(row[0])
                    old.candidates["Agency"].add(row[0])
                else:
                    label = name.split(".")[0]
                    old.candidates[label].add(row[0])
                    if label == "Agency":
                        old.agencies.add(row[0])
        frontier = {label: set(keys) for label, keys in old.candidates.items()}
        for _ in range(ANCESTORS):
            up: dict[str, set[str]] = defaultdict(set)
            for (start, end), cypher in ancestor_queries().items():
                if frontier.get(start):
                    up[end].update(r[0] for r in read(cypher, {"keys": sorted(frontier[start])}))
            for label, keys in up.items():
                old.candidates[label] |= keys
            frontier = up
    return out


def _batches(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def _unwind(cypher: str, key: str, values: list[Any]) -> list[Statement]:
    return [Statement(cypher, {key: values[i : i + BATCH]}) for i in range(0, len(values), BATCH)]


def _delete_doc_facts(docs: list[str]) -> list[Statement]:
    # Tasks take their role, 涉及 and 包含 relationships with them; the rest hang on the Policy node.
    stmts = []
    for d in docs:
        stmts += [
            Statement(f"MATCH {TASKS_OF} DETACH DELETE t", {"d": d}),
            Statement("MATCH (p:Policy {key: $d})-[r:`依据`|`引用`|`适用`]->() WHERE r.doc = $d DELETE r", {"d": d}),
            Statement("MATCH (p:Policy {key: $d})<-[r:`发布`]-() WHERE r.doc = $d DELETE r", {"d": d}),
        ]
    return stmts


def _unstore(docs: list[str]) -> list[Statement]:
    """The Policy nodes of versions taken out stay as cited-only policies (swept if nothing cites them)."""
    return _unwind(
        "UNWIND $docs AS d MATCH (p:Policy {key: d}) "
        "SET p.ingested = false, p.source = NULL, p.content_hash = NULL, p.tasks = NULL",
        "docs",
        docs,
    )


def _sweep(candidates: dict[str, set[str]]) -> list[Statement]:
    """Delete the candidates no document refers to any more."""
    any_doc_rel = "|".join(f"`{t}`" for t in DOC_TYPES)
    once = []
    for label, extra in (("Agency", ""), ("Region", ""), ("Policy", "AND n.ingested = false ")):
        keys = sorted(candidates.get(label, ()))
        if keys:
            once += _unwind(
                f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
                f"WHERE NOT EXISTS {{ MATCH (n)-[:{any_doc_rel}]-() }} "
                f"AND NOT EXISTS {{ MATCH (n)<-[:`隶属`]-() }} {extra}"
                # every check reads before any delete: a row's DETACH DELETE must not change what the next
                # row's check walks over (Neo4j: "Node with id … has been deleted in this transaction")
                f"WITH collect(n.key) AS dead UNWIND dead AS d MATCH (m:{label} {{key: d}}) DETACH DELETE m",
                "keys",
                keys,
            )
    return once * SWEEP_PASSES if once else []


def _recompute_aliases(keys: list[str]) -> list[Statement]:
    # Aliases are the mentions on the agency's remaining relationships, so removing a document also
    # removes the aliases only it used.
    return _unwind(
        f"UNWIND $keys AS k MATCH (a:Agency {{key: k}}) OPTIONAL MATCH (a)-[r:{ALIAS_TYPES}]->() "
        "WITH a, collect(DISTINCT r.mention) AS ms SET a.aliases = ms",
        "keys",
        keys,
    )


def _append_aliases(mentions: dict[str, set[str]]) -> list[Statement]:
    rows = [{"key": k, "mentions": sorted(ms)} for k, ms in sorted(mentions.items()) if ms]
    return _unwind(
        "UNWIND $rows AS row MATCH (a:Agency {key: row.key}) UNWIND row.mentions AS m "
        "WITH a, m WHERE a.aliases IS NULL OR NOT m IN a.aliases WITH a, collect(m) AS added "
        "SET a.aliases = CASE WHEN a.aliases IS NULL THEN added ELSE a.aliases + added END",
        "rows",
        rows,
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
    own = rows["Policy"].get(graph.doc)
    if own is not None:
        own["tasks"] = len(rows.get("Task", {}))
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
    merged: set[tuple[str, str, str]] = set()
    for r in rels:
        if r.type in REFERENCE_TYPES:  # merged: one row per pair, even when several documents bring it
            sig = (r.type, r.start[1], r.end[1])
            if sig in merged:
                continue
            merged.add(sig)
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


def shared_deltas(roles: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], Counter[str]]:
    """The `共担` counts role assignments (agency, task, role) add: per ordered pair (a, b) of distinct
    agencies on a common task, `tasks` (shared tasks) and b's role relationships on them by role."""
    by_task: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for agency, task, role in roles:
        by_task[task][agency][DERIVED_COUNTS[role]] += 1
    out: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for holders in by_task.values():
        for a in holders:
            for b, counts in holders.items():
                if a != b:
                    c = out[(a, b)]
                    c["tasks"] += 1
                    c.update(counts)
    return out


def roles_of(graph: DocumentGraph) -> list[tuple[str, str, str]]:
    """(agency key, task key, role) of every role assignment of a document: what 共担 counts."""
    return [(r.start[1], r.end[1], r.type) for r in graph.rels if r.type in ROLE_TYPES]


def _shared_statements(delta: dict[tuple[str, str], Counter[str]]) -> list[Statement]:
    cols = ["tasks", *DERIVED_COUNTS.values()]
    rows = [{"a": a, "b": b, **{c: int(d[c]) for c in cols}} for (a, b), d in sorted(delta.items()) if any(d.values())]
    if not rows:
        return []
    # OPTIONAL MATCH: ladybug then extends from the two looked-up agencies instead of joining every 共担
    match = (
        "UNWIND $rows AS row MATCH (a:Agency {key: row.a}) MATCH (b:Agency {key: row.b}) "
        f"OPTIONAL MATCH (a)-[s:`{SHARED}`]->(b) WITH row, s WHERE s IS NOT NULL "
    )
    zero = ", ".join(f"`{c}`: 0" for c in cols)
    add = ", ".join(f"s.`{c}` = s.`{c}` + row.`{c}`" for c in cols)
    grown = [r for r in rows if r["tasks"] > 0]
    return [
        *_unwind(
            "UNWIND $rows AS row MATCH (a:Agency {key: row.a}) MATCH (b:Agency {key: row.b}) "
            f"OPTIONAL MATCH (a)-[s:`{SHARED}`]->(b) WITH a, b, s WHERE s IS NULL CREATE (a)-[:`{SHARED}` {{{zero}}}]->(b)",
            "rows",
            grown,
        ),
        *_unwind(match + f"SET {add}", "rows", rows),
        *_unwind(match + "AND s.tasks <= 0 DELETE s", "rows", [r for r in rows if r["tasks"] < 0]),
    ]


def _unreferenced(graph: DocumentGraph) -> dict[str, set[str]]:
    """Shared nodes a document brings that none of its facts reach (an agency named on a task that was not
    kept, the province above a place mentioned there): orphan candidates as soon as they are written, as
    before. Reached = an end of a document relationship, or up the 隶属 edges from a reached node."""
    reached = {r.start for r in graph.rels if r.type not in REFERENCE_TYPES}
    reached |= {r.end for r in graph.rels if r.type not in REFERENCE_TYPES}
    up: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for r in graph.rels:
        if r.type in REFERENCE_TYPES:
            up[r.start].append(r.end)
    todo = list(reached)
    while todo:
        for parent in up.get(todo.pop(), ()):
            if parent not in reached:
                reached.add(parent)
                todo.append(parent)
    out: dict[str, set[str]] = defaultdict(set)
    for n in graph.nodes:
        if (n.label, n.key) not in reached and n.key != graph.doc:
            out[n.label].add(n.key)
    return out


def batch_plan(
    items: list[WriteItem], removals: list[OldVersion] | None = None, tail: list[Statement] | None = None
) -> list[Statement]:
    """Write `items` (each replacing its previous version, if any) and take `removals` out, in statements
    for one transaction; `tail` (the graph version's bump) ends it."""
    removals = removals or []
    stmts: list[Statement] = []
    olds = [i.old for i in items if i.old is not None] + removals
    replaced = [i.previous for i in items if i.previous is not None]
    if replaced or removals:
        stmts += _delete_doc_facts(sorted({*replaced, *(o.doc for o in removals)}))
    gone = sorted({i.previous for i in items if i.previous and i.previous != i.graph.doc} | {o.doc for o in removals})
    stmts += _unstore(gone)

    # nodes: every document's rows per label; a key two documents share takes the later one's row, as
    # writing them one after the other would
    by_label: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    own: dict[str, dict[str, Any]] = {}
    for item in items:
        item.graph.validate()
        for label, rows in _node_rows(item.graph).items():
            for r in rows:
                if label == "Policy" and r["key"] == item.graph.doc:
                    own[r["key"]] = r
                elif label == "Policy":
                    by_label[label].setdefault(r["key"], r)  # cited: first comer fills, coalesce keeps
                else:
                    by_label[label][r["key"]] = r
    for label in NODE_PROPERTIES:
        if label == "Policy":
            cited = [r for k, r in by_label["Policy"].items() if k not in own]
            stmts += _upsert(label, cited, overwrite=False) if cited else []
            stmts += _upsert(label, list(own.values()), overwrite=True) if own else []
        elif by_label.get(label):
            stmts += _upsert(label, list(by_label[label].values()), overwrite=True)
    stmts += _rel_statements([r for item in items for r in item.graph.rels])

    # aliases: appended for agencies only new documents touched, recomputed for the old versions' ones
    recompute = sorted({a for o in olds for a in o.agencies})
    mentions: dict[str, set[str]] = defaultdict(set)
    for item in items:
        for r in item.graph.rels:
            agency = r.start[1] if r.start[0] == "Agency" and r.type in ALIAS_SOURCES else None
            if agency is not None and agency not in recompute and r.props.get("mention") is not None:
                mentions[r.start[1]].add(r.props["mention"])
    stmts += _append_aliases(mentions)
    stmts += _recompute_aliases(recompute)

    # derived: the difference the batch makes to 共担
    delta: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for item in items:
        for pair, d in shared_deltas(roles_of(item.graph)).items():
            delta[pair].update(d)
    for o in olds:
        for pair, d in shared_deltas(o.roles).items():
            delta[pair].subtract(d)
    stmts += _shared_statements(delta)

    candidates: dict[str, set[str]] = defaultdict(set)
    for o in olds:
        for label, keys in o.candidates.items():
            candidates[label] |= keys
    for label, keys in [kv for item in items for kv in _unreferenced(item.graph).items()]:
        candidates[label] |= keys
    candidates["Policy"] |= set(gone)
    stmts += _sweep(candidates)
    return stmts + (tail or [])


def derived_rebuild_plan() -> list[Statement]:
    """Recompute `Policy.tasks` and every `共担` from the document facts (after a bulk load, say)."""
    counts = ", ".join(
        f"sum(CASE WHEN r.role = '{role}' THEN 1 ELSE 0 END) AS `{name}`" for role, name in DERIVED_COUNTS.items()
    )
    props = ", ".join(["tasks: tasks", *(f"`{n}`: `{n}`" for n in DERIVED_COUNTS.values())])
    return [
        Statement(f"MATCH ()-[s:`{SHARED}`]->() DELETE s"),
        Statement("MATCH (p:Policy) SET p.tasks = CASE WHEN p.ingested = true THEN 0 ELSE NULL END"),
        Statement(
            "MATCH (t:Task) WITH t.policy AS k, count(t) AS n MATCH (p:Policy {key: k}) "
            "WHERE p.ingested = true SET p.tasks = n"
        ),
        Statement(
            f"MATCH (a:Agency)-[:{ROLES}]->(t:Task) WITH DISTINCT a, t "
            f"MATCH (t)<-[r:{ROLES}]-(b:Agency) WHERE a <> b "
            f"WITH a, b, count(DISTINCT t) AS tasks, {counts} "
            f"CREATE (a)-[:`{SHARED}` {{{props}}}]->(b)"
        ),
    ]
