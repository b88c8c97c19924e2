"""Batched writes on both stores: a failing document in a batch leaves no trace while the others land,
derived data kept by every write equals a rebuild from scratch, and the write statements look nodes up
through indexes (EXPLAIN), not label scans."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import _fresh_neo4j
from policykg.graph import GraphStore
from policykg.graph.build import record_to_graph
from policykg.graph.dialect import for_ladybug
from policykg.graph.embedded_store import EmbeddedStore
from policykg.graph.model import ROLE_TYPES, DocumentGraph, Node, Rel
from policykg.graph.writes import (
    BUMP_VERSION,
    LOOKUP_KEYS,
    LOOKUP_SOURCES,
    Statement,
    WriteItem,
    ancestor_queries,
    batch_plan,
    old_version_queries,
    old_versions,
    shared_deltas,
)
from policykg.ingest import extract

ROLES = "|".join(f"`{t}`" for t in ROLE_TYPES)


@pytest.fixture(scope="module")
def sample_graphs(samples: Path) -> list[DocumentGraph]:
    return [record_to_graph(extract(p)) for p in sorted(samples.glob("*.txt"))]


def variant(g: DocumentGraph, tag: str, version: int = 0, keep: float = 1.0, seed: int = 0) -> DocumentGraph:
    """A distinct document made from `g`: its own key, tasks and file, the same agencies, regions and cited
    policies; version > 0 with keep < 1 is a changed version of the same file that drops some roles."""
    key = f"{g.doc}（{tag}）"
    rng = random.Random(f"{tag}/{version}/{seed}")

    def k(label: str, old: str) -> str:
        if label == "Policy" and old == g.doc:
            return key
        return key + old[len(g.doc) :] if label == "Task" else old

    nodes = []
    for n in g.nodes:
        props = dict(n.props)
        if n.label == "Task":
            props.update(policy=key, doc=key)
        if n.label == "Policy" and n.key == g.doc:
            props.update(title=key, source=f"{tag}.txt", content_hash=f"{tag}-{version}")
        nodes.append(Node(n.label, k(n.label, n.key), props))
    rels = []
    for r in g.rels:
        if r.type in ROLE_TYPES and rng.random() > keep:
            continue
        props = dict(r.props)
        if props.get("doc") == g.doc:
            props["doc"] = key
        rels.append(Rel(r.type, (r.start[0], k(*r.start)), (r.end[0], k(*r.end)), props))
    return DocumentGraph(doc=key, source=f"{tag}.txt", content_hash=f"{tag}-{version}", nodes=nodes, rels=rels)


def derived(store: GraphStore) -> tuple[list[list[object]], list[list[object]]]:
    shared = store.query(
        "MATCH (a:Agency)-[s:`共担`]->(b:Agency) RETURN a.key, b.key, s.tasks, s.lead, s.participate, s.responsible"
    ).rows
    tasks = store.query("MATCH (p:Policy) RETURN p.key, p.tasks").rows
    return sorted(shared), sorted(tasks, key=lambda r: r[0])


def expected_shared(store: GraphStore) -> list[list[object]]:
    """共担 computed here from the role relationships, independently of both the writer and the rebuild."""
    roles = store.query(f"MATCH (a:Agency)-[r:{ROLES}]->(t:Task) RETURN a.key, t.key, r.role").rows
    deltas = shared_deltas((a, t, role) for a, t, role in roles)
    return sorted(
        [a, b, d["tasks"], d["lead"], d["participate"], d["responsible"]] for (a, b), d in deltas.items() if d["tasks"]
    )


def test_a_failing_document_in_a_batch_leaves_no_trace_and_the_others_are_stored(
    store: GraphStore, sample_graphs: list[DocumentGraph]
) -> None:
    good = [variant(g, f"good{i}") for i, g in enumerate(sample_graphs)]
    store.write_documents(good[:2])  # already stored: must survive the failed batch
    before = store.version()
    bad = variant(sample_graphs[3], "bad")
    if store.kind == "neo4j":
        # a key past the size Neo4j's index (the key constraint) can hold: refused by the server
        long_key = bad.doc + "长" * 10_000
        bad = replace(
            bad,
            doc=long_key,
            nodes=[
                replace(n, key=long_key, props={**n.props, "title": long_key}) if n.key == bad.doc else n
                for n in bad.nodes
            ],
            rels=[
                replace(
                    r,
                    start=(r.start[0], long_key) if r.start[1] == bad.doc else r.start,
                    end=(r.end[0], long_key) if r.end[1] == bad.doc else r.end,
                    props={**r.props, "doc": long_key} if r.props.get("doc") == bad.doc else r.props,
                )
                for r in bad.rels
            ],
        )
    else:
        # a task position that is not a number, for an INT64 column: the engine's cast fails
        bad = replace(
            bad,
            nodes=[
                replace(n, props={**n.props, "char_start": "第三段"}) if n.label == "Task" else n for n in bad.nodes
            ],
        )
    batch = [good[2], bad, good[3], good[4]]
    results = store.write_documents(batch)
    assert [r.status for r in results] == ["new", "failed", "new", "new"]
    assert results[1].error is not None
    assert ("too large to index" if store.kind == "neo4j" else "INT64") in results[1].detail
    # the bad document left nothing: no policy, no task of it, no relationship with its provenance
    assert not store.query("MATCH (p:Policy) WHERE p.source = 'bad.txt' RETURN p.key").rows
    assert not store.query("MATCH (t:Task) WHERE t.policy = $k RETURN t.key", {"k": bad.doc}).rows
    assert not store.query(f"MATCH ()-[r:{ROLES}]->() WHERE r.doc = $k RETURN r.doc", {"k": bad.doc}).rows
    # the others are stored, as if the bad one had never been in the batch
    stored = {r[0] for r in store.query("MATCH (p:Policy) WHERE p.ingested = true RETURN p.source").rows}
    assert stored == {f"good{i}.txt" for i in range(5)}
    assert store.version() > before
    assert derived(store)[0] == expected_shared(store)
    with pytest.raises(Exception):  # noqa: B017 - each engine raises its own error type
        store.write_document(bad)


def test_a_batch_stores_what_one_by_one_stores(store: GraphStore, sample_graphs: list[DocumentGraph]) -> None:
    docs = [variant(g, f"v{i}") for i, g in enumerate(sample_graphs)]
    first = store.write_documents(docs)
    assert [r.status for r in first] == ["new"] * 5
    batched = (store.counts(), derived(store))
    for d in docs:
        store.remove_document(d.doc)
    assert store.counts()["Task"] == 0 and derived(store)[0] == []
    for d in docs:
        assert store.write_document(d).status == "new"
    assert (store.counts(), derived(store)) == batched
    # the same file twice in one call: the second version replaces the first (it waits for it)
    again = variant(sample_graphs[0], "v0", version=1, keep=0.5)
    statuses = [r.status for r in store.write_documents([docs[1], again, docs[2]])]
    assert statuses == ["unchanged", "updated", "unchanged"]


def test_derived_data_kept_by_each_write_equals_a_rebuild(
    store: GraphStore, sample_graphs: list[DocumentGraph]
) -> None:
    rng = random.Random(12)
    tags = [(f"d{i}", g) for i, g in enumerate(sample_graphs * 3)]
    stored: dict[str, DocumentGraph] = {}
    version = 0
    for _step in range(10):
        batch = []
        for tag, g in rng.sample(tags, 4):
            version += 1
            batch.append(variant(g, tag, version, keep=rng.choice([1.0, 0.6, 0.3]), seed=version))
        for result, doc in zip(store.write_documents(batch), batch, strict=True):
            assert result.status in ("new", "updated"), result.detail
            stored[doc.source] = doc
        if stored and rng.random() < 0.6:
            source = rng.choice(sorted(stored))
            store.remove_document(source)
            del stored[source]
    kept = derived(store)
    assert kept[0] and kept[0] == expected_shared(store)
    tasks = {k: n for k, n in kept[1]}
    for doc in stored.values():
        assert tasks[doc.doc] == sum(1 for n in doc.nodes if n.label == "Task")
    store.rebuild_derived()
    assert derived(store) == kept
    # aliases appended by new documents and recomputed on replace/remove: the mentions on the relationships
    rows = store.query(
        "MATCH (a:Agency)-[r:`牵头`|`参加`|`负责`|`发布`]->() RETURN a.key, collect(DISTINCT r.mention)"
    ).rows
    aliases = dict(store.query("MATCH (a:Agency) RETURN a.key, a.aliases").rows)
    assert {k: sorted(m) for k, m in rows} == {k: sorted(aliases[k]) for k, _ in rows}
    # nothing left behind that no document refers to (what a sweep of the whole graph would delete)
    doc_rels = "|".join(f"`{t}`" for t in ("牵头", "参加", "负责", "依据", "引用", "包含", "发布", "适用", "涉及"))
    for label, extra in (("Agency", ""), ("Region", ""), ("Policy", "AND n.ingested = false ")):
        orphans = store.query(
            f"MATCH (n:{label}) WHERE NOT EXISTS {{ MATCH (n)-[:{doc_rels}]-() }} "
            f"AND NOT EXISTS {{ MATCH (n)<-[:`隶属`]-() }} {extra}RETURN n.key"
        ).rows
        assert orphans == [], label


# -- the plans of the hot write statements ----------------------------------------------------------------


@pytest.fixture(scope="module")
def plans(sample_graphs: list[DocumentGraph]) -> Iterator[list[Statement]]:
    """Every statement a batch of new documents and a replacement run, and the lookups beside them."""
    new = batch_plan([WriteItem(variant(g, f"n{i}")) for i, g in enumerate(sample_graphs)], tail=[BUMP_VERSION])
    g = variant(sample_graphs[3], "p0")
    old = old_versions([g.doc], lambda c, p: [])[g.doc]
    old.roles = [(r.start[1], r.end[1], r.type) for r in g.rels if r.type in ROLE_TYPES]
    old.agencies = {a for a, _, _ in old.roles}
    old.candidates["Agency"] = set(old.agencies)
    old.candidates["Region"] = {r.end[1] for r in g.rels if r.type == "适用"}
    replacing = batch_plan([WriteItem(variant(sample_graphs[3], "p0", 1, keep=0.5), g.doc, old)])
    lookups = [
        Statement(LOOKUP_SOURCES, {"sources": ["p0.txt"]}),
        Statement(LOOKUP_KEYS, {"keys": [g.doc]}),
        *(Statement(q, {"d": g.doc}) for q in old_version_queries().values()),
        *(Statement(q, {"keys": ["山东省"]}) for q in ancestor_queries().values()),
    ]
    yield [s for s in new + replacing + lookups if re.search(r"\{key: (row\.|k\b|\$d)|Meta|p\.source = s", s.cypher)]


def _store_with_documents(store: GraphStore, sample_graphs: list[DocumentGraph]) -> None:
    # planners pick by statistics: give them a graph with some size
    for i in range(4):
        store.write_documents([variant(g, f"s{i}-{j}") for j, g in enumerate(sample_graphs)])
    store.write_documents([variant(sample_graphs[3], "p0")])


def _neo4j_operators(plan: dict) -> list[str]:  # type: ignore[type-arg]
    out = [plan["operatorType"].split("@")[0].split("(")[0]]  # NodeUniqueIndexSeek(Locking)@neo4j
    for child in plan.get("children", []):
        out += _neo4j_operators(child)
    return out


def test_neo4j_write_statements_seek_indexes(
    neo4j_uri: str, sample_graphs: list[DocumentGraph], plans: list[Statement]
) -> None:
    store = _fresh_neo4j(neo4j_uri)
    _store_with_documents(store, sample_graphs)
    bad = []
    with store._driver.session() as s:  # type: ignore[attr-defined]
        for st in plans:
            ops = _neo4j_operators(s.run("EXPLAIN " + st.cypher, st.params).consume().plan)
            scans = {"NodeByLabelScan", "AllNodesScan", "NodeIndexScan"} & set(ops)
            if scans or not {"NodeUniqueIndexSeek", "NodeIndexSeek"} & set(ops):
                bad.append((st.cypher, ops))
    store.close()
    assert bad == []
    assert len(plans) > 30


def test_embedded_write_statements_look_keys_up_by_primary_key(
    tmp_path: Path, sample_graphs: list[DocumentGraph], plans: list[Statement]
) -> None:
    store = EmbeddedStore(tmp_path / "data")
    _store_with_documents(store, sample_graphs)
    bad = []
    for st in plans:
        if "p.source = s" in st.cypher:
            continue  # ladybug has no index but the primary key: a file's lookup scans Policy (graph/README.md)
        text = store._conn.execute("EXPLAIN " + for_ladybug(st.cypher), st.params).get_all()[0][0]  # type: ignore[attr-defined]
        ops = re.findall(r"([A-Z_]+)\[\d+\]", text)
        # keys are looked up in the primary-key index; a node table is scanned only under a semi-mask of
        # the nodes looked up (it reads just those)
        if not {"QUERY_PRIMARY_KEY_LOOKUP", "PRIMARY_KEY_SCAN_NODE_TABLE"} & set(ops) or (
            "SCAN_NODE_TABLE" in ops and "SEMI_MASKER" not in ops
        ):
            bad.append((st.cypher, ops))
    store.close()
    assert bad == []
