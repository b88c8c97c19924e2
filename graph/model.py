"""The graph model of policy-kg: node labels, relationship types, their properties and keys.

This is the single definition both stores derive their schema from (ladybug tables, Neo4j
constraints and indexes) and the shape the ingest side hands to a store: a `DocumentGraph`, the
nodes and relationships one document contributes, each relationship with its provenance.
See graph/README.md for the picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DERIVED_COUNTS",
    "DERIVED_PROPERTIES",
    "META_LABEL",
    "META_PROPERTIES",
    "NODE_PROPERTIES",
    "PROVENANCE",
    "REFERENCE_DOC",
    "REFERENCE_TYPES",
    "REL_ENDPOINTS",
    "REL_PROPERTIES",
    "ROLE_TYPES",
    "SHARED",
    "DocumentGraph",
    "Node",
    "Rel",
]

Label = Literal["Policy", "Task", "Agency", "Region"]

# Property name -> type (ladybug type names; Neo4j is schemaless). `key` is every label's primary key.
NODE_PROPERTIES: dict[str, dict[str, str]] = {
    "Policy": {
        "key": "STRING",  # normalised title (the same policy cited two ways is one node)
        "title": "STRING",
        "doc_number": "STRING",  # 文号
        "issuers": "STRING[]",
        "date": "STRING",  # 成文日期, ISO
        "level": "STRING",  # 国家 / 省级 / 地市级 / 县级
        "region": "STRING",  # the jurisdiction it governs
        "source": "STRING",  # file name it was ingested from (null for cited-only policies)
        "content_hash": "STRING",
        "ingested": "BOOLEAN",  # false: known only because a document cites it
        "tasks": "INT64",  # derived: the document's Task nodes (null for cited-only policies)
    },
    "Task": {
        "key": "STRING",  # policy key + '#' + numbering path
        "policy": "STRING",
        "path": "STRING",  # gold format: 二.(一).1
        "sort_key": "STRING",  # the path in document order (graph/paths.py): 00002.00001.00001
        "title": "STRING",
        "text": "STRING",
        "doc": "STRING",
        "char_start": "INT64",  # span of the task's text in the document's clean text
        "char_end": "INT64",
    },
    "Agency": {
        "key": "STRING",  # canonical official name
        "name": "STRING",
        "aliases": "STRING[]",  # every mention seen, recomputed from the relationships
        "level": "STRING",
        "parent": "STRING",
        "region": "STRING",
    },
    "Region": {
        "key": "STRING",  # normalised name (济南市历下区)
        "name": "STRING",
        "level": "STRING",
        "code": "STRING",  # administrative division code when known
        "parent": "STRING",
    },
}

# The graph's version: one node that every committed write bumps, so a reader that keeps what it
# computed (the API's response cache) knows when it is stale, whichever process wrote. Not a policy
# fact: it has `name`, not `key`, so the whole-graph exports (every node with a key) leave it out.
META_LABEL = "Meta"
META_PROPERTIES: dict[str, str] = {"name": "STRING", "version": "INT64"}

# Every relationship carries where it was read: the document (policy key), the character span in that
# document's clean text, and the evidence sentence.
PROVENANCE: dict[str, str] = {
    "doc": "STRING",
    "char_start": "INT64",
    "char_end": "INT64",
    "evidence": "STRING",
}

ROLE_TYPES = ("牵头", "参加", "负责")
# Reference relationships (the administrative hierarchy, an agency's parent) belong to no document:
# they are merged, and carry doc = REFERENCE_DOC.
REFERENCE_TYPES = frozenset({"隶属"})
REFERENCE_DOC = ""

REL_ENDPOINTS: dict[str, list[tuple[str, str]]] = {
    "牵头": [("Agency", "Task")],
    "参加": [("Agency", "Task")],
    "负责": [("Agency", "Task")],
    "依据": [("Policy", "Policy")],
    "引用": [("Policy", "Policy")],
    "包含": [("Policy", "Task"), ("Task", "Task")],
    "发布": [("Agency", "Policy")],
    "适用": [("Policy", "Region")],
    "涉及": [("Task", "Region")],
    "隶属": [("Agency", "Agency"), ("Agency", "Region"), ("Region", "Region")],
}

# Derived data, not document facts: kept up to date by every write (graph/writes.py) and recomputed by
# `GraphStore.rebuild_derived()`, left out of counts and exports. `共担` joins each ordered pair of
# distinct agencies holding a role on a common task: `tasks` shared tasks, and how many of the END
# agency's role relationships fall on them, by role.
SHARED = "共担"
DERIVED_COUNTS = {"牵头": "lead", "参加": "participate", "负责": "responsible"}
DERIVED_PROPERTIES: dict[str, dict[str, str]] = {
    SHARED: {"tasks": "INT64", **dict.fromkeys(DERIVED_COUNTS.values(), "INT64")},
}
DERIVED_ENDPOINTS: dict[str, list[tuple[str, str]]] = {SHARED: [("Agency", "Agency")]}

# Role relationships also keep the verbatim mention (the alias) and the role as a property, because
# `type(r)` is not portable Cypher (ladybug spells it label(r)).
# They also say why the role is what it is: `rule` (how it was read: bracket.lead_rule, line.label,
# table.column …) and the span of the lead rule applied (列第一位者为牵头单位), -1 when none was.
ROLE_PROPERTIES = {
    "role": "STRING",
    "mention": "STRING",
    "rule": "STRING",
    "lead_rule_start": "INT64",
    "lead_rule_end": "INT64",
}
REL_PROPERTIES: dict[str, dict[str, str]] = {
    t: {**PROVENANCE, **(ROLE_PROPERTIES if t in ROLE_TYPES or t == "发布" else {})} for t in REL_ENDPOINTS
}


@dataclass(frozen=True)
class Node:
    label: str
    key: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rel:
    type: str
    start: tuple[str, str]  # (label, key)
    end: tuple[str, str]
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class DocumentGraph:
    """What one document contributes to the graph; written in one transaction.

    `doc` is the document's Policy key; every relationship's provenance `doc` equals it, which is how
    a changed or removed document takes exactly its own facts out again.
    """

    doc: str
    source: str
    content_hash: str
    nodes: list[Node] = field(default_factory=list)
    rels: list[Rel] = field(default_factory=list)

    def validate(self) -> None:
        """Raise ValueError when the graph breaks the model (unknown label/type/property, dangling end)."""
        keys = {(n.label, n.key) for n in self.nodes}
        for n in self.nodes:
            if n.label not in NODE_PROPERTIES:
                raise ValueError(f"unknown node label {n.label!r}")
            extra = set(n.props) - set(NODE_PROPERTIES[n.label])
            if extra:
                raise ValueError(f"{n.label} {n.key!r}: unknown properties {sorted(extra)}")
        for r in self.rels:
            if r.type not in REL_ENDPOINTS:
                raise ValueError(f"unknown relationship type {r.type!r}")
            if (r.start[0], r.end[0]) not in REL_ENDPOINTS[r.type]:
                raise ValueError(f"{r.type} cannot join {r.start[0]} to {r.end[0]}")
            if r.start not in keys or r.end not in keys:
                raise ValueError(f"{r.type} {r.start}->{r.end}: endpoint not among the document's nodes")
            if r.props.get("doc") != (REFERENCE_DOC if r.type in REFERENCE_TYPES else self.doc):
                raise ValueError(f"{r.type} {r.start}->{r.end}: provenance doc is not {self.doc!r}")
            extra = set(r.props) - set(REL_PROPERTIES[r.type])
            if extra:
                raise ValueError(f"{r.type}: unknown properties {sorted(extra)}")
