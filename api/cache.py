"""Answers kept by graph version: the store's version read once per request, and whole GET responses cached on it.

`GraphStore.version()` changes with every committed write by any process, so an answer cached under the
version a request reads is exactly as fresh as running the query again. Requests arriving while a version
read is in flight share it (one read per round trip under load, not one per request), except after this
process wrote: a write waits for a read that started after it. On a store opened read-only beside a
writer (the embedded store under `policykg serve --workers N`), the store is opened again when its files
change, since a read-only open sees only what was committed when it opened.

The cache is a plain LRU bounded in entries and bytes; only 200 answers of GET requests are kept, and
a request that carries credentials or a body is never answered from it. A cacheable answer says
`x-policykg-cache: hit` or `miss`.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policykg.graph.store import GraphStore
from policykg.queries.names import version_of
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policykg.errors import PolicyKGError

__all__ = ["MAX_BODY", "MAX_BYTES", "MAX_ENTRIES", "LiveStore", "ResponseCache"]

MAX_ENTRIES = 4096
MAX_BYTES = 64 * 1024 * 1024
MAX_BODY = 1024 * 1024  # a larger answer is not kept
UNCACHED = ("/health",)  # answers computed per call from cached parts (counts by version)
HIT, MISS = (b"x-policykg-cache", b"hit"), (b"x-policykg-cache", b"miss")  # says where an answer came from
# GET routes that answer without the store: no version read (the template library, docs, static files)
STATIC = ("/static/", "/docs", "/openapi.json", "/queries")


class LiveStore:
    """The store a request reads, its graph version, and the store opened again when its files changed."""

    def __init__(
        self,
        store: GraphStore,
        reopen: Callable[[], GraphStore] | None = None,
        on_swap: Callable[[GraphStore], None] | None = None,
    ) -> None:
        self.store = store
        self._reopen = reopen
        self._on_swap = on_swap
        self._files = self._signature()
        self._users: dict[int, int] = {}  # id(store) → requests using it
        self._retired: dict[int, GraphStore] = {}
        self._lock = threading.Lock()
        self._reading: asyncio.Future[int | None] | None = None
        self._read_started = 0.0
        self._written = 0.0
        self._counts: tuple[int | None, dict[str, int]] | None = None

    # -- the store of a request --------------------------------------------------------------------
    def acquire(self) -> GraphStore:
        with self._lock:
            store = self.store
            self._users[id(store)] = self._users.get(id(store), 0) + 1
            return store

    def release(self, store: GraphStore) -> None:
        with self._lock:
            left = self._users[id(store)] = self._users[id(store)] - 1
            old = self._retired.pop(id(store), None) if left == 0 else None
        if old is not None:
            old.close()

    def _signature(self) -> tuple[int, ...] | None:
        if self._reopen is None:
            return None
        data_dir = Path(self.store.data_dir)  # type: ignore[attr-defined]
        out: list[int] = []
        for f in sorted(data_dir.glob("graph.lbug*")):
            try:
                st = os.stat(f)
            except OSError:
                continue
            out += [st.st_mtime_ns, st.st_size]
        return tuple(out)

    def _refresh(self) -> None:
        """Open a read-only store again when another process committed to its files."""
        files = self._signature()
        if files == self._files:
            return
        fresh = self._reopen()  # type: ignore[misc]
        with self._lock:
            old, self.store, self._files = self.store, fresh, files
            if self._users.get(id(old), 0) > 0:
                self._retired[id(old)] = old
                old = None
        if self._on_swap is not None:
            self._on_swap(fresh)
        if old is not None:
            old.close()

    # -- the version ---------------------------------------------------------------------------------
    def _read_version(self) -> int | None:
        if self._reopen is not None:
            self._refresh()
        return version_of(self.store)

    async def version(self) -> int | None:
        """The graph version now: a read in flight is shared unless this process wrote after it started."""
        reading = self._reading
        if reading is None or reading.done() or self._read_started < self._written:
            self._read_started = time.monotonic()
            reading = asyncio.ensure_future(run_in_threadpool(self._read_version))
            self._reading = reading
        return await asyncio.shield(reading)

    def wrote(self) -> None:
        """This process committed a write: no later request may use a version read that started before."""
        self._written = time.monotonic()

    def counts(self, version: int | None) -> dict[str, int]:
        """Node and relationship counts, computed once per graph version."""
        cached = self._counts
        if cached is not None and version is not None and cached[0] == version:
            return cached[1]
        store = self.acquire()
        try:
            counts = store.counts()
        finally:
            self.release(store)
        self._counts = (version, counts)
        return counts

    def close(self) -> None:
        with self._lock:
            stores = [self.store, *self._retired.values()]
            self._retired.clear()
        for s in stores:
            s.close()


class ResponseCache:
    """ASGI middleware: a GET answered from the cache when the graph version has not changed since."""

    def __init__(self, app: ASGIApp, entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.app = app
        self.entries = entries
        self.max_bytes = max_bytes
        self._kept: OrderedDict[tuple[str, bytes], tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._version: int | None = None
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        live: LiveStore | None = getattr(scope["app"].state, "live", None) if "app" in scope else None
        if not reads_graph(scope):
            await self.app(scope, receive, send)
            return
        try:
            version = await live.version() if live is not None else None
        except PolicyKGError:  # the store is unreachable: the route meets the same error and answers it
            version = None
        scope.setdefault("state", {})["graph_version"] = version
        if version is None or not cacheable(scope):
            await self.app(scope, receive, send)
            return
        if version != self._version:
            self._kept.clear()
            self._bytes, self._version = 0, version
        key = (scope["path"], scope.get("query_string", b""))
        hit = self._kept.get(key)
        if hit is not None:
            self._kept.move_to_end(key)
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": [*headers, HIT]})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        size = 0

        async def keep(message: Message) -> None:
            nonlocal size
            if message["type"] == "http.response.start":
                start.update(message)
                message = {**message, "headers": [*message.get("headers", []), MISS]}
            elif message["type"] == "http.response.body" and size <= MAX_BODY:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
            await send(message)

        await self.app(scope, receive, keep)
        if start.get("status") == 200 and size <= MAX_BODY and self._version == version:
            self._store(key, (200, list(start.get("headers", [])), b"".join(chunks)))

    def _store(self, key: tuple[str, bytes], value: tuple[int, list[tuple[bytes, bytes]], bytes]) -> None:
        self._kept[key] = value
        self._bytes += len(value[2])
        while len(self._kept) > self.entries or self._bytes > self.max_bytes:
            _k, (_s, _h, body) = self._kept.popitem(last=False)
            self._bytes -= len(body)


def reads_graph(scope: Scope) -> bool:
    return not (
        scope["method"] in ("GET", "HEAD") and (scope["path"].startswith(STATIC) or scope["path"] == "/overlap")
    )


def cacheable(scope: Scope) -> bool:
    if scope["method"] != "GET" or scope["path"] in UNCACHED:
        return False
    names = {k for k, _v in scope["headers"]}
    return b"authorization" not in names and b"cookie" not in names and b"content-length" not in names
