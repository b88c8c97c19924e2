"""Regions: the policies governing a region (with its administrative children), tasks naming it, overlap.

A region is named by its key or name; an unknown one is a 404 with the closest names.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ..deps import Paging, StoreDep, page
from ..models import Page, PairRow, RegionPolicyRow, RegionTaskRow

router = APIRouter(prefix="/regions", tags=["regions"])


@router.get("/{region}/policies", response_model=Page[RegionPolicyRow])
def policies(request: Request, region: str, store: StoreDep, paging: Paging) -> dict[str, Any]:
    """Policies governing the region or any region under it."""
    return page(request, store, "region_policies", {"region": region}, paging)


@router.get("/{region}/tasks", response_model=Page[RegionTaskRow])
def tasks(request: Request, region: str, store: StoreDep, paging: Paging) -> dict[str, Any]:
    """Tasks whose text names the region, in document order."""
    return page(request, store, "region_tasks", {"region": region}, paging)


@router.get("/{region}/overlap", response_model=Page[PairRow])
def overlap(request: Request, region: str, store: StoreDep, paging: Paging) -> dict[str, Any]:
    """Pairs of agencies sharing tasks in the policies governing the region."""
    return page(request, store, "overlap_matrix", {"policy": "", "region": region}, paging)
