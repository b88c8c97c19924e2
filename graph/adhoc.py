"""Ad-hoc Cypher on the embedded store, run inside a bounded worker process (policykg/worker.py).

The worker opens the database file read-only (ladybug lets read-only openers coexist with the server's
one writer) with a small buffer pool and address-space reservation, so the engine itself refuses a
query that needs more; it reopens the file when it changed, since a read-only opener sees the data as
of its opening. Rows are gathered up to the row limit and the response byte limit (`truncated` tells).
"""

from __future__ import annotations

import json
import os
from typing import Any

from policykg.errors import QueryError, QueryTimeout

from .dialect import for_ladybug, plain
from .store import QueryResult

__all__ = ["BUFFER_POOL", "MAX_DB_SIZE", "gather", "run_adhoc"]

BUFFER_POOL = 256 * 1024 * 1024  # the engine's working memory for one query
MAX_DB_SIZE = 1 << 30  # the address space ladybug reserves to map the database file

_open: dict[str, Any] = {}


def _signature(path: str) -> tuple[Any, ...]:
    out: list[Any] = []
    for p in (path, path + ".wal"):
        try:
            st = os.stat(p)
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def _connection(path: str) -> Any:
    import ladybug

    sig = _signature(path)
    cached = _open.get("db")
    if cached is not None and cached[0] == path and cached[1] == sig:
        return cached[3]
    if cached is not None:
        cached[3].close()
        cached[2].close()
    db = ladybug.Database(
        path, read_only=True, buffer_pool_size=BUFFER_POOL, max_db_size=MAX_DB_SIZE, max_num_threads=1
    )
    conn = ladybug.Connection(db)
    _open["db"] = (path, sig, db, conn)
    return conn


def gather(rows: Any, limit: int | None, max_bytes: int | None) -> tuple[list[list[Any]], bool]:
    """Plain rows from an iterator, stopping at `limit` rows or `max_bytes` of JSON; (rows, truncated)."""
    out: list[list[Any]] = []
    size = 0
    for row in rows:
        if limit is not None and len(out) >= limit:
            return out, True
        value = plain(row)
        if max_bytes is not None:
            size += len(json.dumps(value, ensure_ascii=False, default=str).encode())
            if size > max_bytes:
                return out, True
        out.append(value)
    return out, False


def run_adhoc(
    path: str, cypher: str, params: dict[str, Any], timeout: float | None, limit: int | None, max_bytes: int | None
) -> QueryResult:
    """Runs in the worker: one read-only query on the database file at `path`."""
    try:
        conn = _connection(path)
    except RuntimeError as e:
        raise QueryError(f"the embedded store could not be opened for reading: {e}") from e
    conn.set_query_timeout(int(timeout * 1000) if timeout else 0)
    try:
        res = conn.execute(for_ladybug(cypher), params)
    except RuntimeError as e:
        if "interrupted" in str(e).lower() or "timeout" in str(e).lower():
            raise QueryTimeout(f"the query ran past its time limit ({timeout:g} s) and was stopped") from e
        raise QueryError(str(e)) from e
    except Exception as e:  # parameter conversion and the like
        raise QueryError(f"{type(e).__name__}: {e}") from e
    try:
        columns = res.get_column_names()

        def rows() -> Any:
            while res.has_next():
                yield res.get_next()

        got, truncated = gather(rows(), limit, max_bytes)
    except RuntimeError as e:
        raise QueryError(str(e)) from e
    finally:
        res.close()
    return QueryResult(columns, got, truncated)
