"""The embedded default store: ladybug (the maintained fork of Kùzu), in-process, no server.

Data persists in one database file under the data directory; ladybug's write-ahead log makes a
committed document survive a crash. One process may open the directory for writing at a time
(`policykg serve`, say, which records its address in `server.json` there); others open it read-only,
which ladybug allows beside a writer: a read-only open sees what was committed when it opened. While
the writer is writing, an open or a read can fail on a WAL being appended or checkpointed (13 of 32
plain opens beside a non-stop writer, none with a wrong answer: `python bench/readers.py --raw`), so
read-only opens and reads are retried a few times (0 of 17 failed: `python bench/readers.py`).
Ad-hoc Cypher never runs on this process's connection: it runs in a bounded worker process that opens
the file read-only (graph/adhoc.py), so an engine crash or a runaway query cannot take the caller down.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import ladybug

from policykg.errors import PolicyKGError, QueryError, QueryTimeout, StoreBusy, StoreNotFound
from policykg.worker import BoundedWorker, WorkerCrashed, WorkerOverMemory, WorkerTimeout

from .adhoc import run_adhoc
from .dialect import for_ladybug, plain
from .schema import ladybug_add_columns, ladybug_columns, ladybug_schema
from .store import GraphStore, QueryResult
from .writes import Statement

__all__ = ["DB_FILE", "SERVER_FILE", "EmbeddedStore", "running_server"]

DB_FILE = "graph.lbug"
SERVER_FILE = "server.json"  # {"url", "pid"} of the `policykg serve` that holds the store
ATTEMPTS = 8
# What ladybug says when a read-only reader meets a WAL being written or checkpointed by the writer.
TRANSIENT = ("WAL", "checkpoint", "Checksum", "invalid local node offset", "Storage exception")


def running_server(data_dir: str | Path) -> dict[str, Any] | None:
    """The `policykg serve` recorded in `data_dir` if its process is alive, else None."""
    try:
        info = json.loads((Path(data_dir) / SERVER_FILE).read_text(encoding="utf-8"))
        os.kill(int(info["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info


def no_store(data_dir: Path) -> StoreNotFound:
    return StoreNotFound(
        f"no policy-kg store at {data_dir}: make one with `policykg ingest DOCS --data-dir {data_dir}` "
        f"(or `policykg demo`), or point to an existing one with --data-dir, POLICYKG_DATA or --neo4j URI"
    )


def busy(data_dir: Path, detail: str = "") -> StoreBusy:
    server = running_server(data_dir)
    if server:
        return StoreBusy(
            f"the store at {data_dir} is held by `policykg serve` (pid {server['pid']}, {server['url']}): stop it "
            f"to write here, or upload through its API: curl -X POST {server['url']}/documents "
            "-H 'Authorization: Bearer $POLICYKG_TOKEN' -F file=@FILE (reading commands work while it runs)"
        )
    return StoreBusy(f"the store at {data_dir} is held for writing by another process{detail}: wait for it or stop it")


def _transient(e: Exception) -> bool:
    return any(t in str(e) for t in TRANSIENT)


class EmbeddedStore(GraphStore):
    """A ladybug database at `data_dir/graph.lbug`, created with the policy-kg schema on first use."""

    kind = "embedded"

    def __init__(self, data_dir: str | Path, read_only: bool = False, create: bool = True) -> None:
        """Open the store in `data_dir`; a missing store is created only when writing with `create`."""
        super().__init__()
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        if not (self.data_dir / DB_FILE).exists() and (read_only or not create):
            raise no_store(self.data_dir)
        if not read_only:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        # A ladybug connection runs one statement at a time; threads (the API) take turns.
        self._lock = threading.RLock()
        self._adhoc: BoundedWorker | None = None
        self._open()
        if not read_only:
            self.ensure_schema()
            self.fill_sort_keys()
            self.fill_derived()

    def _open(self) -> None:
        for attempt in range(ATTEMPTS):
            try:
                self._db = ladybug.Database(str(self.data_dir / DB_FILE), read_only=self.read_only)
                self._conn = ladybug.Connection(self._db)
                return
            except RuntimeError as e:
                if "Could not set lock" in str(e):
                    holder = str(e).split("(Lock is held by ", 1)[-1].split(")")[0] if "held by" in str(e) else ""
                    raise busy(self.data_dir, f" ({holder})" if holder else "") from e
                if not (self.read_only and _transient(e)) or attempt == ATTEMPTS - 1:
                    raise PolicyKGError(f"cannot open the embedded store at {self.data_dir}: {e}") from e
                time.sleep(0.05 * (attempt + 1))

    def ensure_schema(self) -> None:
        with self._lock:
            for stmt in ladybug_schema():
                self._conn.execute(stmt)
            # a store made by an earlier version lacks the columns added since: add them in place
            for table, columns in ladybug_columns().items():
                info = self._conn.execute(f"CALL table_info('{table}') RETURN *")
                have = set()
                while info.has_next():
                    have.add(info.get_next()[1])
                for stmt in ladybug_add_columns(table, columns, have):
                    self._conn.execute(stmt)

    def _run_transaction(self, statements: list[Statement]) -> list[QueryResult]:
        if self.read_only:
            raise (
                busy(self.data_dir)
                if running_server(self.data_dir)
                else PolicyKGError(
                    f"the store at {self.data_dir} was opened read-only: open it for writing to change it"
                )
            )
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
                # an error in the engine has already rolled the transaction back: the original error is the one to report
                with contextlib.suppress(RuntimeError):
                    self._conn.execute("ROLLBACK")
                raise
        return out

    def copy_into_empty(self, statements: list[str]) -> None:
        """Run the COPY FROM `statements` of a first load into this EMPTY store in one transaction (a failure
        leaves it empty), on one worker thread.

        One thread because ladybug 0.22's parallel primary-key index builder can deadlock on a node COPY of
        a few hundred thousand rows (every worker waiting on the same lock, no CPU used): 1 hang in 3 loads of
        the 10k bench corpus with the default threads, none in 6 with one, at about the same speed."""
        with self._lock:
            self._conn.set_max_threads_for_exec(1)
            try:
                self._run_transaction([Statement(st) for st in statements])
            finally:
                self._conn.set_max_threads_for_exec(0)  # the database's limit again

    def _execute(self, cypher: str, params: dict[str, Any], timeout: float | None) -> ladybug.QueryResult:
        for attempt in range(ATTEMPTS):
            self._conn.set_query_timeout(int(timeout * 1000) if timeout else 0)
            try:
                return self._conn.execute(for_ladybug(cypher), params)
            except (TypeError, ValueError, OverflowError) as e:
                raise QueryError(str(e)) from e  # a parameter the engine cannot take
            except RuntimeError as e:
                if "Interrupted" in str(e):
                    raise QueryTimeout(f"the query ran past its time limit ({timeout} s) and was stopped") from e
                if not (self.read_only and _transient(e)) or attempt == ATTEMPTS - 1:
                    raise QueryError(str(e)) from e
                # the writer moved the WAL under this reader: open again to see its latest commit
                self._conn.close()
                self._db.close()
                time.sleep(0.05 * (attempt + 1))
                self._open()
            finally:
                self._conn.set_query_timeout(0)
        raise AssertionError("unreachable")

    def _count(self, cypher: str, params: dict[str, Any], timeout: float | None) -> int:
        with self._lock:
            res = self._execute(cypher, params, timeout)
            n = res.get_num_tuples()
            res.close()
        return n

    def _read(self, cypher: str, params: dict[str, Any], timeout: float | None, limit: int | None) -> QueryResult:
        with self._lock:
            res = self._execute(cypher, params, timeout)
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
            "read_only": self.read_only,
        }
