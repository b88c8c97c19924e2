"""Documents → the store: extract each file and write it as one transaction, with a summary.

A file whose content hash is already stored is skipped before extraction; a file that fails
(unreadable, or its write rejected) is reported and the batch goes on, leaving the graph as it was
for that document.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from policykg.ingest.pipeline import extract, iter_documents

from policykg.errors import DocumentError, PolicyKGError

from .build import record_to_graph
from .store import GraphStore

__all__ = ["IngestSummary", "ingest_paths"]


@dataclass
class IngestSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    failed: int = 0
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [
            f"documents: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.duplicate} duplicate, {self.failed} failed; "
            f"{self.nodes} nodes and {self.relationships} relationships written in {self.seconds:.1f} s"
        ]
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines)


def ingest_paths(store: GraphStore, paths: list[str], progress: bool = True) -> IngestSummary:
    files = list(iter_documents(paths))
    summary = IngestSummary()
    t0 = time.perf_counter()
    bar = None
    if progress and len(files) > 1:
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("ingesting", total=len(files))
    try:
        for f in files:
            _ingest_one(store, f, summary)
            if bar is not None:
                bar.advance(task)
    finally:
        if bar is not None:
            bar.stop()
    summary.seconds = time.perf_counter() - t0
    return summary


def _ingest_one(store: GraphStore, f: Path, summary: IngestSummary) -> None:
    try:
        digest = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else ""
        status, _ = store.document_status(f.name, digest)
        if status == "unchanged":
            summary.unchanged += 1
            return
        graph = record_to_graph(extract(f))
        result = store.write_document(graph)
    except (DocumentError, PolicyKGError) as e:
        summary.failed += 1
        summary.errors.append(str(e))
        return
    except Exception as e:  # the store refused the write: the transaction rolled back
        summary.failed += 1
        summary.errors.append(f"{f}: not stored: {type(e).__name__}: {e}")
        return
    if result.status == "duplicate":
        summary.duplicate += 1
        summary.errors.append(f"{f}: skipped, {result.detail}")
        return
    setattr(summary, result.status, getattr(summary, result.status) + 1)
    summary.nodes += result.nodes
    summary.relationships += result.relationships
