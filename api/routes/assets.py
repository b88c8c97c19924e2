"""Static files served from the package, and the Swagger UI at `/docs` loaded from them (works offline).

Only files that ship in `api/static/` are served: the allowlist is the folder's listing, taken once, so no
request path reaches the file system.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

router = APIRouter(include_in_schema=False)

SWAGGER = "/static/vendor/swagger-ui"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}


@cache
def static_files() -> dict[str, Path]:
    """Relative path → file, for every servable file under api/static/ (licences included)."""
    root = Path(str(resources.files("policykg.api").joinpath("static")))
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and (p.suffix in TYPES or p.name in ("LICENSE", "NOTICE"))
    }


@router.get("/static/{path:path}")
def static(path: str) -> FileResponse:
    found = static_files().get(path)
    if found is None:
        raise HTTPException(404, f"no static file {path!r}")
    return FileResponse(
        found,
        media_type=TYPES.get(found.suffix, "text/plain; charset=utf-8"),
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    """Swagger UI from the vendored swagger-ui-dist, so the docs page needs no internet."""
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title=f"{request.app.title} — API docs",
        swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
    )
