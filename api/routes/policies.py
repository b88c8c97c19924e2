"""Policies: list with filters, detail, the 依据 chain up and down, tasks, and the agency-overlap matrix.

A policy is named by key, title or 文号 in any bracket style (queries/names.py); an unknown one is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from ..deps import Paging, StoreDep, first, page
from ..models import BasisRow, Page, PairRow, PolicyDetail, PolicyRow, PolicyTaskRow

router = APIRouter(prefix="/policies", tags=["policies"])


@router.get("", response_model=Page[PolicyRow])
def listing(
    request: Request,
    store: StoreDep,
    paging: Paging,
    region: str = "",
    q: Annotated[str, Query(description="keyword in the title")] = "",
    include_cited: Annotated[bool, Query(description="also policies only cited, not ingested")] = False,
) -> dict[str, Any]:
    """Stored policies, newest first, filtered by the region they govern and a title keyword."""
    return page(request, store, "policies", {"region": region, "q": q, "include_cited": include_cited}, paging)


@router.get("/{policy}", response_model=PolicyDetail)
def detail(request: Request, policy: str, store: StoreDep) -> dict[str, Any]:
    """A policy by key, title or 文号."""
    return first(request, store, "policy_detail", {"policy": policy}, f"policy {policy!r}")


@router.get("/{policy}/basis", response_model=Page[BasisRow])
def basis(
    request: Request,
    policy: str,
    store: StoreDep,
    paging: Paging,
    direction: Annotated[
        Literal["up", "down"], Query(description="up: what it rests on; down: what rests on it")
    ] = "up",
    depth: Annotated[int, Query(ge=1, le=10)] = 5,
) -> dict[str, Any]:
    """The 依据 chain: policies this one rests on (up) or that rest on it (down), with their distance;
    both directions answer the same row keys."""
    return page(request, store, f"basis_{direction}", {"policy": policy, "depth": depth}, paging)


@router.get("/{policy}/tasks", response_model=Page[PolicyTaskRow])
def tasks(request: Request, policy: str, store: StoreDep, paging: Paging) -> dict[str, Any]:
    """The policy's tasks in document order with their leading, participating and responsible agencies."""
    return page(request, store, "policy_tasks", {"policy": policy}, paging)


@router.get("/{policy}/overlap", response_model=Page[PairRow])
def overlap(request: Request, policy: str, store: StoreDep, paging: Paging) -> dict[str, Any]:
    """Pairs of agencies sharing tasks in this policy (the overlap matrix, one row per pair)."""
    return page(request, store, "overlap_matrix", {"policy": policy, "region": ""}, paging)
