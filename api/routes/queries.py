"""The template library over HTTP (`GET /queries`, `POST /queries/{name}`) and read-only `POST /cypher`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from policykg.queries import registry
from pydantic import BaseModel, Field

from ..deps import Paging, SettingsDep, StoreDep, page_of
from ..models import Page, Rows, TemplateInfo

router = APIRouter(tags=["queries"])


def describe(t: registry.Template) -> dict[str, Any]:
    return {
        "name": t.name,
        "title": t.title,
        "description": t.description,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required, "default": p.default, "example": p.example}
            for p in t.params
        ],
        "returns": t.returns,
        "cypher": t.body,
    }


@router.get("/queries", response_model=Page[TemplateInfo])
def listing(request: Request, paging: Paging) -> dict[str, Any]:
    """Every named template with its parameters, columns and Cypher."""
    return page_of(request, [describe(t) for t in registry.templates().values()], paging)


@router.get("/queries/{name}", response_model=TemplateInfo)
def template(name: str) -> dict[str, Any]:
    return describe(registry.get(name))


@router.post("/queries/{name}", response_model=Rows)
def run(
    name: str,
    store: StoreDep,
    settings: SettingsDep,
    params: Annotated[dict[str, Any] | None, Body(examples=[{"agency": "山东省知识产权局"}])] = None,
) -> Rows:
    """Run a template; the JSON body holds its parameters, checked against the template's header (as the CLI
    does). `truncated` is true when the template's `limit` or the server's row limit cut the rows."""
    res = registry.run(store, name, params or {}, timeout=settings.query_timeout, limit=settings.row_limit)
    return Rows(columns=res.columns, rows=res.rows, truncated=res.truncated)


class CypherRequest(BaseModel):
    query: str = Field(examples=["MATCH (a:Agency)-[r:`牵头`]->(t:Task) RETURN a.name, count(t) AS n ORDER BY n DESC"])
    parameters: dict[str, Any] = Field(default_factory=dict)


@router.post("/cypher", response_model=Rows)
def cypher(body: CypherRequest, store: StoreDep, settings: SettingsDep) -> Rows:
    """Ad-hoc read-only Cypher: one statement of MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN, ORDER BY,
    SKIP, LIMIT, UNION and read-only functions; anything else is refused (403) before it runs. It runs
    read-only with the server's timeout (504 past it), memory bound, row limit and response byte limit
    (`truncated` tells when rows were left out)."""
    res = store.query(
        body.query,
        body.parameters,
        timeout=settings.query_timeout,
        limit=settings.row_limit,
        read_only_check=True,
        max_bytes=settings.max_response_bytes,
        memory=settings.query_memory,
    )
    return Rows(columns=res.columns, rows=res.rows, truncated=res.truncated)
