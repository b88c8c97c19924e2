"""The embedded default store: ladybug (the maintained fork of Kùzu), in-process, no server.

Data persists in one database file under the data directory; ladybug's write-ahead log makes a
committed document survive a crash. One process may open the directory for writing at a time.
Ad-hoc Cypher never runs on this process's connection: it runs in a bounded worker process that opens
the file read-only (graph/adhoc.py), so an engine crash or a runaway query cannot take the caller down.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import ladybug

from policykg.errors import PolicyKGError, QueryError, QueryTimeout
from policykg.worker import BoundedWorker, WorkerCrashed, WorkerOverMemory, WorkerTimeout

from .adhoc import run_adhoc
from .dialect import for_ladybug, plain
from .schema import ladybug_schema
from .store import GraphStore, QueryResult
from .writes import Statement

__all__ = ["EmbeddedStore"]

DB_FILE = "graph.lbug"


class EmbeddedStore(GraphStore):
    """A ladybug database at `data_dir/graph.lbug`, created with the policy-kg schema on first use."""

    kind = "embedded"

    def __init__(self, data_dir: str | Path, read_only: bool = False) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._db = ladybug.Database(str(self.data_dir / DB_FILE), read_only=read_only)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as e:
            raise PolicyKGError(f"cannot open the embedded store at {self.data_dir}: {e}") from e
        # A ladybug connection runs one statement at a time; threads (the API) take turns.
        self._lock = threading.RLock()
        self._adhoc: BoundedWorker | None = None
        if not read_only:
            self.ensure_schema()

    def ensure_schema(self) -> None:
        with self._lock:
            for stmt in ladybug_schema():
                self._conn.execute(stmt)

    def _run_transaction(self, statements: list[Statement]) -> list[QueryResult]:
        out = []
        with self._lock:
            self._conn.execute("BEGIN TRANSACTION")
            try:
                for st in statements:
                    res = self._conn.execute(for_ladybug(st.cypher), st.params)
                    if st.returns:
                        out.append(QueryResult(res.get_column_names(), [plain(r) for r in res.get_all()]))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return out

    def _read(self, cypher: str, params: dict[str, Any], timeout: float | None, limit: int | None) -> QueryResult:
        with self._lock:
            self._conn.set_query_timeout(int(timeout * 1000) if timeout else 0)
            try:
                res = self._conn.execute(for_ladybug(cypher), params)
            except (RuntimeError, TypeError, ValueError, OverflowError) as e:
                raise QueryError(str(e)) from e
            finally:
                self._conn.set_query_timeout(0)
            columns = res.get_column_names()
            if limit is None:
                rows = res.get_all()
                truncated = False
            else:
                rows = res.get_n(limit + 1)
                truncated = len(rows) > limit
                rows = rows[:limit]
            res.close()
        return QueryResult(columns, [plain(r) for r in rows], truncated)

    def _read_untrusted(
        self,
        cypher: str,
        params: dict[str, Any],
        timeout: float | None,
        limit: int | None,
        max_bytes: int | None,
        memory: int | None,
    ) -> QueryResult:
        if self._adhoc is None or self._adhoc.memory_bytes != memory:
            if self._adhoc is not None:
                self._adhoc.close()
            self._adhoc = BoundedWorker(memory, name="policykg-cypher", preload=("policykg.graph.adhoc",))
        budget = (timeout or 60.0) + 5.0  # the engine stops itself at `timeout`; the kill is the backstop
        path = str(self.data_dir / DB_FILE)
        try:
            return self._adhoc.call(
                budget, run_adhoc, path, cypher, params, timeout, limit, max_bytes, what="the query"
            )
        except WorkerTimeout as e:
            raise QueryTimeout(str(e)) from e
        except (WorkerCrashed, WorkerOverMemory) as e:
            raise QueryError(str(e)) from e

    def close(self) -> None:
        if self._adhoc is not None:
            self._adhoc.close()
        with self._lock:
            self._conn.close()
            self._db.close()

    def describe(self) -> dict[str, Any]:
        return {
            "store": self.kind,
            "engine": "ladybug",
            "version": ladybug.__version__,
            "path": str(self.data_dir),
        }
