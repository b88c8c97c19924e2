"""Tasks: keyword search, and one task's detail with its agencies, roles and evidence."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from policykg.queries import registry

from ..deps import Paging, StoreDep, first, graph_version, page
from ..models import Page, TaskDetail, TaskRow

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("", response_model=Page[TaskRow])
def search(request: Request, store: StoreDep, paging: Paging, q: str) -> dict[str, Any]:
    """Tasks whose title or text contains `q`."""
    return page(request, store, "task_search", {"q": q}, paging)


@router.get("/{policy}/{path}", response_model=TaskDetail)
def detail(request: Request, policy: str, path: str, store: StoreDep) -> dict[str, Any]:
    """A task by policy (key, title or 文号) and numbering path (二.(一).1): text, span, parent, agencies."""
    version = graph_version(request)
    task = first(request, store, "task_detail", {"policy": policy, "path": path}, f"task {path} in {policy!r}")
    task["agencies"] = registry.run(store, "task_agencies", {"policy": policy, "path": path}, version=version).records()
    return task
