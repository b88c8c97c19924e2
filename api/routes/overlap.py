"""The overlap analysis over HTTP: the page `GET /overlap` and its JSON endpoints `/overlap/*`.

Every JSON endpoint takes the same filters (policy, region, level, role (repeatable), year_from, year_to)
and answers from graph/network.py and graph/measures.py; the page draws what `/overlap/network` answers.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote

import networkx as nx
from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse
from policykg.graph import measures
from policykg.graph.layout import component_layout
from policykg.graph.network import (
    ROLE_PAIRS,
    Filters,
    co_issuing,
    facets,
    issuing_rows,
    projection,
    role_edges,
    two_mode,
)

from ..deps import StoreDep
from ..models import (
    AgencyPairs,
    CoIssuing,
    Communities,
    NetworkChange,
    OverlapMatrix,
    OverlapMeasures,
    OverlapNetwork,
    TieTasks,
    Typology,
)

router = APIRouter(prefix="/overlap", tags=["overlap"])

Role = Annotated[list[str] | None, Query(description="only these roles (repeatable): 牵头, 参加, 负责")]
Year = Annotated[int | None, Query(ge=1900, le=2100)]
# The measures are computed per request; past this many agencies only the most connected are kept.
MAX_AGENCIES = 2000


def overlap_filters(
    policy: Annotated[str, Query(max_length=300, description="policy key or title")] = "",
    region: Annotated[str, Query(max_length=100)] = "",
    level: Annotated[str, Query(max_length=20, description="agency level: 省级, 地级, 县级, 中央 …")] = "",
    role: Role = None,
    year_from: Year = None,
    year_to: Year = None,
) -> Filters:
    try:
        return Filters(policy, region, level, tuple(role or ()), year_from, year_to)
    except ValueError as e:
        raise HTTPException(422, str(e)) from e


FiltersDep = Annotated[Filters, Depends(overlap_filters)]


def _networks(store: Any, filters: Filters) -> tuple[nx.Graph, nx.Graph, bool]:
    B = two_mode(role_edges(store, filters))
    G = projection(B)
    truncated = G.number_of_nodes() > MAX_AGENCIES
    if truncated:
        keep = sorted(G, key=lambda n: (-G.degree(n, weight="weight"), n))[:MAX_AGENCIES]
        G = G.subgraph(keep).copy()
    return B, G, truncated


def doc_link(policy: str) -> str:
    return f"/documents/{quote(policy, safe='')}/view"


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def page() -> HTMLResponse:
    """The interactive overlap page (ECharts, served from the package)."""
    html = resources.files("policykg.api").joinpath("static", "overlap.html").read_text("utf-8")
    return HTMLResponse(html)


@router.get("/network", response_model=OverlapNetwork)
def network(
    store: StoreDep,
    filters: FiltersDep,
    seed: Annotated[int, Query(ge=0, le=2**31)] = 42,
) -> dict[str, Any]:
    """The agency network: nodes with every measure and a seeded layout, edges with shared tasks per role
    pair, and the values the filters can take (policies, regions, levels, years)."""
    B, G, truncated = _networks(store, filters)
    table = {r["agency"]: r for r in measures.agency_table(G, seed=seed)}
    pos = component_layout(G, seed=seed)
    nodes = [{**table[n], "x": round(float(pos[n][0]), 4), "y": round(float(pos[n][1]), 4)} for n in sorted(G)]
    edges = [
        {"source": a, "target": b, "weight": e["weight"], **{k: e[k] for k in ROLE_PAIRS}}
        for a, b, e in sorted((min(a, b), max(a, b), e) for a, b, e in G.edges(data=True))
    ]
    f = facets(role_edges(store, Filters()))
    return {
        "filters": filters.as_dict(),
        "nodes": nodes,
        "edges": edges,
        "tasks": sum(1 for _n, d in B.nodes(data=True) if d.get("kind") == "task"),
        "truncated": truncated,
        "facets": {"policies": f.policies, "regions": f.regions, "levels": f.levels, "years": f.years},
    }


@router.get("/measures", response_model=OverlapMeasures)
def agency_measures(
    store: StoreDep,
    filters: FiltersDep,
    sort: Annotated[str, Query(pattern="^(degree|weighted_degree|tasks_led|betweenness|eigenvector|core)$")] = (
        "weighted_degree"
    ),
    limit: Annotated[int, Query(ge=1, le=MAX_AGENCIES)] = 50,
    seed: Annotated[int, Query(ge=0, le=2**31)] = 42,
) -> dict[str, Any]:
    """Per agency: degree, weighted degree, tasks led, betweenness, eigenvector, community, k-core, type."""
    _B, G, truncated = _networks(store, filters)
    rows = sorted(measures.agency_table(G, seed=seed), key=lambda r: (-r[sort], r["agency"]))
    return {"items": rows[:limit], "total": len(rows), "truncated": truncated}


@router.get("/pairs", response_model=AgencyPairs)
def pairs(store: StoreDep, filters: FiltersDep, limit: Annotated[int, Query(ge=1, le=1000)] = 20) -> dict[str, Any]:
    """The pairs of agencies sharing the most tasks, with the count per role pair."""
    _B, G, _t = _networks(store, filters)
    return {"items": measures.top_pairs(G, limit)}


@router.get("/communities", response_model=Communities)
def communities(
    store: StoreDep, filters: FiltersDep, seed: Annotated[int, Query(ge=0, le=2**31)] = 42
) -> dict[str, Any]:
    """Louvain communities (seeded), largest first."""
    _B, G, _t = _networks(store, filters)
    parts = measures.communities(G, seed=seed)
    return {"items": [{"community": i, "size": len(c), "agencies": c} for i, c in enumerate(parts)]}


@router.get("/typology", response_model=Typology)
def typology(store: StoreDep, filters: FiltersDep) -> dict[str, Any]:
    """Leading (主导型) / key (关键型) / auxiliary (辅助型) agencies from breadth × depth, with k-cores."""
    _B, G, _t = _networks(store, filters)
    core = measures.core_numbers(G)
    return {"items": [{"agency": a, **t, "core": core[a]} for a, t in measures.typology(G).items()]}


@router.get("/together", response_model=AgencyPairs)
def together(
    store: StoreDep, filters: FiltersDep, min_tasks: Annotated[int, Query(ge=1, le=1000)] = 2
) -> dict[str, Any]:
    """Pairs of agencies that always appear together (exactly the same tasks)."""
    B, _G, _t = _networks(store, filters)
    return {"items": measures.always_together(B, min_tasks)}


@router.get("/co-issuing", response_model=CoIssuing)
def co_issuing_network(store: StoreDep, filters: FiltersDep) -> dict[str, Any]:
    """The co-issuing network: agencies that issue documents together (weight = documents)."""
    G = co_issuing(issuing_rows(store, filters))
    return {
        "nodes": [{"agency": n, **d} for n, d in sorted(G.nodes(data=True))],
        "edges": [
            {"source": min(a, b), "target": max(a, b), "weight": e["weight"], "policies": e["policies"]}
            for a, b, e in G.edges(data=True)
        ],
    }


@router.get("/change", response_model=NetworkChange)
def change(
    store: StoreDep,
    before_from: Year,
    before_to: Year,
    after_from: Year,
    after_to: Year,
    policy: Annotated[str, Query(max_length=300)] = "",
    region: Annotated[str, Query(max_length=100)] = "",
) -> dict[str, Any]:
    """How the network changed from one year range to another."""
    try:
        f1 = Filters(policy, region, year_from=before_from, year_to=before_to)
        f2 = Filters(policy, region, year_from=after_from, year_to=after_to)
    except ValueError as e:
        raise HTTPException(422, str(e)) from e
    return measures.change(projection(two_mode(role_edges(store, f1))), projection(two_mode(role_edges(store, f2))))


@router.get("/matrix", response_model=OverlapMatrix)
def matrix(store: StoreDep, filters: FiltersDep, seed: Annotated[int, Query(ge=0, le=2**31)] = 42) -> dict[str, Any]:
    """The overlap matrix (shared tasks) with agencies ordered by community, then weighted degree."""
    _B, G, truncated = _networks(store, filters)
    comm = measures.community_of(measures.communities(G, seed=seed))
    order = sorted(G, key=lambda n: (comm[n], -G.degree(n, weight="weight"), n))
    index = {n: i for i, n in enumerate(order)}
    cells = [[index[a], index[b], e["weight"]] for a, b, e in G.edges(data=True)]
    cells += [[j, i, w] for i, j, w in cells]
    return {
        "agencies": order,
        "communities": [comm[n] for n in order],
        "cells": sorted(cells),
        "truncated": truncated,
    }


@router.get("/tasks", response_model=TieTasks)
def tasks(
    store: StoreDep,
    filters: FiltersDep,
    agency: Annotated[str, Query(min_length=1, max_length=200)],
    other: Annotated[str, Query(max_length=200)] = "",
) -> dict[str, Any]:
    """The tasks behind an agency (or, with `other`, behind the tie of two agencies): each task with both
    agencies' roles, the evidence sentences and a link to the document view."""
    B = two_mode(role_edges(store, filters))
    if agency not in B or (other and other not in B):
        raise HTTPException(404, f"no agency {other if agency in B else agency!r} in this network")
    keys = set(B[agency]) & set(B[other]) if other else set(B[agency])
    items = []
    for t in sorted(keys):
        d = B.nodes[t]
        who = [agency, other] if other else [agency]
        items.append(
            {
                "task": t,
                "path": d["path"],
                "title": d["title"],
                "policy": d["policy"],
                "policy_title": d["policy_title"],
                "year": d["year"],
                "document": doc_link(d["policy"]),
                "roles": {a: B.edges[a, t]["roles"] for a in who},
                "evidence": [ev for a in who for ev in B.edges[a, t]["evidence"]],
            }
        )
    return {"agency": agency, "other": other or None, "items": items}
