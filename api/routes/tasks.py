"""Tasks: keyword search, and one task's detail with its agencies, roles and evidence."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ..deps import Page, Paging, StoreDep, first_or_404, page, rows

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("", response_model=Page)
def search(request: Request, store: StoreDep, paging: Paging, q: str) -> Page:
    """Tasks whose title or text contains `q`."""
    return page(request, store, "task_search", {"q": q}, paging)


@router.get("/{policy}/{path}")
def detail(policy: str, path: str, store: StoreDep) -> dict[str, Any]:
    """A task by policy (key, title or 文号) and numbering path (二.(一).1): text, span, parent, agencies."""
    task = first_or_404(store, "task_detail", {"policy": policy, "path": path}, f"task {path} in {policy!r}")
    task["agencies"] = rows(store, "task_agencies", {"policy": policy, "path": path})
    return task
