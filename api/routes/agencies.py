"""Agencies: search by name or alias, detail, tasks by role, overlap with others, evidence, connections."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from ..deps import Page, Paging, StoreDep, first_or_404, page, rows

router = APIRouter(prefix="/agencies", tags=["agencies"])

Role = Literal["牵头", "参加", "负责"]


@router.get("", response_model=Page)
def search(request: Request, store: StoreDep, paging: Paging, q: str = "") -> Page:
    """Agencies whose canonical name or any alias contains `q`, most assigned first."""
    return page(request, store, "agency_search", {"q": q}, paging)


@router.get("/{agency}")
def detail(agency: str, store: StoreDep) -> dict[str, Any]:
    """An agency by canonical name or any alias: aliases, level, region, parent."""
    return first_or_404(store, "agency_detail", {"agency": agency}, f"agency {agency!r}")


@router.get("/{agency}/tasks", response_model=Page)
def agency_tasks(request: Request, agency: str, store: StoreDep, paging: Paging, role: Role | None = None) -> Page:
    """The agency's tasks across all documents, optionally of one role."""
    first_or_404(store, "agency_detail", {"agency": agency}, f"agency {agency!r}")
    return page(request, store, "agency_tasks", {"agency": agency, "role": role or ""}, paging)


@router.get("/{agency}/overlap", response_model=Page)
def overlap(request: Request, agency: str, store: StoreDep, paging: Paging) -> Page:
    """Agencies sharing tasks with this one, with counts by the other agency's role."""
    first_or_404(store, "agency_detail", {"agency": agency}, f"agency {agency!r}")
    return page(request, store, "agency_overlap", {"agency": agency}, paging)


@router.get("/{agency}/evidence")
def evidence(agency: str, store: StoreDep, path: Annotated[str, Query(description="task path")] = "") -> list[dict]:
    """Where each of the agency's assignments was read: document, character span, mention, sentence."""
    first_or_404(store, "agency_detail", {"agency": agency}, f"agency {agency!r}")
    return rows(store, "edge_evidence", {"agency": agency, "path": path})


@router.get("/{agency}/connection/{other}")
def connection(agency: str, other: str, store: StoreDep) -> list[dict]:
    """The shortest chain of shared tasks and memberships between two agencies."""
    return rows(store, "shortest_connection", {"source": agency, "target": other})
