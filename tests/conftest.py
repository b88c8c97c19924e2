"""Fixtures: the sample documents, their gold, and a graph store of each kind.

Store tests run on BOTH stores: the embedded ladybug store in a temporary folder, and a real Neo4j 5
(NEO4J_URI when set, else started once per session by scripts/neo4j-local from Maven Central jars).
Under CI (CI set) a Neo4j that cannot start fails the run; elsewhere it is reported as an error too:
there is no skip.
"""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield uri
        return
    script = ROOT / "scripts" / "neo4j-local"
    env = {**os.environ, "NEO4J_LOCAL_PORT": os.environ.get("NEO4J_LOCAL_PORT", "17687")}
    t0 = time.perf_counter()
    started = subprocess.run([str(script), "start"], env=env, capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        pytest.fail(f"Neo4j could not start (scripts/neo4j-local start):\n{started.stderr[-3000:]}", pytrace=False)
    print(f"\nNeo4j started in {time.perf_counter() - t0:.1f} s")
    uri = subprocess.run([str(script), "uri"], env=env, capture_output=True, text=True).stdout.strip()
    try:
        yield uri
    finally:
        subprocess.run([str(script), "stop"], env=env, capture_output=True, timeout=120)


def _fresh_neo4j(uri: str) -> Neo4jStore:
    store = Neo4jStore(uri)
    with store._driver.session() as s:
        s.run("MATCH (n) DETACH DELETE n").consume()
    return store


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
