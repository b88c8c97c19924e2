"""The error statuses of every route, added to the OpenAPI schema by rule so no route can miss one.

Every route can answer 422 (bad parameters), 500 (a bug), 503 (the store is unreachable); routes with
a path parameter, and listings whose parameters name an agency, policy or region, 404; every request with a body 413 (api/limits.py); the query routes 400 (the engine
refused the query) and 504 (past the time budget); /cypher 403 (not read-only); document writes 401 and
403 (token) and, for upload, 409 (the same policy stored from another file).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

__all__ = ["ERROR_SCHEMA", "install"]

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "message"],
            "properties": {"type": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}

DESCRIPTIONS = {
    "400": "the engine refused the query (syntax, types)",
    "401": "a valid bearer token is required",
    "403": "refused: writes are disabled, or the Cypher is not read-only",
    "404": "not found",
    "409": "the same policy is already stored from another file",
    "413": "the request body or document is over its limit",
    "422": "invalid parameters or document",
    "500": "an unexpected server error",
    "503": "the graph store is unreachable",
    "504": "the query ran past its time budget",
}


def statuses(path: str, method: str) -> set[str]:
    out = {"422", "500", "503"}
    if "{" in path:
        out.add("404")
    if method in ("post", "put", "patch"):
        out.add("413")
    if path.startswith("/queries/") or path == "/cypher":
        out |= {"400", "504"}
    if path == "/cypher":
        out.add("403")
    if path.startswith("/documents") and method in ("post", "delete"):
        out |= {"401", "403"}
        if method == "post":
            out |= {"400", "409"}  # 400: a multipart body the server cannot parse
    if path not in ("/health", "/queries") and method == "get":
        out |= {"400", "504"}  # every listing runs a template with the server's timeout
        out.add("404")  # a name in its parameters (?region=, ?policy=) that resolves to nothing
    return out


def install(app: FastAPI) -> None:
    """Make `app.openapi()` document the error statuses of each operation."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for path, ops in schema.get("paths", {}).items():
            for method, op in ops.items():
                responses = op.setdefault("responses", {})
                for status in sorted(statuses(path, method)):
                    responses[status] = {"description": DESCRIPTIONS[status], **ref}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
