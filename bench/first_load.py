"""The first load of a large corpus by the bulk path, timed step by step, for both engines from ONE extraction.

    python bench/first_load.py DOCS --work DIR [--neo4j-home HOME] [--workers N] [--json OUT]
                               [--skip-embedded] [--load-only]

Extraction runs once on every core (graph/ingest.py's bounded workers); each document's graph goes to the bulk
files of both engines; then the embedded store is loaded with COPY FROM and, with --neo4j-home, an empty Neo4j
home with `neo4j-admin database import full` (scripts/neo4j-local import), started, indexed and derived.
At 100,000 documents transactional ingest would take hours; this is how bench/RESULTS.md's 100k graphs are made.
The figures are written after each step. Neo4j loads first; `--skip-embedded` leaves the COPY for a later
`--load-only` run, which reuses the files in DIR and adds its figures to the same JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

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
from policykg.ingest.pipeline import iter_documents

from policykg.errors import DocumentError
from policykg.settings import Settings


def peak_mb() -> dict[str, int]:
    return {
        "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "largest_child": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
    }


def extract(files: list[Path], a: argparse.Namespace, settings: Settings, out: dict, cpu: Callable[[], float]) -> None:
    """Extract every document once, on every core, into the bulk files of both engines."""
    t0, c0 = time.perf_counter(), cpu()
    lb = BulkGraph(TableFiles(a.work / "files-ladybug", "ladybug"))
    nj = BulkGraph(TableFiles(a.work / "files-neo4j", "neo4j")) if a.neo4j_home else None
    failed = 0
    for i, (_, graph) in enumerate(extract_graphs(files, settings, a.workers)):
        if isinstance(graph, DocumentError):
            failed += 1
            continue
        lb.add(graph)
        if nj is not None:
            nj.add(graph)
        if i % 5000 == 0:
            print(f"{i} documents, {time.perf_counter() - t0:.0f} s", flush=True)
    lb.finish()
    if nj is not None:
        nj.finish()
    out["seconds"]["extract + write files (both engines)"] = round(time.perf_counter() - t0, 1)
    out["cpu_seconds"]["extract + write files (both engines)"] = round(cpu() - c0, 1)
    out.update(failed=failed, nodes=lb.nodes, relationships=lb.relationships, peak_rss_mb=peak_mb())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("docs")
    ap.add_argument("--work", required=True, type=Path, help="an empty or new folder for files and the store")
    ap.add_argument("--neo4j-home", type=Path, help="a STOPPED scripts/neo4j-local home with no database yet")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--skip-embedded", action="store_true", help="write the embedded files but do not COPY them (load them later)"
    )
    ap.add_argument(
        "--load-only",
        action="store_true",
        help="no extraction: load the files an earlier run wrote into --work, adding to the figures in --json",
    )
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env()
    files = list(iter_documents([a.docs]))
    size = sum(f.stat().st_size for f in files)
    out: dict = {"documents": len(files), "mb": round(size / 1e6, 1), "seconds": {}, "cpu_seconds": {}}
    if a.load_only and a.json and a.json.exists():
        out = json.loads(a.json.read_text(encoding="utf-8"))
    secs, cpus = out["seconds"], out["cpu_seconds"]

    def report() -> None:
        # after every step, so a step that is stopped still leaves the figures of the ones before it
        print(json.dumps(out, ensure_ascii=False), flush=True)
        if a.json:
            a.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    def cpu() -> float:
        s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

    if not a.load_only:
        extract(files, a, settings, out, cpu)
        report()

    if a.neo4j_home:
        from policykg.graph.neo4j_store import Neo4jStore

        t0 = time.perf_counter()
        uri = import_neo4j(a.work / "files-neo4j", a.neo4j_home, start=False)
        secs["neo4j: neo4j-admin import"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        env = {**os.environ, "NEO4J_LOCAL_HOME": str(a.neo4j_home.resolve())}
        subprocess.run([str(neo4j_script()), "start"], env=env, check=True)
        secs["neo4j: server start"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        with Neo4jStore(uri) as store:
            secs["neo4j: constraints and indexes"] = round(time.perf_counter() - t0, 1)
            t0 = time.perf_counter()
            apply_fixups(a.work / "files-neo4j", store)
            finish_load(store, a.work / "files-neo4j")
            secs[
                "neo4j: fixups, version bump, indexes online, statistics (共担 and Policy.tasks came in the files)"
            ] = round(time.perf_counter() - t0, 1)
            out["neo4j_counts"] = store.counts()
        out["neo4j_uri"] = uri
        report()
    if a.skip_embedded:
        return
    t0, c0 = time.perf_counter(), cpu()
    with EmbeddedStore(a.work / "data", create=True) as store:
        load_ladybug(a.work / "files-ladybug", store)
        secs["embedded: COPY FROM"] = round(time.perf_counter() - t0, 1)
        cpus["embedded: COPY FROM"] = round(cpu() - c0, 1)
        t0, c0 = time.perf_counter(), cpu()
        finish_load(store, a.work / "files-ladybug")
        secs["embedded: version bump (共担 and Policy.tasks came in the files)"] = round(time.perf_counter() - t0, 1)
        out["embedded_counts"] = store.counts()
    report()


if __name__ == "__main__":
    main()
