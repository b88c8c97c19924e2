"""Tests never touch a database they did not create.

A second Neo4j stands for the user's own server (auth on, as a real one is): a sentinel node is
written into it, the store tests are run against the environment a user has (NEO4J_URI pointing at
it), and the sentinel is still there afterwards. Pointed at it as NEO4J_TEST_URI, the suite refuses to
run rather than clear it. The same server shows the one-line error for bad credentials.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase

from policykg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "users-own-password"
STORE_TEST = "tests/test_stores.py::test_ingest_is_idempotent[neo4j]"


def free_bolt_port() -> int:
    """A port free for Bolt whose HTTP twin (port - 213, see scripts/neo4j-local) is free too."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 1024 + 213:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port - 213))
            except OSError:
                continue
        return port


@pytest.fixture(scope="module")
def users_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Someone's own Neo4j, with a password and a sentinel node in it."""
    script = ROOT / "scripts" / "neo4j-local"
    env = {
        **os.environ,
        "NEO4J_LOCAL_HOME": str(tmp_path_factory.mktemp("users-neo4j")),
        "NEO4J_LOCAL_PORT": str(free_bolt_port()),
        "NEO4J_LOCAL_AUTH": "on",
        "NEO4J_LOCAL_HEAP": "512m",
    }
    started = subprocess.run([str(script), "start"], env=env, capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        pytest.fail(f"the second Neo4j could not start:\n{started.stderr[-3000:]}", pytrace=False)
    uri = subprocess.run([str(script), "uri"], env=env, capture_output=True, text=True).stdout.strip()
    try:
        with GraphDatabase.driver(uri, auth=("neo4j", "neo4j")) as d:  # the initial password must be changed
            d.execute_query("ALTER CURRENT USER SET PASSWORD FROM 'neo4j' TO $pw", pw=PASSWORD, database_="system")
        with GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as d:
            d.execute_query("CREATE (:Sentinel {note: 'a document of the user'})")
        yield uri
    finally:
        subprocess.run([str(script), "stop"], env=env, capture_output=True, timeout=120)


def nodes(uri: str) -> list[tuple[list[str], dict]]:
    with GraphDatabase.driver(uri, auth=("neo4j", PASSWORD)) as d:
        records, _, _ = d.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    return [(r["labels"], r["props"]) for r in records]


def run_store_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"))}
    clean = {k: v for k, v in clean.items() if not k.startswith("NEO4J_TEST_")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--basetemp={tmp_path / 'inner'}",
            STORE_TEST,
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_store_tests_leave_the_users_neo4j_alone(users_neo4j: str, neo4j_uri: str, tmp_path: Path) -> None:
    before = nodes(users_neo4j)
    assert before == [(["Sentinel"], {"note": "a document of the user"})]
    # the environment the README gives a user: NEO4J_URI and credentials for their own server
    ran = run_store_test(
        tmp_path, NEO4J_URI=users_neo4j, NEO4J_USER="neo4j", NEO4J_PASSWORD=PASSWORD, NEO4J_TEST_URI=neo4j_uri
    )
    assert ran.returncode == 0, ran.stdout[-3000:]
    assert "1 passed" in ran.stdout
    assert nodes(users_neo4j) == before


def test_suite_refuses_to_clear_a_database_it_did_not_create(users_neo4j: str, tmp_path: Path) -> None:
    before = nodes(users_neo4j)
    ran = run_store_test(tmp_path, NEO4J_TEST_URI=users_neo4j, NEO4J_TEST_USER="neo4j", NEO4J_TEST_PASSWORD=PASSWORD)
    assert ran.returncode != 0
    assert f"refusing to use the Neo4j database at {users_neo4j} for tests: it holds 1 nodes" in ran.stdout
    assert nodes(users_neo4j) == before


def test_bad_credentials_are_one_clear_line(users_neo4j: str) -> None:
    for env, who in [
        ({"NEO4J_USER": "nobody", "NEO4J_PASSWORD": "wrong"}, "the credentials of user 'nobody'"),
        ({"NEO4J_USER": "", "NEO4J_PASSWORD": ""}, "a connection without credentials"),
    ]:
        res = CliRunner().invoke(cli, ["query", "lead_ranking", "--neo4j", users_neo4j], env=env)
        assert res.exit_code == 1
        assert res.output.strip() == (
            f"Error: Neo4j at {users_neo4j} refused {who}: check NEO4J_USER and NEO4J_PASSWORD"
        ), res.output
