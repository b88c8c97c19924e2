"""Documents: list what is stored; upload a file to ingest it, or delete one (both need the API token).

An upload is extracted and written as one transaction, like `policykg ingest`: stored whole or not at
all, replacing the facts of its earlier version (same file name), leaving other documents' facts alone.
A new or updated document answers 201; the same file again answers 200 with `"status": "unchanged"`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, UploadFile
from policykg.graph.build import record_to_graph
from policykg.ingest.pipeline import extract_bytes

from ..deps import Paging, SettingsDep, StoreDep, page, require_token
from ..models import DocumentRow, Page, Removed, UploadResult

router = APIRouter(prefix="/documents", tags=["documents"])

Token = Annotated[None, Depends(require_token)]


@router.get("", response_model=Page[DocumentRow])
def listing(request: Request, store: StoreDep, paging: Paging) -> dict[str, Any]:
    """The stored documents: key, title, source file, content hash, number of tasks."""
    return page(request, store, "documents", {}, paging)


@router.post(
    "",
    status_code=201,
    response_model=UploadResult,
    responses={200: {"model": UploadResult, "description": "the same file was stored already: unchanged"}},
)
def upload(file: UploadFile, response: Response, store: StoreDep, settings: SettingsDep, _: Token) -> dict[str, Any]:
    """Ingest one document (.txt in any Chinese encoding, .html, .docx, .pdf); answers what was stored."""
    name = file.filename or "upload"
    data = file.file.read(settings.max_document_bytes + 1)
    if len(data) > settings.max_document_bytes:
        raise HTTPException(
            413, f"{name}: larger than {settings.max_document_bytes} bytes; split it or raise the limit"
        )
    graph = record_to_graph(extract_bytes(data, name))
    result = store.write_document(graph)
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


@router.delete("/{doc}", response_model=Removed)
def delete(doc: str, store: StoreDep, _: Token) -> dict[str, str]:
    """Remove a document (by policy key, file name or title) and the facts only it supported."""
    return {"removed": store.remove_document(doc)}
