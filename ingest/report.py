"""What extraction did not understand, for a corpus with no gold: `policykg extract --report`.

For each document record (with its clean text) it lists:
- `unread_clauses`: spans that look like responsibility clauses (a bracket or a 责任单位： label with a role
  word, naming at least one agency) but gave no assignment; `outside_task` when they stand outside every
  task (a preamble, 总体要求), `not_parsed` otherwise;
- `unresolved_agencies`: assigned mentions the registry could not name (kept as written);
- `unread_lists`: paragraphs that are nothing but a list of agencies (a table cell printed as a paragraph)
  and gave no assignment;
- `orphan_assignments`: assignments whose task path is not among the document's tasks, and tasks without
  a path;
- `narrative_duties`: sentences where a named body 牵头/负责/配合 outside any clause: not assignments by the
  conventions, counted so a reader sees how much of a document's responsibility is prose.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from typing import Any

from .clauses import BRACKET, LABEL, ROLE_WORDS, _split_top, looks_like_agency, parse_clause
from .spans import contained

__all__ = ["document_report", "summarise"]

ROLE_IN_CLAUSE = re.compile(ROLE_WORDS + r"|(?:责任|牵头|配合|主责|参与)(?:单位|部门)")
NARRATIVE = re.compile(
    r"(?:由)?(?P<who>[\u4e00-\u9fa5]{2,20}?(?:局|厅|委|办|部|院|署|中心|政府|集团|公司))"
    r"(?:要|负责|牵头|会同|配合|组织|按职责)"
)
MAX_EXAMPLES = 20


def _names_agency(content: str) -> bool:
    """Whether a piece of the span starts with something named like a body (市科技局为主 → 市科技局)."""
    pieces = [content[a:b].strip() for a, b in _split_top(content, "、，,；;：:")]
    return any(looks_like_agency(p[:n]) for p in pieces for n in range(min(len(p), 20), 2, -1))


def document_report(record: dict[str, Any]) -> dict[str, Any]:
    """The report of one record (a `DocumentRecord.model_dump()` with `clean_text`)."""
    text = record.get("clean_text") or ""
    starts = sorted(a["start"] for a in record.get("assignments", []))

    def assigned_within(a: int, b: int) -> bool:
        i = bisect_left(starts, a)
        return i < len(starts) and starts[i] < b

    tasks = record.get("tasks", [])
    in_task = contained([(t["start"], t["end"]) for t in tasks if t.get("path")])
    cited = contained([(c["start"] - 1, c["end"] + 1) for c in record.get("citations", [])])
    unread: list[dict[str, Any]] = []
    spans = [(m.start(), m.end(), m.group(1)) for m in BRACKET.finditer(text)]
    spans += [
        (m.start(), min(len(text), m.start() + 120), text[m.start() : m.start() + 120]) for m in LABEL.finditer(text)
    ]
    seen: list[tuple[int, int]] = []
    for a, b, content in sorted(spans):
        if any(x <= a < y for x, y in seen) or cited(a, b):
            continue
        line_end = text.find("\n", a)
        content = content[: line_end - a] if 0 <= line_end - a < len(content) else content
        if not ROLE_IN_CLAUSE.search(content) or not _names_agency(content):
            continue
        if assigned_within(a, a + len(content) + 2):
            continue
        seen.append((a, b))
        unread.append(
            {"start": a, "end": b, "text": text[a:b][:120], "reason": "not_parsed" if in_task(a, b) else "outside_task"}
        )
    unread_lists = []
    pos = 0
    # inside the document's tasks only: signatures, addressee lines and site footers list bodies too
    body_from = min((t["start"] for t in tasks), default=len(text))
    body_to = max((t["end"] for t in tasks), default=0)
    for line in text.split("\n"):
        a, pos = pos, pos + len(line) + 1
        body = line.strip().rstrip("、，,")
        if not (body_from <= a < body_to) or "\t" in line or not 2 <= len(body) <= 200:
            continue
        if not assigned_within(a, a + len(line)):
            ms = parse_clause(body)
            if ms and len(ms) >= 2 and all(m.rule == "bare_list" for m in ms):
                unread_lists.append({"start": a, "text": body[:80]})
    unresolved = Counter(
        a["agency_mention"]
        for a in record.get("assignments", [])
        if (a.get("agency_source") == "unresolved" if "agency_source" in a else a.get("agency_level") == "未知")
    )
    paths = {t.get("path") for t in tasks}
    orphans = [a for a in record.get("assignments", []) if a.get("task_path") not in paths]
    pathless = [t for t in tasks if not t.get("path")]
    clause_spans = contained(
        [(u["start"], u["end"]) for u in unread] + [(a["start"], a["end"]) for a in record.get("assignments", [])]
    )
    narrative = [
        m.group(0)
        for m in NARRATIVE.finditer(text)
        if looks_like_agency(m.group("who")) and not clause_spans(m.start(), m.end())
    ]
    return {
        "doc": record.get("doc"),
        "assignments": len(record.get("assignments", [])),
        "tasks": len(tasks),
        "unread_clauses": unread,
        "unread_lists": unread_lists,
        "unresolved_agencies": dict(unresolved.most_common()),
        "orphan_assignments": len(orphans) + len(pathless),
        "narrative_duties": len(narrative),
        "narrative_examples": narrative[:5],
    }


def summarise(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals over documents: counts of each kind and the most frequent unresolved mentions."""
    unresolved: Counter[str] = Counter()
    for r in reports:
        unresolved.update(r["unresolved_agencies"])
    return {
        "documents": len(reports),
        "assignments": sum(r["assignments"] for r in reports),
        "tasks": sum(r["tasks"] for r in reports),
        "unread_clauses": sum(len(r["unread_clauses"]) for r in reports),
        "unread_clauses_in_tasks": sum(1 for r in reports for u in r["unread_clauses"] if u["reason"] == "not_parsed"),
        "documents_with_unread_clauses": sum(1 for r in reports if r["unread_clauses"]),
        "unread_lists": sum(len(r.get("unread_lists", [])) for r in reports),
        "documents_with_unread_lists": sum(1 for r in reports if r.get("unread_lists")),
        "unresolved_mentions": sum(unresolved.values()),
        "unresolved_distinct": len(unresolved),
        "unresolved_top": dict(unresolved.most_common(MAX_EXAMPLES)),
        "orphan_assignments": sum(r["orphan_assignments"] for r in reports),
        "narrative_duties": sum(r["narrative_duties"] for r in reports),
    }
