"""The extraction record: one document's facts in the gold format, each with its evidence.

`DocumentRecord.model_dump()` is one line of `policykg extract` output; graph/build.py turns it into
the graph. Offsets are character offsets in the document's clean text (`clean_text`).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["Assignment", "CitationRecord", "DocumentRecord", "RegionRecord", "TaskRecord"]


class TaskRecord(BaseModel):
    path: str
    title: str
    text: str = ""
    start: int
    end: int


class Assignment(BaseModel):
    task_path: str
    agency_mention: str
    agency: str
    role: str  # 牵头 / 参加 / 负责
    start: int
    end: int
    evidence: str
    agency_level: str = "未知"
    agency_region: str | None = None
    agency_parent: str | None = None
    alias: str | None = None
    rule: str = ""  # what gave the role: <form>.<rule>, e.g. bracket.lead_rule, line.label, table.column
    lead_rule: list[int] | None = None  # span of the lead rule applied (列第一位者为牵头单位), when one was
    agency_source: str = ""  # how the name was resolved: registry table, pattern, or fallback


class CitationRecord(BaseModel):
    title: str
    key: str
    basis: bool
    start: int
    end: int
    evidence: str


class RegionRecord(BaseModel):
    name: str
    level: str
    code: str | None = None
    parent: str | None = None
    start: int
    end: int
    task_path: str | None = None


class DocumentRecord(BaseModel):
    doc: str
    title: str | None = None
    doc_number: str | None = None
    issuer: list[str] = Field(default_factory=list)
    date: str | None = None
    region: str | None = None
    basis: list[str] = Field(default_factory=list)
    cited: list[str] = Field(default_factory=list)
    tasks: list[TaskRecord] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    # provenance and detail beyond the gold fields
    format: str = "txt"
    content_hash: str = ""
    citations: list[CitationRecord] = Field(default_factory=list)
    region_mentions: list[RegionRecord] = Field(default_factory=list)
    spans: dict[str, list[int] | None] = Field(default_factory=dict)  # title / doc_number / date spans
    clean_text: str | None = None
