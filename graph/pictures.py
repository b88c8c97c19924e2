"""Pictures of the agency network for papers (matplotlib): the network and the overlap heatmap, Chinese labels.

`overlap_figure(G)` draws both panels side by side and `save_overlap(G, path)` writes PNG, SVG or PDF (by the
suffix). Chinese needs a CJK font: `cjk_font()` finds one among the installed fonts (Debian's fonts-noto-cjk,
installed by scripts/system-deps, or any Noto/Source Han/WenQuanYi font) and raises a clear error when none is
there, since matplotlib would otherwise draw empty boxes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx

from .layout import component_layout
from .measures import communities, community_of

__all__ = ["CJK_FAMILIES", "NoCJKFont", "cjk_font", "overlap_figure", "save_overlap"]

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
FORMATS = (".png", ".svg", ".pdf")


class NoCJKFont(RuntimeError):
    """No installed font can draw Chinese."""


def cjk_font() -> str:
    """The family name of an installed font that draws Chinese."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise NoCJKFont(
        "no Chinese (CJK) font is installed, labels would be empty boxes: install Debian's fonts-noto-cjk "
        "(scripts/system-deps) or any Noto Sans CJK / Source Han Sans font"
    )


def overlap_figure(G: nx.Graph, seed: int = 42, title: str = "机构职责交叉网络") -> Any:
    """A matplotlib Figure: the network (node size = tasks led, colour = community, width = shared tasks) and
    the heatmap of shared tasks ordered by community."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import colormaps

    family = cjk_font()
    plt.rcParams["font.family"] = [family]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "none"  # SVG keeps text as text (searchable, editable)
    plt.rcParams["pdf.fonttype"] = 42  # TrueType in PDF, the glyphs Chinese needs

    parts = communities(G, seed=seed)
    comm = community_of(parts)
    palette = colormaps["tab20"]
    n = max(1, len(G))
    side = max(10.0, min(30.0, 0.16 * n + 6))
    fig, (ax_net, ax_heat) = plt.subplots(1, 2, figsize=(side * 2, side), gridspec_kw={"width_ratios": [1, 1]})
    fig.suptitle(title, fontsize=20)

    pos = component_layout(G, seed=seed)
    led = [G.nodes[a].get("tasks_led", 0) for a in G]
    max_led = max([1, *led])
    max_w = max([1, *(e["weight"] for *_ab, e in G.edges(data=True))])
    nx.draw_networkx_edges(
        G,
        pos,
        ax=ax_net,
        width=[0.4 + 5 * e["weight"] / max_w for *_ab, e in G.edges(data=True)],
        edge_color="#8899aa",
        alpha=0.45,
    )
    nx.draw_networkx_nodes(
        G,
        pos,
        ax=ax_net,
        node_size=[40 + 900 * math.sqrt(x / max_led) for x in led],
        node_color=[palette(comm[a] % 20) for a in G],
        linewidths=0.5,
        edgecolors="white",
    )
    # agencies that lead tasks and the most connected ones are labelled; every agency is named in the heatmap
    top = set(sorted(G, key=lambda a: (-G.degree(a, weight="weight"), a))[:25])
    labels = {a: a for a in G if G.nodes[a].get("tasks_led", 0) > 0 or a in top}
    nx.draw_networkx_labels(
        G,
        pos,
        labels=labels,
        ax=ax_net,
        font_size=9,
        font_family=family,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
    )
    ax_net.set_title("节点大小 = 牵头任务数；颜色 = 社区；连线粗细 = 共享任务数", fontsize=12)
    ax_net.set_aspect("equal")
    ax_net.axis("off")

    order = sorted(G, key=lambda a: (comm[a], -G.degree(a, weight="weight"), a))
    index = {a: i for i, a in enumerate(order)}
    import numpy as np

    matrix = np.zeros((len(order), len(order)))
    for a, b, e in G.edges(data=True):
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = e["weight"]
    image = ax_heat.imshow(np.ma.masked_equal(matrix, 0), cmap="Blues", interpolation="nearest", aspect="equal")
    label_size = max(4.0, min(9.0, 700 / n))
    ax_heat.set_xticks(range(len(order)), order, rotation=90, fontsize=label_size)
    ax_heat.set_yticks(range(len(order)), order, fontsize=label_size)
    start = 0
    for part in parts:  # a box around each community's block
        size = len(part)
        ax_heat.add_patch(
            matplotlib.patches.Rectangle((start - 0.5, start - 0.5), size, size, fill=False, lw=0.8, ec="#444")
        )
        start += size
    ax_heat.set_title("共享任务矩阵（按社区排序）", fontsize=12)
    fig.colorbar(image, ax=ax_heat, fraction=0.03, pad=0.01, label="共享任务数")
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig


def save_overlap(G: nx.Graph, path: str | Path, seed: int = 42, dpi: int = 150) -> Path:
    """Draw `G` and save it; the suffix chooses PNG, SVG or PDF."""
    out = Path(path)
    if out.suffix.lower() not in FORMATS:
        raise ValueError(f"{out}: the picture must end in {', '.join(FORMATS)}")
    import matplotlib.pyplot as plt

    fig = overlap_figure(G, seed=seed)
    try:
        fig.savefig(out, dpi=dpi)
    finally:
        plt.close(fig)
    return out
