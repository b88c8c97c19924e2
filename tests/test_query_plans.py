"""The plans of the hot templates on a real Neo4j: a keyed lookup starts from its key, never from a scan.

Each template runs under PROFILE with its example parameters (names resolved, the case chosen, as
`registry.run` sends it); the operators of the plan must not scan all nodes, nor every Task, nor a
whole role or 包含 relationship table. Statistics are refreshed after the load, as `policykg load --bulk`
does. The plan changes with the planner and the indexes
(graph/schema.py), so a change there that makes a lookup scan fails here. Times are not asserted
here (bench/ measures them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import SAMPLES, _fresh_neo4j
from policykg.graph.neo4j_store import Neo4jStore
from policykg.queries.registry import get, prepared, run

# template → parameters beyond its example (a filter that selects the keyed case)
KEYED = {
    "agency_detail": {},
    "agency_tasks": {},
    "agency_overlap": {},
    "edge_evidence": {},
    "policy_detail": {},
    "policy_tasks": {},
    "task_detail": {},
    "task_agencies": {},
    "document_marks": {},
    "region_tasks": {},
    "region_policies": {},
    "basis_up": {},
    "basis_down": {},
    "shared_task": {},
    "shortest_connection": {},
    "overlap_matrix": {"policy": "济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)"},
    "who_leads": {"policy": "济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)"},
    "tasks_without_lead": {"policy": "共建绿色低碳高质量发展知识产权强省实施方案"},
    "overlap_role_edges": {"policy": "济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)"},
}
# Lists over the whole graph that must still not touch every Task (they read derived data); `documents`
# reads the ingested policies from the index on Policy.ingested.
NO_TASK_SCAN = {"documents": {}, "overlap_matrix": {}, "agency_overlap": {}}
SCANS = ("NodeByLabelScan", "NodeIndexScan", "DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan")
BIG = ("Task", "Policy", "牵头", "参加", "负责", "包含")


@pytest.fixture(scope="module")
def neo4j_samples(request: pytest.FixtureRequest) -> Iterator[Neo4jStore]:
    from policykg.graph.ingest import ingest_paths

    store = _fresh_neo4j(request.getfixturevalue("neo4j_uri"))
    assert ingest_paths(store, [str(SAMPLES)], progress=False).failed == 0
    # the plans of the data as loaded: a fresh server's index samples are of its empty database until
    # resampled in the background, and a plan made on them may scan where a seek is meant
    store.refresh_statistics()
    try:
        yield store
    finally:
        store.close()


def operators(plan: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(operator, details) of every operator of a profiled plan, depth first."""
    yield plan["operatorType"].split("@")[0], str(plan.get("args", {}).get("Details", ""))
    for child in plan.get("children", []):
        yield from operators(child)


def profile(store: Neo4jStore, name: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    cypher, bound = prepared(store, name, {**get(name).example_params(), **params})
    with store._driver.session() as session:
        summary = session.run("PROFILE " + cypher, bound).consume()
    assert summary.profile, name
    return list(operators(summary.profile))


def scans(ops: list[tuple[str, str]], big: tuple[str, ...] = BIG) -> list[tuple[str, str]]:
    """The operators that read every node of a big label or every relationship of a big type."""
    return [
        (op, details)
        for op, details in ops
        if op == "AllNodesScan" or (op in SCANS and any(f":{what}" in details for what in big))
    ]


@pytest.mark.parametrize("name", sorted(KEYED))
def test_keyed_template_starts_from_its_key(neo4j_samples: Neo4jStore, name: str) -> None:
    ops = profile(neo4j_samples, name, KEYED[name])
    assert not scans(ops), f"{name} scans: {scans(ops)}\nplan: {ops}"
    assert any("Seek" in op for op, _d in ops), f"{name} looks nothing up by key: {ops}"
    assert run(neo4j_samples, name, {**get(name).example_params(), **KEYED[name]}).rows, name


@pytest.mark.parametrize("name", sorted(NO_TASK_SCAN))
def test_whole_graph_lists_read_no_task(neo4j_samples: Neo4jStore, name: str) -> None:
    params = {**get(name).example_params(), **NO_TASK_SCAN[name]}
    ops = profile(neo4j_samples, name, NO_TASK_SCAN[name])
    assert not scans(ops, tuple(b for b in BIG if b != "Policy")), f"{name} scans: {scans(ops)}\nplan: {ops}"
    touched = " ".join(details for _op, details in ops)
    assert ":Task" not in touched and "包含" not in touched, f"{name} reads tasks: {ops}"
    assert run(neo4j_samples, name, params).rows, name


def test_the_check_sees_a_scan(neo4j_samples: Neo4jStore) -> None:
    # the old form of a policy's tasks, a join on a property: the check must catch its Task scan
    with neo4j_samples._driver.session() as session:
        summary = session.run(
            "PROFILE MATCH (p:Policy {key: $k}) MATCH (t:Task) WHERE t.title = p.title RETURN count(t)",
            {"k": "x"},
        ).consume()
    assert scans(list(operators(summary.profile)))


# Whole-graph pages in a stable order: Neo4j reads the policies in index order and sorts only within one
# policy (PartialSort / PartialTop / OrderedAggregation), so a page stops early instead of sorting the graph.
STREAMED = {"who_leads": {}, "tasks_without_lead": {}}


@pytest.mark.parametrize("name", sorted(STREAMED))
def test_whole_graph_pages_stream_in_index_order(neo4j_samples: Neo4jStore, name: str) -> None:
    ops = profile(neo4j_samples, name, STREAMED[name])
    kinds = [op for op, _d in ops]
    assert {"PartialSort", "PartialTop", "OrderedAggregation"} & set(kinds), f"{name}: {ops}"
    assert not {"Sort", "Top", "EagerAggregation"} & set(kinds), f"{name} sorts everything: {ops}"
    assert run(neo4j_samples, name, STREAMED[name]).rows, name


def test_lead_ranking_reads_degrees(neo4j_samples: Neo4jStore) -> None:
    ops = profile(neo4j_samples, "lead_ranking", {})
    touched = " ".join(d for _op, d in ops)
    assert "getDegree" in touched and not any(op.startswith("Expand") for op, _d in ops), ops
