"""The agency networks of the overlap analysis, as networkx graphs built from either store.

Three networks, each a plain function (usable from a notebook):

- `two_mode(edges)`: the agency–task network (bipartite; agencies `bipartite=0`, tasks `bipartite=1`), each
  edge with the agency's roles on the task and the evidence;
- `projection(two_mode_graph)`: agency × agency, weight = tasks shared, with the count per role pair
  (lead_lead, lead_participant, participant_participant, responsible) and the shared task keys;
- `co_issuing(rows)`: agencies that issue a document together, weight = documents.

The rows come from the query templates `overlap_role_edges` and `co_issuing` (`role_edges(store, filters)`,
`issuing_rows(store, filters)`); `Filters` narrows them by policy, region, agency level, year range and role.

Example:

>>> from policykg.graph import open_store
>>> from policykg.graph.network import Filters, agency_network
>>> with open_store() as store:  # doctest: +SKIP
...     G = agency_network(store, Filters(roles=("牵头",)))
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx
from policykg.queries.registry import run

from .model import ROLE_TYPES

__all__ = [
    "ROLE_PAIRS",
    "Filters",
    "NetworkFacets",
    "agency_network",
    "co_issuing",
    "facets",
    "issuing_rows",
    "policy_year",
    "projection",
    "role_edges",
    "role_pair",
    "two_mode",
]

LEAD, PARTICIPATE, RESPONSIBLE = ROLE_TYPES
ROLE_PAIRS = ("lead_lead", "lead_participant", "participant_participant", "responsible")
# An agency named twice on one task (牵头 in the text, 负责 in a table) counts once, by its strongest role.
_PRECEDENCE = {LEAD: 0, RESPONSIBLE: 1, PARTICIPATE: 2}


@dataclass(frozen=True)
class Filters:
    """Which part of the graph a network is built from; empty fields select everything.

    `policy` is a policy key or title, `region` the policy's region, `level` the agency's level (省级, 地级,
    县级, 中央 …), `roles` a subset of 牵头/参加/负责. A year range keeps only policies dated within it
    (undated policies drop out as soon as either bound is set).
    """

    policy: str = ""
    region: str = ""
    level: str = ""
    roles: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None

    def __post_init__(self) -> None:
        unknown = set(self.roles) - set(ROLE_TYPES)
        if unknown:
            raise ValueError(f"unknown role(s) {sorted(unknown)}; roles are {', '.join(ROLE_TYPES)}")
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError(f"year range {self.year_from}–{self.year_to} is empty")

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def keeps_year(self, date: str | None) -> bool:
        if self.year_from is None and self.year_to is None:
            return True
        year = policy_year(date)
        if year is None:
            return False
        return (self.year_from is None or year >= self.year_from) and (self.year_to is None or year <= self.year_to)


def policy_year(date: str | None) -> int | None:
    """The year of an ISO date string (`2023-12-06` → 2023), None when undated."""
    if not date or len(date) < 4 or not date[:4].isdigit():
        return None
    return int(date[:4])


def role_edges(store: Any, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """The role edges (agency, role, task, policy, evidence …) selected by `filters`, from template
    `overlap_role_edges`; policy, region and a single role are filtered in the query, the rest here."""
    role = filters.roles[0] if len(filters.roles) == 1 else ""
    rows = run(store, "overlap_role_edges", {"policy": filters.policy, "region": filters.region, "role": role})
    return [
        r
        for r in rows.records()
        if (not filters.roles or r["role"] in filters.roles)
        and (not filters.level or r["agency_level"] == filters.level)
        and filters.keeps_year(r["policy_date"])
    ]


def issuing_rows(store: Any, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """Issuing agencies per policy (template `co_issuing`), selected by `filters` (roles do not apply)."""
    rows = run(store, "co_issuing", {"policy": filters.policy, "region": filters.region})
    return [
        r
        for r in rows.records()
        if (not filters.level or r["agency_level"] == filters.level) and filters.keeps_year(r["policy_date"])
    ]


def two_mode(edges: Iterable[dict[str, Any]]) -> nx.Graph:
    """The agency–task network of role edges (rows of `overlap_role_edges`).

    Agency nodes carry `kind="agency"`, `level`, `region`; task nodes `kind="task"`, `path`, `title`, `policy`,
    `policy_title`, `year`, `source`. An edge carries `roles` (sorted by strength), `role` (the strongest) and
    `evidence`: one dict per mention (role, mention, sentence, character span, document).
    """
    B = nx.Graph()
    for e in edges:
        a, t = e["agency"], e["task"]
        if a not in B:
            B.add_node(a, kind="agency", bipartite=0, level=e.get("agency_level"), region=e.get("agency_region"))
        if t not in B:
            B.add_node(
                t,
                kind="task",
                bipartite=1,
                path=e.get("task_path"),
                title=e.get("task_title"),
                policy=e.get("policy"),
                policy_title=e.get("policy_title"),
                year=policy_year(e.get("policy_date")),
                source=e.get("source"),
            )
        data = B.get_edge_data(a, t) or {"roles": [], "evidence": []}
        if e["role"] not in data["roles"]:
            data["roles"] = sorted([*data["roles"], e["role"]], key=_PRECEDENCE.__getitem__)
        data["evidence"].append(
            {
                "role": e["role"],
                "mention": e.get("mention"),
                "evidence": e.get("evidence"),
                "char_start": e.get("char_start"),
                "char_end": e.get("char_end"),
                "policy": e.get("policy"),
                "source": e.get("source"),
            }
        )
        B.add_edge(a, t, roles=data["roles"], role=data["roles"][0], evidence=data["evidence"])
    return B


def role_pair(role_a: str, role_b: str) -> str:
    """The role pair of two agencies on one shared task: lead_lead, lead_participant, participant_participant,
    or responsible (either is 负责)."""
    pair = {role_a, role_b}
    if RESPONSIBLE in pair:
        return "responsible"
    if pair == {LEAD}:
        return "lead_lead"
    if pair == {PARTICIPATE}:
        return "participant_participant"
    return "lead_participant"


def projection(B: nx.Graph, role_pairs: Iterable[str] | None = None) -> nx.Graph:
    """The one-mode agency network of a two-mode network: an edge for each pair of agencies sharing a task.

    Edge attributes: `weight` (tasks shared), one count per role pair (`ROLE_PAIRS`) and `tasks` (sorted keys).
    With `role_pairs`, only shared tasks of those role pairs count. Node attributes are the agency's, plus
    `tasks` (tasks it has any role on) and `tasks_led`. Every agency of `B` is a node, partners or not.
    """
    wanted = set(ROLE_PAIRS if role_pairs is None else role_pairs)
    unknown = wanted - set(ROLE_PAIRS)
    if unknown:
        raise ValueError(f"unknown role pair(s) {sorted(unknown)}; pairs are {', '.join(ROLE_PAIRS)}")
    # nodes and edges go in sorted order: Louvain's seeded shuffle then sees the same graph whatever the store
    G = nx.Graph()
    for n in sorted(a for a, d in B.nodes(data=True) if d.get("kind") == "agency"):
        roles = [B.edges[n, t]["role"] for t in B[n]]
        attrs = {k: v for k, v in B.nodes[n].items() if k != "bipartite"}
        G.add_node(n, **attrs, tasks=len(roles), tasks_led=roles.count(LEAD))
    for t in sorted(t for t, d in B.nodes(data=True) if d.get("kind") == "task"):
        for a, b in itertools.combinations(sorted(B[t]), 2):
            pair = role_pair(B.edges[a, t]["role"], B.edges[b, t]["role"])
            if pair not in wanted:
                continue
            if not G.has_edge(a, b):
                G.add_edge(a, b, weight=0, tasks=[], **dict.fromkeys(ROLE_PAIRS, 0))
            e = G.edges[a, b]
            e["weight"] += 1
            e[pair] += 1
            e["tasks"].append(t)
    for _a, _b, e in G.edges(data=True):
        e["tasks"].sort()
    return G


def co_issuing(rows: Iterable[dict[str, Any]]) -> nx.Graph:
    """Agencies that issue a document together (rows of template `co_issuing`): weight = documents,
    `policies` = their keys; node attribute `issued` = documents the agency issued."""
    by_policy: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_policy.setdefault(r["policy"], []).append(r)
    G = nx.Graph()
    for policy, issuers in sorted(by_policy.items()):
        for r in issuers:
            if r["agency"] not in G:
                G.add_node(r["agency"], kind="agency", level=r.get("agency_level"), issued=0)
            G.nodes[r["agency"]]["issued"] += 1
        for a, b in itertools.combinations(sorted({r["agency"] for r in issuers}), 2):
            if not G.has_edge(a, b):
                G.add_edge(a, b, weight=0, policies=[])
            G.edges[a, b]["weight"] += 1
            G.edges[a, b]["policies"].append(policy)
    return G


def agency_network(store: Any, filters: Filters = Filters(), role_pairs: Iterable[str] | None = None) -> nx.Graph:
    """The agency × agency network of shared tasks in `store` under `filters` (two_mode, then projection)."""
    return projection(two_mode(role_edges(store, filters)), role_pairs)


@dataclass
class NetworkFacets:
    """The values the filters can take in a store: policies, regions, agency levels, years."""

    policies: list[dict[str, Any]] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def facets(edges: Iterable[dict[str, Any]]) -> NetworkFacets:
    """The filter values present in unfiltered role edges."""
    policies: dict[str, dict[str, Any]] = {}
    regions, levels, years = set(), set(), set()
    for e in edges:
        policies.setdefault(
            e["policy"], {"key": e["policy"], "title": e["policy_title"], "year": policy_year(e["policy_date"])}
        )
        if e.get("policy_region"):
            regions.add(e["policy_region"])
        if e.get("agency_level"):
            levels.add(e["agency_level"])
        if policy_year(e.get("policy_date")) is not None:
            years.add(policy_year(e["policy_date"]))
    return NetworkFacets(
        sorted(policies.values(), key=lambda p: p["key"]), sorted(regions), sorted(levels), sorted(years)
    )
