"""Schema statements per engine, derived from graph/model.py.

Engine-specific DDL lives here and nowhere else: query templates stay in the Cypher both engines
accept. Every statement is idempotent (IF NOT EXISTS), so a store runs them on every open.
"""

from __future__ import annotations

from .model import (
    DERIVED_ENDPOINTS,
    DERIVED_PROPERTIES,
    META_LABEL,
    META_PROPERTIES,
    NODE_PROPERTIES,
    REL_ENDPOINTS,
    REL_PROPERTIES,
    SHARED,
)

__all__ = ["ladybug_add_columns", "ladybug_columns", "ladybug_schema", "neo4j_schema"]


def _q(name: str) -> str:
    return f"`{name}`"


def ladybug_schema() -> list[str]:
    """CREATE NODE/REL TABLE statements: ladybug needs a typed table per label and relationship type."""
    stmts = []
    for label, props in NODE_PROPERTIES.items():
        cols = ", ".join(f"{_q(p)} {t}" for p, t in props.items())
        stmts.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({cols}, PRIMARY KEY (`key`))")
    meta = ", ".join(f"{_q(p)} {t}" for p, t in META_PROPERTIES.items())
    stmts.append(f"CREATE NODE TABLE IF NOT EXISTS {META_LABEL}({meta}, PRIMARY KEY (`name`))")
    for rtype, ends in REL_ENDPOINTS.items():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in ends)
        cols = ", ".join(f"{_q(p)} {t}" for p, t in REL_PROPERTIES[rtype].items())
        stmts.append(f"CREATE REL TABLE IF NOT EXISTS {_q(rtype)}({pairs}, {cols})")
    for rtype, ends in DERIVED_ENDPOINTS.items():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in ends)
        cols = ", ".join(f"{_q(p)} {t}" for p, t in DERIVED_PROPERTIES[rtype].items())
        stmts.append(f"CREATE REL TABLE IF NOT EXISTS {_q(rtype)}({pairs}, {cols})")
    # a store made before a property existed gets the column (the store fills it, see store.py)
    stmts += [
        f"ALTER TABLE {label} ADD IF NOT EXISTS {_q(p)} {t}"
        for label, props in NODE_PROPERTIES.items()
        for p, t in props.items()
        if p != "key"
    ]
    return stmts


DEFAULTS = {"STRING": "''", "INT64": "-1", "DOUBLE": "0", "BOOLEAN": "false"}


def ladybug_columns() -> dict[str, dict[str, str]]:
    """Every table's columns (name → type), node and relationship tables alike."""
    cols = {label: dict(props) for label, props in NODE_PROPERTIES.items()}
    cols.update({rtype: dict(REL_PROPERTIES[rtype]) for rtype in REL_ENDPOINTS})
    return cols


def ladybug_add_columns(table: str, columns: dict[str, str], have: set[str]) -> list[str]:
    """ALTER statements adding the columns a table made by an earlier version lacks."""
    return [
        f"ALTER TABLE {_q(table)} ADD IF NOT EXISTS {_q(p)} {t}" + (f" DEFAULT {DEFAULTS[t]}" if t in DEFAULTS else "")
        for p, t in columns.items()
        if p not in have
    ]


# Every property a template (queries/*.cypher) or a write compares to a parameter or joins on, beside the
# keys: Task.policy (a policy's tasks), Task.path, Policy.title/region/ingested/doc_number/source.
NEO4J_INDEXES = {
    "Task": ("doc", "policy", "path", "sort_key"),
    "Policy": ("source", "title", "doc_number", "region", "ingested", "date"),
    "Agency": ("name",),
    "Region": ("name",),
}


def neo4j_schema() -> list[str]:
    """Uniqueness constraints on every key, lookup indexes, and a provenance index per relationship type.

    Every write looks nodes up by key (the constraints' indexes); the `doc` index on relationships and
    Task.policy keep replacing or removing one document cheap in a large graph; the full-text index
    serves keyword search from Neo4j Browser, the TEXT indexes `CONTAINS`. The derived `共担` relationships are found
    from their start agency, or by their `tasks` count for the busiest pairs.
    """
    stmts = [
        f"CREATE CONSTRAINT {label.lower()}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.key IS UNIQUE"
        for label in NODE_PROPERTIES
    ]
    stmts.append(f"CREATE CONSTRAINT meta_name IF NOT EXISTS FOR (n:{META_LABEL}) REQUIRE n.name IS UNIQUE")
    stmts += [
        f"CREATE INDEX {label.lower()}_{p} IF NOT EXISTS FOR (n:{label}) ON (n.{_q(p)})"
        for label, props in NEO4J_INDEXES.items()
        for p in props
    ]
    stmts.append("CREATE FULLTEXT INDEX task_text IF NOT EXISTS FOR (n:Task) ON EACH [n.title, n.text]")
    # task_search's `CONTAINS $q` plans as two TEXT-index scans instead of reading every Task
    stmts += [f"CREATE TEXT INDEX task_{p}_text IF NOT EXISTS FOR (n:Task) ON (n.{p})" for p in ("title", "text")]
    # the whole-graph overlap_matrix reads the busiest pairs first from this index (an index seek + top-k)
    stmts.append(f"CREATE INDEX shared_tasks IF NOT EXISTS FOR ()-[s:{_q(SHARED)}]-() ON (s.tasks)")
    for i, rtype in enumerate(REL_ENDPOINTS):
        stmts.append(f"CREATE INDEX rel_doc_{i} IF NOT EXISTS FOR ()-[r:{_q(rtype)}]-() ON (r.doc)")
    return stmts
