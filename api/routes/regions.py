"""Regions: the policies governing a region (with its administrative children), tasks naming it, overlap."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import StoreDep, rows

router = APIRouter(prefix="/regions", tags=["regions"])


@router.get("/{region}/policies")
def policies(region: str, store: StoreDep) -> list[dict]:
    """Policies governing the region or any region under it."""
    return rows(store, "region_policies", {"region": region})


@router.get("/{region}/tasks")
def tasks(region: str, store: StoreDep) -> list[dict]:
    """Tasks whose text names the region."""
    return rows(store, "region_tasks", {"region": region})


@router.get("/{region}/overlap")
def overlap(region: str, store: StoreDep, limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[dict]:
    """Pairs of agencies sharing tasks in the policies governing the region."""
    return rows(store, "overlap_matrix", {"policy": "", "region": region, "limit": limit})
