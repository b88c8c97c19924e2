"""One interface: the CLI, the Python API and the HTTP API give the same answers, say when rows are cut,
refuse unknown names the same way, never create a store by reading, and order tasks as documents do."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from policykg.api import create_app
from policykg.api.models import TEMPLATE_ROWS
from policykg.graph import GraphStore, open_store
from policykg.graph.embedded_store import DB_FILE
from policykg.graph.ingest import ingest_paths
from policykg.graph.paths import chinese_number, path_sort_key
from policykg.graph.writes import Statement
from policykg.queries.registry import get, run, templates

from policykg.cli import cli
from policykg.errors import NameNotFound, StoreNotFound, TemplateParamError
from policykg.settings import Settings

GOLD = Path(__file__).parent / "fixtures" / "gold"
DOC_NUMBER = "鲁政字〔2023〕226号"  # document 000
BRACKETS = [
    "鲁政字[2023]226号",
    "鲁政字［2023］226号",
    "鲁政字【2023】226号",
    "鲁政字(2023)226号",
    "鲁政字（2023）226号",
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, samples: Path) -> Path:
    """An embedded store holding the samples, built by the CLI (read-only use)."""
    data = tmp_path_factory.mktemp("interface") / "data"
    res = CliRunner().invoke(cli, ["ingest", str(samples), "--data-dir", str(data), "--quiet"])
    assert res.exit_code == 0, res.output
    return data


@pytest.fixture(scope="module")
def client(sample_store: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), store=sample_store)) as c:
        yield c


def query(data_dir: Path, name: str, *params: str, fmt: str = "json") -> tuple[int, str, str]:
    args = ["query", name, "--format", fmt, "--data-dir", str(data_dir)]
    for p in params:
        args += ["--param", p]
    res = CliRunner().invoke(cli, args)
    return res.exit_code, res.stdout, res.stderr


# -- reading never creates a store --------------------------------------------------------------------


def test_reading_commands_never_create_a_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICYKG_DATA", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    res = CliRunner().invoke(cli, ["query", "lead_ranking"])
    assert res.exit_code == 1
    assert "no policy-kg store at policykg-data" in res.output and "policykg ingest" in res.output
    res = CliRunner().invoke(cli, ["remove", "x.txt"])
    assert res.exit_code == 1 and "no policy-kg store" in res.output
    with pytest.raises(StoreNotFound, match="no policy-kg store at policykg-data"):
        open_store()
    with pytest.raises(StoreNotFound, match="elsewhere"):
        open_store(tmp_path / "elsewhere")
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_open_store_accepts_a_path(data_dir: Path) -> None:
    for where in (data_dir, str(data_dir)):
        with open_store(where) as store:
            assert store.counts()["Task"] == 144
    with open_store(data_dir, read_only=True) as store:
        assert run(store, "documents").total is None and len(run(store, "documents").rows) == 5


# -- no silent cut ---------------------------------------------------------------------------------------


def test_truncated_everywhere_rows_are_cut(data_dir: Path, sample_store: GraphStore, client: TestClient) -> None:
    res = run(sample_store, "agency_overlap", {"agency": "山东省知识产权局"}, count=True)
    assert (len(res.rows), res.truncated, res.total) == (50, True, 54)
    everything = run(sample_store, "agency_overlap", {"agency": "山东省知识产权局", "limit": 54})
    assert len(everything.rows) == 54 and not everything.truncated
    pairs = run(sample_store, "overlap_matrix", {}, count=True)
    assert (len(pairs.rows), pairs.truncated, pairs.total) == (500, True, 520)
    code, out, err = query(data_dir, "agency_overlap", "agency=山东省知识产权局")
    body = json.loads(out)
    assert code == 0 and body["truncated"] is True and body["total"] == 54 and len(body["rows"]) == 50
    assert "50 of 54 rows shown (truncated)" in err and "--param offset=50" in err
    code, out, err = query(data_dir, "agency_overlap", "agency=山东省知识产权局", "limit=100", fmt="csv")
    assert code == 0 and len(out.strip().splitlines()) == 55 and "truncated" not in err
    http = client.post("/queries/agency_overlap", json={"agency": "山东省知识产权局"}).json()
    assert http["truncated"] is True and len(http["rows"]) == 50


# -- one name resolver -----------------------------------------------------------------------------------


def test_unknown_names_are_errors_with_suggestions(
    data_dir: Path, sample_store: GraphStore, client: TestClient
) -> None:
    code, out, err = query(data_dir, "agency_tasks", "agency=山东知识产权局")
    assert code == 1 and out == ""
    assert "no agency '山东知识产权局'" in err and "did you mean 山东省知识产权局" in err
    missing = client.get("/agencies/山东知识产权局/tasks")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "NameNotFound"
    assert "did you mean 山东省知识产权局" in missing.json()["error"]["message"]
    with pytest.raises(NameNotFound, match="did you mean 山东省知识产权局"):
        run(sample_store, "agency_tasks", {"agency": "山东知识产权局"})
    assert client.get("/agencies/省知识产权局/connection/没有这个机构").status_code == 404
    assert client.get("/agencies/没有这个机构/connection/省知识产权局").status_code == 404
    assert client.get("/regions/火星/policies").status_code == 404
    assert client.post("/queries/policy_detail", json={"policy": "鲁政字〔2099〕1号"}).status_code == 404


def test_doc_numbers_in_any_brackets(data_dir: Path, sample_store: GraphStore, client: TestClient) -> None:
    key = run(sample_store, "policy_detail", {"policy": DOC_NUMBER}).records()[0]["key"]
    expected = run(sample_store, "basis_up", {"policy": key}).rows
    assert expected
    for number in BRACKETS:
        assert run(sample_store, "policy_detail", {"policy": number}).records()[0]["key"] == key
        assert client.get(f"/policies/{number}").json()["key"] == key
        assert [r["policy"] for r in client.get(f"/policies/{number}/basis").json()["items"]] == [
            r[1] for r in expected
        ]
        code, out, _ = query(data_dir, "basis_up", f"policy={number}")
        assert code == 0 and json.loads(out)["rows"] == expected, number


def test_cli_and_api_validate_parameters_the_same_way(data_dir: Path, client: TestClient) -> None:
    code, _, err = query(data_dir, "agency_tasks", "agency=省编办", "role=lead")
    http = client.get("/agencies/省编办/tasks", params={"role": "lead"})
    posted = client.post("/queries/agency_tasks", json={"agency": "省编办", "role": "lead"})
    assert code == 1 and http.status_code == posted.status_code == 422
    message = http.json()["error"]["message"]
    assert message == posted.json()["error"]["message"] and message in err
    assert "'lead' is not one of 牵头, 参加, 负责" in message
    with pytest.raises(TemplateParamError):
        get("agency_tasks").bind({"agency": "省编办", "role": "lead"})
    code, out, _ = query(data_dir, "agency_tasks", "agency=省编办", "role=牵头")
    assert code == 0 and {r[1] for r in json.loads(out)["rows"]} == {"牵头"}


# -- task order ------------------------------------------------------------------------------------------


def test_path_sort_key_reads_numerals_at_every_level() -> None:
    assert [chinese_number(x) for x in ["三", "十", "十一", "二十", "二十三", "一百零五"]] == [3, 10, 11, 20, 23, 105]
    paths = ["三.(十一)", "二.(三)", "三.(四)", "二.(二).1", "二", "三.(九)", "二.(二)", "10", "1", "三.(十)"]
    assert sorted(paths, key=path_sort_key) == [
        "1", "二", "二.(二)", "二.(二).1", "二.(三)", "三.(四)", "三.(九)", "三.(十)", "三.(十一)", "10",
    ]  # fmt: skip


def test_tasks_come_in_document_order(sample_store: GraphStore) -> None:
    for gold_file in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        key = sample_store.query("MATCH (p:Policy {source: $s}) RETURN p.key", {"s": gold["doc"]}).rows[0][0]
        paths = [r[0] for r in run(sample_store, "policy_tasks", {"policy": key, "limit": 1000}).rows]
        assert paths == [t["path"] for t in gold["tasks"]], gold_file.name
    stored = sample_store.query("MATCH (t:Task) RETURN t.path, t.sort_key").rows
    assert stored and all(sk == path_sort_key(p) for p, sk in stored)
    # the demo's who_leads: within a policy, 二.(二) before 二.(三)
    rows = run(sample_store, "who_leads", {"limit": 1000}).rows
    by_policy: dict[str, list[str]] = {}
    for _agency, path, _title, policy in rows:
        by_policy.setdefault(policy, []).append(path)
    assert all(paths == sorted(paths, key=path_sort_key) for paths in by_policy.values())
    led = by_policy["共建绿色低碳高质量发展知识产权强省实施方案"]
    assert led.index("二.(二).4") < led.index("二.(三).1")


def test_every_template_that_orders_tasks_orders_by_sort_key() -> None:
    for t in templates().values():
        order = re.findall(r"ORDER BY ([^\n]*)", t.body)
        if "task_path" in t.returns and order:
            assert all("task_path" not in o for o in order) and any("sort_key" in o for o in order), t.name


# -- API shape -------------------------------------------------------------------------------------------

LISTS = [
    "/agencies",
    "/agencies/省知识产权局/tasks",
    "/agencies/省知识产权局/overlap",
    "/agencies/省知识产权局/evidence",
    "/agencies/省编办/connection/省公安厅",
    "/tasks?q=质押融资",
    "/policies",
    f"/policies/{DOC_NUMBER}/basis",
    "/policies/知识产权强国建设纲要(2021-2035年)/basis?direction=down",
    f"/policies/{DOC_NUMBER}/tasks",
    f"/policies/{DOC_NUMBER}/overlap",
    "/regions/山东省/policies",
    "/regions/黄河流域/tasks",
    "/regions/济南市历下区/overlap",
    "/documents",
    "/queries",
]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_answers_a_page(client: TestClient, url: str) -> None:
    body = client.get(url).json()
    assert set(body) == {"items", "limit", "offset", "next", "total"}, url
    assert body["total"] >= len(body["items"]) > 0, url
    first = client.get(url + ("&" if "?" in url else "?") + "limit=1").json()
    assert first["total"] == body["total"] and len(first["items"]) == 1
    assert (first["next"] is None) == (body["total"] == 1)


def test_openapi_types_every_row(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            ok = op["responses"].get("200") or op["responses"].get("201")
            if "application/json" not in ok["content"]:
                assert list(ok["content"]) == ["text/html"], (method, path)  # a page (the document view)
                continue
            ref = ok["content"]["application/json"]["schema"].get("$ref", "")
            assert ref.startswith("#/components/schemas/"), (method, path)
            schema = schemas[ref.rsplit("/", 1)[1]]
            if "items" in schema.get("properties", {}):  # a page: its items are a typed row model
                assert "$ref" in schema["properties"]["items"]["items"], (method, path)
    for name, model in TEMPLATE_ROWS.items():
        assert list(model.model_fields)[: len(get(name).returns)] == get(name).returns, name


def test_basis_up_and_down_answer_the_same_keys(client: TestClient) -> None:
    up = client.get("/policies/济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)/basis").json()["items"]
    down = client.get("/policies/知识产权强国建设纲要(2021-2035年)/basis", params={"direction": "down"}).json()["items"]
    assert up and down and set(up[0]) == set(down[0]) == {"key", "policy", "depth", "ingested", "region"}


def test_query_timeout_is_a_504(sample_store: GraphStore) -> None:
    with TestClient(create_app(Settings(query_timeout=0.001), store=sample_store)) as slow:
        res = slow.post(
            "/cypher", json={"query": "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(*) AS n"}
        )
    assert res.status_code == 504 and res.json()["error"]["type"] == "QueryTimeout"
    assert "time limit" in res.json()["error"]["message"]


def test_malformed_requests_answer_the_json_error_shape(client: TestClient) -> None:
    bad_json = client.post("/queries/agency_tasks", content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["error"]["type"] == "ValidationError"
    assert client.get("/nowhere").json()["error"]["type"] == "HTTPError"


# -- notebooks -------------------------------------------------------------------------------------------


def test_query_result_has_a_dataframe(sample_store: GraphStore) -> None:
    res = run(sample_store, "lead_ranking", {"limit": 5})
    df = res.df
    assert list(df.columns) == res.columns and len(df) == 5 and df.iloc[0]["agency"] == res.rows[0][0]
    assert "truncated" in repr(res)


def test_store_files_only_where_asked(tmp_path: Path, samples: Path) -> None:
    data = tmp_path / "made"
    with open_store(data, create=True) as store:
        ingest_paths(store, [str(samples / "003_22293d2eac0c7b96.txt")], progress=False)
    assert (data / DB_FILE).exists()


def test_a_store_from_before_sort_keys_gets_them_on_open(tmp_path: Path, samples: Path) -> None:
    data = tmp_path / "old"
    with open_store(data, create=True) as store:
        ingest_paths(store, [str(samples / "003_22293d2eac0c7b96.txt")], progress=False)
        store._run_transaction([Statement("MATCH (t:Task) SET t.sort_key = NULL")])  # as an earlier version wrote
        assert store.query("MATCH (t:Task) WHERE t.sort_key IS NULL RETURN count(t)").rows == [[22]]
    with open_store(data) as store:
        stored = store.query("MATCH (t:Task) RETURN t.path, t.sort_key").rows
    assert len(stored) == 22 and all(sk == path_sort_key(p) for p, sk in stored)
