"""`policykg serve` as a real uvicorn process on loopback, on each store: real HTTP in and out."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
from conftest import clear_neo4j, neo4j_test_auth
from policykg.graph.embedded_store import EmbeddedStore

TOKEN = "loopback-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(option: list[str]) -> Iterator[str]:
    """`policykg serve` on a free loopback port until the block ends; stopped with Ctrl-C, exit code 0."""
    port = free_port()
    env = {**os.environ, "POLICYKG_TOKEN": TOKEN}
    env.pop("NEO4J_URI", None)
    user, password = neo4j_test_auth()
    env.update({"NEO4J_USER": user or "", "NEO4J_PASSWORD": password or ""})
    # the server's log goes to a file: a pipe nobody reads fills up (64 KB) and blocks the server mid-request
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115  (closed when the server stops)
    proc = subprocess.Popen(
        [sys.executable, "-m", "policykg", "serve", "--port", str(port), *option],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def output() -> str:
        log.seek(0)
        return log.read()

    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx2.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx2.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.fail(f"policykg serve did not come up:\n{output()[-3000:]}", pytrace=False)
        time.sleep(0.2)
    try:
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        finally:
            out = output()
            log.close()
        assert proc.returncode == 0, out[-3000:]


@pytest.fixture(params=["embedded", "neo4j"])
def store_option(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    if request.param == "embedded":
        return ["--data-dir", str(tmp_path / "data")]
    uri = request.getfixturevalue("neo4j_uri")
    clear_neo4j(uri, *neo4j_test_auth())
    return ["--neo4j", uri]


def test_serve_answers_over_loopback(store_option: list[str], samples: Path) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with running_server(store_option) as base, httpx2.Client(base_url=base, timeout=60) as http:
        assert http.get("/health").json()["store"] == ("embedded" if store_option[0] == "--data-dir" else "neo4j")
        for doc in sorted(samples.iterdir()):
            res = http.post("/documents", files={"file": (doc.name, doc.read_bytes())}, headers=auth)
            assert res.status_code == 201 and res.json()["status"] == "new", res.text
        tasks = http.get("/agencies/山东省知识产权局/tasks", params={"role": "牵头", "limit": 100}).json()["items"]
        assert len(tasks) == 24 and {t["agency"] for t in tasks} == {"山东省知识产权局"}
        ran = http.post("/queries/agency_tasks", json={"agency": "省编办"}).json()
        assert [r[2] for r in ran["rows"]] == ["一.(一).1", "一.(一).2", "一.(一).3"]
        refused = http.post("/cypher", json={"query": "MATCH (n) DETACH DELETE n"})
        assert refused.status_code == 403
        assert http.get("/health").json()["counts"]["Task"] == 144
        assert http.delete("/documents/004_a42a057c390f894e.txt", headers=auth).status_code == 200
        assert http.get("/health").json()["counts"]["Task"] == 144 - 77


def test_embedded_data_survives_the_server(tmp_path: Path, samples: Path) -> None:
    data = tmp_path / "data"
    doc = samples / "003_22293d2eac0c7b96.txt"
    with running_server(["--data-dir", str(data)]) as base:
        res = httpx2.post(
            f"{base}/documents",
            files={"file": (doc.name, doc.read_bytes())},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=60,
        )
        assert res.status_code == 201
    with EmbeddedStore(data) as store:
        assert store.counts()["Task"] == 22


def test_cli_and_python_read_while_serve_holds_the_store(tmp_path: Path, samples: Path) -> None:
    from click.testing import CliRunner
    from policykg.graph import open_store

    from policykg.cli import cli
    from policykg.errors import StoreBusy

    data = tmp_path / "data"
    first, second = samples / "003_22293d2eac0c7b96.txt", samples / "002_06d5094a3990f22f.txt"
    assert CliRunner().invoke(cli, ["ingest", str(first), "--data-dir", str(data)]).exit_code == 0
    alone = CliRunner().invoke(cli, ["query", "documents", "--data-dir", str(data)])
    assert alone.exit_code == 0 and "note:" not in alone.stderr

    def documents() -> list[str]:
        res = CliRunner().invoke(cli, ["query", "documents", "--format", "json", "--data-dir", str(data)])
        assert res.exit_code == 0, res.output
        assert "note: `policykg serve` (pid" in res.stderr and "read read-only" in res.stderr
        return [r[2] for r in json.loads(res.stdout)["rows"]]

    with running_server(["--data-dir", str(data)]) as base:
        assert json.loads((data / "server.json").read_text())["url"] == base
        assert documents() == [first.name]  # a read, while the server holds the store for writing
        for args in (["ingest", str(second)], ["remove", first.name], ["demo"]):
            refused = CliRunner().invoke(cli, [*args, "--data-dir", str(data)])
            assert refused.exit_code == 1, args
            assert "held by `policykg serve`" in refused.output and f"{base}/documents" in refused.output
        res = httpx2.post(
            f"{base}/documents",
            files={"file": (second.name, second.read_bytes())},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=60,
        )
        assert res.status_code == 201
        assert documents() == [second.name, first.name]  # the upload is seen by the next read
        with pytest.warns(UserWarning, match="Opened read-only"), open_store(data) as store:
            assert store.counts()["Task"] == 22 + 6
            with pytest.raises(StoreBusy, match="stop it"):
                store.remove_document(first.name)
    assert not (data / "server.json").exists()
