"""The graph in the files network tools read: GraphML, GEXF (Gephi, with a year timeline), Pajek, UCINET DL,
Gephi CSV, JSON lines, and the CSV files `neo4j-admin database import full` takes (graph/bulk.py's files).

Two graphs are exported: the full graph (`full_graph(store)`: every node and relationship with its
properties; node ids are `Label:key`, since keys are unique per label only) and the agency network
(`agency_graph(store)`: agencies, weight = tasks shared, with the count per role pair and per year).
`export(store, fmt, folder)` writes one format and returns the files written.

Properties that a format cannot hold as such (lists in GraphML and GEXF) are written as JSON text; Pajek and
UCINET hold the structure and the weights only.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
from policykg.queries.registry import run

from .bulk import export_store
from .network import projection, role_edges, two_mode

__all__ = [
    "FORMATS",
    "agency_graph",
    "export",
    "full_graph",
    "neo4j_admin_command",
    "node_id",
    "read_ucinet_dl",
]

FORMATS = ("graphml", "gexf", "pajek", "ucinet", "csv", "jsonl", "neo4j-admin")
# the bulk files' list delimiter (graph/bulk.py), as neo4j-admin's option spells it
ARRAY_DELIMITER = "U+001F"


def node_id(label: str, key: str) -> str:
    return f"{label}:{key}"


def full_graph(store: Any) -> nx.MultiDiGraph:
    """Every node (id `Label:key`, attribute `label` and its properties) and every relationship (attribute `type`
    and its properties) of the store, from templates `export_nodes` and `export_relationships`."""
    G = nx.MultiDiGraph()
    for (node,) in run(store, "export_nodes").rows:
        props = _props(node)
        G.add_node(node_id(node["_label"], node["key"]), label=node["_label"], **props)
    for source, rel, target in run(store, "export_relationships").rows:
        G.add_edge(
            node_id(source["_label"], source["key"]),
            node_id(target["_label"], target["key"]),
            type=rel["_label"],
            **_props(rel),
        )
    return G


def _props(value: dict[str, Any]) -> dict[str, Any]:
    # ladybug answers every column of every table for an unlabelled match; unset ones are null. An agency's
    # aliases are a set recomputed on each write, in no set order: sorted, the same store exports the same file.
    return {
        k: sorted(v) if k == "aliases" and isinstance(v, list) else v
        for k, v in value.items()
        if not k.startswith("_") and v is not None
    }


def agency_graph(store: Any) -> nx.Graph:
    """The agency network of shared tasks with years: node `years`, edge `years` ({year: shared tasks})."""
    B = two_mode(role_edges(store))
    G = projection(B)
    for *_ab, e in G.edges(data=True):
        e["years"] = dict(sorted(Counter(B.nodes[t]["year"] for t in e["tasks"] if B.nodes[t]["year"]).items()))
    for n in G:
        G.nodes[n]["years"] = sorted({B.nodes[t]["year"] for t in B[n] if B.nodes[t]["year"]})
    return G


def export(store: Any, fmt: str, folder: str | Path) -> list[Path]:
    """Write the full graph and the agency network in format `fmt` (one of FORMATS) into `folder`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; formats are {', '.join(FORMATS)}")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    writer = {
        "graphml": _graphml,
        "gexf": _gexf,
        "pajek": _pajek,
        "ucinet": _ucinet,
        "csv": _gephi_csv,
        "jsonl": _jsonl,
        "neo4j-admin": _neo4j_admin,
    }[fmt]
    return writer(store, out)


# -- GraphML, GEXF -------------------------------------------------------------------------------------------


def _flat(G: nx.Graph) -> nx.Graph:
    """A copy whose attribute values GraphML and GEXF can hold: lists and dicts as JSON text, no nulls."""

    def flat(d: dict[str, Any]) -> dict[str, Any]:
        return {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
            for k, v in d.items()
            if v is not None
        }

    H = G.__class__()
    H.add_nodes_from((n, flat(d)) for n, d in G.nodes(data=True))
    if G.is_multigraph():
        H.add_edges_from((u, v, k, flat(d)) for u, v, k, d in G.edges(keys=True, data=True))
    else:
        H.add_edges_from((u, v, flat(d)) for u, v, d in G.edges(data=True))
    return H


def _graphml(store: Any, out: Path) -> list[Path]:
    files = [out / "graph.graphml", out / "agencies.graphml"]
    nx.write_graphml(_flat(full_graph(store)), files[0], encoding="utf-8")
    nx.write_graphml(_flat(agency_graph(store)), files[1], encoding="utf-8")
    return files


def _gexf(store: Any, out: Path) -> list[Path]:
    files = [out / "graph.gexf", out / "agencies.gexf"]
    # GEXF reserves a node's `label` (shown by Gephi) and an edge's `type` (directed or not): the node label
    # goes to `kind`, the relationship type to the edge's label
    F = _flat(full_graph(store))
    for _n, d in F.nodes(data=True):
        d["kind"] = d.pop("label")
        d["label"] = d.get("name") or d.get("title") or d["key"]
    for *_uvk, d in F.edges(keys=True, data=True):
        d["label"] = d.pop("type")
    nx.write_gexf(F, files[0], encoding="utf-8")
    G = agency_graph(store)
    # Gephi's timeline: an agency is present in the years of its dated tasks, a tie in the years of its shared
    # dated tasks with that year's count as `shared`; undated facts leave an element without spells (always on).
    H = nx.Graph()
    for n, d in G.nodes(data=True):
        attrs = {k: d[k] for k in ("level", "region", "tasks", "tasks_led") if d.get(k) is not None}
        if d["years"]:
            attrs["spells"] = [_year_span(y) for y in d["years"]]
        H.add_node(n, label=n, **attrs)
    for a, b, e in G.edges(data=True):
        attrs = {k: e[k] for k in ("weight", "lead_lead", "lead_participant", "participant_participant", "responsible")}
        if e["years"]:
            attrs["spells"] = [_year_span(y) for y in e["years"]]
            attrs["shared"] = [(c, *_year_span(y)) for y, c in e["years"].items()]
        H.add_edge(a, b, **attrs)
    nx.write_gexf(H, files[1], encoding="utf-8")
    return files


def _year_span(year: int) -> tuple[str, str]:
    # dates make Gephi's timeline read years as years (timeformat="date"), each spell one whole year
    return f"{year}-01-01", f"{year}-12-31"


# -- Pajek, UCINET ---------------------------------------------------------------------------------------------


def _pajek(store: Any, out: Path) -> list[Path]:
    files = [out / "graph.net", out / "agencies.net"]
    F = full_graph(store)
    full = nx.MultiDiGraph()
    full.add_nodes_from(F.nodes)
    full.add_edges_from((u, v, {"weight": 1.0, "type": d["type"]}) for u, v, d in F.edges(data=True))
    nx.write_pajek(full, files[0], encoding="utf-8")
    G = agency_graph(store)
    H = nx.Graph()
    H.add_nodes_from(sorted(G))
    H.add_edges_from((a, b, {"weight": float(e["weight"])}) for a, b, e in G.edges(data=True))
    nx.write_pajek(H, files[1], encoding="utf-8")
    return files


def _dl_label(name: str) -> str:
    return '"' + name.replace('"', "'") + '"'


def _ucinet(store: Any, out: Path) -> list[Path]:
    """UCINET DL full matrices: agency × agency (shared tasks) and the two-mode agency × task incidence."""
    files = [out / "agencies.dl", out / "agencies_tasks.dl"]
    G = agency_graph(store)
    names = sorted(G)
    lines = [f"DL N={len(names)}", "FORMAT = FULLMATRIX DIAGONAL PRESENT", "LABELS:"]
    lines += [_dl_label(n) for n in names]
    lines.append("DATA:")
    for a in names:
        lines.append(" ".join(str(G.edges[a, b]["weight"]) if G.has_edge(a, b) else "0" for b in names))
    files[0].write_text("\n".join(lines) + "\n", encoding="utf-8")
    B = two_mode(role_edges(store))
    agencies = sorted(n for n, d in B.nodes(data=True) if d["kind"] == "agency")
    tasks = sorted(n for n, d in B.nodes(data=True) if d["kind"] == "task")
    lines = [f"DL NR={len(agencies)} NC={len(tasks)}", "FORMAT = FULLMATRIX", "ROW LABELS:"]
    lines += [_dl_label(n) for n in agencies]
    lines.append("COLUMN LABELS:")
    lines += [_dl_label(t) for t in tasks]
    lines.append("DATA:")
    for a in agencies:
        lines.append(" ".join("1" if B.has_edge(a, t) else "0" for t in tasks))
    files[1].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return files


def read_ucinet_dl(path: str | Path) -> tuple[list[str], list[str], list[list[float]]]:
    """Row labels, column labels and the matrix of a UCINET DL full-matrix file (as written here)."""
    rows: list[str] = []
    cols: list[str] = []
    data: list[list[float]] = []
    section = ""
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        upper = line.upper()
        if upper.startswith(("DL ", "FORMAT")):
            continue
        if upper in ("LABELS:", "ROW LABELS:", "COLUMN LABELS:", "DATA:"):
            section = upper
            continue
        if section in ("LABELS:", "ROW LABELS:"):
            rows.append(line.strip('"'))
        elif section == "COLUMN LABELS:":
            cols.append(line.strip('"'))
        elif section == "DATA:" and line:
            data.append([float(x) for x in line.split()])
    return rows, cols or rows, data


# -- CSV (Gephi), JSON lines ---------------------------------------------------------------------------------------


def _cell(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows([[_cell(v) for v in r] for r in rows])


def _gephi_csv(store: Any, out: Path) -> list[Path]:
    """Gephi's spreadsheet import: nodes (Id, Label, …) and edges (Source, Target, Type, Weight, …)."""
    files = [out / "agencies_nodes.csv", out / "agencies_edges.csv", out / "graph_nodes.csv", out / "graph_edges.csv"]
    G = agency_graph(store)
    _write_csv(
        files[0],
        ["Id", "Label", "level", "region", "tasks", "tasks_led", "years"],
        [
            [n, n, d.get("level"), d.get("region"), d["tasks"], d["tasks_led"], d["years"]]
            for n, d in sorted(G.nodes(data=True))
        ],
    )
    pairs = ["lead_lead", "lead_participant", "participant_participant", "responsible"]
    _write_csv(
        files[1],
        ["Source", "Target", "Type", "Weight", *pairs, "years"],
        [
            [min(a, b), max(a, b), "Undirected", e["weight"], *(e[p] for p in pairs), e["years"]]
            for a, b, e in sorted(G.edges(data=True), key=lambda x: (min(x[0], x[1]), max(x[0], x[1])))
        ],
    )
    F = full_graph(store)
    node_cols = sorted({k for _n, d in F.nodes(data=True) for k in d} - {"label"})
    _write_csv(
        files[2],
        ["Id", "Label", "label", *node_cols],
        [
            [n, d.get("name") or d.get("title") or d.get("key"), d["label"], *(d.get(c) for c in node_cols)]
            for n, d in F.nodes(data=True)
        ],
    )
    edge_cols = sorted({k for *_uv, d in F.edges(data=True) for k in d} - {"type"})
    _write_csv(
        files[3],
        ["Source", "Target", "Type", "Label", *edge_cols],
        [[u, v, "Directed", d["type"], *(d.get(c) for c in edge_cols)] for u, v, d in F.edges(data=True)],
    )
    return files


def _jsonl(store: Any, out: Path) -> list[Path]:
    """One JSON object a line: {"type": "node", "id", "label", "properties"} then
    {"type": "relationship", "label", "start", "end", "properties"}."""
    files = [out / "graph.jsonl", out / "agencies.jsonl"]
    F = full_graph(store)
    with files[0].open("w", encoding="utf-8") as f:
        for n, d in F.nodes(data=True):
            props = {k: v for k, v in d.items() if k != "label"}
            f.write(
                json.dumps({"type": "node", "id": n, "label": d["label"], "properties": props}, ensure_ascii=False)
                + "\n"
            )
        for u, v, d in F.edges(data=True):
            props = {k: x for k, x in d.items() if k != "type"}
            row = {"type": "relationship", "label": d["type"], "start": u, "end": v, "properties": props}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    G = agency_graph(store)
    with files[1].open("w", encoding="utf-8") as f:
        for n, d in sorted(G.nodes(data=True)):
            f.write(
                json.dumps({"type": "node", "id": n, "label": "Agency", "properties": d}, ensure_ascii=False) + "\n"
            )
        for a, b, e in G.edges(data=True):
            row = {
                "type": "relationship",
                "label": "SHARES_TASKS",
                "start": min(a, b),
                "end": max(a, b),
                "properties": e,
            }
            f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    return files


# -- neo4j-admin database import full --------------------------------------------------------------------------


def _neo4j_admin(store: Any, out: Path) -> list[Path]:
    """The bulk files of graph/bulk.py in neo4j-admin's dialect (one ID space per label, typed columns, lists joined
    by U+001F), `import.args` for `scripts/neo4j-local import DIR`, and `import.sh` with the plain neo4j-admin
    command. The one loss of the CSV format: a list property holding [] (or ['']) is imported as absent;
    `fixups.jsonl` lists those values (`policykg load --bulk --neo4j-import` sets them after the import)."""
    folder = out / "neo4j-admin"
    files = export_store(store, folder, "neo4j")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    file_args = [
        f"--nodes={f['table']}={f['file']}" if f["kind"] == "node" else f"--relationships={f['file']}"
        for f in manifest["files"]
    ]
    script = folder / "import.sh"
    script.write_text(
        "#!/bin/sh\n# Load these files into an EMPTY database (default: neo4j) of a stopped Neo4j 5 server.\n"
        'cd "$(dirname "$0")"\n'
        + shlex.join(neo4j_admin_command(file_args, "DATABASE")).replace(" DATABASE ", ' "${1:-neo4j}" ')
        + "\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return [*files, script]


def neo4j_admin_command(file_args: list[str], database: str = "neo4j") -> list[str]:
    """The `neo4j-admin database import full` command for the exported files (the database comes first: the
    file options take any number of values; task text spans lines, hence multiline fields)."""
    return [
        "neo4j-admin",
        "database",
        "import",
        "full",
        database,
        "--multiline-fields=true",
        f"--array-delimiter={ARRAY_DELIMITER}",
        *file_args,
    ]
