"""The HTTP API over both stores holding the sample documents: resources, pagination, templates, /cypher."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api import create_app
from policykg.graph import GraphStore
from policykg.queries.registry import get, run, templates

from policykg.settings import Settings

ROW_LIMIT = 40


@pytest.fixture(scope="module")
def client(sample_store: GraphStore) -> Iterator[TestClient]:
    app = create_app(Settings(row_limit=ROW_LIMIT), store=sample_store)
    with TestClient(app) as c:
        yield c


def gold_assignments(gold_dir: Path, doc: str, path: str) -> set[tuple[str, str]]:
    gold = json.loads((gold_dir / f"{doc}.json").read_text(encoding="utf-8"))
    return {(a["role"], a["agency"]) for a in gold["assignments"] if a["task_path"] == path}


def test_health_reports_the_store_and_its_counts(client: TestClient, sample_store: GraphStore) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["store"] == sample_store.kind
    assert body["counts"] == sample_store.counts() and body["counts"]["Task"] == 144


def test_agency_search_by_alias_pages_through_everything(client: TestClient) -> None:
    found = client.get("/agencies", params={"q": "发展改革委"}).json()["items"]
    assert "山东省发展和改革委员会" in [a["agency"] for a in found]
    everything = client.get("/agencies", params={"limit": 1000}).json()
    assert everything["next"] is None
    seen, url = [], "/agencies?limit=7"
    while url:
        body = client.get(url).json()
        assert len(body["items"]) <= 7
        seen += [a["agency"] for a in body["items"]]
        url = body["next"]
    assert seen == [a["agency"] for a in everything["items"]] and len(set(seen)) == len(seen) == 94


def test_agency_detail_tasks_and_errors(client: TestClient, sample_store: GraphStore) -> None:
    detail = client.get("/agencies/省发展改革委").json()
    assert detail["agency"] == "山东省发展和改革委员会" and "省发展改革委" in detail["aliases"]
    leads = client.get("/agencies/省知识产权局/tasks", params={"role": "牵头", "limit": 1000}).json()["items"]
    expected = run(sample_store, "agency_tasks", {"agency": "山东省知识产权局", "role": "牵头", "limit": 1000})
    assert leads == expected.records() and len(leads) == 24
    missing = client.get("/agencies/没有这个机构")
    assert missing.status_code == 404 and "没有这个机构" in missing.json()["error"]["message"]
    bad_role = client.get("/agencies/省知识产权局/tasks", params={"role": "主办"})
    assert bad_role.status_code == 422 and bad_role.json()["error"]["type"] == "TemplateParamError"
    assert client.get("/agencies", params={"limit": 0}).status_code == 422


def test_task_detail_has_agencies_roles_and_evidence(client: TestClient, gold_dir: Path) -> None:
    policy = "济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)"
    task = client.get(f"/tasks/{policy}/三.(三).1").json()
    assert task["task_title"] == "提升知识产权保护能力和水平" and task["parent_path"] == "三.(三)"
    assert task["text"].startswith("1. 提升知识产权保护能力和水平")
    got = {(a["role"], a["agency"]) for a in task["agencies"]}
    assert got == gold_assignments(gold_dir, "003_22293d2eac0c7b96", "三.(三).1")
    assert all(a["mention"] in a["evidence"] for a in task["agencies"])
    assert client.get(f"/tasks/{policy}/九.(九)").status_code == 404
    hits = client.get("/tasks", params={"q": "质押融资"}).json()["items"]
    assert hits == run(client.app.state.store, "task_search", {"q": "质押融资"}).records()


def test_policies_detail_basis_and_tasks(client: TestClient, gold_dir: Path) -> None:
    listed = client.get("/policies").json()["items"]
    assert len(listed) == 5 and all(p["ingested"] for p in listed)
    cited = client.get("/policies", params={"include_cited": True, "limit": 1000}).json()["items"]
    assert len(cited) == 20
    by_number = client.get("/policies/鲁政办字〔2021〕78号").json()
    assert by_number["title"] == "山东省“十四五”知识产权保护和运用规划" and by_number["tasks"] == 6
    up = client.get(f"/policies/{by_number['key']}/basis").json()["items"]
    assert [p["policy"] for p in up] == ["山东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要"]
    down = client.get("/policies/知识产权强国建设纲要(2021-2035年)/basis", params={"direction": "down"}).json()["items"]
    assert len(down) == 3
    policy = "济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)"
    tasks = client.get(f"/policies/{policy}/tasks", params={"limit": 1000}).json()["items"]
    gold = json.loads((gold_dir / "003_22293d2eac0c7b96.json").read_text(encoding="utf-8"))
    assert [t["task_path"] for t in tasks] == [t["path"] for t in gold["tasks"]]
    for t in tasks:
        lead = {("牵头", a) for a in t["leads"]} | {("参加", a) for a in t["participants"]}
        assert lead | {("负责", a) for a in t["responsible"]} == gold_assignments(
            gold_dir, "003_22293d2eac0c7b96", t["task_path"]
        )
    pairs = client.get(f"/policies/{policy}/overlap").json()["items"]
    assert pairs and all(p["agency_a"] < p["agency_b"] for p in pairs)


def test_regions(client: TestClient) -> None:
    shandong = client.get("/regions/山东省/policies").json()["items"]
    assert len(shandong) == 5 and {"济南市历下区", "威海市"} <= {p["region"] for p in shandong}
    assert [t["task_path"] for t in client.get("/regions/黄河流域/tasks").json()["items"]] == [
        r[1] for r in run(client.app.state.store, "region_tasks", {"region": "黄河流域"}).rows
    ]


def test_named_templates_over_http(client: TestClient, sample_store: GraphStore) -> None:
    listed = {t["name"]: t for t in client.get("/queries").json()["items"]}
    assert set(listed) == set(templates())
    assert [p["name"] for p in listed["agency_tasks"]["parameters"]] == ["agency", "role", "limit", "offset"]
    for name, t in templates().items():
        res = client.post(f"/queries/{name}", json=t.example_params())
        assert res.status_code == 200, (name, res.text)
        body = res.json()
        expected = run(sample_store, name, t.example_params(), limit=ROW_LIMIT)
        assert body["columns"] == get(name).returns, name
        if "ORDER BY" in t.body:
            assert body["rows"] == expected.rows, name
        elif not expected.truncated:  # a template that orders nothing (document_marks, a UNION): rows, no order
            assert sorted(map(json.dumps, body["rows"])) == sorted(map(json.dumps, expected.rows)), name
        else:  # cut at the row limit with no order: which rows is the engine's choice, how many is not
            assert body["truncated"] and len(body["rows"]) == len(expected.rows), name
    assert client.post("/queries/agency_tasks", json={}).status_code == 422
    unknown = client.post("/queries/agency_tasks", json={"agency": "x", "nope": 1})
    assert unknown.status_code == 422 and "nope" in unknown.json()["error"]["message"]
    assert client.post("/queries/agency_tasks", json={"agency": "x", "limit": "many"}).status_code == 422
    assert client.post("/queries/no_such_template", json={}).status_code == 404


def test_cypher_reads_with_a_row_limit(client: TestClient) -> None:
    res = client.post(
        "/cypher",
        json={
            "query": "MATCH (a:Agency) WHERE a.key = $k RETURN a.name AS name, a",
            "parameters": {"k": "山东省知识产权局"},
        },
    ).json()
    assert res["columns"] == ["name", "a"] and res["rows"][0][0] == "山东省知识产权局"
    node = res["rows"][0][1]
    assert node["_label"] == "Agency" and node["key"] == "山东省知识产权局" and "省知识产权局" in node["aliases"]
    big = client.post("/cypher", json={"query": "MATCH (t:Task) RETURN t.key AS k"}).json()
    assert big["truncated"] is True and len(big["rows"]) == ROW_LIMIT
    bad = client.post("/cypher", json={"query": "MATCH (n RETURN n"})
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "QueryError"


WRITES = [
    "CREATE (:Agency {key: 'x', name: 'x'})",
    "MERGE (a:Agency {key: 'x'}) RETURN a",
    "MATCH (a:Agency) SET a.name = 'x'",
    "MATCH (a:Agency) DETACH DELETE a",
    "MATCH (a:Agency)-[r]->() DELETE r",
    "MATCH (a:Agency) REMOVE a.level",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "CALL db.labels()",
    "match (a:Agency) with a create (b:Agency {key: 'y'})",
]


@pytest.mark.parametrize("query", WRITES)
def test_cypher_refuses_every_write_form(client: TestClient, sample_store: GraphStore, query: str) -> None:
    before = sample_store.counts()
    res = client.post("/cypher", json={"query": query})
    assert res.status_code == 403 and res.json()["error"]["type"] == "ReadOnlyViolation"
    assert sample_store.counts() == before


def test_openapi_documents_every_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in [
        "/health",
        "/agencies",
        "/agencies/{agency}/overlap",
        "/tasks/{policy}/{path}",
        "/policies/{policy}/basis",
        "/regions/{region}/policies",
        "/documents",
        "/documents/{doc}",
        "/queries/{name}",
        "/cypher",
    ]:
        assert p in paths, p
    assert client.get("/docs").status_code == 200
