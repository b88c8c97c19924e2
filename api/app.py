"""The FastAPI application: store lifecycle, error mapping, and the routers of api/routes/."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from policykg.graph.store import GraphStore, open_store
from starlette.exceptions import HTTPException as StarletteHTTPException

from policykg import __version__
from policykg.errors import PolicyKGError
from policykg.settings import Settings

from . import openapi
from .cache import LiveStore, ResponseCache
from .limits import EdgeGuard
from .routes import agencies, assets, documents, health, overlap, policies, queries, regions, tasks, views

__all__ = ["READ_ONLY_ENV", "THREADS", "create_app", "worker_app"]

READ_ONLY_ENV = "POLICYKG_SERVE_READ_ONLY"
THREADS = 64  # threads for sync routes (each holds a store session while it runs)

DESCRIPTION = """\
Who leads (牵头), takes part in (参加) and is responsible for (负责) the tasks of Chinese policy
documents, which policies a document rests on (依据), and where agencies' duties overlap.

Lists take `limit` and `offset` and answer `{"items": [...], "limit", "offset", "next", "total"}`; `next` is
the URL of the following page or null, `total` the number of rows in all. Names of agencies, policies
(key, title or 文号 in any brackets) and regions resolve one way everywhere; an unknown name is a 404 that
lists the closest names. Errors answer `{"error": {"type", "message"}}` with a 4xx/5xx status; a query
that runs out of time answers 504.
Every route runs a named Cypher template (see `GET /queries`); `POST /cypher` runs read-only ad-hoc Cypher.
"""


def create_app(settings: Settings | None = None, store: GraphStore | None = None, read_only: bool = False) -> FastAPI:
    """The API on `store`, or on the store the settings select (opened at startup, closed at shutdown);
    `read_only`: open an embedded store read-only (a worker of `policykg serve --workers N`; uploads refused)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        # a server takes uploads, so it may start on an empty folder (as `policykg serve` does); a worker of
        # `serve --workers N` on the embedded store opens it read-only (settings.read_only)
        if store is not None:
            app.state.store = store
        elif read_only and not settings.neo4j_uri:
            app.state.store = open_store(settings, read_only=True)
        else:
            app.state.store = open_store(settings, create=True)
        app.state.live = live_store(app, app.state.store)
        # sync routes run on this many threads; the Neo4j driver's pool (100 connections) is larger
        to_thread.current_default_thread_limiter().total_tokens = THREADS
        try:
            yield
        finally:
            if getattr(app.state, "extractor", None) is not None:
                app.state.extractor.close()
            if own:
                app.state.live.close()

    # /docs is served by routes/assets.py from vendored files (FastAPI's default loads from a CDN); no ReDoc
    app = FastAPI(
        title="policy-kg",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.extractor = None
    app.state.live = None
    app.add_middleware(ResponseCache)
    app.add_middleware(EdgeGuard, settings=settings)  # added last: the outermost, before the cache

    @app.exception_handler(PolicyKGError)
    async def domain_error(request: Request, exc: PolicyKGError) -> JSONResponse:
        return error_response(exc.status, type(exc).__name__, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, "HTTPError", str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return error_response(422, "ValidationError", problems)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return error_response(500, type(exc).__name__, str(exc))

    for module in (health, agencies, tasks, policies, regions, documents, queries, overlap, views, assets):
        app.include_router(module.router)
    openapi.install(app)
    return app


def worker_app() -> FastAPI:
    """The app of one `policykg serve --workers N` process (uvicorn imports it by name): the store from
    the environment the command set, read-only when it is the embedded store (POLICYKG_SERVE_READ_ONLY)."""
    return create_app(read_only=os.environ.get(READ_ONLY_ENV) == "1")


def live_store(app: FastAPI, store: GraphStore) -> LiveStore:
    """The store with its version watched; a read-only embedded store is opened again when its files change."""
    reopen = None
    if store.kind == "embedded" and getattr(store, "read_only", False):
        from policykg.graph.embedded_store import EmbeddedStore

        data_dir = store.data_dir  # type: ignore[attr-defined]

        def reopen() -> GraphStore:
            return EmbeddedStore(data_dir, read_only=True)

    return LiveStore(store, reopen, on_swap=lambda fresh: setattr(app.state, "store", fresh))


def error_response(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"type": kind, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)
