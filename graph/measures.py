"""Measures of an agency network (graph/network.py): centrality, communities, core–periphery, typology,
inseparable pairs, and change between two periods. Plain functions over networkx graphs.

Every function takes the one-mode agency network `G` (edge `weight` = tasks shared, node `tasks_led`) and
returns plain Python (dicts and lists of dicts, sorted so results repeat), ready for JSON.

- `centrality(G)`: degree, weighted degree, tasks led, betweenness (distance = 1/weight), eigenvector;
- `communities(G, seed)`: Louvain on the weights, seeded;
- `core_numbers(G)`: the k-core each agency belongs to;
- `typology(G)`: 主导型 (leading), 关键型 (key), 辅助型 (auxiliary) from breadth × depth;
- `always_together(B)`: agency pairs whose task sets are identical;
- `top_pairs(G)`, `change(G1, G2)`, `agency_table(G)` (all of the above per agency).
"""

from __future__ import annotations

import statistics
from typing import Any

import networkx as nx

__all__ = [
    "TYPES",
    "agency_table",
    "always_together",
    "centrality",
    "change",
    "communities",
    "community_of",
    "core_numbers",
    "top_pairs",
    "typology",
]

TYPES = {"leading": "主导型", "key": "关键型", "auxiliary": "辅助型"}


def centrality(G: nx.Graph) -> dict[str, dict[str, float]]:
    """Per agency: `degree` (distinct partners), `weighted_degree` (shared tasks summed over partners),
    `tasks_led`, `betweenness` (normalised; shortest paths over distance = 1/weight, so strong ties are
    short) and `eigenvector` (on the weights; per connected component it is only defined up to scale, so
    isolated agencies get 0).

    Time: betweenness is O(n·m + n² log n) (Brandes); fine for thousands of agencies.
    """
    H = G.copy()
    for _a, _b, e in H.edges(data=True):
        e["distance"] = 1.0 / e.get("weight", 1)
    between = nx.betweenness_centrality(H, weight="distance", normalized=True)
    eigen = _eigenvector(H)
    return {
        n: {
            "degree": G.degree(n),
            "weighted_degree": G.degree(n, weight="weight"),
            "tasks_led": G.nodes[n].get("tasks_led", 0),
            "betweenness": round(between[n], 6),
            "eigenvector": round(eigen.get(n, 0.0), 6),
        }
        for n in sorted(G)
    }


def _eigenvector(G: nx.Graph) -> dict[str, float]:
    edges = [e for e in G.edges if e[0] != e[1]]
    if not edges:
        return dict.fromkeys(G, 0.0)
    # the power iteration needs a connected graph to converge to one vector: take the largest component
    giant = max(nx.connected_components(G.edge_subgraph(edges)), key=lambda c: (len(c), sorted(c)))
    return nx.eigenvector_centrality(G.subgraph(giant), weight="weight", max_iter=10_000, tol=1e-9)


def communities(G: nx.Graph, seed: int = 42, resolution: float = 1.0) -> list[list[str]]:
    """Louvain communities on the weights, seeded so the same graph gives the same answer; largest first,
    each sorted. Isolated agencies form communities of their own."""
    found = nx.community.louvain_communities(G, weight="weight", resolution=resolution, seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))


def community_of(parts: list[list[str]]) -> dict[str, int]:
    """Agency → index of its community in `parts` (0 = the largest)."""
    return {a: i for i, part in enumerate(parts) for a in part}


def core_numbers(G: nx.Graph) -> dict[str, int]:
    """Agency → its core number: the largest k such that it belongs to the k-core (every member has at least
    k partners inside). The maximum is the core, lower numbers the periphery."""
    H = nx.Graph(G)
    H.remove_edges_from(nx.selfloop_edges(H))
    return dict(sorted(nx.core_number(H).items()))


def typology(G: nx.Graph) -> dict[str, dict[str, Any]]:
    """The leading/key/auxiliary typology from breadth (distinct partners) × depth (shared tasks).

    An agency above the mean on both is leading (主导型), above on one key (关键型), on neither auxiliary
    (辅助型); the means are over agencies with at least one partner, and are returned as `breadth_mean`,
    `depth_mean` alongside each agency's `breadth`, `depth`, `type` and `type_zh`.
    """
    linked = [n for n in G if G.degree(n) > 0]
    if not linked:
        return {}
    breadth_mean = statistics.fmean(G.degree(n) for n in linked)
    depth_mean = statistics.fmean(G.degree(n, weight="weight") for n in linked)
    out = {}
    for n in sorted(G):
        breadth, depth = G.degree(n), G.degree(n, weight="weight")
        above = (breadth > breadth_mean) + (depth > depth_mean)
        kind = ("auxiliary", "key", "leading")[above]
        out[n] = {
            "breadth": breadth,
            "depth": depth,
            "type": kind,
            "type_zh": TYPES[kind],
            "breadth_mean": round(breadth_mean, 4),
            "depth_mean": round(depth_mean, 4),
        }
    return out


def always_together(B: nx.Graph, min_tasks: int = 2) -> list[dict[str, Any]]:
    """Pairs of agencies that always appear together: in the two-mode network `B`, both have exactly the
    same set of tasks, at least `min_tasks` of them. Sorted by tasks, then names."""
    by_tasks: dict[frozenset[str], list[str]] = {}
    for n, d in B.nodes(data=True):
        if d.get("kind") == "agency":
            by_tasks.setdefault(frozenset(B[n]), []).append(n)
    out = []
    for tasks, agencies in by_tasks.items():
        if len(tasks) < min_tasks or len(agencies) < 2:
            continue
        agencies.sort()
        for i, a in enumerate(agencies):
            for b in agencies[i + 1 :]:
                out.append({"agency_a": a, "agency_b": b, "tasks": len(tasks), "task_keys": sorted(tasks)})
    return sorted(out, key=lambda p: (-p["tasks"], p["agency_a"], p["agency_b"]))


def top_pairs(G: nx.Graph, limit: int = 20) -> list[dict[str, Any]]:
    """The pairs of agencies sharing the most tasks, with the count per role pair."""
    rows = [
        {
            "agency_a": a,
            "agency_b": b,
            "shared_tasks": e["weight"],
            **{k: e.get(k, 0) for k in ("lead_lead", "lead_participant", "participant_participant", "responsible")},
        }
        for a, b, e in ((*sorted((a, b)), e) for a, b, e in G.edges(data=True))
    ]
    return sorted(rows, key=lambda r: (-r["shared_tasks"], r["agency_a"], r["agency_b"]))[:limit]


def agency_table(G: nx.Graph, seed: int = 42) -> list[dict[str, Any]]:
    """One row per agency with every measure: centrality, community, core number, type, level; sorted by
    weighted degree, then name."""
    cent = centrality(G)
    comm = community_of(communities(G, seed=seed))
    core = core_numbers(G)
    types = typology(G)
    rows = []
    for n in G:
        t = types.get(n, {})
        rows.append(
            {
                "agency": n,
                "level": G.nodes[n].get("level"),
                "tasks": G.nodes[n].get("tasks", 0),
                **cent[n],
                "community": comm[n],
                "core": core[n],
                "type": t.get("type", "auxiliary"),
                "type_zh": t.get("type_zh", TYPES["auxiliary"]),
            }
        )
    return sorted(rows, key=lambda r: (-r["weighted_degree"], -r["degree"], r["agency"]))


def change(before: nx.Graph, after: nx.Graph) -> dict[str, Any]:
    """What changed from network `before` to network `after` (say, two year ranges): agencies and ties that
    appeared or disappeared, ties whose weight changed, each agency's change in degree and weighted degree,
    and the density and size of both."""

    def pairs(G: nx.Graph) -> dict[tuple[str, str], int]:
        return {tuple(sorted((a, b))): e.get("weight", 1) for a, b, e in G.edges(data=True)}

    p1, p2 = pairs(before), pairs(after)
    agencies = sorted(set(before) | set(after))
    return {
        "summary": {
            name: {"agencies": G.number_of_nodes(), "ties": G.number_of_edges(), "density": round(nx.density(G), 6)}
            for name, G in (("before", before), ("after", after))
        },
        "agencies_added": sorted(set(after) - set(before)),
        "agencies_removed": sorted(set(before) - set(after)),
        "ties_added": [{"agency_a": a, "agency_b": b, "weight": p2[a, b]} for a, b in sorted(set(p2) - set(p1))],
        "ties_removed": [{"agency_a": a, "agency_b": b, "weight": p1[a, b]} for a, b in sorted(set(p1) - set(p2))],
        "ties_changed": [
            {"agency_a": a, "agency_b": b, "before": p1[a, b], "after": p2[a, b]}
            for a, b in sorted(set(p1) & set(p2))
            if p1[a, b] != p2[a, b]
        ],
        "agencies": [
            {
                "agency": n,
                "degree_before": before.degree(n) if n in before else 0,
                "degree_after": after.degree(n) if n in after else 0,
                "weighted_before": before.degree(n, weight="weight") if n in before else 0,
                "weighted_after": after.degree(n, weight="weight") if n in after else 0,
            }
            for n in agencies
        ],
    }
