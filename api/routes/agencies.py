"""Agencies: search by name or alias, detail, tasks by role, overlap with others, evidence, connections.

An agency is named by its canonical name or any alias (queries/names.py); an unknown one is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ..deps import Paging, StoreDep, first, page
from ..models import AgencyDetail, AgencyRow, AgencyTaskRow, ConnectionRow, EvidenceRow, OverlapRow, Page

router = APIRouter(prefix="/agencies", tags=["agencies"])


@router.get("", response_model=Page[AgencyRow])
def search(request: Request, store: StoreDep, paging: Paging, q: str = "") -> dict[str, Any]:
    """Agencies whose canonical name or any alias contains `q`, most assigned first."""
    return page(request, store, "agency_search", {"q": q}, paging)


@router.get("/{agency}", response_model=AgencyDetail)
def detail(request: Request, agency: str, store: StoreDep) -> dict[str, Any]:
    """An agency by canonical name or any alias: aliases, level, region, parent."""
    return first(request, store, "agency_detail", {"agency": agency}, f"agency {agency!r}")


@router.get("/{agency}/tasks", response_model=Page[AgencyTaskRow])
def agency_tasks(
    request: Request,
    agency: str,
    store: StoreDep,
    paging: Paging,
    role: Annotated[str, Query(description="牵头, 参加 or 负责; all roles when empty")] = "",
) -> dict[str, Any]:
    """The agency's tasks across all documents in document order, optionally of one role."""
    # the role is checked by the template's parameter types, as for the CLI and POST /queries
    return page(request, store, "agency_tasks", {"agency": agency, "role": role}, paging)


@router.get("/{agency}/overlap", response_model=Page[OverlapRow])
def overlap(request: Request, agency: str, store: StoreDep, paging: Paging) -> dict[str, Any]:
    """Agencies sharing tasks with this one, with counts by the other agency's role."""
    return page(request, store, "agency_overlap", {"agency": agency}, paging)


@router.get("/{agency}/evidence", response_model=Page[EvidenceRow])
def evidence(
    request: Request,
    agency: str,
    store: StoreDep,
    paging: Paging,
    path: Annotated[str, Query(description="task path")] = "",
) -> dict[str, Any]:
    """Where each of the agency's assignments was read: document, character span, mention, sentence."""
    return page(request, store, "edge_evidence", {"agency": agency, "path": path}, paging)


@router.get("/{agency}/connection/{other}", response_model=Page[ConnectionRow])
def connection(request: Request, agency: str, other: str, store: StoreDep, paging: Paging) -> dict[str, Any]:
    """The shortest chain of shared tasks between two agencies, in path order (empty when none)."""
    return page(request, store, "shortest_connection", {"source": agency, "target": other}, paging)
