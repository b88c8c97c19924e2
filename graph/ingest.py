"""Documents → the store: extract each file and write it as one transaction, with a summary.

A file whose content hash is already stored is skipped before extraction; a file that fails
(unreadable, over its extraction time or memory budget, or its write rejected) is reported and the batch
goes on, leaving the graph as it was for that document. Extraction runs in a bounded worker process
(`Extractor`), so a document that loops or explodes in memory is stopped and named. A store that becomes
unreachable stops the batch at once with one message: every later document would fail the same way.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from policykg.ingest.pipeline import extract, extract_bytes, iter_documents
from policykg.ingest.types import DocumentRecord

from policykg.errors import DocumentError, PolicyKGError, StoreUnavailable
from policykg.settings import Settings, human_bytes
from policykg.worker import BoundedWorker, WorkerCrashed, WorkerOverMemory, WorkerTimeout

from .build import record_to_graph
from .store import GraphStore

__all__ = ["Extractor", "IngestSummary", "ingest_paths"]


PRELOAD = "policykg.ingest.pipeline:build_nlp"


class Extractor:
    """Extraction of one document at a time in a worker process, under a time and memory budget."""

    def __init__(self, timeout: float, memory_bytes: int | None, keep_text: bool = False) -> None:
        self.timeout = timeout
        self.keep_text = keep_text
        self._worker = BoundedWorker(memory_bytes, name="policykg-extract", preload=(PRELOAD,))

    @classmethod
    def from_settings(cls, settings: Settings) -> Extractor:
        return cls(settings.extract_timeout, settings.extract_memory)

    def extract(self, path: Path, keep_text: bool = False) -> DocumentRecord:
        return self._call(str(path), extract, path, keep_text)

    def extract_many(self, paths: list[str]) -> Iterator[tuple[Path, DocumentRecord | DocumentError]]:
        """Like ingest.extract_many, each document under the budget; a failure is yielded, not raised."""
        for p in iter_documents(list(paths)):
            try:
                yield p, self.extract(p, self.keep_text)
            except DocumentError as e:
                yield p, e

    def extract_bytes(self, data: bytes, name: str) -> DocumentRecord:
        return self._call(name, extract_bytes, data, name)

    def _call(self, where: str, fn: object, *args: object) -> DocumentRecord:
        try:
            return self._worker.call(self.timeout, fn, *args, what="extraction")  # type: ignore[arg-type]
        except WorkerTimeout:
            raise DocumentError(
                where, f"extraction ran past the {self.timeout:g} s budget for one document and was stopped"
            ) from None
        except WorkerOverMemory:
            mem = self._worker.memory_bytes or 0
            raise DocumentError(where, f"extraction needed more than the {human_bytes(mem)} memory bound") from None
        except WorkerCrashed as e:
            raise DocumentError(where, str(e)) from None

    def close(self) -> None:
        self._worker.close()


@dataclass
class IngestSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    failed: int = 0
    not_attempted: int = 0
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [
            f"documents: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.duplicate} duplicate, {self.failed} failed"
            + (f", {self.not_attempted} not attempted" if self.not_attempted else "")
            + "; "
            f"{self.nodes} nodes and {self.relationships} relationships written in {self.seconds:.1f} s"
        ]
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines)


def ingest_paths(
    store: GraphStore, paths: list[str], progress: bool = True, settings: Settings | None = None
) -> IngestSummary:
    files = list(iter_documents(paths))
    summary = IngestSummary()
    extractor = Extractor.from_settings(settings or Settings.from_env())
    t0 = time.perf_counter()
    bar = None
    if progress and len(files) > 1:
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("ingesting", total=len(files))
    try:
        for i, f in enumerate(files):
            try:
                _ingest_one(store, extractor, f, summary)
            except StoreUnavailable as e:
                summary.failed += 1
                summary.not_attempted = len(files) - i - 1
                summary.errors.append(f"{f}: not stored: {e}; the batch stopped")
                break
            if bar is not None:
                bar.advance(task)
    finally:
        extractor.close()
        if bar is not None:
            bar.stop()
    summary.seconds = time.perf_counter() - t0
    return summary


def _ingest_one(store: GraphStore, extractor: Extractor, f: Path, summary: IngestSummary) -> None:
    try:
        digest = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else ""
        status, _ = store.document_status(f.name, digest)
        if status == "unchanged":
            summary.unchanged += 1
            return
        graph = record_to_graph(extractor.extract(f))
        result = store.write_document(graph)
    except StoreUnavailable:
        raise
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
