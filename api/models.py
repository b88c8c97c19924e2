"""The API's response models: a page of typed rows, and one row model per query template it serves.

Each row model's fields are its template's `returns` columns in order (tests/test_api.py checks it),
so the OpenAPI schema at /docs tells a client the type of every field of every answer.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "TEMPLATE_ROWS",
    "AgencyDetail",
    "AgencyRow",
    "AgencyTaskRow",
    "BasisRow",
    "ConnectionRow",
    "DocumentRow",
    "EvidenceRow",
    "Health",
    "OverlapRow",
    "Page",
    "PairRow",
    "PolicyDetail",
    "PolicyRow",
    "PolicyTaskRow",
    "RegionPolicyRow",
    "RegionTaskRow",
    "Removed",
    "Rows",
    "TaskAgencyRow",
    "TaskDetail",
    "TaskRow",
    "TemplateInfo",
    "TemplateParam",
    "UploadResult",
]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: `next` is the URL of the following page (null on the last), `total` all rows."""

    items: list[T]
    limit: int
    offset: int
    next: str | None = None
    total: int


class Rows(BaseModel):
    """A template or ad-hoc query's answer; `truncated` is true when more rows existed than were returned."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False


class AgencyRow(BaseModel):
    agency: str
    level: str | None = None
    region: str | None = None
    aliases: list[str] | None = None
    assignments: int


class AgencyDetail(BaseModel):
    agency: str
    aliases: list[str] | None = None
    level: str | None = None
    region: str | None = None
    parent: str | None = None


class AgencyTaskRow(BaseModel):
    agency: str
    role: str
    task_path: str
    task_title: str | None = None
    policy: str | None = None


class OverlapRow(BaseModel):
    agency: str
    shared_tasks: int
    as_lead: int
    as_participant: int
    as_responsible: int


class EvidenceRow(BaseModel):
    role: str
    policy: str
    task_path: str
    doc: str
    char_start: int
    char_end: int
    mention: str | None = None
    evidence: str | None = None
    rule: str | None = Field(None, description="what gave the role: bracket.lead_rule, line.label, table.column …")
    lead_rule_start: int | None = Field(None, description="clean-text span of the lead rule applied, -1 when none")
    lead_rule_end: int | None = None


class ConnectionRow(BaseModel):
    node: str = Field(description="an agency's name or a task's key, in path order")
    hops: int


class TaskRow(BaseModel):
    policy: str | None = None
    task_path: str
    task_title: str | None = None


class TaskAgencyRow(BaseModel):
    role: str
    agency: str
    mention: str | None = None
    evidence: str | None = None
    rule: str | None = Field(None, description="what gave the role: bracket.lead_rule, line.label, table.column …")
    lead_rule_start: int | None = Field(None, description="clean-text span of the lead rule applied, -1 when none")
    lead_rule_end: int | None = None


class TaskDetail(BaseModel):
    policy: str | None = None
    task_path: str
    task_title: str | None = None
    text: str | None = None
    doc: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    parent_path: str | None = None
    agencies: list[TaskAgencyRow] = []


class PolicyRow(BaseModel):
    key: str
    title: str | None = None
    doc_number: str | None = None
    date: str | None = None
    region: str | None = None
    level: str | None = None
    ingested: bool | None = None


class PolicyDetail(BaseModel):
    key: str
    title: str | None = None
    doc_number: str | None = None
    issuers: list[str] | None = None
    date: str | None = None
    level: str | None = None
    region: str | None = None
    source: str | None = None
    ingested: bool | None = None
    tasks: int


class BasisRow(BaseModel):
    key: str
    policy: str | None = None
    depth: int
    ingested: bool | None = None
    region: str | None = None


class PolicyTaskRow(BaseModel):
    task_path: str
    task_title: str | None = None
    leads: list[str]
    participants: list[str]
    responsible: list[str]


class PairRow(BaseModel):
    agency_a: str
    agency_b: str
    shared_tasks: int


class RegionPolicyRow(BaseModel):
    policy: str | None = None
    region: str | None = None
    date: str | None = None


class RegionTaskRow(BaseModel):
    policy: str | None = None
    task_path: str
    task_title: str | None = None


class DocumentRow(BaseModel):
    key: str
    title: str | None = None
    source: str | None = None
    content_hash: str | None = None
    tasks: int


class TemplateParam(BaseModel):
    name: str
    type: str
    required: bool
    default: Any = None
    example: Any = None


class TemplateInfo(BaseModel):
    name: str
    title: str
    description: str
    parameters: list[TemplateParam]
    returns: list[str]
    cypher: str


class UploadResult(BaseModel):
    doc: str
    status: str = Field(description="new, updated or unchanged (answered with 200 instead of 201)")
    nodes: int
    relationships: int
    replaced: str | None = None


class Removed(BaseModel):
    removed: str


class Health(BaseModel):
    model_config = ConfigDict(extra="allow")  # the store's own description (uri or path, read_only)

    status: str
    store: str
    engine: str
    version: str
    counts: dict[str, int]


# The template each row model describes: its fields start with the template's columns, in order (tested).
TEMPLATE_ROWS: dict[str, type[BaseModel]] = {
    "agency_search": AgencyRow,
    "agency_detail": AgencyDetail,
    "agency_tasks": AgencyTaskRow,
    "agency_overlap": OverlapRow,
    "edge_evidence": EvidenceRow,
    "shortest_connection": ConnectionRow,
    "task_search": TaskRow,
    "task_agencies": TaskAgencyRow,
    "task_detail": TaskDetail,
    "policies": PolicyRow,
    "policy_detail": PolicyDetail,
    "basis_up": BasisRow,
    "basis_down": BasisRow,
    "policy_tasks": PolicyTaskRow,
    "overlap_matrix": PairRow,
    "region_policies": RegionPolicyRow,
    "region_tasks": RegionTaskRow,
    "documents": DocumentRow,
}


# -- the overlap analysis (api/routes/overlap.py): rows carry every measure, so extra fields are allowed --


class OverlapAgency(BaseModel):
    """An agency of the overlap network with its measures (degree, weighted_degree, tasks_led, betweenness,
    eigenvector, community, core, type …) and, in /overlap/network, its layout position."""

    model_config = ConfigDict(extra="allow")
    agency: str


class OverlapTie(BaseModel):
    """Two agencies sharing tasks: weight = shared tasks, with the count per role pair."""

    model_config = ConfigDict(extra="allow")
    source: str
    target: str
    weight: int


class OverlapNetwork(BaseModel):
    filters: dict[str, Any]
    nodes: list[OverlapAgency]
    edges: list[OverlapTie]
    tasks: int
    truncated: bool
    facets: dict[str, list[Any]]


class OverlapMeasures(BaseModel):
    items: list[OverlapAgency]
    total: int
    truncated: bool


class AgencyPair(BaseModel):
    """A pair of agencies (shared_tasks and per role pair, or tasks in common)."""

    model_config = ConfigDict(extra="allow")
    agency_a: str
    agency_b: str


class AgencyPairs(BaseModel):
    items: list[AgencyPair]


class Community(BaseModel):
    community: int
    size: int
    agencies: list[str]


class Communities(BaseModel):
    items: list[Community]


class Typology(BaseModel):
    items: list[OverlapAgency]


class CoIssuingEdge(BaseModel):
    source: str
    target: str
    weight: int
    policies: list[str]


class CoIssuing(BaseModel):
    nodes: list[OverlapAgency]
    edges: list[CoIssuingEdge]


class NetworkChange(BaseModel):
    summary: dict[str, dict[str, float]]
    agencies_added: list[str]
    agencies_removed: list[str]
    ties_added: list[AgencyPair]
    ties_removed: list[AgencyPair]
    ties_changed: list[AgencyPair]
    agencies: list[OverlapAgency]


class OverlapMatrix(BaseModel):
    agencies: list[str]
    communities: list[int]
    cells: list[list[float]]
    truncated: bool


class TieTask(BaseModel):
    """A task behind an agency or a tie: both agencies' roles, the evidence and the document view's link."""

    task: str
    path: str
    title: str | None = None
    policy: str
    policy_title: str | None = None
    year: int | None = None
    document: str
    roles: dict[str, list[str]]
    evidence: list[Any]


class TieTasks(BaseModel):
    agency: str
    other: str | None = None
    items: list[TieTask]
