"""The bulk path for a first load: documents → one file per table → the engine's own loader, into an EMPTY store.

`BulkGraph` takes one DocumentGraph at a time and merges them exactly as the transactional writer would
(graph/writes.py): a document's own Policy row overwrites, cited-only policies only fill what is missing, Agency
and Region rows are the last document's, 隶属 reference edges are merged once (the first one stays), an agency's
`aliases` are the distinct mentions on its 牵头/参加/负责/发布 relationships, shared nodes no document refers to
are left out (the writer's orphan sweep), and a second document with the same policy key is skipped as
'duplicate'. Per-document facts (tasks, their relationships) go straight to the files as they come; only shared
nodes (agencies, regions, policies) and reference edges are held, so memory grows with those, not with documents.

`TableFiles` writes the rows in one of two dialects, both derived from graph/model.py:
- ladybug: CSV per node table and per relationship table + endpoint pair, loaded by `COPY … FROM` in ONE
  transaction (a failed load leaves the store empty). Strings are always quoted, so '' and null differ; lists
  are joined by U+001F (ladybug's own list syntax keeps quotes and trims blanks), split again by the COPY.
- neo4j: the CSV files and headers of `neo4j-admin database import full` (one ID space per label, typed columns,
  arrays joined by U+001F) and `import.args`, the tool's options, which `scripts/neo4j-local import DIR` runs.
  The format has no spelling of an empty list (nor of ['']): those values are set after the import
  (`fixups.jsonl`).

`load_ladybug` and `import_neo4j` load the files; `load_documents` runs the whole path (extraction on every core,
files, load) and `export_store` writes the neo4j-admin files of an existing store. Extraction is
`policykg ingest`'s (graph/ingest.py `extract_graphs`): bounded worker processes, one per core, each document
under the same time and memory budget.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from policykg.errors import DocumentError, PolicyKGError
from policykg.settings import Settings

from .ingest import extract_graphs
from .store import GraphStore
from .writes import roles_of, shared_deltas

if TYPE_CHECKING:  # ladybug is imported only when the embedded store is used
    from .embedded_store import EmbeddedStore
from .model import (
    DERIVED_COUNTS,
    DERIVED_ENDPOINTS,
    DERIVED_PROPERTIES,
    NODE_PROPERTIES,
    REFERENCE_TYPES,
    REL_ENDPOINTS,
    REL_PROPERTIES,
    ROLE_TYPES,
    SHARED,
    DocumentGraph,
)

__all__ = [
    "ARRAY_DELIMITER",
    "BulkGraph",
    "BulkSummary",
    "NotEmpty",
    "TableFiles",
    "export_store",
    "import_neo4j",
    "load_documents",
    "load_ladybug",
]

Engine = Literal["ladybug", "neo4j"]
ENGINES: tuple[Engine, ...] = ("ladybug", "neo4j")
# Control characters the extraction never keeps (they are not text); checked on every list element anyway.
ARRAY_DELIMITER = "\x1f"
ELEMENT_END = "\x1e"  # ladybug dialect: ends every list element (string_split drops empty pieces)
ALIAS_SOURCES = (*ROLE_TYPES, "发布")
NEO4J_TYPES = {"STRING": "", "INT64": ":long", "BOOLEAN": ":boolean", "STRING[]": ":string[]", "DOUBLE": ":double"}
ROOT = Path(__file__).resolve().parent.parent


class NotEmpty(PolicyKGError):
    """The bulk path loads a first time only."""


def per_document(label: str) -> bool:
    """Nodes of a label with a `doc` property belong to one document (tasks); the others are shared."""
    return "doc" in NODE_PROPERTIES[label]


# The document facts and the derived 共担 counts, which the bulk merge computes as it goes (the files then
# load the finished graph: no rebuild query over every role relationship after the load).
ALL_ENDPOINTS = {**REL_ENDPOINTS, **DERIVED_ENDPOINTS}
ALL_REL_PROPERTIES = {**REL_PROPERTIES, **DERIVED_PROPERTIES}


def rel_file_name(rtype: str, start: str, end: str) -> str:
    return f"relationships_{list(ALL_ENDPOINTS).index(rtype):02d}_{start}_{end}.csv"


SHARED_COLUMNS = ("tasks", *DERIVED_COUNTS.values())
_REL_FILES = {(t, a, b): rel_file_name(t, a, b) for t, ends in ALL_ENDPOINTS.items() for a, b in ends}


# -- files ------------------------------------------------------------------------------------------------------


class TableFiles:
    """One CSV file per node label and per relationship type + endpoint pair, in an engine's dialect.

    Files are opened when their first row comes, so a table with no rows has no file. `close()` writes the
    manifest (`manifest.json`: which file loads into which table, rows per file) and, for neo4j, `import.args`.
    """

    def __init__(self, folder: str | Path, engine: Engine) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown bulk engine {engine!r}; engines are {', '.join(ENGINES)}")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.engine = engine
        self._open: dict[str, IO[str]] = {}
        self.rows: dict[str, int] = {}
        self.multiline: set[str] = set()
        self.fixups: list[dict[str, Any]] = []
        self._tables: dict[str, dict[str, Any]] = {}
        self.derived = False  # the files carry 共担 and Policy.tasks (BulkGraph computes them)

    # values
    def _list(self, v: list[Any], where: Any) -> str:
        for x in v:
            if ARRAY_DELIMITER in str(x) or ELEMENT_END in str(x):
                raise ValueError(f"{where()}: list element {x!r} holds a control character the bulk files reserve")
        if self.engine == "ladybug":
            # each element ends in ELEMENT_END: ladybug's string_split drops empty pieces, and [] is ''
            return ARRAY_DELIMITER.join(f"{x}{ELEMENT_END}" for x in v)
        return ARRAY_DELIMITER.join(map(str, v))

    def _field(self, v: Any, name: str, where: Any) -> str:
        if v is None:
            return ""
        if v is True or v is False:
            return "true" if v else "false"
        if isinstance(v, int | float):
            return str(v)
        if isinstance(v, list):
            v = self._list(v, where)
        s = str(v)
        if "\n" in s or "\r" in s:
            self.multiline.add(name)
        return '"' + s.replace('"', '""') + '"'

    def _table(self, name: str, header: list[str], table: dict[str, Any]) -> IO[str]:
        f = (self.folder / name).open("w", encoding="utf-8", newline="")
        f.write(",".join(header) + "\n")
        self._open[name] = f
        self.rows[name] = 0
        self._tables[name] = table
        return f

    def node(self, label: str, props: dict[str, Any]) -> None:
        name = f"nodes_{label}.csv"
        f = self._open.get(name)
        types = NODE_PROPERTIES[label]
        cols = ["key", *(p for p in types if p != "key")]
        if f is None:
            if self.engine == "ladybug":
                header = list(types)
                cols = header
            else:
                header = [f"key:ID({label})", *(f"{p}{NEO4J_TYPES[types[p]]}" for p in cols[1:])]
            f = self._table(name, header, {"kind": "node", "table": label})
        elif self.engine == "ladybug":
            cols = list(types)
        if self.engine == "neo4j":
            for p in cols:
                v = props.get(p)
                if isinstance(v, list) and (not v or v == [""]):
                    # neo4j-admin reads both as an absent property
                    self.fixups.append({"label": label, "key": props["key"], "property": p, "value": v})

        def where() -> str:
            return f"{label} {props['key']!r}"

        f.write(",".join([self._field(props.get(p), name, where) for p in cols]) + "\n")
        self.rows[name] += 1

    def rel(self, rtype: str, start: tuple[str, str], end: tuple[str, str], props: dict[str, Any]) -> None:
        cols = ALL_REL_PROPERTIES[rtype]
        name = _REL_FILES[(rtype, start[0], end[0])]
        f = self._open.get(name)
        if f is None:
            if self.engine == "ladybug":
                header = ["from", "to", *cols]
            else:
                header = [
                    f":START_ID({start[0]})",
                    f":END_ID({end[0]})",
                    ":TYPE",
                    *(f"{p}{NEO4J_TYPES[t]}" for p, t in cols.items()),
                ]
            f = self._table(name, header, {"kind": "rel", "table": rtype, "from": start[0], "to": end[0]})
        lead = [start[1], end[1]] if self.engine == "ladybug" else [start[1], end[1], rtype]

        def where() -> str:
            return f"{rtype} {start[1]!r}->{end[1]!r}"

        f.write(",".join([self._field(v, name, where) for v in [*lead, *(props.get(p) for p in cols)]]) + "\n")
        self.rows[name] += 1

    def close(self) -> list[Path]:
        """Close the files and write the manifest; the files in load order (nodes first)."""
        for f in self._open.values():
            f.close()
        names = sorted(self._open, key=lambda n: (not n.startswith("nodes_"), n))
        manifest = {
            "engine": self.engine,
            "derived": self.derived,
            "array_delimiter": ARRAY_DELIMITER,
            "files": [
                {"file": n, "rows": self.rows[n], "multiline": n in self.multiline, **self._tables[n]} for n in names
            ],
        }
        (self.folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        out = [self.folder / n for n in names] + [self.folder / "manifest.json"]
        if self.engine == "neo4j":
            with (self.folder / "fixups.jsonl").open("w", encoding="utf-8") as f:
                for fix in self.fixups:
                    f.write(json.dumps(fix, ensure_ascii=False) + "\n")
            (self.folder / "import.args").write_text("\n".join(neo4j_import_args(manifest)) + "\n", encoding="utf-8")
            out += [self.folder / "fixups.jsonl", self.folder / "import.args"]
        return out


def _argfile_token(s: str) -> str:
    # picocli's @file: whitespace separates arguments unless quoted; a backslash escapes inside quotes
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def neo4j_import_args(manifest: dict[str, Any]) -> list[str]:
    """The options of `neo4j-admin database import full` for the files of a manifest (file names relative to its
    folder, where the tool is run). Multiline parsing is on when any file holds a line break. Not per file: 5.26's
    v2 per-file format fails on files over its 4 MB buffer ("Weird input data, found CR outside a text cell" on a
    1,000-document corpus with no CR in it), so the slower whole-import multiline parser is the one that works."""
    files = manifest["files"]
    args = [f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}", "--id-type=string"]
    if any(f["multiline"] for f in files):
        args.append("--multiline-fields=true")
    for f in files:
        if f["kind"] == "node":
            args.append(_argfile_token(f"--nodes={f['table']}={f['file']}"))
        else:
            args.append(_argfile_token(f"--relationships={f['file']}"))
    return args


# -- merging documents --------------------------------------------------------------------------------------------


@dataclass
class BulkSummary:
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    nodes: int = 0
    relationships: int = 0
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per step: extract+files, load, derived …
    uri: str | None = None  # the Neo4j server started after an import

    def describe(self) -> str:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        lines = [
            f"documents: {self.new} new, {self.duplicate} duplicate, {self.failed} failed; {self.nodes} nodes and "
            f"{self.relationships} relationships loaded ({steps})"
        ]
        return "\n".join(lines + [f"error: {e}" for e in self.errors])


class BulkGraph:
    """Documents merged as the transactional writer would merge them, written to `TableFiles`."""

    def __init__(self, files: TableFiles) -> None:
        self.files = files
        files.derived = True
        self._shared: dict[str, dict[str, dict[str, Any]]] = {
            label: {} for label in NODE_PROPERTIES if not per_document(label)
        }
        self._linked: set[tuple[str, str]] = set()  # shared nodes a document relationship touches
        self._reference: dict[tuple[str, tuple[str, str], tuple[str, str]], dict[str, Any]] = {}
        self._aliases: dict[str, dict[str, None]] = {}  # agency → its mentions, in first-seen order
        self._sources: dict[str, str] = {}  # ingested policy key → the file it came from
        self._pairs: dict[tuple[str, str], list[int]] = {}  # 共担 (a, b) → tasks, lead, participate, responsible
        self.nodes = 0
        self.relationships = 0

    def add(self, graph: DocumentGraph) -> tuple[str, str]:
        """('new', '') or ('duplicate', why); ValueError when the graph breaks the model (nothing is written)."""
        graph.validate()
        if graph.doc in self._sources:
            return "duplicate", f"the same policy is already stored from {self._sources[graph.doc]}"
        self._sources[graph.doc] = graph.source
        rows = _node_rows(graph)
        has_tasks = "tasks" in NODE_PROPERTIES["Policy"]
        tasks = sum(1 for n in graph.nodes if n.label == "Task")
        # check every value before writing any: a document is written whole or not at all
        for rel in graph.rels:
            for p in REL_PROPERTIES[rel.type]:
                v = rel.props.get(p)
                if isinstance(v, list):
                    self.files._list(v, lambda t=rel.type: t)
        for (label, key), row in rows.items():
            for v in row.values():
                if isinstance(v, list):
                    self.files._list(v, lambda w=f"{label} {key!r}": w)
        for (label, key), row in rows.items():
            if per_document(label):
                self.files.node(label, row)
                self.nodes += 1
            elif label == "Policy" and key == graph.doc:
                if has_tasks:
                    row["tasks"] = tasks
                self._shared[label][key] = row  # the document's own row overwrites
            elif label == "Policy":
                prev = self._shared[label].get(key)
                if prev is None:
                    self._shared[label][key] = row
                else:  # a cited-only policy fills only what is missing
                    for p, v in row.items():
                        if prev.get(p) is None and v is not None:
                            prev[p] = v
            else:
                self._shared[label][key] = row  # the last document's row, as an upsert leaves it
        for rel in graph.rels:
            props = {p: rel.props.get(p) for p in REL_PROPERTIES[rel.type]}
            for p in ("char_start", "char_end"):
                if p in props:
                    props[p] = int(props[p]) if props[p] is not None else -1
            if rel.type in REFERENCE_TYPES:
                self._reference.setdefault((rel.type, rel.start, rel.end), props)
                continue
            for end in (rel.start, rel.end):
                if not per_document(end[0]):
                    self._linked.add(end)
            if rel.type in ALIAS_SOURCES and rel.start[0] == "Agency":
                mentions = self._aliases.setdefault(rel.start[1], {})
                if props.get("mention") is not None:
                    mentions[props["mention"]] = None
            self.files.rel(rel.type, rel.start, rel.end, props)
            self.relationships += 1
        for pair, delta in shared_deltas(roles_of(graph)).items():
            acc = self._pairs.setdefault(pair, [0] * len(SHARED_COLUMNS))
            for i, c in enumerate(SHARED_COLUMNS):
                acc[i] += delta[c]
        return "new", ""

    def _alive(self) -> set[tuple[str, str]]:
        """The shared nodes the writer's orphan sweep keeps: touched by a document relationship, an ingested
        policy, or the end of a 隶属 edge from a kept node (repeated until nothing changes)."""
        alive = {
            (label, key)
            for label, rows in self._shared.items()
            for key, row in rows.items()
            if (label, key) in self._linked or (label == "Policy" and row.get("ingested"))
        }
        ref_ends: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for _t, start, end in self._reference:
            ref_ends.setdefault(start, []).append(end)
        todo = list(alive)
        while todo:
            for end in ref_ends.get(todo.pop(), ()):
                if end not in alive and end[1] in self._shared.get(end[0], {}):
                    alive.add(end)
                    todo.append(end)
        return alive

    def finish(self) -> list[Path]:
        """Write the shared nodes and reference edges, close the files; the files written."""
        alive = self._alive()
        has_aliases = "aliases" in NODE_PROPERTIES["Agency"]
        for label, rows in self._shared.items():
            for key, row in rows.items():
                if (label, key) not in alive:
                    continue
                if label == "Agency" and has_aliases and key in self._aliases:
                    row = {**row, "aliases": list(self._aliases[key])}
                self.files.node(label, row)
                self.nodes += 1
        for (rtype, start, end), props in self._reference.items():
            if start in alive and end in alive:
                self.files.rel(rtype, start, end, props)
                self.relationships += 1
        for (a, b), counts in self._pairs.items():  # derived: not counted among the documents' relationships
            self.files.rel(SHARED, ("Agency", a), ("Agency", b), dict(zip(SHARED_COLUMNS, counts, strict=True)))
        return self.files.close()


def _node_rows(graph: DocumentGraph) -> dict[tuple[str, str], dict[str, Any]]:
    """One row per node (every column but the recomputed `aliases`); a node twice keeps what either copy knows."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for n in graph.nodes:
        row = {p: n.props.get(p) for p in NODE_PROPERTIES[n.label] if p != "aliases"}
        row["key"] = n.key
        prev = rows.get((n.label, n.key))
        if prev:
            row = {p: (row[p] if row[p] is not None else prev[p]) for p in row}
        rows[(n.label, n.key)] = row
    return rows


def latest_by_name(files: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The files to load and those left out: a store knows a document by its file name, and a later file of the
    same name replaces an earlier one (as `policykg ingest` would: updated)."""
    last: dict[str, Path] = {}
    for f in files:
        last[f.name] = f
    keep = set(last.values())
    ordered = [f for f in files if f in keep]
    return ordered, [f for f in files if f not in keep]


# -- loading --------------------------------------------------------------------------------------------------


def _model_nodes(store: GraphStore) -> int:
    return sum(store.counts()[label] for label in NODE_PROPERTIES)


def check_empty(store: GraphStore, where: str) -> None:
    n = _model_nodes(store)
    if n:
        raise NotEmpty(
            f"the store at {where} already holds {n} nodes: the bulk path is for a first load into an empty store; "
            "add documents with `policykg ingest`, or load into a new --data-dir"
        )


def _lb_type(t: str) -> str:
    return "STRING" if t.endswith("[]") else t


def load_ladybug(folder: str | Path, store: EmbeddedStore) -> int:
    """COPY every file of `folder` (ladybug dialect) into the EMPTY embedded `store`: a failed COPY leaves the store
    empty. The rows loaded."""
    folder = Path(folder).resolve()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if manifest["engine"] != "ladybug":
        raise PolicyKGError(f"{folder} holds files for {manifest['engine']}, not for the embedded store")
    check_empty(store, str(store.data_dir))
    statements = []
    for f in manifest["files"]:
        path = str(folder / f["file"]).replace("'", "\\'")
        # ladybug's parallel CSV reader cannot split a file at a quoted line break: only files with none use it
        parallel = "false" if f["multiline"] else "true"
        if f["kind"] == "node":
            props = NODE_PROPERTIES[f["table"]]
            if any(t.endswith("[]") for t in props.values()):
                # lists arrive joined by the delimiter: split back inside the COPY
                cols = ", ".join(f"`{p}` {_lb_type(t)}" for p, t in props.items())
                ret = ", ".join(
                    f"CASE WHEN `{p}` IS NULL THEN NULL WHEN `{p}` = '' THEN CAST([] AS {t}) "
                    f"ELSE list_transform(string_split(`{p}`, '{ARRAY_DELIMITER}'), x -> substring(x, 1, size(x) - 1)) END"
                    if t.endswith("[]")
                    else f"`{p}`"
                    for p, t in props.items()
                )
                statements.append(
                    f"COPY `{f['table']}` FROM (LOAD WITH HEADERS ({cols}) FROM '{path}' "
                    f"(HEADER=true, PARALLEL=false) RETURN {ret})"
                )
            else:
                statements.append(f"COPY `{f['table']}` FROM '{path}' (HEADER=true, PARALLEL={parallel})")
        else:
            statements.append(
                f"COPY `{f['table']}` FROM '{path}' (from='{f['from']}', to='{f['to']}', HEADER=true, "
                f"PARALLEL={parallel})"
            )
    try:
        store.copy_into_empty(statements)
    except RuntimeError as e:
        raise PolicyKGError(f"the COPY of the bulk files in {folder} failed, the store is left empty: {e}") from e
    return sum(f["rows"] for f in manifest["files"])


def neo4j_script() -> Path:
    script = ROOT / "scripts" / "neo4j-local"
    if not script.exists():
        raise PolicyKGError(f"{script} is missing: the Neo4j import runs the checkout's scripts/neo4j-local")
    return script


def check_neo4j_home(home: str | Path, env: dict[str, str] | None = None, database: str = "neo4j") -> None:
    """Refuse a running server, or a database that exists already (neo4j-admin imports into a new one only)."""
    env = env or {**os.environ, "NEO4J_LOCAL_HOME": str(Path(home).resolve())}
    status = subprocess.run([str(neo4j_script()), "status"], env=env, capture_output=True, text=True)
    if status.returncode == 0:
        raise PolicyKGError(
            f"the Neo4j server of {home} is running ({status.stdout.strip()}): stop it first "
            f"(NEO4J_LOCAL_HOME={home} scripts/neo4j-local stop); neo4j-admin imports into a stopped server's database"
        )
    if (Path(home) / "data" / "databases" / database).exists():
        raise NotEmpty(
            f"the database {database!r} of the Neo4j home {home} exists already: the bulk path is for a first load "
            "into a database that does not exist yet; add documents with `policykg ingest --neo4j URI`, or import "
            "into a new home"
        )


def import_neo4j(folder: str | Path, home: str | Path, port: int | None = None, start: bool = True) -> str:
    """Import the files of `folder` (neo4j dialect) into the empty database of the STOPPED Neo4j server home
    `home` (scripts/neo4j-local import), start it, set what the CSV format cannot carry; the Bolt URI."""
    folder = Path(folder).resolve()
    env = {**os.environ, "NEO4J_LOCAL_HOME": str(Path(home).resolve())}
    if port is not None:
        env["NEO4J_LOCAL_PORT"] = str(port)
    script = neo4j_script()
    check_neo4j_home(home, env)
    done = subprocess.run([str(script), "import", str(folder)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        text = done.stdout + done.stderr
        raise PolicyKGError(f"neo4j-admin import into {home} failed:\n" + "\n".join(text.strip().splitlines()[-15:]))
    uri = subprocess.run([str(script), "uri"], env=env, capture_output=True, text=True).stdout.strip()
    if start:
        started = subprocess.run([str(script), "start"], env=env, capture_output=True, text=True)
        if started.returncode != 0:
            raise PolicyKGError(f"Neo4j at {home} did not start after the import:\n{started.stderr[-2000:]}")
    return uri


def apply_fixups(folder: str | Path, store: GraphStore) -> int:
    """Set the list values neo4j-admin cannot spell ([] and ['']) after the import; how many."""
    from .writes import Statement

    path = Path(folder) / "fixups.jsonl"
    fixes = (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line] if path.exists() else []
    )
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for fx in fixes:
        groups.setdefault((fx["label"], fx["property"]), []).append({"key": fx["key"], "value": fx["value"]})
    stmts = [
        Statement(f"UNWIND $rows AS row MATCH (n:{label} {{key: row.key}}) SET n.`{prop}` = row.value", {"rows": rows})
        for (label, prop), rows in groups.items()
        if label in NODE_PROPERTIES and prop in NODE_PROPERTIES[label]
    ]
    if stmts:
        store._run_transaction(stmts)
    return len(fixes)


def finish_load(store: GraphStore, folder: str | Path) -> float:
    """After a load: the derived data when the files did not carry it (an export of a store), a new graph
    version either way, and statistics the planner can trust; the seconds taken."""
    t0 = time.perf_counter()
    manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("derived"):
        store.bump_version()
    else:
        store.rebuild_derived()
    store.refresh_statistics()
    return time.perf_counter() - t0


def write_files(
    files: list[Path],
    folder: Path,
    engine: Engine,
    settings: Settings,
    workers: int | None = None,
    progress: Any = None,
) -> BulkSummary:
    """Extract `files` on every core and write the bulk files of the documents into `folder`."""
    summary = BulkSummary()
    keep, replaced = latest_by_name(files)
    for f in replaced:
        summary.errors.append(f"{f}: skipped, a later file of the same name replaces it")
    bulk = BulkGraph(TableFiles(folder, engine))
    t0 = time.perf_counter()
    for path, graph in extract_graphs(keep, settings, workers):
        if progress is not None:
            progress()
        if isinstance(graph, DocumentError):
            summary.failed += 1
            summary.errors.append(str(graph))
            continue
        try:
            status, why = bulk.add(graph)
        except ValueError as e:
            summary.failed += 1
            summary.errors.append(f"{path}: not stored: {e}")
            continue
        if status == "duplicate":
            summary.duplicate += 1
            summary.errors.append(f"{path}: skipped, {why}")
        else:
            summary.new += 1
    summary.seconds["extract + write files"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    summary.files = bulk.finish()
    summary.seconds["write shared nodes"] = time.perf_counter() - t0
    summary.nodes, summary.relationships = bulk.nodes, bulk.relationships
    return summary


def load_documents(
    paths: list[str],
    *,
    data_dir: str | Path | None = None,
    neo4j_home: str | Path | None = None,
    files_dir: str | Path | None = None,
    settings: Settings | None = None,
    workers: int | None = None,
    progress: Any = None,
) -> BulkSummary:
    """The bulk path: documents → files → an EMPTY embedded store at `data_dir`, or the empty database of the
    stopped Neo4j server home `neo4j_home` (started afterwards). `files_dir` keeps the files (else a temporary
    folder, removed after the load)."""
    from policykg.ingest.pipeline import iter_documents

    if (data_dir is None) == (neo4j_home is None):
        raise PolicyKGError("load into one store: an embedded --data-dir or a Neo4j server home (--neo4j-import)")
    settings = settings or Settings.from_env()
    files = list(iter_documents(paths))
    tmp = None
    if files_dir is None:
        tmp = tempfile.mkdtemp(prefix="policykg-bulk-")
        folder = Path(tmp)
    else:
        folder = Path(files_dir)
        if folder.exists() and any(folder.iterdir()):
            raise PolicyKGError(f"{folder} is not empty: the bulk files go into an empty or new folder")
    try:
        if data_dir is not None:
            from .embedded_store import EmbeddedStore

            with EmbeddedStore(data_dir, create=True) as store:
                check_empty(store, str(data_dir))  # before the work, not after it
                summary = write_files(files, folder, "ladybug", settings, workers, progress)
                t0 = time.perf_counter()
                load_ladybug(folder, store)
                summary.seconds["COPY"] = time.perf_counter() - t0
                summary.seconds["version (derived data in the files)"] = finish_load(store, folder)
        else:
            check_neo4j_home(neo4j_home)  # type: ignore[arg-type]  # before the work, not after it
            summary = write_files(files, folder, "neo4j", settings, workers, progress)
            t0 = time.perf_counter()
            uri = import_neo4j(folder, neo4j_home, start=False)  # type: ignore[arg-type]
            summary.seconds["neo4j-admin import"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            env = {**os.environ, "NEO4J_LOCAL_HOME": str(Path(neo4j_home).resolve())}  # type: ignore[arg-type]
            started = subprocess.run([str(neo4j_script()), "start"], env=env, capture_output=True, text=True)
            if started.returncode != 0:
                raise PolicyKGError(f"Neo4j at {neo4j_home} did not start after the import:\n{started.stderr[-2000:]}")
            summary.seconds["server start"] = time.perf_counter() - t0
            from .neo4j_store import Neo4jStore

            t0 = time.perf_counter()
            with Neo4jStore(uri) as store:  # ensure_schema: constraints and indexes on open
                summary.seconds["index creation"] = time.perf_counter() - t0
                apply_fixups(folder, store)
                summary.seconds["version (derived data in the files)"] = finish_load(store, folder)
            summary.uri = uri
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return summary


# -- export of an existing store ------------------------------------------------------------------------------


def export_store(store: GraphStore, folder: str | Path, engine: Engine = "neo4j") -> list[Path]:
    """The bulk files of everything `store` holds (from the export templates): the same files a bulk load of its
    documents writes. Derived data (relationship types outside the model, such as 共担) is left out."""
    from policykg.queries.registry import run

    from . import model

    derived = {"共担", *getattr(model, "DERIVED_TYPES", ())}  # contract 3: not document facts
    files = TableFiles(folder, engine)
    for (node,) in run(store, "export_nodes").rows:
        label = node.get("_label")
        if label in NODE_PROPERTIES:
            files.node(label, {p: node.get(p) for p in NODE_PROPERTIES[label]})
    for source, rel, target in run(store, "export_relationships").rows:
        rtype, start, end = rel.get("_label"), source.get("_label"), target.get("_label")
        if rtype in REL_ENDPOINTS and rtype not in derived and (start, end) in REL_ENDPOINTS[rtype]:
            files.rel(
                rtype, (start, source["key"]), (end, target["key"]), {p: rel.get(p) for p in REL_PROPERTIES[rtype]}
            )
    return files.close()
