"""One interface over both graph stores, and `open_store` that picks one from the settings.

A store runs statement plans (graph/writes.py) in one transaction and read queries in read mode. The
document logic (new / unchanged / updated, replace, remove) lives here once, on top of two primitives
each engine implements: `_run_transaction(statements)` and `_read(cypher, params, timeout, limit)`.
Ad-hoc Cypher (`query(..., read_only_check=True)`) passes graph/cypher_guard.py first, then runs through
`_read_untrusted`, which each engine bounds in time, memory and response size.
"""

from __future__ import annotations

import os
import threading
import warnings
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any, Literal

from policykg.errors import PolicyKGError, StoreBusy, StoreUnavailable
from policykg.settings import Settings

from .cypher_guard import check_parameters, checked
from .model import NODE_PROPERTIES, REL_ENDPOINTS, DocumentGraph
from .writes import (
    BUMP_VERSION,
    LOOKUP_KEYS,
    LOOKUP_SOURCES,
    READ_VERSION,
    Statement,
    WriteItem,
    batch_plan,
    derived_rebuild_plan,
    old_versions,
)

__all__ = ["GraphStore", "QueryResult", "WriteResult", "open_store"]

Status = Literal["new", "updated", "unchanged", "duplicate", "failed"]
LOOKUP_CHUNK = 1000


@dataclass
class QueryResult:
    """Rows of a query; `truncated` is true when more rows existed than were returned."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False
    total: int | None = None  # all the rows there are, when counted

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (`pip install 'policy-kg[notebook]'`)."""
        try:
            import pandas as pd
        except ImportError as e:
            raise PolicyKGError("DataFrames need pandas: pip install 'policy-kg[notebook]'") from e
        return pd.DataFrame(self.rows, columns=self.columns)

    @property
    def df(self) -> Any:
        """The rows as a pandas DataFrame."""
        return self.to_dataframe()

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        more = ", truncated: more rows exist" if self.truncated else ""
        return f"<QueryResult {len(self.rows)} rows × {self.columns}{more}>"


@dataclass
class WriteResult:
    status: Status
    doc: str
    nodes: int = 0
    relationships: int = 0
    replaced: str | None = None  # the key of the document version this one replaced
    detail: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    # status "failed": what the store raised (the document's transaction rolled back, nothing of it stored)
    error: BaseException | None = field(default=None, repr=False, compare=False)


class GraphStore(ABC):
    """A graph store: `write_document`, `remove_document`, `query`; schema created on open."""

    kind: str = ""

    def __init__(self) -> None:
        # One writer at a time inside a process (the API's upload and a delete, say).
        self._write_lock = threading.Lock()

    # -- what each engine implements -------------------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None: ...

    @abstractmethod
    def _run_transaction(self, statements: list[Statement]) -> list[QueryResult]:
        """Run all statements in one write transaction; results of those with `returns` set."""

    @abstractmethod
    def _read(self, cypher: str, params: dict[str, Any], timeout: float | None, limit: int | None) -> QueryResult:
        """Run one query in read mode."""

    @abstractmethod
    def _count(self, cypher: str, params: dict[str, Any], timeout: float | None) -> int:
        """The number of rows `cypher` answers, without fetching them."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """What /health reports: engine, location, version."""

    # -- shared behaviour --------------------------------------------------------------------------
    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        limit: int | None = None,
        read_only_check: bool = False,
        max_bytes: int | None = None,
        memory: int | None = None,
    ) -> QueryResult:
        """Run a read query. With `read_only_check` the query is untrusted: only what cypher_guard accepts
        runs, bounded by `timeout`, `limit` rows, `max_bytes` of response and (embedded) `memory` bytes."""
        if read_only_check:
            check_parameters(params or {})
            return self._read_untrusted(checked(cypher), params or {}, timeout, limit, max_bytes, memory)
        return self._read(cypher, params or {}, timeout, limit)

    def count(self, cypher: str, params: dict[str, Any] | None = None, *, timeout: float | None = None) -> int:
        """How many rows a read query answers in all."""
        return self._count(cypher, params or {}, timeout)

    def _read_untrusted(
        self,
        cypher: str,
        params: dict[str, Any],
        timeout: float | None,
        limit: int | None,
        max_bytes: int | None,
        memory: int | None,
    ) -> QueryResult:
        """Run an ad-hoc query that passed the guard; engines override this to bound it."""
        return self._read(cypher, params, timeout, limit)

    def document_status(self, source: str, content_hash: str) -> tuple[Status, str | None]:
        """new / unchanged / updated for a file, and the key it is stored under now."""
        return self.document_statuses([(source, content_hash)])[0]

    def document_statuses(self, files: list[tuple[str, str]]) -> list[tuple[Status, str | None]]:
        """`document_status` of many (source, content hash) pairs, looked up in a few queries."""
        stored = self._by_source(sorted({s for s, _ in files}))
        out: list[tuple[Status, str | None]] = []
        for source, content_hash in files:
            prev = stored.get(source)
            if prev is None:
                out.append(("new", None))
            else:
                out.append(("unchanged" if prev["content_hash"] == content_hash else "updated", prev["key"]))
        return out

    def _by_source(self, sources: list[str]) -> dict[str, dict[str, Any]]:
        stored: dict[str, dict[str, Any]] = {}
        for i in range(0, len(sources), LOOKUP_CHUNK):
            for row in self._read(LOOKUP_SOURCES, {"sources": sources[i : i + LOOKUP_CHUNK]}, None, None).records():
                stored.setdefault(row["source"], row)
        return stored

    def _by_key(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        owners: dict[str, dict[str, Any]] = {}
        for i in range(0, len(keys), LOOKUP_CHUNK):
            for row in self._read(LOOKUP_KEYS, {"keys": keys[i : i + LOOKUP_CHUNK]}, None, None).records():
                owners[row["key"]] = row
        return owners

    def write_document(self, graph: DocumentGraph) -> WriteResult:
        """Store one document whole or not at all; replaces the facts of its previous version. Raises what
        the store raised when the write failed."""
        result = self.write_documents([graph])[0]
        if result.status == "failed" and result.error is not None:
            raise result.error
        return result

    def write_documents(self, graphs: list[DocumentGraph]) -> list[WriteResult]:
        """Store documents, many per transaction, each whole or not at all: when a batch's transaction
        fails, its documents are written one by one, so the failing one leaves no trace (its result has
        status "failed" and the error) and the others are stored. A store that cannot be reached raises
        StoreUnavailable (nothing of the batch in flight is stored)."""
        results: list[WriteResult | None] = [None] * len(graphs)
        with self._write_lock:
            todo = list(range(len(graphs)))
            while todo:
                batch, todo = self._next_batch(graphs, todo, results)
                if batch:
                    self._commit(batch, results)
        return [r for r in results if r is not None]

    def _next_batch(
        self, graphs: list[DocumentGraph], todo: list[int], results: list[WriteResult | None]
    ) -> tuple[list[tuple[int, WriteItem, Status]], list[int]]:
        """Settle unchanged and duplicate documents and take the longest run of the others that touch
        distinct files and policies (a second version of a file waits for the first to be stored)."""
        stored = self._by_source(sorted({graphs[i].source for i in todo}))
        owners = self._by_key(sorted({graphs[i].doc for i in todo}))
        batch: list[tuple[int, WriteItem, Status]] = []
        sources: set[str] = set()
        keys: set[str] = set()
        for n, i in enumerate(todo):
            g = graphs[i]
            prev = stored.get(g.source)
            previous = prev["key"] if prev else None
            if g.source in sources or g.doc in keys or (previous is not None and previous in keys):
                return batch, todo[n:]
            if prev is not None and prev["content_hash"] == g.content_hash:
                results[i] = WriteResult("unchanged", previous or g.doc)
                continue
            owner = owners.get(g.doc)
            if owner and owner["ingested"] and owner["source"] != g.source:
                results[i] = WriteResult(
                    "duplicate", g.doc, detail=f"the same policy is already stored from {owner['source']}"
                )
                continue
            sources.add(g.source)
            keys.update(k for k in (g.doc, previous) if k is not None)
            batch.append((i, WriteItem(g, previous), "updated" if prev else "new"))
        return batch, []

    def _commit(self, batch: list[tuple[int, WriteItem, Status]], results: list[WriteResult | None]) -> None:
        olds = old_versions(
            [item.previous for _, item, _ in batch if item.previous is not None],
            lambda cypher, params: self._read(cypher, params, None, None).rows,
        )
        for _, item, _ in batch:
            item.old = olds.get(item.previous) if item.previous is not None else None
        try:
            self._run_transaction(batch_plan([item for _, item, _ in batch], tail=self._tail()))
        except StoreUnavailable:
            raise
        except Exception as e:  # the transaction rolled back: nothing of the batch is stored
            if len(batch) > 1:
                for one in batch:
                    self._commit([one], results)
                return
            i, item, _ = batch[0]
            results[i] = WriteResult("failed", item.graph.doc, detail=f"{type(e).__name__}: {e}", error=e)
            return
        for i, item, status in batch:
            g = item.graph
            results[i] = WriteResult(
                status,
                g.doc,
                nodes=len(g.nodes),
                relationships=len(g.rels),
                replaced=item.previous if item.previous and item.previous != g.doc else None,
            )

    def _tail(self) -> list[Statement]:
        """Statements that end every write transaction: one version bump, however many documents."""
        return [BUMP_VERSION]

    def remove_document(self, doc_or_source: str) -> str:
        """Remove a stored document (by policy key, title, file name or the path it was ingested from)."""
        name = PurePath(doc_or_source).name  # stored documents are known by file name
        with self._write_lock:
            rows = self._read(
                "MATCH (p:Policy) WHERE p.ingested = true AND (p.key = $d OR p.source = $d OR p.title = $d "
                "OR p.source = $name) RETURN p.key AS key",
                {"d": doc_or_source, "name": name},
                None,
                None,
            ).rows
            if not rows:
                raise DocumentNotFound(f"no stored document {doc_or_source!r}")
            doc = rows[0][0]
            old = old_versions([doc], lambda cypher, params: self._read(cypher, params, None, None).rows)[doc]
            self._run_transaction(batch_plan([], [old], tail=self._tail()))
            return doc

    def rebuild_derived(self) -> None:
        """Recompute the derived data (`Policy.tasks`, `共担`) from the document facts, in one transaction."""
        with self._write_lock:
            self._run_transaction([*derived_rebuild_plan(), *self._tail()])

    def bump_version(self) -> None:
        """Mark the graph changed for every reader (after a write that went around the write plans: a bulk load)."""
        with self._write_lock:
            self._run_transaction(self._tail())

    def refresh_statistics(self, timeout_s: int = 3600) -> None:
        """Make the next queries plan on the data as it is now. Engines that build indexes and sample
        statistics in the background (Neo4j) wait for their indexes and resample after a large change; others
        have nothing to do."""
        return None

    def fill_derived(self) -> None:
        """Derive what a store made by an earlier version lacks (documents with no `tasks` count)."""
        missing = self._read(
            "MATCH (p:Policy) WHERE p.ingested = true AND p.tasks IS NULL RETURN p.key AS key LIMIT 1", {}, None, 1
        ).rows
        if missing:
            self.rebuild_derived()

    def version(self) -> int:
        """A number that changes with every committed write by any process (0 for a store never written):
        what a reader keeps is current while the version it was computed at still is."""
        rows = self._read(READ_VERSION, {}, None, None).rows
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def fill_sort_keys(self) -> None:
        """Give tasks stored before `sort_key` existed their key (a store made by an earlier version)."""
        from .paths import path_sort_key

        rows = self._read("MATCH (t:Task) WHERE t.sort_key IS NULL RETURN t.key, t.path", {}, None, None).rows
        if rows:
            self._run_transaction(
                [
                    Statement(
                        "UNWIND $rows AS row MATCH (t:Task {key: row.key}) SET t.sort_key = row.sort_key",
                        {"rows": [{"key": k, "sort_key": path_sort_key(p or "")} for k, p in rows]},
                    ),
                    BUMP_VERSION,
                ]
            )

    def counts(self) -> dict[str, int]:
        """Nodes per label and relationships per type (the same numbers on both engines)."""
        out = {}
        for label in NODE_PROPERTIES:
            out[label] = self._read(f"MATCH (n:{label}) RETURN count(n) AS c", {}, None, None).rows[0][0]
        for rtype in REL_ENDPOINTS:
            out[rtype] = self._read(f"MATCH ()-[r:`{rtype}`]->() RETURN count(r) AS c", {}, None, None).rows[0][0]
        return out


class DocumentNotFound(PolicyKGError):
    """No stored document matches."""

    status = 404


def open_store(
    where: Settings | str | os.PathLike[str] | None = None,
    *,
    create: bool = False,
    read_only: bool | None = None,
) -> GraphStore:
    """The graph store `where` names: a folder (the embedded store), a bolt:// or neo4j:// URI, or
    Settings; None reads the environment (NEO4J_URI, else POLICYKG_DATA, else ./policykg-data).

    Opening never creates a store unless `create` is true: a folder with no store raises
    StoreNotFound, which says how to make one. `read_only=None` opens the embedded store for writing
    when it is free and read-only, with a warning, when another process such as `policykg serve`
    holds it; True and False insist on one mode.
    """
    if where is None or isinstance(where, Settings):
        settings = where or Settings.from_env()
    elif "://" in str(where):
        settings = replace(Settings.from_env(), neo4j_uri=str(where))
    else:
        settings = replace(Settings.from_env(), neo4j_uri=None, data_dir=Path(where))
    if settings.neo4j_uri:
        from .neo4j_store import Neo4jStore

        return Neo4jStore(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database)
    from .embedded_store import EmbeddedStore

    if read_only is not None:
        return EmbeddedStore(settings.data_dir, read_only=read_only, create=create)
    try:
        return EmbeddedStore(settings.data_dir, create=create)
    except StoreBusy as e:
        warnings.warn(
            f"{e}. Opened read-only: you see the data as committed now; open the store again to see later changes.",
            stacklevel=2,
        )
        return EmbeddedStore(settings.data_dir, read_only=True)
