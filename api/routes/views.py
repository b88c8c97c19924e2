"""`GET /documents/{doc}/view`: a stored document's tasks with roles and citations highlighted (displaCy)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse
from policykg.graph.docview import stored_view
from policykg.queries import registry

from policykg.errors import NameNotFound

from ..deps import StoreDep

router = APIRouter(prefix="/documents", tags=["documents"])


@router.get("/{doc}/view", response_class=HTMLResponse)
def view(doc: str, store: StoreDep) -> HTMLResponse:
    """The document (by policy key, title or file name) as HTML: its tasks' text in order, with the agencies'
    roles (牵头/参加/负责), task headings and citations (依据/引用) highlighted."""
    marks = registry.run(store, "document_marks", {"doc": doc}).records()
    if not marks:
        raise HTTPException(404, f"no stored document {doc!r} with tasks")
    try:
        detail = registry.run(store, "policy_detail", {"policy": doc}).records()
    except NameNotFound:  # named by its file: the marks were found by the file name
        detail = []
    title = detail[0]["title"] if detail else doc
    return HTMLResponse(stored_view(title, marks))
