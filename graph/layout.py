"""Node positions for drawing an agency network (the page and the pictures share them).

A force layout of a whole disconnected graph pushes components to the edges and crushes each one; here each
connected component gets its own seeded spring layout, scaled by its size, and the components are packed in
rows, largest first. Positions are normalised to [0, 1] × [0, 1].
"""

from __future__ import annotations

import math

import networkx as nx

__all__ = ["component_layout"]


def component_layout(G: nx.Graph, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Seeded positions in the unit square, one packed block per connected component."""
    if len(G) == 0:
        return {}
    comps = sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: (-len(c), c))
    radii = [math.sqrt(len(c)) for c in comps]
    row_width = max(2 * radii[0], math.sqrt(sum((2 * r + 1) ** 2 for r in radii)) * 1.3)
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for comp, r in zip(comps, radii, strict=True):
        if x > 0 and x + 2 * r > row_width:
            x, y, row_height = 0.0, y + row_height + 1, 0.0
        if len(comp) == 1:
            local = {comp[0]: (0.0, 0.0)}
        else:
            H = G.subgraph(comp)
            raw = nx.spring_layout(H, seed=seed, k=2.0 / math.sqrt(len(comp)), iterations=200, scale=r)
            local = {n: (float(p[0]), float(p[1])) for n, p in raw.items()}
        for n, (px, py) in local.items():
            pos[n] = (x + r + px, y + r + py)
        x += 2 * r + 1
        row_height = max(row_height, 2 * r)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    return {n: ((px - min(xs)) / span, (py - min(ys)) / span) for n, (px, py) in pos.items()}
