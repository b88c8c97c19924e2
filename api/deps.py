"""What routes share: the store and settings of the app, pagination, and running a template as a page."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Query, Request
from policykg.graph.store import GraphStore
from policykg.queries import registry
from pydantic import BaseModel

from policykg.settings import Settings

__all__ = ["Page", "PageParams", "Rows", "StoreDep", "first_or_404", "page", "require_token", "rows", "token_problem"]

MAX_PAGE = 1000


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


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


class Page(BaseModel):
    items: list[dict[str, Any]]
    limit: int
    offset: int
    next: str | None = None


class Rows(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False


def page(request: Request, store: GraphStore, name: str, params: dict[str, Any], paging: PageParams) -> Page:
    """One page of a template's rows; one row more is asked for to know whether a next page exists."""
    res = registry.run(store, name, {**params, "limit": paging.limit + 1, "offset": paging.offset})
    items = res.records()
    nxt = None
    if len(items) > paging.limit:
        items = items[: paging.limit]
        nxt = str(request.url.include_query_params(limit=paging.limit, offset=paging.offset + paging.limit))
    return Page(items=items, limit=paging.limit, offset=paging.offset, next=nxt)


def rows(store: GraphStore, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return registry.run(store, name, params).records()


def first_or_404(store: GraphStore, name: str, params: dict[str, Any], what: str) -> dict[str, Any]:
    found = rows(store, name, params)
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
