"""Every export format round-trips: written from the sample graph, read back (networkx, csv, json, a UCINET DL
reader, and neo4j-admin's import into an empty database of a real Neo4j 5), the same nodes, relationships and
properties come back, Chinese intact."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from policykg.graph import GraphStore
from policykg.graph.embedded_store import EmbeddedStore
from policykg.graph.exports import FORMATS, agency_graph, export, full_graph, neo4j_admin_command, read_ucinet_dl
from policykg.graph.ingest import ingest_paths
from policykg.graph.neo4j_store import Neo4jStore

from policykg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
HUB = "山东省知识产权局"
LIST_PROPS = {"aliases", "issuers"}


@pytest.fixture(scope="module")
def store(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    s = EmbeddedStore(tmp_path_factory.mktemp("exports") / "data")
    assert ingest_paths(s, [str(samples)], progress=False).failed == 0
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def graphs(store: GraphStore) -> tuple[nx.MultiDiGraph, nx.Graph]:
    return full_graph(store), agency_graph(store)


@pytest.fixture(scope="module")
def out(store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    for fmt in FORMATS:
        assert export(store, fmt, folder)
    return folder


def canon(F: nx.MultiDiGraph) -> tuple[dict[str, dict[str, object]], list[tuple[str, str, str]]]:
    """Nodes with their attributes, and the sorted multiset of relationships with theirs."""
    nodes = {n: dict(d) for n, d in F.nodes(data=True)}
    edges = sorted((u, v, json.dumps(d, ensure_ascii=False, sort_keys=True)) for u, v, d in F.edges(data=True))
    return nodes, edges


def test_full_graph_holds_everything(store: GraphStore, graphs: tuple[nx.MultiDiGraph, nx.Graph]) -> None:
    F, G = graphs
    counts = store.counts()
    assert F.number_of_nodes() == sum(counts[label] for label in ("Policy", "Task", "Agency", "Region")) == 285
    assert F.number_of_edges() == sum(v for k, v in counts.items() if k not in ("Policy", "Task", "Agency", "Region"))
    assert F.nodes[f"Agency:{HUB}"]["label"] == "Agency" and "省知识产权局" in F.nodes[f"Agency:{HUB}"]["aliases"]
    assert G.number_of_nodes() == 90 and G.number_of_edges() == 520
    assert G.nodes[HUB]["years"] == [2023] and G.edges["山东省工商行政管理局", HUB]["years"] == {}


def test_full_graph_is_the_same_from_both_stores(
    sample_store: GraphStore, graphs: tuple[nx.MultiDiGraph, nx.Graph]
) -> None:
    assert canon(full_graph(sample_store)) == canon(graphs[0])


def test_graphml_round_trip(out: Path, graphs: tuple[nx.MultiDiGraph, nx.Graph]) -> None:
    F, G = graphs
    back = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    for _n, d in back.nodes(data=True):
        for k in LIST_PROPS & set(d):
            d[k] = json.loads(d[k])
    for *_uv, d in back.edges(data=True):
        d.pop("id", None)
    assert canon(back) == canon(F)
    agencies = nx.read_graphml(out / "agencies.graphml")
    assert sorted(agencies) == sorted(G) and agencies.number_of_edges() == 520
    for a, b, e in G.edges(data=True):
        got = agencies.edges[a, b]
        assert got["weight"] == e["weight"] and got["responsible"] == e["responsible"]
        assert json.loads(got["tasks"]) == e["tasks"]


def test_gexf_round_trip_with_a_timeline(out: Path, graphs: tuple[nx.MultiDiGraph, nx.Graph]) -> None:
    F, G = graphs
    text = (out / "agencies.gexf").read_text(encoding="utf-8")
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text and HUB in text
    back = nx.read_gexf(out / "agencies.gexf")
    assert sorted(back) == sorted(G) and back.number_of_edges() == 520
    assert back.nodes[HUB]["spells"] == [("2023-01-01", "2023-12-31")] and back.nodes[HUB]["tasks_led"] == 24
    for a, b, e in G.edges(data=True):
        got = back.edges[a, b]
        assert got["weight"] == e["weight"]
        assert [(c, s[:4]) for c, s, _end in got.get("shared", [])] == [(c, str(y)) for y, c in e["years"].items()]
    full = nx.read_gexf(out / "graph.gexf")
    assert sorted(full) == sorted(F) and full.number_of_edges() == F.number_of_edges()
    assert full.nodes[f"Agency:{HUB}"]["kind"] == "Agency" and full.nodes[f"Agency:{HUB}"]["label"] == HUB
    types = sorted(d["label"] for *_uv, d in full.edges(data=True))
    assert types == sorted(d["type"] for *_uv, d in F.edges(data=True))


def test_pajek_round_trip(out: Path, graphs: tuple[nx.MultiDiGraph, nx.Graph]) -> None:
    F, G = graphs
    back = nx.read_pajek(out / "agencies.net")
    assert sorted(back) == sorted(G)
    got = sorted((*sorted((a, b)), d["weight"]) for a, b, d in back.edges(data=True))
    assert got == sorted((*sorted((a, b)), float(e["weight"])) for a, b, e in G.edges(data=True))
    full = nx.read_pajek(out / "graph.net")
    assert sorted(full) == sorted(F)
    assert sorted((u, v, d["type"]) for u, v, d in full.edges(data=True)) == sorted(
        (u, v, d["type"]) for u, v, d in F.edges(data=True)
    )


def test_ucinet_dl_round_trip(out: Path, graphs: tuple[nx.MultiDiGraph, nx.Graph], store: GraphStore) -> None:
    _F, G = graphs
    assert (out / "agencies.dl").read_text(encoding="utf-8").startswith("DL N=90\nFORMAT = FULLMATRIX")
    rows, cols, data = read_ucinet_dl(out / "agencies.dl")
    assert rows == cols == sorted(G) and len(data) == 90 and all(len(r) == 90 for r in data)
    back = nx.Graph()
    back.add_nodes_from(rows)
    back.add_weighted_edges_from(
        (rows[i], rows[j], w) for i, r in enumerate(data) for j, w in enumerate(r) if w and i < j
    )
    assert _weights(back) == _weights(G)
    assert all(data[i][j] == data[j][i] for i in range(90) for j in range(90))
    rows, cols, data = read_ucinet_dl(out / "agencies_tasks.dl")
    assert len(rows) == 90 and len(cols) == 97 and sum(map(sum, data)) == 441  # every role edge of the samples
    hub = rows.index(HUB)
    assert sum(data[hub]) == 67


def test_gephi_csv_round_trip(out: Path, graphs: tuple[nx.MultiDiGraph, nx.Graph]) -> None:
    F, G = graphs
    with (out / "agencies_edges.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:4] == ["Source", "Target", "Type", "Weight"]
    back = nx.from_edgelist((r["Source"], r["Target"], {"weight": int(r["Weight"])}) for r in rows)
    assert _weights(back) == _weights(G)
    with (out / "agencies_nodes.csv").open(encoding="utf-8") as f:
        nodes = {r["Id"]: r for r in csv.DictReader(f)}
    assert set(nodes) == set(G) and nodes[HUB]["tasks_led"] == "24" and nodes[HUB]["level"] == "省级"
    with (out / "graph_nodes.csv").open(encoding="utf-8") as f:
        full_nodes = {r["Id"]: r for r in csv.DictReader(f)}
    assert set(full_nodes) == set(F) and full_nodes[f"Agency:{HUB}"]["Label"] == HUB
    with (out / "graph_edges.csv").open(encoding="utf-8") as f:
        full_edges = list(csv.DictReader(f))
    assert sorted((r["Source"], r["Target"], r["Label"], r["evidence"]) for r in full_edges) == sorted(
        (u, v, d["type"], d.get("evidence") or "") for u, v, d in F.edges(data=True)
    )


def test_jsonl_round_trip(out: Path, graphs: tuple[nx.MultiDiGraph, nx.Graph]) -> None:
    F, _G = graphs
    back = nx.MultiDiGraph()
    for line in (out / "graph.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["type"] == "node":
            back.add_node(row["id"], label=row["label"], **row["properties"])
        else:
            back.add_edge(row["start"], row["end"], type=row["label"], **row["properties"])
    assert canon(back) == canon(F)
    agencies = [json.loads(line) for line in (out / "agencies.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (
        sum(r["type"] == "node" for r in agencies) == 90 and sum(r["type"] == "relationship" for r in agencies) == 520
    )


def test_cli_export(store: GraphStore, tmp_path: Path, samples: Path) -> None:
    data = str(tmp_path / "data")
    assert CliRunner().invoke(cli, ["ingest", str(samples), "--data-dir", data, "--quiet"]).exit_code == 0
    res = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(tmp_path / "x"), "--data-dir", data])
    assert res.exit_code == 0, res.output
    assert {Path(p).name for p in res.output.split()} == {
        "agencies_nodes.csv",
        "agencies_edges.csv",
        "graph_nodes.csv",
        "graph_edges.csv",
    }
    res = CliRunner().invoke(cli, ["export", "--format", "xls", "-o", str(tmp_path / "x"), "--data-dir", data])
    assert res.exit_code == 2 and "xls" in res.output


def test_neo4j_admin_files(out: Path) -> None:
    folder = out / "neo4j-admin"
    header = (folder / "nodes_Agency.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "key:ID(Agency),name,aliases:string[],level,parent,region"
    rel = (folder / "relationships_00_Agency_Task.csv").read_text(encoding="utf-8").splitlines()[0]
    assert rel == (
        ":START_ID(Agency),:END_ID(Task),:TYPE,doc,char_start:long,char_end:long,evidence,role,mention,rule,"
        "lead_rule_start:long,lead_rule_end:long"
    )
    script = (folder / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in script and "--nodes=Agency=nodes_Agency.csv" in script


@pytest.mark.neo4j
def test_neo4j_admin_import_round_trip(out: Path, graphs: tuple[nx.MultiDiGraph, nx.Graph], tmp_path: Path) -> None:
    """The exported CSV files imported by neo4j-admin (org.neo4j.cli.AdminTool from the Maven jars) into an empty
    database, which a Neo4j 5 server then opens: the same graph comes back."""
    script = ROOT / "scripts" / "neo4j-local"
    port = int(os.environ.get("NEO4J_LOCAL_PORT", "17687")) + 7
    home = tmp_path / "home"
    env = {**os.environ, "NEO4J_LOCAL_HOME": str(home), "NEO4J_LOCAL_PORT": str(port), "NEO4J_LOCAL_HEAP": "512m"}
    fetched = subprocess.run([str(script), "fetch"], env=env, capture_output=True, text=True, timeout=900)
    assert fetched.returncode == 0, fetched.stderr
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    lib = os.environ.get("NEO4J_LOCAL_LIB") or str(cache / "policykg" / f"neo4j-{_neo4j_version()}")
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text(
        f"server.directories.data={home / 'data'}\nserver.directories.logs={home / 'logs'}\n", encoding="utf-8"
    )
    folder = out / "neo4j-admin"
    args = neo4j_admin_command(_file_args(folder))[1:]
    args.insert(4, "--max-off-heap-memory=256m")
    imported = subprocess.run(
        ["java", "-Xmx512m", "-Dfile.encoding=UTF-8", "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool", *args],
        cwd=folder,
        env={**env, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert imported.returncode == 0, imported.stdout[-2000:] + imported.stderr[-2000:]
    full = graphs[0]
    assert "IMPORT DONE" in imported.stdout
    assert f"{full.number_of_nodes()} nodes" in imported.stdout
    assert f"{full.number_of_edges()} relationships" in imported.stdout
    started = subprocess.run([str(script), "start"], env=env, capture_output=True, text=True, timeout=600)
    try:
        assert started.returncode == 0, started.stderr[-3000:]
        with Neo4jStore(f"bolt://127.0.0.1:{port}") as neo:
            # neo4j-admin has no spelling of an empty list: `issuers: []` comes back absent, and nothing else differs
            expected = nx.MultiDiGraph(graphs[0])
            for _n, d in expected.nodes(data=True):
                for k in [k for k, v in d.items() if v == []]:
                    del d[k]
            assert canon(full_graph(neo)) == canon(expected)
            assert _weights(agency_graph(neo)) == _weights(graphs[1])
    finally:
        subprocess.run([str(script), "stop"], env=env, capture_output=True, timeout=120)


def _weights(G: nx.Graph) -> dict[frozenset[str], float]:
    return {frozenset((a, b)): float(w) for a, b, w in G.edges(data="weight")}


def _file_args(folder: Path) -> list[str]:
    script = (folder / "import.sh").read_text(encoding="utf-8")
    return [a for a in script.split() if a.startswith(("--nodes=", "--relationships="))]


def _neo4j_version() -> str:
    pom = (ROOT / "scripts" / "neo4j" / "pom.xml").read_text(encoding="utf-8")
    return pom.split("<neo4j.version>")[1].split("</neo4j.version>")[0]
