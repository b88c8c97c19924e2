"""The bulk path (graph/bulk.py): bulk-loading real documents gives the same graph as transactional ingest of the
same documents, node for node and relationship for relationship with every property, on the embedded store
(COPY FROM) and on a real Neo4j 5 (neo4j-admin database import full into a stopped server home of the test's
own, then started); a non-empty store is refused; a bad file is named while the rest load; text with commas,
quotes, line breaks and 〔〕 survives the files."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from policykg.graph.bulk import (
    BulkGraph,
    NotEmpty,
    TableFiles,
    export_store,
    finish_load,
    load_documents,
    load_ladybug,
)
from policykg.graph.embedded_store import EmbeddedStore
from policykg.graph.ingest import ingest_paths
from policykg.graph.model import NODE_PROPERTIES, REL_ENDPOINTS, DocumentGraph, Node, Rel
from policykg.graph.neo4j_store import Neo4jStore

from policykg.cli import cli
from policykg.settings import Settings
from tests.conftest import ROOT, SAMPLES

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = [FIXTURES / "real" / "docs", FIXTURES / "corpus" / "docs", SAMPLES]


def _value(k: str, v: Any) -> Any:
    # an agency's aliases are a set (collected in no set order)
    if isinstance(v, list):
        return tuple(sorted(v)) if k == "aliases" else tuple(v)
    return v


def _props(d: dict[str, Any], allowed: dict[str, str]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, _value(k, v)) for k, v in d.items() if k in allowed and v is not None))


def graph_of(store: Any) -> tuple[Counter[Any], Counter[Any]]:
    """Every node of the model with its properties, every relationship with its ends and properties."""
    nodes: Counter[Any] = Counter()
    for label, props in NODE_PROPERTIES.items():
        for (n,) in store.query(f"MATCH (n:{label}) RETURN n").rows:
            nodes[(label, _props(n, props))] += 1
    rels: Counter[Any] = Counter()
    for rtype, ends in REL_ENDPOINTS.items():
        from policykg.graph.model import REL_PROPERTIES

        for a, b in ends:
            rows = store.query(f"MATCH (a:{a})-[r:`{rtype}`]->(b:{b}) RETURN a.key, b.key, r").rows
            for s, e, r in rows:
                rels[(rtype, a, s, b, e, _props(r, REL_PROPERTIES[rtype]))] += 1
    return nodes, rels


SHARED_ROWS = (
    "MATCH (a:Agency)-[s:`共担`]->(b:Agency) RETURN a.key, b.key, s.tasks, s.lead, s.participate, s.responsible "
    "ORDER BY a.key, b.key"
)


def assert_same_graph(bulk: Any, ingested: Any) -> None:
    assert bulk.counts() == ingested.counts()
    # the derived data too: 共担 computed while merging the files = what the writer kept up incrementally
    shared = bulk.query(SHARED_ROWS).rows
    assert shared == ingested.query(SHARED_ROWS).rows
    tasks = "MATCH (p:Policy) WHERE p.ingested = true RETURN p.key, p.tasks ORDER BY p.key"
    assert bulk.query(tasks).rows == ingested.query(tasks).rows
    got, want = graph_of(bulk), graph_of(ingested)
    assert got[0] == want[0], (
        f"nodes differ: only bulk {list((got[0] - want[0]).items())[:5]}, only ingest {list((want[0] - got[0]).items())[:5]}"
    )
    assert got[1] == want[1], (
        f"rels differ: only bulk {list((got[1] - want[1]).items())[:5]}, only ingest {list((want[1] - got[1]).items())[:5]}"
    )


TRICKY_TEXT = "构建, \"引号\" 与 '单引号'〔2021〕12号;分号\\反斜杠\n[括号]"


TRICKY_KEPT = TRICKY_TEXT.split("\n")[0]  # extraction joins the lines of a paragraph


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The real documents, and a copy of a sample whose title and a task hold commas, quotes, 〔〕 and a backslash."""
    from policykg.ingest import extract

    folder = tmp_path_factory.mktemp("tricky")
    src = SAMPLES / "003_22293d2eac0c7b96.txt"
    text = src.read_text(encoding="utf-8")
    title = extract(src).title
    assert title and title in text
    text = text.replace(title, f'{title}（"副本",〔2021〕）').replace("（一）构建完善的", f"（一）{TRICKY_TEXT}完善的")
    (folder / "tricky.txt").write_text(text, encoding="utf-8")
    return [*(str(d) for d in DOCS), str(folder)]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, docs: list[str]) -> Any:
    """The documents ingested one transaction each (the reference)."""
    store = EmbeddedStore(tmp_path_factory.mktemp("ingest") / "data")
    summary = ingest_paths(store, docs, progress=False)
    assert summary.new > 40, summary.describe()
    yield store, summary
    store.close()


def test_bulk_embedded_equals_ingest(ingested: Any, docs: list[str], tmp_path: Path) -> None:
    store, summary = ingested
    result = load_documents(docs, data_dir=tmp_path / "bulk", files_dir=tmp_path / "files")
    assert (result.new, result.duplicate, result.failed) == (summary.new, summary.duplicate, summary.failed), (
        result.describe()
    )
    with EmbeddedStore(tmp_path / "bulk") as bulk:
        assert_same_graph(bulk, store)
        assert bulk.query(SHARED_ROWS).rows  # real documents share tasks: the derived pairs are there
        assert sum(bulk.counts().values()) == result.nodes + result.relationships
        # line breaks in the data: task texts and evidence that span lines went through the files
        assert bulk.query("MATCH (t:Task) WHERE t.text CONTAINS '\n' RETURN count(t)").rows[0][0] > 0
        tricky = bulk.query("MATCH (t:Task) WHERE t.text CONTAINS $x RETURN t.text", {"x": TRICKY_KEPT}).rows
        assert (
            len(tricky) == 1
            and '"副本",〔2021〕'
            in bulk.query("MATCH (p:Policy) WHERE p.source = 'tricky.txt' RETURN p.title").rows[0][0]
        )


def test_export_of_a_store_loads_into_an_empty_one(ingested: Any, tmp_path: Path) -> None:
    """export_store (what `policykg export --format neo4j-admin` writes, here in ladybug's dialect) → COPY: the same
    graph again; and the CLI's neo4j-admin export names its files and the import options."""
    store, _summary = ingested
    export_store(store, tmp_path / "files", "ladybug")
    with EmbeddedStore(tmp_path / "copy") as copy:
        load_ladybug(tmp_path / "files", copy)
        finish_load(copy, tmp_path / "files")  # an export carries no derived data: it is rebuilt
        assert_same_graph(copy, store)
    out = tmp_path / "neo"
    files = export_store(store, out, "neo4j")
    args = (out / "import.args").read_text(encoding="utf-8").splitlines()
    assert "--array-delimiter=U+001F" in args and '"--nodes=Agency=nodes_Agency.csv"' in args
    assert {f.name for f in files} >= {"nodes_Policy.csv", "nodes_Task.csv", "manifest.json", "fixups.jsonl"}


def test_a_failed_copy_leaves_the_store_empty(ingested: Any, tmp_path: Path) -> None:
    """The COPYs are one transaction: when a later file fails after the nodes are in, none of them stays, and
    the same store then takes a good load."""
    import json

    from policykg.errors import PolicyKGError

    store, _summary = ingested
    good, bad = tmp_path / "good", tmp_path / "bad"
    export_store(store, good, "ladybug")
    shutil.copytree(good, bad)
    manifest = json.loads((bad / "manifest.json").read_text(encoding="utf-8"))
    last = [f for f in manifest["files"] if f["kind"] != "node"][-1]["file"]
    with (bad / last).open("a", encoding="utf-8") as fh:  # a relationship to a node no file has
        fh.write("no-such-agency,no-such-agency-either,1\n")
    with EmbeddedStore(tmp_path / "data") as target:
        with pytest.raises(PolicyKGError, match="left empty") as err:
            load_ladybug(bad, target)
        assert str(bad) in str(err.value)
        assert set(target.counts().values()) == {0}, target.counts()
        load_ladybug(good, target)
        finish_load(target, good)
        assert_same_graph(target, store)


def test_refuses_a_store_that_is_not_empty(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with EmbeddedStore(data) as store:
        ingest_paths(store, [str(SAMPLES / "003_22293d2eac0c7b96.txt")], progress=False)
        before = store.counts()
    with pytest.raises(NotEmpty, match="first load"):
        load_documents([str(SAMPLES)], data_dir=data)
    with EmbeddedStore(data) as store:
        assert store.counts() == before  # untouched
    res = CliRunner().invoke(cli, ["load", str(SAMPLES), "--bulk", "--data-dir", str(data), "--quiet"])
    assert res.exit_code == 1 and "first load" in res.output, res.output


def test_bad_file_named_and_the_rest_loaded(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLES, docs)
    bad = docs / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a docx")
    res = CliRunner().invoke(cli, ["load", str(docs), "--bulk", "--data-dir", str(tmp_path / "data"), "--quiet"])
    assert res.exit_code == 1, res.output
    assert "broken.docx" in res.output and "5 new" in res.output and "1 failed" in res.output
    with EmbeddedStore(tmp_path / "data") as store:
        assert store.query("MATCH (p:Policy) WHERE p.ingested = true RETURN count(p)").rows == [[5]]


TRICKY = "a, \"quoted\" b;c\nnext line 〔2021〕12号\r\n\\ 'single' [x] ，、；"


def tricky_graph() -> DocumentGraph:
    doc = f"政策{TRICKY}"
    g = DocumentGraph(doc=doc, source="tricky.txt", content_hash="h")
    g.nodes = [
        Node(
            "Policy",
            doc,
            {"title": TRICKY, "issuers": ["", TRICKY, "", "个", "x,y", ""], "ingested": True, "source": "tricky.txt"},
        ),
        Node("Task", f"{doc}#1", {"policy": doc, "path": "1", "text": TRICKY, "doc": doc, "char_start": 0}),
        Node("Agency", "机关,甲", {"name": TRICKY}),
        Node("Agency", "上级", {"name": ""}),
        Node("Policy", "空", {"title": "", "issuers": [], "ingested": False}),
    ]
    prov = {"doc": doc, "char_start": 1, "char_end": 2, "evidence": TRICKY}
    g.rels = [
        Rel("包含", ("Policy", doc), ("Task", f"{doc}#1"), prov),
        Rel("牵头", ("Agency", "机关,甲"), ("Task", f"{doc}#1"), {**prov, "role": "牵头", "mention": TRICKY}),
        Rel("引用", ("Policy", doc), ("Policy", "空"), {**prov, "evidence": ""}),
        Rel(
            "隶属",
            ("Agency", "机关,甲"),
            ("Agency", "上级"),
            {"doc": "", "char_start": -1, "char_end": -1, "evidence": "上级机关"},
        ),
    ]
    return g


def test_tricky_text_survives_ladybug(tmp_path: Path) -> None:
    bulk = BulkGraph(TableFiles(tmp_path / "files", "ladybug"))
    assert bulk.add(tricky_graph()) == ("new", "")
    bulk.finish()
    with EmbeddedStore(tmp_path / "bulk") as b, EmbeddedStore(tmp_path / "tx") as t:
        load_ladybug(tmp_path / "files", b)
        t.write_document(tricky_graph())
        assert_same_graph(b, t)
        ((title, issuers),) = b.query(
            "MATCH (p:Policy {key: '政策' + $t}) RETURN p.title, p.issuers", {"t": TRICKY}
        ).rows
        assert title == TRICKY and issuers == ["", TRICKY, "", "个", "x,y", ""]
        assert b.query("MATCH (p:Policy {key: '空'}) RETURN p.title, p.issuers").rows == [["", []]]


def test_duplicate_policy_skipped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    one = SAMPLES / "003_22293d2eac0c7b96.txt"
    shutil.copy(one, docs / "a.txt")
    shutil.copy(one, docs / "b.txt")
    summary = load_documents([str(docs)], data_dir=tmp_path / "data", settings=Settings.from_env())
    assert (summary.new, summary.duplicate) == (1, 1)
    assert any("b.txt: skipped, the same policy is already stored from a.txt" in e for e in summary.errors)


# -- Neo4j: neo4j-admin import into a throwaway server home of the test's own ---------------------------------


@pytest.fixture(scope="module")
def neo4j_home(tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("bulk-neo4j-home")
    port = int(os.environ.get("NEO4J_TEST_PORT") or os.environ.get("NEO4J_LOCAL_PORT") or "17688") + 5
    env = {**os.environ, "NEO4J_LOCAL_HOME": str(home), "NEO4J_LOCAL_PORT": str(port), "NEO4J_LOCAL_HEAP": "512m"}
    env["NEO4J_LOCAL_START_SECONDS"] = "600"
    yield home, port, env
    subprocess.run([str(ROOT / "scripts" / "neo4j-local"), "stop"], env=env, capture_output=True, timeout=120)


@pytest.mark.neo4j
def test_bulk_neo4j_equals_ingest(
    ingested: Any, docs: list[str], neo4j_home: Any, neo4j_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bulk into a stopped server home (neo4j-admin), then started, against ingest into the suite's Neo4j."""
    from tests.conftest import _fresh_neo4j

    home, port, env = neo4j_home
    monkeypatch.setenv("NEO4J_LOCAL_PORT", str(port))
    monkeypatch.setenv("NEO4J_LOCAL_HEAP", "512m")
    monkeypatch.setenv("NEO4J_LOCAL_START_SECONDS", "600")  # a busy machine: other work shares the two cores
    result = load_documents(docs, neo4j_home=home, files_dir=tmp_path / "files")
    assert result.failed == ingested[1].failed, result.describe()
    tx = _fresh_neo4j(neo4j_uri)
    try:
        summary = ingest_paths(tx, docs, progress=False)
        assert summary.new == result.new
        with Neo4jStore(f"bolt://127.0.0.1:{port}") as bulk:
            assert_same_graph(bulk, tx)
            assert_same_graph(bulk, ingested[0])  # and the same as the embedded store's
            assert bulk.query("MATCH (t:Task) WHERE t.text CONTAINS $x RETURN count(t)", {"x": TRICKY_KEPT}).rows == [
                [1]
            ]
            # a second bulk load into that home is refused: the database is not empty
            subprocess.run([str(ROOT / "scripts" / "neo4j-local"), "stop"], env=env, capture_output=True, timeout=120)
        res = CliRunner().invoke(cli, ["load", str(SAMPLES), "--bulk", "--neo4j-import", str(home), "--quiet"])
        assert res.exit_code == 1 and "first load" in res.output, res.output
    finally:
        tx.close()
