"""`GET /health`: is the store reachable, which one, and how much it holds."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ..deps import StoreDep, graph_version
from ..models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(request: Request, store: StoreDep) -> dict[str, Any]:
    """The store the API runs on (engine, location, version) and its node and relationship counts
    (counted once per graph version)."""
    live = request.app.state.live
    counts = live.counts(graph_version(request)) if live is not None else store.counts()
    return {"status": "ok", **store.describe(), "counts": counts}
