"""Why X is 牵头 here: the rule and the lead rule's span stored on role relationships, on both stores,
and older embedded stores brought up to the current columns in place."""

from __future__ import annotations

from pathlib import Path

import ladybug
from policykg.graph import GraphStore
from policykg.graph.embedded_store import EmbeddedStore
from policykg.ingest import extract
from policykg.queries.registry import get, run


def test_role_relationships_carry_the_rule_and_the_lead_rule_span(sample_store: GraphStore, samples: Path) -> None:
    result = run(sample_store, "task_agencies", get("task_agencies").example_params())
    rows = [dict(zip(result.columns, r, strict=True)) for r in result.rows]
    assert {r["rule"] for r in rows} == {"bracket.lead_rule"}
    spans = {(r["lead_rule_start"], r["lead_rule_end"]) for r in rows}
    assert len(spans) == 1
    start, end = spans.pop()
    text = extract(samples / "003_22293d2eac0c7b96.txt", keep_text=True).clean_text
    assert text is not None and text[start:end].startswith("排在首位的为牵头单位")
    lead = [r["agency"] for r in rows if r["role"] == "牵头"]
    assert lead == ["济南市历下区市场监督管理局"]


def test_edges_without_a_lead_rule_say_so(sample_store: GraphStore) -> None:
    result = run(sample_store, "edge_evidence", {"agency": "山东省知识产权局", "path": "二.(一).1"})
    rows = {r[1]: dict(zip(result.columns, r, strict=True)) for r in result.rows}
    clause = rows["共建绿色低碳高质量发展知识产权强省实施方案"]  # （…；山东省知识产权局牵头，…）
    table = rows["山东省知识产权强省建设实施方案重点任务分工表"]  # a 分工表 row's 责任部门 string
    assert (clause["role"], clause["rule"], clause["lead_rule_start"]) == ("牵头", "bracket.role_word", -1)
    assert table["rule"].startswith("table.") and table["lead_rule_end"] == -1


def test_an_embedded_store_of_an_earlier_version_gains_the_new_columns(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # the role relationship table as version 0.1 made it: no rule columns
    db = ladybug.Database(str(data / "graph.lbug"))
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE Agency(`key` STRING, PRIMARY KEY (`key`))")
    conn.execute("CREATE NODE TABLE Task(`key` STRING, PRIMARY KEY (`key`))")
    conn.execute("CREATE REL TABLE `牵头`(FROM Agency TO Task, `doc` STRING, `role` STRING, `mention` STRING)")
    conn.execute("CREATE (:Agency {key: 'a'})-[:`牵头` {doc: 'd', role: '牵头', mention: 'a'}]->(:Task {key: 't'})")
    del conn, db
    with EmbeddedStore(data) as store:
        rows = store.query("MATCH (a:Agency)-[r:`牵头`]->(t:Task) RETURN r.rule AS rule, r.lead_rule_start AS s").rows
    assert rows == [["", -1]]
