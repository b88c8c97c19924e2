"""Every query template runs on both stores against the sample graph, with the same rows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from policykg.graph import GraphStore
from policykg.queries.registry import get, run, templates

NAMES = sorted(templates())


def test_templates_declare_exactly_the_parameters_they_use() -> None:
    for t in templates().values():
        built = {part for parts in t.keys.values() for part in parts}
        assert set(re.findall(r"\$(\w+)", t.body)) | built == {p.name for p in t.params} | set(t.keys), t.name
        assert t.description and t.returns, t.name


@pytest.mark.parametrize("name", NAMES)
def test_template_example_runs_and_returns_its_columns(sample_store: GraphStore, name: str) -> None:
    t = get(name)
    result = run(sample_store, name, t.example_params())
    assert result.columns == t.returns
    assert result.rows, f"{name} with its example parameters found nothing"


def test_agency_tasks_by_alias_equals_by_canonical_name(sample_store: GraphStore) -> None:
    by_alias = run(sample_store, "agency_tasks", {"agency": "省发展改革委"}).rows
    by_name = run(sample_store, "agency_tasks", {"agency": "山东省发展和改革委员会"}).rows
    assert by_alias == by_name
    assert {r[1] for r in by_name} == {"牵头", "参加", "负责"}
    assert len(by_name) == 13


def test_task_agencies_exact(sample_store: GraphStore) -> None:
    rows = run(sample_store, "task_agencies", get("task_agencies").example_params()).rows
    assert [(r[0], r[1]) for r in rows] == [
        ("参加", "济南市历下区发展和改革局"),
        ("参加", "济南市历下区地方金融监督管理局"),
        ("参加", "济南市历下区工业和信息化局"),
        ("参加", "济南市历下区文化和旅游局"),
        ("参加", "济南市历下区科学技术局"),
        ("牵头", "济南市历下区市场监督管理局"),
    ]


def test_basis_chain_up_and_down(sample_store: GraphStore) -> None:
    up = run(sample_store, "basis_up", get("basis_up").example_params()).records()
    # 003 rests on five policies; one of them is document 002, which rests on the provincial 纲要
    assert [r["depth"] for r in up] == [1, 1, 1, 1, 1, 2]
    assert up[-1]["policy"] == "山东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要"
    ingested = {r["policy"]: r["ingested"] for r in up}
    assert ingested["山东省“十四五”知识产权保护和运用规划"] is True
    assert ingested["专利转化运用专项行动方案（2023—2025年）"] is False
    down = run(sample_store, "basis_down", {"policy": "知识产权强国建设纲要(2021-2035年)"}).records()
    assert sorted(r["policy"] for r in down) == [
        "共建绿色低碳高质量发展知识产权强省实施方案",
        "关于贯彻落实《山东省知识产权强省建设纲要（2021—2035年）》全面促进知识产权高质量发展的实施意见",
        "济南市历下区国家知识产权强县建设示范县（区）工作方案（2024—2026年）",
    ]
    # up and down answer the same row keys
    assert get("basis_up").returns == get("basis_down").returns == ["key", "policy", "depth", "ingested", "region"]
    assert set(up[0]) == set(down[0])


def test_overlap_counts_by_role(sample_store: GraphStore) -> None:
    rows = {r[0]: r[1:] for r in run(sample_store, "agency_overlap", {"agency": "济南市历下区市场监督管理局"}).rows}
    # the district market regulator leads all 15 of its tasks; 各街道办事处 joins it in 8 (三.(四).1-2, 三.(五).1, 四.(一)-(五))
    assert rows["济南市历下区各街道办事处"] == [8, 0, 8, 0]


def test_shortest_connection_walks_shared_tasks(sample_store: GraphStore) -> None:
    rows = run(sample_store, "shortest_connection", get("shortest_connection").example_params()).rows
    nodes = [r[0] for r in rows]
    assert nodes[0] == "中共山东省委机构编制委员会办公室" and nodes[-1] == "山东省公安厅"
    assert len(nodes) == rows[0][1] + 1 and rows[0][1] == 4


def test_region_policies_include_children(sample_store: GraphStore) -> None:
    rows = sorted(run(sample_store, "region_policies", {"region": "山东省"}).rows)
    regions = {r[1] for r in rows}
    assert {"山东省", "威海市", "济南市历下区"} <= regions and len(rows) == 5


def test_a_template_case_is_chosen_by_the_filters_given(sample_store: GraphStore) -> None:
    from policykg.queries.registry import prepared

    policy = "济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)"
    keyed, params = prepared(sample_store, "overlap_matrix", {"policy": policy})
    whole, _ = prepared(sample_store, "overlap_matrix", {})
    assert "{key: $policy}" in keyed and "共担" not in keyed and params["policy"] == policy
    assert "共担" in whole and "$policy" not in whole
    # the derived counts answer what the tasks answer: every pair of the one policy is within the whole graph's
    inside = {(r[0], r[1]): r[2] for r in run(sample_store, "overlap_matrix", {"policy": policy, "limit": 5000}).rows}
    everywhere = {(r[0], r[1]): r[2] for r in run(sample_store, "overlap_matrix", {"limit": 5000}).rows}
    assert inside and all(everywhere[pair] >= n for pair, n in inside.items())


def run_key(t: Any) -> str:
    from policykg.queries.registry import _bound

    return _bound(None, t, {"p": "a", "q": "b"}, None)["k"]


def test_cases_are_checked_when_a_template_is_read() -> None:
    from policykg.queries.registry import _parse

    head = "// name: x\n// param a: string ?=\n// param limit: int ?= 5\n// param offset: int ?= 0\n// returns: k\n"
    page = "RETURN 1 AS k SKIP $offset LIMIT $limit"
    ok = _parse("x", head + f"// when: a\nWITH $a AS k {page}\n// otherwise\n{page}\n")
    assert [needs for needs, _c in ok.cases] == [("a",), ()]
    with pytest.raises(ValueError, match="otherwise"):
        _parse("x", head + f"// when: a\nWITH $a AS k {page}\n")
    with pytest.raises(ValueError, match="does not page"):
        _parse("x", head + f"// when: a\nWITH $a AS k {page}\n// otherwise\nRETURN 1 AS k\n")
    with pytest.raises(ValueError, match="undeclared"):
        _parse("x", head + f"// when: b\nWITH $a AS k {page}\n// otherwise\n{page}\n")
    on = _parse(
        "x",
        head + f"// when: a\nWITH $a AS k {page}\n// when: engine=neo4j\nWITH 2 AS k {page}\n// otherwise\n{page}\n",
    )
    assert "$a" in on.cypher({"a": "v"}, "neo4j") and "WITH 2" in on.cypher({"a": ""}, "neo4j")
    assert on.cypher({"a": ""}, "embedded").startswith("RETURN 1")
    keyed = _parse(
        "x", "// name: x\n// param p: string\n// param q: string\n// key k: p, q\n// returns: k\nRETURN $k AS k"
    )
    assert keyed.keys == {"k": ("p", "q")} and run_key(keyed) == "a#b"
    with pytest.raises(ValueError, match="built from declared"):
        _parse("x", "// name: x\n// param p: string\n// key k: p, z\n// returns: k\nRETURN $k AS k")
    with pytest.raises(ValueError, match="unknown engine"):
        _parse("x", head + f"// when: engine=oracle\nWITH $a AS k {page}\n// otherwise\n{page}\n")


@pytest.mark.parametrize("name", ["who_leads", "tasks_without_lead"])
def test_an_engine_case_answers_as_the_portable_case(sample_store: GraphStore, name: str) -> None:
    """A case for one engine is a faster plan of the same question: same rows, same order."""
    t = get(name)
    portable = t.cases[-1][1]
    mine = run(sample_store, name, {"limit": 500}).rows
    assert mine, name
    assert mine == sample_store.query(portable, {"limit": 500, "offset": 0}).rows
