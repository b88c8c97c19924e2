"""Policies: list with filters, detail, the 依据 chain up and down, tasks, and the agency-overlap matrix."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from ..deps import Page, Paging, StoreDep, first_or_404, page, rows

router = APIRouter(prefix="/policies", tags=["policies"])


@router.get("", response_model=Page)
def listing(
    request: Request,
    store: StoreDep,
    paging: Paging,
    region: str = "",
    q: Annotated[str, Query(description="keyword in the title")] = "",
    include_cited: Annotated[bool, Query(description="also policies only cited, not ingested")] = False,
) -> Page:
    """Stored policies, newest first, filtered by the region they govern and a title keyword."""
    return page(request, store, "policies", {"region": region, "q": q, "include_cited": include_cited}, paging)


@router.get("/{policy}")
def detail(policy: str, store: StoreDep) -> dict[str, Any]:
    """A policy by key, title or 文号."""
    return first_or_404(store, "policy_detail", {"policy": policy}, f"policy {policy!r}")


@router.get("/{policy}/basis")
def basis(
    policy: str,
    store: StoreDep,
    direction: Annotated[
        Literal["up", "down"], Query(description="up: what it rests on; down: what rests on it")
    ] = "up",
    depth: Annotated[int, Query(ge=1, le=10)] = 5,
) -> list[dict]:
    """The 依据 chain: policies this one rests on (up) or that rest on it (down), with their distance."""
    key = first_or_404(store, "policy_detail", {"policy": policy}, f"policy {policy!r}")["key"]
    return rows(store, f"basis_{direction}", {"policy": key, "depth": depth})


@router.get("/{policy}/tasks", response_model=Page)
def tasks(request: Request, policy: str, store: StoreDep, paging: Paging) -> Page:
    """The policy's tasks in document order with their leading, participating and responsible agencies."""
    first_or_404(store, "policy_detail", {"policy": policy}, f"policy {policy!r}")
    return page(request, store, "policy_tasks", {"policy": policy}, paging)


@router.get("/{policy}/overlap")
def overlap(policy: str, store: StoreDep, limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[dict]:
    """Pairs of agencies sharing tasks in this policy (the overlap matrix, one row per pair)."""
    key = first_or_404(store, "policy_detail", {"policy": policy}, f"policy {policy!r}")["key"]
    return rows(store, "overlap_matrix", {"policy": key, "region": "", "limit": limit})
