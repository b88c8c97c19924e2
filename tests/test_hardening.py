"""Issue #9, each attack and the answer expected now, on both stores: crashes, writes through /cypher, resource
limits, bad input, the schema's statuses, upload names. (Request bodies on a real server and the fuzz run are
in test_hardening_server.py.)"""

from __future__ import annotations

import http.server
import io
import json
import math
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import docx
import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient
from policykg.api import create_app
from policykg.graph import GraphStore
from policykg.graph.adhoc import run_adhoc
from policykg.graph.cypher_guard import checked
from policykg.graph.embedded_store import EmbeddedStore
from policykg.graph.ingest import ingest_paths
from policykg.ingest.load import load, load_bytes
from policykg.queries.registry import MAX_LIMIT, MAX_OFFSET, run

from policykg.cli import cli
from policykg.errors import DocumentError, QueryError, TemplateParamError
from policykg.settings import MB, Settings
from policykg.worker import BoundedWorker, WorkerTimeout

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "hardening-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DOC = "003_22293d2eac0c7b96.txt"


@pytest.fixture(scope="module")
def client(sample_store: GraphStore) -> Iterator[TestClient]:
    settings = Settings(query_timeout=3, row_limit=50, max_response_bytes=2 * MB, max_json_bytes=64 * 1024)
    with TestClient(create_app(settings, store=sample_store)) as c:
        yield c


def alive(client: TestClient) -> bool:
    return client.get("/health").json()["counts"]["Task"] == 144


# -- 1. paging bounds, and an engine crash kept away from the server -----------------------------------------


@pytest.mark.parametrize("route", ["/agencies", "/documents", "/policies"])
def test_a_huge_offset_is_refused_at_the_edge(client: TestClient, route: str) -> None:
    res = client.get(route, params={"offset": 839267299})
    assert res.status_code == 422 and "offset" in res.json()["error"]["message"]
    at_bound = client.get(route, params={"offset": MAX_OFFSET})
    assert at_bound.status_code == 200 and at_bound.json()["items"] == []
    assert alive(client)


def test_the_registry_bounds_paging_for_python(sample_store: GraphStore) -> None:
    with pytest.raises(TemplateParamError, match=r"offset: 100000 is outside 0\.\.5000"):
        run(sample_store, "agency_search", {"offset": 100000})
    for bad in (float("inf"), float("nan"), 10**30, "1e9", 2.5):
        with pytest.raises(TemplateParamError, match="limit"):
            run(sample_store, "agency_search", {"limit": bad})
    assert run(sample_store, "agency_search", {"offset": MAX_OFFSET, "limit": MAX_LIMIT}).rows == []


def test_the_cli_bounds_paging(store: GraphStore, tmp_path: Path) -> None:
    # the test's own store (reading commands never create one)
    option = ["--data-dir", str(store.data_dir)] if store.kind == "embedded" else ["--neo4j", store.uri]  # type: ignore[attr-defined]
    res = CliRunner().invoke(cli, ["query", "agency_search", "--param", "offset=100000", *option])
    assert res.exit_code == 1 and "offset: 100000 is outside 0..5000" in res.output
    ok = CliRunner().invoke(cli, ["query", "agency_search", "--param", "offset=5000", "--format", "json", *option])
    assert ok.exit_code == 0 and json.loads(ok.output)["rows"] == []


def test_an_engine_crash_on_adhoc_cypher_leaves_the_server_up(client: TestClient, sample_store: GraphStore) -> None:
    # ladybug 0.22 segfaults on ORDER BY with SKIP + LIMIT past ~11,300; Neo4j answers no rows
    res = client.post("/cypher", json={"query": "MATCH (a:Agency) RETURN a.key AS k ORDER BY k SKIP 20000 LIMIT 10"})
    if sample_store.kind == "embedded":
        assert res.status_code == 400 and "crashed the worker process" in res.json()["error"]["message"]
    else:
        assert res.status_code == 200 and res.json()["rows"] == []
    assert client.post("/cypher", json={"query": "MATCH (a:Agency) RETURN count(a) AS n"}).json()["rows"] == [[94]]
    assert alive(client)


# -- 2, 3. /cypher accepts only what reads -------------------------------------------------------------------

REFUSED = {
    "COMMENT ON TABLE Agency IS 'x'": "COMMENT",
    "ANALYZE": "ANALYZE",
    "LOAD WITH HEADERS (l STRING) FROM '/etc/passwd' (header = false) RETURN l": "LOAD",
    "RETURN 1 AS a; COMMENT ON TABLE Task IS 'x'": "second statement",
    "RETURN 1 AS a; RETURN 2 AS a": "second statement",
    "CALL dbms.listConfig()": "CALL",
    "RETURN 1 AS x CALL dbms.killConnections(['bolt-1'])": "CALL",
    "SHOW SETTINGS": "SHOW",
    "SHOW TRANSACTIONS": "SHOW",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'": "TERMINATE",
    "WITH 1 AS x //x\rLOAD CSV FROM 'file:///etc/passwd' AS l RETURN l": "LOAD",
    "WITH 1 AS x //x\u2028LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l": "LOAD",
    "WITH 1 AS x /* */ CREATE (n:Agency {key: 'x'})": "CREATE",
    "MATCH (n) WITH * DETACH DELETE n": "DETACH",
    "MATCH (n:Agency) WITH * SET n.name = 'x'": "SET",
    "MATCH (n) RETURN COUNT { MATCH (m) RETURN m } AS c": "braces",
    "WITH 1 AS x CALL { MATCH (n) DETACH DELETE n }": "CALL",
    "RETURN 1 AS x UNION ALL LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l": "UNION ALL LOAD",
    "RETURN apoc.load.json('file:///etc/passwd') AS j": "apoc.load.json",
    "RETURN size(repeat('x', 2000000000)) AS n": "repeat",
    "OPTIONAL CALL db.labels()": "OPTIONAL CALL",
    "MATCH (n) FOREACH (x IN [1] | CREATE (m))": "FOREACH",
    "EXPLAIN MATCH (n) RETURN n": "EXPLAIN",
    "USE system SHOW USERS": "USE",
}


def catalog(store: GraphStore) -> object:
    """What a write could change besides the data: ladybug's table comments, Neo4j's settings."""
    if store.kind == "embedded":
        with store._lock:  # type: ignore[attr-defined]
            return store._conn.execute("CALL show_tables() RETURN *").get_all()  # type: ignore[attr-defined]
    with store._driver.session() as s:  # type: ignore[attr-defined]
        return s.run("SHOW SETTINGS YIELD name, value RETURN collect([name, value])").single()[0]


@pytest.mark.parametrize("query", list(REFUSED))
def test_cypher_refuses_what_is_not_known_to_read(client: TestClient, sample_store: GraphStore, query: str) -> None:
    before = (sample_store.counts(), catalog(sample_store))
    res = client.post("/cypher", json={"query": query})
    assert res.status_code == 403, res.text
    assert res.json()["error"]["type"] == "ReadOnlyViolation" and REFUSED[query] in res.json()["error"]["message"]
    assert (sample_store.counts(), catalog(sample_store)) == before


def test_cypher_still_reads_what_users_ask(client: TestClient) -> None:
    queries = [
        "MATCH (a:Agency)-[r:`牵头`]->(t:Task) RETURN a.name AS a, count(t) AS n ORDER BY n DESC, a LIMIT 3",
        "MATCH (t:Task) WHERE t.title CONTAINS '知识产权' AND NOT t.key STARTS WITH 'x' RETURN count(*) AS n",
        "UNWIND [1, 2, 3] AS x WITH x WHERE x IN [2, 3] RETURN CASE WHEN x > 2 THEN 'big' ELSE 'small' END AS s",
        "MATCH (a:Agency {key: '山东省知识产权局'}) OPTIONAL MATCH (a)-[:`参加`]->(t) RETURN a.key AS k, count(t) AS n",
        "RETURN 1 AS a UNION ALL RETURN 2 AS a // a trailing comment",
        "MATCH (p:Policy) RETURN DISTINCT p.ingested AS i ORDER BY i SKIP 0 LIMIT 5;",
    ]
    for q in queries:
        res = client.post("/cypher", json={"query": q})
        assert res.status_code == 200 and res.json()["rows"], (q, res.text)


def test_the_engine_sees_the_checked_text_without_comments() -> None:
    assert checked("MATCH (n) // LOAD CSV\nRETURN /* CALL */ n") == "MATCH (n) RETURN n"
    assert checked("RETURN 'a\\' CREATE (n) //' AS s") == "RETURN 'a\\' CREATE (n) //' AS s"  # one string


def test_the_embedded_worker_connection_is_read_only_itself(tmp_path: Path, samples: Path) -> None:
    """Past the allowlist, the engine refuses writes too: ad-hoc Cypher runs on a read-only database."""
    with EmbeddedStore(tmp_path / "data") as store:
        ingest_paths(store, [str(samples / DOC)], progress=False)
        before = store.counts()
        worker = BoundedWorker(2048 * MB, preload=("policykg.graph.adhoc",))
        try:
            for write in ("CREATE (:Agency {key: 'x', name: 'x'})", "COMMENT ON TABLE Agency IS 'x'"):
                with pytest.raises(QueryError, match=r"(?i)read.only"):
                    worker.call(60, run_adhoc, str(tmp_path / "data" / "graph.lbug"), write, {}, 5, 10, MB)
        finally:
            worker.close()
        assert store.counts() == before


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"a,b\n")

    def log_message(self, *args: object) -> None:
        pass


def test_cypher_cannot_make_the_server_fetch_a_url(client: TestClient) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/x.csv"
    try:
        for q in (f"WITH 1 AS x //x\rLOAD CSV FROM '{url}' AS l RETURN l", f"LOAD CSV FROM '{url}' AS l RETURN l"):
            res = client.post("/cypher", json={"query": q})
            assert res.status_code == 403 and "LOAD" in res.json()["error"]["message"]
    finally:
        server.shutdown()
    assert Recorder.hits == []


def test_neo4j_is_configured_to_refuse_file_urls_and_plugins(neo4j_uri: str) -> None:
    """The server side, past the allowlist: scripts/neo4j-local and docker-compose.yml agree, and it holds."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import ClientError

    script = (ROOT / "scripts" / "neo4j-local").read_text(encoding="utf-8")
    env = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["neo4j"]["environment"]
    for setting, value in [
        ("dbms.security.allow_csv_import_from_file_urls", "false"),
        ("dbms.security.procedures.allowlist", "db.*"),
        ("db.memory.transaction.max", "512m"),
    ]:
        assert f"{setting}={value}" in script
        assert str(env["NEO4J_" + setting.replace("_", "__").replace(".", "_")]) == value
    assert "NEO4J_PLUGINS" not in env and "ExitOnOutOfMemoryError" not in script
    with (
        GraphDatabase.driver(neo4j_uri) as driver,
        driver.session() as s,
        pytest.raises(ClientError, match="allow_csv_import_from_file_urls"),
    ):
        s.run("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l").consume()


# -- 4. time, memory and size of ad-hoc Cypher --------------------------------------------------------------


def grow(steps: int, keep: str = "") -> str:
    """A string of 16 * 4**steps characters built with `+` alone (every function it uses is allowed)."""
    return f"WITH {keep}'xxxxxxxxxxxxxxxx' AS s " + " ".join([f"WITH {keep}s + s + s + s AS s"] * steps)


def test_a_gigabyte_string_is_refused_and_the_server_stays_small(client: TestClient) -> None:
    res = client.post("/cypher", json={"query": grow(13) + " RETURN size(s) AS n"})  # 1 GiB
    assert res.status_code == 400 and res.json()["error"]["type"] == "QueryError"
    assert alive(client)


def test_a_billion_rows_are_stopped(client: TestClient, sample_store: GraphStore) -> None:
    res = client.post("/cypher", json={"query": "UNWIND range(1, 1000000000) AS x RETURN count(x) AS n"})
    # ladybug materialises the list and hits its memory bound; Neo4j streams it and hits the timeout
    assert res.status_code == (400 if sample_store.kind == "embedded" else 504), res.text
    assert alive(client)


def test_a_long_query_is_stopped_at_the_timeout(client: TestClient) -> None:
    q = "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y WITH x, y WHERE x + y = 7 RETURN count(*) AS n"
    res = client.post("/cypher", json={"query": q})
    assert res.status_code == 504 and res.json()["error"]["type"] == "QueryTimeout"
    assert alive(client)


def test_a_large_response_is_cut_at_the_byte_limit(client: TestClient) -> None:
    res = client.post("/cypher", json={"query": "UNWIND range(1, 2000) AS i " + grow(8, "i, ") + " RETURN i, s"})
    body = res.json()
    assert res.status_code == 200 and body["truncated"] is True
    assert 1 <= len(body["rows"]) < 2000 and len(res.content) <= 2 * MB + 1024
    assert all(len(row[1]) == 16 * 4**8 for row in body["rows"])


# -- 5. compressed input -----------------------------------------------------------------------------------


def docx_bomb(unpacked: int) -> bytes:
    """A real .docx whose document.xml inflates to `unpacked` bytes (whitespace compresses ~1000:1)."""
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("关于加强知识产权保护的实施意见。省知识产权局牵头。")
    d.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b" " * unpacked + b"</w:body>")
            dst.writestr(item.filename, data)
    return out.getvalue()


def test_a_docx_that_inflates_past_the_bound_is_refused_by_name(tmp_path: Path) -> None:
    bomb = docx_bomb(150 * MB)
    assert len(bomb) < 1 * MB
    with pytest.raises(DocumentError, match=r"bomb\.docx: .*unpacked, over the 100 MB limit"):
        load_bytes(bomb, "bomb.docx")
    small = load_bytes(docx_bomb(1 * MB), "fine.docx")  # the same shape under the bound still reads
    assert "省知识产权局牵头" in small.text


def test_a_docx_bomb_upload_changes_nothing(store: GraphStore) -> None:
    settings = Settings(api_token=TOKEN)
    with TestClient(create_app(settings, store=store)) as c:
        res = c.post("/documents", files={"file": ("bomb.docx", docx_bomb(150 * MB))}, headers=AUTH)
        assert res.status_code == 422 and "bomb.docx" in res.json()["error"]["message"]
        assert c.get("/health").status_code == 200
    assert store.counts()["Policy"] == 0


# -- 7. deep HTML and the extraction time budget ---------------------------------------------------------


def test_deeply_nested_html_reads_in_linear_time() -> None:
    for depth in (150, 20_000, 100_000):
        page = "<html><body>" + "<div>" * depth + "关于加强知识产权保护的实施意见，由省知识产权局牵头负责。"
        page += "</div>" * depth + "<p>第二段：各市人民政府参加。</p></body></html>"
        text = load_bytes(page.encode(), "deep.html").text
        assert "省知识产权局牵头负责" in text and "各市人民政府参加" in text, depth


def test_a_worker_past_its_budget_is_killed_and_replaced() -> None:
    worker = BoundedWorker(512 * MB)
    try:
        with pytest.raises(WorkerTimeout, match=r"time limit \(0\.5 s\)"):
            worker.call(0.5, time.sleep, 60)
        assert worker.call(60, math.sqrt, 16.0) == 4.0
    finally:
        worker.close()


def test_a_document_over_the_extraction_budget_fails_by_name_and_the_batch_goes_on(
    store: GraphStore, samples: Path
) -> None:
    files = [str(samples / DOC), str(samples / "000_ccc32b89488884bc.txt")]
    summary = ingest_paths(store, files, progress=False, settings=Settings(extract_timeout=0.001))
    assert summary.failed == 2 and summary.new == 0
    for f, error in zip(files, summary.errors, strict=True):
        assert error.startswith(f) and "ran past the 0.001 s budget for one document" in error
    assert store.counts()["Policy"] == 0
    with TestClient(create_app(Settings(api_token=TOKEN, extract_timeout=0.001), store=store)) as c:
        res = c.post("/documents", files={"file": (DOC, (samples / DOC).read_bytes())}, headers=AUTH)
        assert res.status_code == 422 and DOC in res.json()["error"]["message"]
        assert "budget" in res.json()["error"]["message"] and c.get("/health").status_code == 200


# -- 9. no 500 from bad input -----------------------------------------------------------------------------


def test_bad_values_answer_4xx_with_the_error_shape(client: TestClient) -> None:
    cases = [
        ("/cypher", '{"query": "RETURN $x AS x", "parameters": {"x": [1, "a"]}}', 422),
        ("/cypher", '{"query": "RETURN $x AS x", "parameters": {"x": 1000000000000000000000000000000}}', 422),
        ("/cypher", '{"query": "RETURN $x AS x", "parameters": {"x": NaN}}', 422),
        ("/cypher", '{"query": "RETURN 1 AS a; RETURN 2 AS a"}', 403),
        ("/cypher", '{"query": "MATCH (n RETURN n"}', 400),
        ("/cypher", '{"query": "RETURN \'unterminated"}', 400),
        ("/cypher", '{"query": 5}', 422),
        ("/cypher", "not json", 422),
        ("/queries/agency_search", '{"limit": Infinity}', 422),
        ("/queries/agency_search", '{"limit": 1e400}', 422),
        ("/queries/agency_search", '{"offset": 99999999999999999999999999999999999}', 422),
        ("/queries/agency_search", '{"q": ["a"]}', 200),
    ]
    for route, body, status in cases:
        res = client.post(route, content=body, headers={"Content-Type": "application/json"})
        assert res.status_code == status, (body, res.text)
        if status != 200:
            error = res.json()["error"]
            assert set(error) == {"type", "message"} and error["message"], body
    assert client.post("/cypher", content=b"x" * (65 * 1024)).status_code == 413


# -- 10. the schema documents every status -----------------------------------------------------------------


def test_openapi_documents_every_status_each_route_answers(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        ("/cypher", "post"): {"400", "403", "413", "422", "503", "504"},
        ("/queries/{name}", "post"): {"400", "404", "413", "422", "503", "504"},
        ("/documents", "post"): {"401", "403", "409", "413", "422", "503"},
        ("/documents/{doc}", "delete"): {"401", "403", "404", "503"},
        ("/agencies", "get"): {"400", "422", "503", "504"},
        ("/agencies/{agency}", "get"): {"404", "422", "503"},
    }
    for (path, method), statuses in expected.items():
        responses = paths[path][method]["responses"]
        assert statuses <= set(responses), (path, method, sorted(responses))
        assert responses["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


# -- 11. upload names and limits in their unit --------------------------------------------------------------


def test_an_upload_is_stored_under_its_base_name(store: GraphStore, samples: Path) -> None:
    with TestClient(create_app(Settings(api_token=TOKEN), store=store)) as c:
        data = (samples / DOC).read_bytes()
        res = c.post("/documents", files={"file": ("../../etc/x.txt", data)}, headers=AUTH)
        assert res.status_code == 201, res.text
        assert [d["source"] for d in c.get("/documents").json()["items"]] == ["x.txt"]
        assert c.delete("/documents/x.txt", headers=AUTH).status_code == 200
        assert c.get("/documents").json()["items"] == []


def test_limits_are_reported_in_the_unit_they_are_set_in(store: GraphStore, tmp_path: Path) -> None:
    with TestClient(create_app(Settings(api_token=TOKEN, max_document_bytes=1 * MB), store=store)) as c:
        res = c.post("/documents", files={"file": ("big.txt", "一".encode() * 500_000)}, headers=AUTH)
        assert res.status_code == 413 and "big.txt: larger than the 1 MB limit" in res.json()["error"]["message"]
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (21 * MB))
    with pytest.raises(DocumentError, match=r"21\.0 MB is over the 20 MB limit"):
        load(big)
