"""What routes share: the store and settings of the app, pagination, and running a template as a page.

Every list answers a Page: `{"items", "limit", "offset", "next", "total"}`; the template is asked for
one row more than the page (queries/registry.py), so `next` is set exactly when more rows exist.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Query, Request
from policykg.graph.store import GraphStore
from policykg.queries import registry
from pydantic import BaseModel

from policykg.settings import Settings

__all__ = ["PageParams", "StoreDep", "first", "graph_version", "page", "page_of", "require_token", "token_problem"]

MAX_PAGE = 1000


async def get_store(request: Request) -> AsyncIterator[GraphStore]:
    """The app's store for this request (kept open until the answer is sent, even if it is opened again)."""
    live = getattr(request.app.state, "live", None)
    if live is None:
        yield request.app.state.store
        return
    store = live.acquire()
    try:
        yield store
    finally:
        live.release(store)


def graph_version(request: Request) -> int | None:
    """The graph version the response cache read for this request (None: not read, or no version)."""
    return getattr(request.state, "graph_version", None)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="rows per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=registry.MAX_OFFSET, description="rows to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(page_params)]


def _next(request: Request, paging: PageParams, more: bool) -> str | None:
    return (
        str(request.url.include_query_params(limit=paging.limit, offset=paging.offset + paging.limit)) if more else None
    )


def page(request: Request, store: GraphStore, name: str, params: dict[str, Any], paging: PageParams) -> dict[str, Any]:
    """One page of a template's rows, with the URL of the next page and the total number of rows.
    The rows are counted by a second query only when the page does not show where they end."""
    timeout = request.app.state.settings.query_timeout
    version = graph_version(request)
    res = registry.run(
        store, name, {**params, "limit": paging.limit, "offset": paging.offset}, timeout=timeout, version=version
    )
    if res.truncated or (paging.offset and not res.rows):
        everything = {**params, "limit": paging.limit, "offset": paging.offset}
        total = registry.run(store, name, everything, count=True, timeout=timeout, version=version).total
    else:
        total = paging.offset + len(res.rows)
    return {
        "items": res.records(),
        "limit": paging.limit,
        "offset": paging.offset,
        "next": _next(request, paging, res.truncated),
        "total": total,
    }


def page_of(request: Request, everything: list[Any], paging: PageParams) -> dict[str, Any]:
    """One page of a list already in memory, in the same shape."""
    end = paging.offset + paging.limit
    return {
        "items": everything[paging.offset : end],
        "limit": paging.limit,
        "offset": paging.offset,
        "next": _next(request, paging, end < len(everything)),
        "total": len(everything),
    }


def first(request: Request, store: GraphStore, name: str, params: dict[str, Any], what: str) -> dict[str, Any]:
    """The one row of a detail template (its name parameters resolved, so an unknown name is a 404)."""
    found = registry.run(store, name, params, version=graph_version(request)).records()
    if not found:
        raise HTTPException(404, f"no {what}")
    return found[0]


def token_problem(settings: Settings, authorization: str | None) -> tuple[int, str, dict[str, str] | None] | None:
    """Why a write is refused (status, message, headers), or None when the bearer token is right."""
    if not settings.api_token:
        return 403, "document upload and delete are disabled: set POLICYKG_TOKEN on the server", None
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.encode(), settings.api_token.encode()):
        return 401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"}
    return None


def require_token(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Writes (upload, delete) need `Authorization: Bearer <POLICYKG_TOKEN>`; with no token configured they are off.
    (Checked first by api/limits.py, before the body is read; here again for the schema and direct use.)"""
    problem = token_problem(settings, authorization)
    if problem:
        raise HTTPException(problem[0], problem[1], headers=problem[2])
