"""One interface over both graph stores, and `open_store` that picks one from the settings.

A store runs statement plans (graph/writes.py) in one transaction and read queries in read mode. The
document logic (new / unchanged / updated, replace, remove) lives here once, on top of two primitives
each engine implements: `_run_transaction(statements)` and `_read(cypher, params, timeout, limit)`.
Ad-hoc Cypher (`query(..., read_only_check=True)`) passes graph/cypher_guard.py first, then runs through
`_read_untrusted`, which each engine bounds in time, memory and response size.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal

from policykg.errors import PolicyKGError
from policykg.settings import Settings

from .cypher_guard import check_parameters, checked
from .model import NODE_PROPERTIES, REL_ENDPOINTS, DocumentGraph
from .writes import AFFECTED_AGENCIES, LOOKUP_KEY, LOOKUP_SOURCE, Statement, remove_plan, write_plan

__all__ = ["GraphStore", "QueryResult", "WriteResult", "open_store"]

Status = Literal["new", "updated", "unchanged", "duplicate"]


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (pandas is optional)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


@dataclass
class WriteResult:
    status: Status
    doc: str
    nodes: int = 0
    relationships: int = 0
    replaced: str | None = None  # the key of the document version this one replaced
    detail: str = ""
    counts: dict[str, int] = field(default_factory=dict)


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
        rows = self._read(LOOKUP_SOURCE, {"source": source}, None, None).records()
        if not rows:
            return "new", None
        prev = rows[0]
        return ("unchanged" if prev["content_hash"] == content_hash else "updated"), prev["key"]

    def write_document(self, graph: DocumentGraph) -> WriteResult:
        """Store one document whole or not at all; replaces the facts of its previous version."""
        with self._write_lock:
            status, previous = self.document_status(graph.source, graph.content_hash)
            if status == "unchanged":
                return WriteResult("unchanged", previous or graph.doc)
            owner = self._read(LOOKUP_KEY, {"key": graph.doc}, None, None).records()
            if owner and owner[0]["ingested"] and owner[0]["source"] != graph.source:
                return WriteResult(
                    "duplicate",
                    graph.doc,
                    detail=f"the same policy is already stored from {owner[0]['source']}",
                )
            affected = self._affected(previous) if previous else []
            plan = write_plan(graph, previous, affected)
            self._run_transaction(plan)
            return WriteResult(
                status,
                graph.doc,
                nodes=len(graph.nodes),
                relationships=len(graph.rels),
                replaced=previous if previous and previous != graph.doc else None,
            )

    def remove_document(self, doc_or_source: str) -> str:
        """Remove a stored document (by policy key, file name or title); returns its key."""
        with self._write_lock:
            rows = self._read(
                "MATCH (p:Policy) WHERE p.ingested = true AND (p.key = $d OR p.source = $d OR p.title = $d) "
                "RETURN p.key AS key",
                {"d": doc_or_source},
                None,
                None,
            ).rows
            if not rows:
                raise DocumentNotFound(f"no stored document {doc_or_source!r}")
            doc = rows[0][0]
            self._run_transaction(remove_plan(doc, self._affected(doc)))
            return doc

    def _affected(self, doc: str) -> list[str]:
        return [r[0] for r in self._read(AFFECTED_AGENCIES, {"doc": doc}, None, None).rows]

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


def open_store(settings: Settings | None = None) -> GraphStore:
    """Neo4j when a URI is configured, otherwise the embedded store under the data directory."""
    settings = settings or Settings.from_env()
    if settings.neo4j_uri:
        from .neo4j_store import Neo4jStore

        return Neo4jStore(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database)
    from .embedded_store import EmbeddedStore

    return EmbeddedStore(settings.data_dir)
