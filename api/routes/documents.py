"""Documents: list what is stored; upload a file to ingest it, or delete one (both need the API token).

An upload is extracted and written as one transaction, like `policykg ingest`: stored whole or not at
all, replacing the facts of its earlier version (same file name), leaving other documents' facts alone.
A new or updated document answers 201; the same file again answers 200 with `"status": "unchanged"`.
"""

from __future__ import annotations

import posixpath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, UploadFile
from policykg.graph.build import record_to_graph
from policykg.graph.ingest import Extractor

from policykg.settings import human_bytes

from ..deps import Paging, SettingsDep, StoreDep, page, require_token
from ..models import DocumentRow, Page, Removed, UploadResult

router = APIRouter(prefix="/documents", tags=["documents"])

READ_ONLY = (
    "this server reads the embedded store read-only (policykg serve --workers N): add documents with "
    "`policykg ingest DOCS --data-dir DIR` beside it; the workers answer from them on their next request"
)

Token = Annotated[None, Depends(require_token)]


@router.get("", response_model=Page[DocumentRow])
def listing(request: Request, store: StoreDep, paging: Paging) -> dict[str, Any]:
    """The stored documents: key, title, source file, content hash, number of tasks."""
    return page(request, store, "documents", {}, paging)


@router.post(
    "",
    status_code=201,
    response_model=UploadResult,
    responses={
        200: {"model": UploadResult, "description": "the same file was stored already: unchanged"},
        409: {"description": "the same policy is stored from another file, or the server reads a read-only store"},
    },
)
def upload(
    request: Request, file: UploadFile, response: Response, store: StoreDep, settings: SettingsDep, _: Token
) -> dict[str, Any]:
    """Ingest one document (.txt in any Chinese encoding, .html, .docx, .pdf); answers what was stored.
    The file is stored under its base name (no folders); its extraction runs under a time budget."""
    if getattr(store, "read_only", False):
        raise HTTPException(409, READ_ONLY)
    name = base_name(file.filename)
    data = file.file.read(settings.max_document_bytes + 1)
    if len(data) > settings.max_document_bytes:
        raise HTTPException(
            413,
            f"{name}: larger than the {human_bytes(settings.max_document_bytes)} limit; split it or raise the limit",
        )
    graph = record_to_graph(extractor(request).extract_bytes(data, name))
    result = store.write_document(graph)
    wrote(request)
    if result.status == "duplicate":
        raise HTTPException(409, f"{name}: {result.detail}")
    if result.status == "unchanged":
        response.status_code = 200
    return {
        "doc": result.doc,
        "status": result.status,
        "nodes": result.nodes,
        "relationships": result.relationships,
        "replaced": result.replaced,
    }


def base_name(filename: str | None) -> str:
    """The file's own name: client paths (`../../etc/x.txt`, `C:\\docs\\x.txt`) are not kept."""
    name = posixpath.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(c for c in name if c.isprintable())
    return name if name not in ("", ".", "..") else "upload"


def extractor(request: Request) -> Extractor:
    app = request.app
    if getattr(app.state, "extractor", None) is None:
        app.state.extractor = Extractor.from_settings(app.state.settings)
    return app.state.extractor


@router.delete("/{doc}", response_model=Removed, responses={409: {"description": "the server reads a read-only store"}})
def delete(request: Request, doc: str, store: StoreDep, _: Token) -> dict[str, str]:
    """Remove a document (by policy key, file name or title) and the facts only it supported."""
    if getattr(store, "read_only", False):
        raise HTTPException(409, READ_ONLY)
    removed = store.remove_document(doc)
    wrote(request)
    return {"removed": removed}


def wrote(request: Request) -> None:
    """Tell the response cache this process wrote, so the next request reads the new graph version."""
    if getattr(request.app.state, "live", None) is not None:
        request.app.state.live.wrote()
