"""Issue #9 over real HTTP (`policykg serve` on loopback) and against a Neo4j that goes away: request bodies
checked before they are read, keep-alive kept through bad requests, 503 and a fast stop when the store is
unreachable, and a schemathesis fuzz run against the OpenAPI schema on both stores, bounded in time."""

from __future__ import annotations

import contextlib
import http.client
import shutil
import socket
import threading
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import schemathesis
from conftest import MARKER
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from policykg.api import create_app
from policykg.graph.ingest import ingest_paths
from policykg.graph.neo4j_store import Neo4jStore
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance
from test_api_server import TOKEN, running_server, store_option  # noqa: F401  (store_option is a fixture)

from policykg.settings import Settings

AUTH = {"Authorization": f"Bearer {TOKEN}"}
FUZZ_SECONDS = 75  # per store
FUZZ_EXAMPLES = 10  # per operation and generation mode


def raw_request(base: str, head: str, body: bytes = b"") -> tuple[int, str]:
    """Send a request head (and maybe part of a body) on a fresh socket; the status and body of the answer."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=30) as s:
        s.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head_out, _, rest = data.partition(b"\r\n\r\n")
        length = int(
            next(line.split(b":")[1] for line in head_out.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        while len(rest) < length:
            rest += s.recv(65536)
    return int(head_out.split()[1]), rest.decode()


def test_bodies_are_checked_before_they_are_read(store_option: list[str]) -> None:  # noqa: F811
    with running_server(store_option) as base:
        upload = "POST /documents HTTP/1.1\nHost: x\nContent-Type: multipart/form-data; boundary=b\n"
        # 2 GB announced, none sent: the answer comes at once, so nothing was read or spooled
        status, body = raw_request(base, upload + "Content-Length: 2147483648\n")
        assert status == 401 and "bearer token" in body
        status, body = raw_request(base, upload + f"Authorization: Bearer {TOKEN}\nContent-Length: 2147483648\n")
        assert status == 413 and "the uploaded document is larger than the 20 MB limit" in body
        cypher = "POST /cypher HTTP/1.1\nHost: x\nContent-Type: application/json\n"
        status, body = raw_request(base, cypher + "Content-Length: 314572800\n")
        assert status == 413 and "the request body is larger than the 1 MB limit" in body
        # no length announced: the stream is counted as it arrives and cut at the limit
        chunk = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
        status, body = raw_request(base, cypher + "Transfer-Encoding: chunked\n", b"1\r\n{\r\n" + chunk * 24)
        assert status == 413 and "1 MB limit" in body
        conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
        conn.request("GET", "/health")
        assert conn.getresponse().status == 200
        conn.close()


def test_bad_requests_keep_the_connection_alive(store_option: list[str]) -> None:  # noqa: F811
    bad = [
        ("POST", "/cypher", '{"query": "RETURN 1 AS a; RETURN 2 AS a"}', 403),
        ("POST", "/cypher", '{"query": "RETURN $x AS x", "parameters": {"x": [1, "a"]}}', 422),
        ("POST", "/queries/agency_search", '{"limit": Infinity}', 422),
        ("POST", "/queries/agency_search", '{"limit": 1' + "0" * 40 + "}", 422),
        ("GET", "/agencies?offset=839267299", None, 422),
        ("POST", "/cypher", '{"query": "MATCH (a:Agency) RETURN a.key AS k ORDER BY k SKIP 20000 LIMIT 10"}', None),
        ("GET", "/nowhere", None, 404),
        ("GET", "/health", None, 200),
    ]
    with (
        running_server(store_option) as base,
        closing(http.client.HTTPConnection(urlsplit(base).netloc, timeout=60)) as conn,
    ):
        conn.request("GET", "/health")
        conn.getresponse().read()
        sock = conn.sock
        for method, path, body, status in bad:
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
            res = conn.getresponse()
            payload = res.read()
            assert res.status < 500 and (status is None or res.status == status), (path, body, res.status, payload)
            assert conn.sock is sock, f"the server closed the connection after {method} {path} {body}"


class Proxy:
    """A TCP relay to Neo4j on loopback; `stop()` makes Neo4j go away for whoever uses the relay."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # wakes the accept() blocked in the other thread; close alone does not
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass


def test_neo4j_going_away_stops_a_batch_at_once_and_answers_503(neo4j_uri: str, samples: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(12):  # twelve documents, as in the report
        shutil.copy(sorted(samples.iterdir())[i % 5], docs / f"{i:02d}.txt")
    url = urlsplit(neo4j_uri)
    proxy = Proxy((url.hostname or "127.0.0.1", url.port or 7687))
    store = Neo4jStore(f"bolt://127.0.0.1:{proxy.port}")
    with store._driver.session() as s:
        s.run(f"MATCH (n) WHERE NOT n:{MARKER} DETACH DELETE n").consume()  # the suite's marker stays
    try:
        with TestClient(create_app(Settings(api_token=TOKEN), store=store)) as client:
            assert client.get("/health").status_code == 200
            proxy.stop()
            t0 = time.perf_counter()
            summary = ingest_paths(store, [str(docs)], progress=False)
            seconds = time.perf_counter() - t0
            assert summary.failed == 1 and summary.not_attempted == 11 and summary.new == 0
            assert len(summary.errors) == 1 and "is unavailable" in summary.errors[0]
            assert "the batch stopped" in summary.errors[0] and "00.txt" in summary.errors[0]
            print(f"\n12-document batch with Neo4j gone stopped after {seconds:.1f} s")
            for method, path, kw in [
                ("GET", "/health", {}),
                ("GET", "/agencies", {}),
                ("POST", "/cypher", {"json": {"query": "MATCH (n) RETURN count(n) AS n"}}),
                ("POST", "/documents", {"files": {"file": ("a.txt", (docs / "00.txt").read_bytes())}, "headers": AUTH}),
            ]:
                res = client.request(method, path, **kw)
                assert res.status_code == 503, (path, res.text)
                assert "unavailable" in res.json()["error"]["message"]
    finally:
        proxy.stop()
        store.close()


def test_fuzz_the_api_against_its_schema(store_option: list[str], samples: Path) -> None:  # noqa: F811
    """schemathesis generates valid and invalid requests for every operation: no 5xx, no undocumented
    status, and the server is still up at the end. Bounded by FUZZ_SECONDS and FUZZ_EXAMPLES."""
    with running_server(store_option) as base:
        doc = samples / "003_22293d2eac0c7b96.txt"
        import httpx2

        assert (
            httpx2.post(
                f"{base}/documents", files={"file": (doc.name, doc.read_bytes())}, headers=AUTH, timeout=120
            ).status_code
            == 201
        )
        schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
        deadline = time.monotonic() + FUZZ_SECONDS
        checked = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

                @settings(
                    max_examples=FUZZ_EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy(mode))
                def fuzz(case: schemathesis.Case) -> None:
                    nonlocal checked
                    if time.monotonic() > deadline:
                        return
                    response = case.call(base_url=base, timeout=120, headers=AUTH)
                    case.validate_response(response, checks=[not_a_server_error, status_code_conformance])
                    checked += 1

                with contextlib.suppress(Unsatisfiable):  # an operation with nothing to make invalid
                    fuzz()
        assert checked > 50, f"only {checked} requests in {FUZZ_SECONDS} s"
        assert httpx2.get(f"{base}/health", timeout=30).status_code == 200
        print(f"\nfuzzed {checked} requests on {store_option[0]}")
