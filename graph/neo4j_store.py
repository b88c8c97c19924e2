"""The production store: Neo4j 5 through the official `neo4j` driver.

Writes are managed transactions (`execute_write`, retried by the driver on transient errors), one
per document; reads run in read transactions, so the server itself refuses any write in them. The
driver's retries and connection waits are bounded (RETRY_SECONDS, CONNECT_SECONDS): when the server goes
away the caller gets one StoreUnavailable within seconds, not minutes of retries per document.
Ad-hoc Cypher runs in one explicit read transaction with the timeout, never retried, its records
fetched in small batches and gathered up to the row and byte limits.
"""

from __future__ import annotations

import re
import time
from typing import Any

import neo4j
from neo4j import GraphDatabase, unit_of_work
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from policykg.errors import PolicyKGError, QueryError, QueryTimeout, ReadOnlyViolation, StoreUnavailable

from .adhoc import gather
from .dialect import plain
from .schema import neo4j_schema
from .store import GraphStore, QueryResult
from .writes import Statement

__all__ = ["CONNECT_SECONDS", "RETRY_SECONDS", "Neo4jStore"]

RETRY_SECONDS = 5.0
CONNECT_SECONDS = 5.0
UNREACHABLE = (ServiceUnavailable, SessionExpired, OSError)

# Bolt, direct or routed, plain or TLS (the driver's HTTP preview is not a store this project runs on)
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Neo4jStore(GraphStore):
    """A Neo4j database reached over Bolt; constraints and indexes are created on open."""

    kind = "neo4j"

    def __init__(self, uri: str, user: str | None = None, password: str | None = None, database: str | None = None):
        super().__init__()
        self.uri = uri
        self.database = database or None
        auth = (user, password or "") if user else None
        bad = PolicyKGError(
            f"{uri!r} is not a Neo4j URI: use bolt://HOST:7687 or neo4j://HOST:7687 (+s or +ssc for TLS)"
        )
        if uri.partition("://")[0].lower() not in SCHEMES:
            raise bad
        # Notifications about properties not yet present are expected on a fresh database.
        try:
            self._driver = GraphDatabase.driver(
                uri,
                auth=auth,
                notifications_min_severity="OFF",
                max_transaction_retry_time=RETRY_SECONDS,
                connection_timeout=CONNECT_SECONDS,
                connection_acquisition_timeout=2 * CONNECT_SECONDS,
            )
        except (ConfigurationError, ValueError) as e:
            raise bad from e
        try:
            self._driver.verify_connectivity()
            self.ensure_schema()
            self.fill_sort_keys()
            self.fill_derived()
        except AuthError as e:
            self._driver.close()
            who = f"the credentials of user {user!r}" if user else "a connection without credentials"
            raise PolicyKGError(f"Neo4j at {uri} refused {who}: check NEO4J_USER and NEO4J_PASSWORD") from e
        except (ServiceUnavailable, Neo4jError, DriverError, OSError) as e:
            self._driver.close()
            # the driver's message spans lines; its last reason is the one that says what happened
            reasons = re.findall(r"\(reason (.+?)\)\s*$", str(e), re.M)
            why = reasons[-1] if reasons else (str(e).strip().splitlines() or [type(e).__name__])[0].rstrip(":")
            raise PolicyKGError(f"cannot reach Neo4j at {uri} (is the server running there?): {why}") from e

    def _session(self, mode: str) -> neo4j.Session:
        return self._driver.session(database=self.database, default_access_mode=mode)

    def ensure_schema(self) -> None:
        with self._session(neo4j.WRITE_ACCESS) as s:
            for stmt in neo4j_schema():
                s.run(stmt).consume()

    def _run_transaction(self, statements: list[Statement]) -> list[QueryResult]:
        def work(tx: neo4j.ManagedTransaction) -> list[QueryResult]:
            out = []
            for st in statements:
                res = tx.run(st.cypher, st.params)
                if st.returns:
                    out.append(QueryResult(list(res.keys()), [plain(list(r.values())) for r in res]))
                else:
                    res.consume()
            return out

        try:
            with self._session(neo4j.WRITE_ACCESS) as s:
                return s.execute_write(work)
        except UNREACHABLE as e:
            raise self._unavailable(e) from e

    def refresh_statistics(self, timeout_s: int = 3600) -> None:
        # Indexes are populated and sampled asynchronously: right after a load the planner may still see the
        # empty database's samples and pick an index scan over a unique seek, and keep that plan in its cache.
        # Polled, not db.awaitIndexes: one long call would outlive the server's transaction timeout (at 100k
        # documents the relationship indexes take minutes).
        deadline = time.monotonic() + timeout_s
        while True:
            with self._session(neo4j.READ_ACCESS) as s:
                pending = s.run("SHOW INDEXES YIELD name, state WHERE state <> 'ONLINE' RETURN name, state").values()
            if not pending:
                break
            if any(state == "FAILED" for _name, state in pending) or time.monotonic() > deadline:
                raise PolicyKGError(f"Neo4j at {self.uri}: indexes not online after {timeout_s} s: {pending}")
            time.sleep(1.0)
        with self._session(neo4j.WRITE_ACCESS) as s:
            s.run("CALL db.prepareForReplanning($t)", {"t": min(timeout_s, 100)}).consume()

    def _unavailable(self, e: BaseException) -> StoreUnavailable:
        return StoreUnavailable(f"Neo4j at {self.uri} is unavailable ({type(e).__name__}: {e}); try again later")

    def _read(self, cypher: str, params: dict[str, Any], timeout: float | None, limit: int | None) -> QueryResult:
        @unit_of_work(timeout=timeout)
        def work(tx: neo4j.ManagedTransaction) -> QueryResult:
            res = tx.run(cypher, params)
            rows, truncated = [], False
            for rec in res:
                if limit is not None and len(rows) >= limit:
                    truncated = True
                    break
                rows.append(plain(list(rec.values())))
            columns = list(res.keys())
            return QueryResult(columns, rows, truncated)

        try:
            with self._session(neo4j.READ_ACCESS) as s:
                return s.execute_read(work)
        except UNREACHABLE as e:
            raise self._unavailable(e) from e
        except Neo4jError as e:
            raise self._query_error(e) from e

    def _query_error(self, e: Neo4jError) -> PolicyKGError:
        message = e.message or str(e)
        code = e.code or ""
        if "Writing in read access mode" in message or code.endswith("ForbiddenDueToTransactionType"):
            return ReadOnlyViolation(message)
        if "TransactionTimedOut" in code or "Terminated" in code:
            return QueryTimeout(f"the query ran past its time limit and was stopped: {message}")
        if "MemoryPoolOutOfMemoryError" in code:
            return QueryError(f"the query needed more memory than the server allows for one transaction: {message}")
        return QueryError(message)

    def _read_untrusted(
        self,
        cypher: str,
        params: dict[str, Any],
        timeout: float | None,
        limit: int | None,
        max_bytes: int | None,
        memory: int | None,
    ) -> QueryResult:
        try:
            with (
                self._driver.session(
                    database=self.database, default_access_mode=neo4j.READ_ACCESS, fetch_size=100
                ) as s,
                s.begin_transaction(timeout=timeout) as tx,
            ):
                res = tx.run(cypher, params)
                rows, truncated = gather((list(r.values()) for r in res), limit, max_bytes)
                columns = list(res.keys())
                tx.rollback()
                return QueryResult(columns, rows, truncated)
        except UNREACHABLE as e:
            raise self._unavailable(e) from e
        except Neo4jError as e:
            raise self._query_error(e) from e
        except (DriverError, TypeError, ValueError, OverflowError) as e:
            raise QueryError(f"{type(e).__name__}: {e}") from e

    def _count(self, cypher: str, params: dict[str, Any], timeout: float | None) -> int:
        return self._read(f"CALL {{\n{cypher}\n}}\nRETURN count(*) AS n", params, timeout, None).rows[0][0]

    def close(self) -> None:
        self._driver.close()

    def describe(self) -> dict[str, Any]:
        try:
            info = self._driver.get_server_info()
        except UNREACHABLE as e:
            raise self._unavailable(e) from e
        return {"store": self.kind, "engine": "neo4j", "version": info.agent, "uri": self.uri}
