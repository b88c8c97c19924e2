"""`GET /health`: is the store reachable, which one, and how much it holds."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..deps import StoreDep
from ..models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(store: StoreDep) -> dict[str, Any]:
    """The store the API runs on (engine, location, version) and its node and relationship counts."""
    return {"status": "ok", **store.describe(), "counts": store.counts()}
