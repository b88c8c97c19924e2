"""Fixtures: the sample documents, their gold, and a graph store of each kind.

Store tests run on BOTH stores: the embedded ladybug store in a temporary folder, and a real Neo4j 5.
The Neo4j is never the user's: NEO4J_URI (what the CLI uses) is ignored here. The tests use
NEO4J_TEST_URI when set (+ NEO4J_TEST_USER, NEO4J_TEST_PASSWORD), else their own throwaway server,
started once per session by scripts/neo4j-local in a temporary home on NEO4J_TEST_PORT (default
17688; the user's server is on 17687 with its data in .neo4j-local). The suite claims a database by
writing a marker node into it, and only when the database is empty; it clears only a database that
holds its marker, and refuses any other (tests/test_isolation.py proves it with a sentinel node).
Under CI a Neo4j that cannot start fails the run; elsewhere it is reported as an error too: no skip.
"""

import os
import subprocess
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from policykg.graph import GraphStore
from policykg.graph.embedded_store import EmbeddedStore
from policykg.graph.neo4j_store import Neo4jStore

ROOT = Path(__file__).resolve().parent.parent
GOLD = Path(__file__).parent / "fixtures" / "gold"
SAMPLES = Path(str(resources.files("policykg").joinpath("samples")))


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD


# The label of the node the test suite writes into a Neo4j database it has claimed.
MARKER = "PolicyKGTestSuite"
TEST_PORT = "17688"


def neo4j_test_auth() -> tuple[str | None, str | None]:
    return os.environ.get("NEO4J_TEST_USER") or None, os.environ.get("NEO4J_TEST_PASSWORD") or None


def claim_neo4j(uri: str, user: str | None = None, password: str | None = None) -> None:
    """Mark the database at `uri` as the test suite's: allowed when it is empty or already marked."""
    from neo4j import GraphDatabase

    auth = (user, password or "") if user else None
    with GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF") as driver:
        marked = driver.execute_query(f"MATCH (m:{MARKER}) RETURN count(m) AS n").records[0]["n"]
        nodes = driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
        if not marked and nodes:
            pytest.fail(
                f"refusing to use the Neo4j database at {uri} for tests: it holds {nodes} nodes the test suite did "
                f"not create (no :{MARKER} marker). Point NEO4J_TEST_URI at an empty database, or unset it so the "
                "tests start their own server.",
                pytrace=False,
            )
        if not marked:
            driver.execute_query(f"CREATE (:{MARKER} {{created_by: 'policy-kg tests'}})")


def clear_neo4j(uri: str, user: str | None = None, password: str | None = None) -> None:
    """Empty a database the test suite has claimed (its marker stays); refuse any other."""
    from neo4j import GraphDatabase

    auth = (user, password or "") if user else None
    with GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF") as driver:
        if not driver.execute_query(f"MATCH (m:{MARKER}) RETURN count(m) AS n").records[0]["n"]:
            raise RuntimeError(f"refusing to clear {uri}: the test suite did not create that database")
        driver.execute_query(f"MATCH (n) WHERE NOT n:{MARKER} DETACH DELETE n")


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Neo4j database the tests own: NEO4J_TEST_URI (claimed), else a throwaway server of their own."""
    uri = os.environ.get("NEO4J_TEST_URI")
    if uri:
        claim_neo4j(uri, *neo4j_test_auth())
        yield uri
        return
    script = ROOT / "scripts" / "neo4j-local"
    home = tmp_path_factory.mktemp("neo4j-test-home")
    env = {
        **os.environ,
        "NEO4J_LOCAL_HOME": str(home),
        "NEO4J_LOCAL_PORT": os.environ.get("NEO4J_TEST_PORT", TEST_PORT),
        "NEO4J_LOCAL_AUTH": "off",
    }
    t0 = time.perf_counter()
    started = subprocess.run([str(script), "start"], env=env, capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        pytest.fail(f"Neo4j could not start (scripts/neo4j-local start):\n{started.stderr[-3000:]}", pytrace=False)
    print(f"\nNeo4j started in {time.perf_counter() - t0:.1f} s")
    uri = subprocess.run([str(script), "uri"], env=env, capture_output=True, text=True).stdout.strip()
    try:
        claim_neo4j(uri)
        yield uri
    finally:
        subprocess.run([str(script), "stop"], env=env, capture_output=True, timeout=120)


def _fresh_neo4j(uri: str) -> Neo4jStore:
    user, password = neo4j_test_auth()
    clear_neo4j(uri, user, password)
    return Neo4jStore(uri, user, password)


@pytest.fixture(params=["embedded", "neo4j"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind."""
    if request.param == "embedded":
        s: GraphStore = EmbeddedStore(tmp_path / "data")
    else:
        s = _fresh_neo4j(request.getfixturevalue("neo4j_uri"))
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def sample_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A store of each kind holding the five sample documents (read-only use)."""
    from policykg.graph.ingest import ingest_paths

    if request.param == "embedded":
        s: GraphStore = EmbeddedStore(tmp_path_factory.mktemp("samples") / "data")
    else:
        s = _fresh_neo4j(request.getfixturevalue("neo4j_uri"))
    summary = ingest_paths(s, [str(SAMPLES)], progress=False)
    assert summary.failed == 0, summary.errors
    try:
        yield s
    finally:
        s.close()
