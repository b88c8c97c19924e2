"""Bulk load (graph/bulk.py) against transactional ingest on the same documents, for both engines.

    python bench/bulk.py --copies 100                 # embedded only
    python bench/bulk.py --copies 100 --neo4j         # and Neo4j: two throwaway server homes (ports 17752, 17753)
    python bench/bulk.py --docs DIR --neo4j           # a corpus of your own (bench/generate.py's, say)

Documents: the samples under N distinct copies (titles made unique, as bench/run.py's writes() does), unless
--docs is given. Steps, each timed: extraction on one core (what `policykg ingest` does) and on every core (the
bulk path); transactional writes (`write_document`, one transaction per document); the bulk files written from
the same graphs; COPY FROM / neo4j-admin import; server start; index creation (Neo4j: the schema created on
open and populated); derived data (`rebuild_derived`, when the store has it). Documents/s and relationships/s
of each store step, and the ratio.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import time
from importlib import resources
from pathlib import Path

from policykg.graph.build import record_to_graph
from policykg.graph.bulk import (
    BulkGraph,
    TableFiles,
    apply_fixups,
    finish_load,
    import_neo4j,
    load_ladybug,
    neo4j_script,
)
from policykg.graph.embedded_store import EmbeddedStore
from policykg.graph.ingest import extract_graphs
from policykg.ingest import extract
from policykg.ingest.pipeline import iter_documents

from policykg.settings import Settings


def make_copies(out: Path, copies: int) -> list[Path]:
    samples = Path(str(resources.files("policykg").joinpath("samples")))
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for p in sorted(samples.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        title = extract(p).title or ""
        if not title or title not in text:
            continue  # a title broken across PDF lines cannot be suffixed in the text
        for i in range(copies):
            q = out / f"{i:06d}_{p.name}"
            q.write_text(text.replace(title, f"{title}（副本{i}）"), encoding="utf-8")
            files.append(q)
    return files


def line(what: str, docs: int, rels: int, seconds: float, cpu: float | None = None) -> str:
    """Wall time, and CPU seconds where this process (and its children) did the work: the machine is shared,
    and CPU seconds say what a step costs whatever else runs."""
    out = f"{what}: {seconds:.2f} s wall = {docs / seconds:.1f} docs/s, {rels / seconds:,.0f} rel/s"
    if cpu:
        out += f"; {cpu:.2f} s CPU = {docs / cpu:.1f} docs/s, {rels / cpu:,.0f} rel/s per CPU second"
    return out


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=100)
    ap.add_argument("--docs", help="a folder of documents instead of the sample copies")
    ap.add_argument("--neo4j", action="store_true", help="also Neo4j (throwaway server homes)")
    ap.add_argument("--port", type=int, default=17752, help="Bolt port of the transactional server; bulk: +1")
    ap.add_argument("--workers", type=int, help="extraction processes of the bulk path (default: one per core)")
    ap.add_argument("--no-embedded", action="store_true", help="only Neo4j")
    ap.add_argument("--bulk-only", action="store_true", help="only the bulk path (larger corpora)")
    args = ap.parse_args()
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        files = list(iter_documents([args.docs])) if args.docs else make_copies(tmp / "docs", args.copies)
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"documents: {len(files)} ({mb:.1f} MB); {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")

        if args.bulk_only:
            bulk_only(tmp, files, settings, args)
            return
        t0, c0 = time.perf_counter(), time.process_time()
        graphs = [record_to_graph(extract(f)) for f in files]
        t_serial, c_serial = time.perf_counter() - t0, time.process_time() - c0
        rels = sum(len(g.rels) for g in graphs)
        n = len(graphs)
        print(line("extraction, one core (as ingest)", n, rels, t_serial, c_serial))
        t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
        par = [g for _p, g in extract_graphs(files, settings, args.workers)]
        t_par = time.perf_counter() - t0
        c_par = time.process_time() - c0 + children_cpu() - k0
        assert all(not isinstance(g, Exception) for g in par)
        print(
            line(f"extraction, {args.workers or os.cpu_count()} worker processes (bulk)", n, rels, t_par, c_par)
            + " (CPU: the workers' start-up included)"
        )
        if args.no_embedded:
            neo4j(tmp, graphs, n, rels, t_serial, t_par, None, args.port)
            return

        # -- embedded ------------------------------------------------------------------------------------
        with EmbeddedStore(tmp / "tx") as s:
            t0, c0 = time.perf_counter(), time.process_time()
            for g in graphs:
                s.write_document(g)
            t_tx, c_tx = time.perf_counter() - t0, time.process_time() - c0
            counts = s.counts()
        print(line("embedded, transactional writes", n, rels, t_tx, c_tx))
        t0, c0 = time.perf_counter(), time.process_time()
        bulk = BulkGraph(TableFiles(tmp / "files-lb", "ladybug"))
        for g in graphs:
            bulk.add(g)
        bulk.finish()
        t_files, c_files = time.perf_counter() - t0, time.process_time() - c0
        with EmbeddedStore(tmp / "bulk") as s:
            t0, c0 = time.perf_counter(), time.process_time()
            load_ladybug(tmp / "files-lb", s)
            t_copy, c_copy = time.perf_counter() - t0, time.process_time() - c0
            t_derived = finish_load(s, tmp / "files-lb")
            assert s.counts() == counts, (s.counts(), counts)
        loaded = bulk.relationships
        total = t_files + t_copy + t_derived
        print(
            f"embedded, bulk: write files {t_files:.2f} s ({c_files:.2f} s CPU), COPY {t_copy:.2f} s ({c_copy:.2f} s CPU), "
            f"rebuild derived {t_derived:.2f} s "
            f"(the files carry 共担 and Policy.tasks: a version bump); {bulk.nodes} nodes, {loaded} relationships"
        )
        print(
            line("embedded, bulk (files + COPY + derived)", n, loaded, total, c_files + c_copy)
            + f"; {t_tx / total:.1f}x transactional wall, {c_tx / (c_files + c_copy):.1f}x CPU"
        )
        print(
            f"embedded, end to end with extraction: ingest {n / (t_serial + t_tx):.1f} docs/s, "
            f"bulk {n / (t_par + total):.1f} docs/s ({(t_serial + t_tx) / (t_par + total):.1f}x)"
        )
        if args.neo4j:
            neo4j(tmp, graphs, n, rels, t_serial, t_par, counts, args.port)


def bulk_only(tmp: Path, files: list[Path], settings: Settings, args: argparse.Namespace) -> None:
    """The bulk path alone, embedded: extraction on every core, files, COPY (transactional ingest left out)."""
    t0, c0, k0 = time.perf_counter(), time.process_time(), children_cpu()
    graphs = [g for _p, g in extract_graphs(files, settings, args.workers) if not isinstance(g, Exception)]
    t_par, c_par = time.perf_counter() - t0, time.process_time() - c0 + children_cpu() - k0
    n, rels = len(graphs), sum(len(g.rels) for g in graphs)
    print(line("extraction, every core", n, rels, t_par, c_par))
    t0, c0 = time.perf_counter(), time.process_time()
    bulk = BulkGraph(TableFiles(tmp / "files-lb", "ladybug"))
    for g in graphs:
        bulk.add(g)
    bulk.finish()
    t_files, c_files = time.perf_counter() - t0, time.process_time() - c0
    with EmbeddedStore(tmp / "bulk") as s:
        t0, c0 = time.perf_counter(), time.process_time()
        load_ladybug(tmp / "files-lb", s)
        t_copy, c_copy = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"embedded, bulk: write files {t_files:.2f} s ({c_files:.2f} s CPU), COPY {t_copy:.2f} s ({c_copy:.2f} s CPU)"
    )
    print(line("embedded, bulk (files + COPY)", n, bulk.relationships, t_files + t_copy, c_files + c_copy))


def neo4j(
    tmp: Path, graphs: list, n: int, rels: int, t_serial: float, t_par: float, counts: dict | None, port: int
) -> None:  # type: ignore[type-arg]
    from policykg.graph.neo4j_store import Neo4jStore

    script = str(neo4j_script())
    os.environ.setdefault("NEO4J_LOCAL_START_SECONDS", "600")  # a busy machine starts Neo4j slowly
    tx_env = {**os.environ, "NEO4J_LOCAL_HOME": str(tmp / "home-tx"), "NEO4J_LOCAL_PORT": str(port)}
    bulk_env = {**os.environ, "NEO4J_LOCAL_HOME": str(tmp / "home-bulk"), "NEO4J_LOCAL_PORT": str(port + 1)}
    try:
        subprocess.run([script, "start"], env=tx_env, check=True, capture_output=True)
        with Neo4jStore(f"bolt://127.0.0.1:{port}") as s:
            t0 = time.perf_counter()
            for g in graphs:
                s.write_document(g)
            t_tx = time.perf_counter() - t0
            counts = counts or s.counts()
            assert s.counts() == counts
        print(line("neo4j, transactional writes (server CPU not counted)", n, rels, t_tx))
        subprocess.run([script, "stop"], env=tx_env, capture_output=True)

        t0, c0 = time.perf_counter(), time.process_time()
        bulk = BulkGraph(TableFiles(tmp / "files-neo", "neo4j"))
        for g in graphs:
            bulk.add(g)
        bulk.finish()
        t_files, c_files = time.perf_counter() - t0, time.process_time() - c0
        t0, k0 = time.perf_counter(), children_cpu()
        uri = import_neo4j(tmp / "files-neo", tmp / "home-bulk", port=port + 1, start=False)
        t_import, c_import = time.perf_counter() - t0, children_cpu() - k0
        t0 = time.perf_counter()
        subprocess.run([script, "start"], env=bulk_env, check=True, capture_output=True)
        t_start = time.perf_counter() - t0
        t0 = time.perf_counter()
        with Neo4jStore(uri) as s:
            with s._driver.session() as sess:
                sess.run("CALL db.awaitIndexes(3600)").consume()
            t_index = time.perf_counter() - t0
            apply_fixups(tmp / "files-neo", s)
            t_derived = finish_load(s, tmp / "files-neo")
            assert s.counts() == counts, (s.counts(), counts)
        total = t_files + t_import + t_index + t_derived
        print(
            f"neo4j, bulk: write files {t_files:.2f} s ({c_files:.2f} s CPU), neo4j-admin import {t_import:.2f} s "
            f"({c_import:.2f} s CPU, JVM start included), "
            f"server start {t_start:.2f} s (not counted), indexes created and populated {t_index:.2f} s, "
            f"rebuild derived {t_derived:.2f} s"
        )
        print(
            line("neo4j, bulk (files + import + indexes + derived)", n, bulk.relationships, total)
            + f"; {t_tx / total:.1f}x transactional"
        )
        print(
            f"neo4j, end to end with extraction: ingest {n / (t_serial + t_tx):.1f} docs/s, "
            f"bulk {n / (t_par + total):.1f} docs/s ({(t_serial + t_tx) / (t_par + total):.1f}x)"
        )
    finally:
        subprocess.run([script, "stop"], env=tx_env, capture_output=True)
        subprocess.run([script, "stop"], env=bulk_env, capture_output=True)


if __name__ == "__main__":
    main()
