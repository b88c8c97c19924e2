"""Documents → the store: extract files on every core and write them in batches, with a summary.

A file whose content hash is already stored is skipped before extraction (the lookups are batched); the
others are extracted by N worker processes at once (`Extractor`, each under the per-document time and
memory budget, so a document that loops or explodes in memory is stopped and named) and streamed, in
file order, to the one writer, which stores them `batch_size` documents per transaction
(`GraphStore.write_documents`: a document whose write fails is retried alone and leaves no trace). A
file that fails (unreadable, over its budget, or its write rejected) is reported and the batch goes on.
A store that becomes unreachable stops the batch at once with one message: every later document would
fail the same way.
"""

from __future__ import annotations

import hashlib
import os
import queue
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TypeVar

from policykg.ingest.pipeline import extract, extract_bytes, iter_documents
from policykg.ingest.types import DocumentRecord

from policykg.errors import DocumentError, PolicyKGError, StoreUnavailable
from policykg.settings import Settings, human_bytes
from policykg.worker import BoundedWorker, WorkerCrashed, WorkerOverMemory, WorkerTimeout

from .build import record_to_graph
from .model import DocumentGraph
from .store import GraphStore, WriteResult

__all__ = [
    "BATCH_SIZE",
    "Extractor",
    "IngestSummary",
    "extract_graph",
    "extract_graphs",
    "extract_records",
    "in_workers",
    "ingest_paths",
]


PRELOAD = "policykg.ingest.pipeline:build_nlp"
GRAPH_PRELOAD = (PRELOAD, "policykg.ingest.gazetteer:gazetteer")
BATCH_SIZE = 100  # documents per write transaction
T = TypeVar("T")


def extract_graph(path: str) -> DocumentGraph:
    """A file's DocumentGraph (run in an extraction worker, so the writer only writes)."""
    return record_to_graph(extract(Path(path)))


class Extractor:
    """Extraction of one document at a time in a worker process, under a time and memory budget."""

    def __init__(self, timeout: float, memory_bytes: int | None, preload: tuple[str, ...] = (PRELOAD,)) -> None:
        self.timeout = timeout
        self._worker = BoundedWorker(memory_bytes, name="policykg-extract", preload=preload)

    @classmethod
    def from_settings(cls, settings: Settings) -> Extractor:
        return cls(settings.extract_timeout, settings.extract_memory)

    def extract(self, path: Path, keep_text: bool = False) -> DocumentRecord:
        return self._call(str(path), extract, path, keep_text)

    def extract_graph(self, path: Path) -> DocumentGraph:
        """The file's DocumentGraph, built in the worker too."""
        return self._call(str(path), extract_graph, str(path))  # type: ignore[return-value]

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

    def kill(self) -> None:
        """Stop the worker now, even in the middle of a call (which then fails)."""
        self._worker.kill()


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
    store: GraphStore,
    paths: list[str],
    progress: bool = True,
    settings: Settings | None = None,
    jobs: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestSummary:
    """Ingest the documents under `paths`: `jobs` extraction processes (default: one per core), then
    `batch_size` documents per write transaction; outcomes are tallied in file order."""
    settings = settings or Settings.from_env()
    files = list(iter_documents(paths))
    summary = IngestSummary()
    t0 = time.perf_counter()
    bar = None
    if progress and len(files) > 1:
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("ingesting", total=len(files))

    def done(n: int = 1) -> None:
        if bar is not None:
            bar.advance(task, n)

    try:
        _ingest(store, files, summary, settings, max(1, jobs or os.cpu_count() or 1), max(1, batch_size), done)
    finally:
        if bar is not None:
            bar.stop()
    summary.seconds = time.perf_counter() - t0
    return summary


# What one file came to before its write: its graph, or the message saying why it has none.
Outcome = DocumentGraph | str


def _digest(f: Path) -> str:
    return hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else ""


Advance = Callable[..., None]


def _ingest(
    store: GraphStore,
    files: list[Path],
    summary: IngestSummary,
    settings: Settings,
    jobs: int,
    batch_size: int,
    advance: Advance,
) -> None:
    digests: list[str | Exception] = []
    for f in files:
        try:
            digests.append(_digest(f))
        except OSError as e:
            digests.append(e)
    hashed = [i for i, d in enumerate(digests) if isinstance(d, str)]
    try:
        statuses = store.document_statuses([(files[i].name, str(digests[i])) for i in hashed])
    except StoreUnavailable as e:
        summary.failed = 1 if files else 0
        summary.not_attempted = max(0, len(files) - 1)
        summary.errors.append(f"{files[0]}: not stored: {e}; the batch stopped")
        return
    unchanged = {i for i, (status, _) in zip(hashed, statuses, strict=True) if status == "unchanged"}
    summary.unchanged += len(unchanged)
    advance(len(unchanged))
    todo = [i for i in range(len(files)) if i not in unchanged]
    if not todo:
        return
    _stream(store, files, digests, todo, settings, jobs, summary, batch_size, advance)


def extract_graphs(
    files: list[Path], settings: Settings, jobs: int | None = None, window: int | None = None
) -> Iterator[tuple[Path, DocumentGraph | DocumentError]]:
    """Each file's DocumentGraph, or the DocumentError that stopped it, in the order of `files` (see
    `in_workers`)."""
    return in_workers(files, settings, lambda w, f: w.extract_graph(f), jobs, window)


def extract_records(
    files: list[Path], settings: Settings, jobs: int | None = None, keep_text: bool = False
) -> Iterator[tuple[Path, DocumentRecord | DocumentError]]:
    """Each file's DocumentRecord (what `policykg extract` prints), or the DocumentError that stopped it, in
    the order of `files` (see `in_workers`)."""
    return in_workers(files, settings, lambda w, f: w.extract(f, keep_text), jobs, window=None)


def in_workers(
    files: list[Path],
    settings: Settings,
    call: Callable[[Extractor, Path], T],
    jobs: int | None = None,
    window: int | None = None,
) -> Iterator[tuple[Path, T | DocumentError]]:
    """`call(worker, file)` for each file, in the order of `files`: `jobs` worker processes (default: one per
    core), each document under the extraction budget, work at most `window` documents (default: four per
    worker) ahead of the consumer, so the order is kept without holding every result. A failure is yielded
    as the DocumentError naming the file, not raised. Closing the generator early stops the workers at once,
    even mid-document."""
    n = max(1, min(jobs or os.cpu_count() or 1, len(files) or 1))
    idle: queue.Queue[Extractor] = queue.Queue()
    workers = [Extractor(settings.extract_timeout, settings.extract_memory, preload=GRAPH_PRELOAD) for _ in range(n)]
    for w in workers:
        idle.put(w)

    def run(f: Path) -> T | DocumentError:
        w = idle.get()
        try:
            return call(w, f)
        except DocumentError as e:
            return e
        except PolicyKGError as e:
            return DocumentError(f, f"extraction failed: {e}")
        except Exception as e:  # the document's graph could not be built
            return DocumentError(f, f"extraction failed: {type(e).__name__}: {e}")
        finally:
            idle.put(w)

    pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="policykg-extract")
    pending = iter(files)
    ahead: deque[tuple[Path, Future[T | DocumentError]]] = deque(
        (f, pool.submit(run, f)) for f in islice(pending, window or 4 * n)
    )
    try:
        while ahead:
            f, future = ahead.popleft()
            for nxt in islice(pending, 1):
                ahead.append((nxt, pool.submit(run, nxt)))
            yield f, future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        for w in workers:
            w.kill()  # a worker still extracting for a stopped consumer is not waited for
        pool.shutdown(wait=True)
        for w in workers:
            w.close()


def _stream(
    store: GraphStore,
    files: list[Path],
    digests: list[str | Exception],
    todo: list[int],
    settings: Settings,
    jobs: int,
    summary: IngestSummary,
    batch_size: int,
    advance: Advance,
) -> None:
    """Extract ahead of the writer (a window of a batch and two per worker) and write the graphs in file
    order, `batch_size` documents a transaction."""
    readable = [files[i] for i in todo if not isinstance(digests[i], Exception)]
    graphs = extract_graphs(readable, settings, jobs, window=batch_size + 2 * jobs)
    try:
        batch: list[tuple[Path, Outcome]] = []
        for n, i in enumerate(todo):
            d = digests[i]
            if isinstance(d, Exception):
                outcome: Outcome = f"{files[i]}: not stored: {type(d).__name__}: {d}"
            else:
                _, got = next(graphs)
                outcome = str(got) if isinstance(got, DocumentError) else got
            batch.append((files[i], outcome))
            if sum(1 for _, o in batch if not isinstance(o, str)) >= batch_size:
                if not _flush(store, batch, summary, len(todo) - n - 1, advance):
                    return
                batch = []
        if batch:
            _flush(store, batch, summary, 0, advance)
    finally:
        graphs.close()


def _flush(
    store: GraphStore, batch: list[tuple[Path, Outcome]], summary: IngestSummary, after: int, advance: Advance
) -> bool:
    """Write a batch's graphs and tally its files in order; False when the store became unreachable."""
    graphs = [o for _, o in batch if not isinstance(o, str)]
    try:
        results = iter(store.write_documents(graphs) if graphs else [])
    except StoreUnavailable as e:
        first = next(f for f, o in batch if not isinstance(o, str))
        summary.failed += len(graphs)
        summary.not_attempted += after + sum(1 for _, o in batch if isinstance(o, str))
        more = f" (and the {len(graphs) - 1} other documents of its transaction)" if len(graphs) > 1 else ""
        summary.errors.append(f"{first}: not stored{more}: {e}; the batch stopped")
        return False
    for f, o in batch:
        if isinstance(o, str):
            summary.failed += 1
            summary.errors.append(o)
        else:
            _tally(f, next(results), summary)
        advance()
    return True


def _tally(f: Path, result: WriteResult, summary: IngestSummary) -> None:
    if result.status == "failed":
        summary.failed += 1
        err = result.error
        summary.errors.append(str(err) if isinstance(err, PolicyKGError) else f"{f}: not stored: {result.detail}")
    elif result.status == "duplicate":
        summary.duplicate += 1
        summary.errors.append(f"{f}: skipped, {result.detail}")
    else:
        setattr(summary, result.status, getattr(summary, result.status) + 1)
        summary.nodes += result.nodes
        summary.relationships += result.relationships
