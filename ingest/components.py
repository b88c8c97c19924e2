"""The spaCy side: a character tokenizer and the registered pipeline components.

Chinese has no spaces and no trained pipeline can be installed here, so the tokenizer makes one
token per character: every character span is a valid `Span`, and building the `Doc` directly is
5 MB/s (spaCy's own char segmenter is 0.27 MB/s). Each component reads the text (`doc_text`, kept once), computes with the
plain functions of ingest/, and leaves its results as spans (so displaCy can show them) and in
`doc._.policykg`:

- `policykg_structure`: header facts and the heading tree → spans["task"], spans["header"]
- `policykg_responsibility`: clauses and tables → spans["role"] (labels 牵头/参加/负责), doc.ents (AGENCY)
- `policykg_citations`: 《…》 → spans["citation"] (labels 依据/引用)
- `policykg_places`: places → spans["region"]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry
from spacy.vocab import Vocab

from .agencies import SUBUNIT_PARENTS, _data, normalize_agency
from .citations import find_citations, policy_key
from .clauses import document_lead_rule, find_bracket_clauses, find_label_clauses
from .flat_tables import find_flat_tables
from .gazetteer import gazetteer
from .places import find_places
from .spans import contained, innermost
from .structure import addressee_lines, find_headings, read_header
from .tables import parse_tables

__all__ = ["CharTokenizer"]

if not Doc.has_extension("policykg"):
    Doc.set_extension("policykg", default=None)
if not Doc.has_extension("policykg_meta"):
    Doc.set_extension("policykg_meta", default=None)


TEXT_KEY = "policykg_text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, kept once: spaCy rebuilds `doc.text` from every token on each access."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


class CharTokenizer:
    """One token per character, no spaces (Chinese text)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        doc = Doc(self.vocab, words=list(text), spaces=[False] * len(text))
        doc.user_data[TEXT_KEY] = text
        return doc

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> CharTokenizer:
        return self

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> CharTokenizer:
        return self


@registry.tokenizers("policykg.char_tokenizer.v1")
def create_char_tokenizer() -> Any:
    def make(nlp: Language) -> CharTokenizer:
        return CharTokenizer(nlp.vocab)

    return make


def _state(doc: Doc) -> dict[str, Any]:
    if doc._.policykg is None:
        doc._.policykg = {}
    return doc._.policykg


def _span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    return doc.char_span(start, end, label=label) if end > start else None


def _spans(doc: Doc, triples: Iterable[tuple[int, int, str]]) -> list[Span]:
    """Spans for (start, end, label) triples, leaving out empty ones."""
    return [s for a, b, label in triples if (s := _span(doc, a, b, label)) is not None]


@Language.factory("policykg_structure", assigns=["doc.spans", "doc._.policykg"])
def make_structure(nlp: Language, name: str) -> Any:
    def structure(doc: Doc) -> Doc:
        st = _state(doc)
        text = doc_text(doc)
        header = read_header(text, doc._.policykg_meta or {})
        lead = document_lead_rule(text)
        flat = [t for t in find_flat_tables(text, lead) if t.start >= header.body_start]
        heads = find_headings(text, header.body_start, [(t.start, t.end) for t in flat])
        st["header"], st["headings"], st["flat_tables"], st["lead_rule"] = header, heads, flat, lead
        spans = []
        for label, span in (
            ("TITLE", header.title_span),
            ("DOC_NUMBER", header.doc_number_span),
            ("DATE", header.date_span),
        ):
            if span:
                s = _span(doc, span[0], span[1], label)
                if s is not None:
                    spans.append(s)
        doc.spans["header"] = spans
        doc.spans["task"] = _spans(doc, ((h.start, h.title_end, h.path) for h in heads if h.is_task))
        return doc

    return structure


def _pre2018(header: Any, text: str) -> bool:
    if header.date:
        return header.date < "2018-03-17"
    return any(m in text for m in _data()["pre2018_markers"])


@Language.factory(
    "policykg_responsibility",
    assigns=["doc.spans", "doc.ents", "doc._.policykg"],
    requires=["doc._.policykg"],
)
def make_responsibility(nlp: Language, name: str) -> Any:
    def responsibility(doc: Doc) -> Doc:
        st = _state(doc)
        text, header, heads = doc_text(doc), st["header"], st["headings"]
        ctx = header.agency_context(_pre2018(header, text))
        lead_at = st["lead_rule"]
        in_flat = contained([(t.start, t.end) for t in st["flat_tables"]])
        tasks: list[dict[str, Any]] = []
        assignments: list[dict[str, Any]] = []
        clause_spans: list[tuple[int, int]] = []
        seen_mentions: set[tuple[str, str, str]] = set()

        task_heads = [h for h in heads if h.is_task]
        for h in task_heads:
            tasks.append(
                {
                    "path": h.path,
                    "title": h.title,
                    "text": text[h.start : h.end].strip(),
                    "start": h.start,
                    "end": h.end,
                }
            )

        def add(path: str, mentions: list[Any], evidence: str, form: str) -> None:
            parent = None
            for m in mentions:
                # 市交通委（市道运局）: the name in parentheses is the same body's other name; each is recorded
                names = [(m.text, m.start, m.end, m.alias)]
                if m.alias:
                    at = text.find(m.alias, m.end, m.end + len(m.alias) + 3)
                    names += [
                        (alias, at, at + len(alias), m.text) for alias in re.split(r"[、，,]", m.alias) if alias.strip()
                    ]
                for mention, start, end, alias in names:
                    if (path, mention, m.role) in seen_mentions:
                        continue  # an agency named twice with one role for one task (repeated strings, typos)
                    seen_mentions.add((path, mention, m.role))
                    ag = normalize_agency(mention, ctx, parent)
                    # the parent a following bare sub-unit joins: the last agency that is or has one
                    if ag.parent or ag.name in SUBUNIT_PARENTS:
                        parent = ag.parent or ag.name
                    assignments.append(
                        {
                            "task_path": path,
                            "agency_mention": mention,
                            "agency": ag.name,
                            "role": m.role,
                            "start": start if start >= 0 else m.start,
                            "end": end if start >= 0 else m.end,
                            "evidence": evidence,
                            "agency_level": ag.level,
                            "agency_region": ag.region,
                            "agency_parent": ag.parent,
                            "alias": alias,
                            "rule": f"{form}.{m.rule}",
                            "lead_rule": list(m.lead_rule) if m.lead_rule else None,
                            "agency_source": ag.source,
                        }
                    )

        section_of = innermost([(h.start, h.end) for h in heads])
        found = [(a, b, ms, "bracket") for a, b, ms in find_bracket_clauses(text, lead_at)]
        found += [
            (a, b, ms, "line") for a, b, ms in find_label_clauses(text, [(a, b) for a, b, _, _ in found], lead_at)
        ]
        for a, b, mentions, form in sorted(found, key=lambda x: x[0]):
            if in_flat(a, b):
                continue  # cells of a flattened table are read below
            line_start = text.rfind("\n", 0, a) + 1
            line_end = text.find("\n", b)
            if "\t" in text[line_start : line_end if line_end >= 0 else len(text)]:
                continue  # table rows are read below
            i = section_of(a)
            owner = heads[i] if i is not None else None
            if owner is None or not owner.is_task:
                continue
            clause_spans.append((a, b))
            add(owner.path, mentions, text[a:b], form)

        for ft in st["flat_tables"]:
            for t in ft.tasks:
                tasks.append({"path": t.path, "title": t.title, "text": t.text.strip(), "start": t.start, "end": t.end})
                for s_text, s_start, mentions in t.strings:
                    clause_spans.append((s_start, s_start + len(s_text)))
                    add(t.path, mentions, s_text, "table")

        for t in parse_tables(text, lead_at):
            tasks.append({"path": t.path, "title": t.title, "text": t.text.strip(), "start": t.start, "end": t.end})
            for s_text, s_start, mentions in t.strings:
                clause_spans.append((s_start, s_start + len(s_text)))
                add(t.path, mentions, s_text, "table")

        st["tasks"], st["assignments"], st["clause_spans"] = tasks, assignments, clause_spans
        doc.spans["role"] = _spans(doc, ((a["start"], a["end"], a["role"]) for a in assignments))
        ents, last = [], -1
        for a in sorted(assignments, key=lambda x: x["start"]):
            if a["start"] >= last:
                s = _span(doc, a["start"], a["end"], "AGENCY")
                if s is not None:
                    ents.append(s)
                    last = a["end"]
        doc.ents = ents
        return doc

    return responsibility


@Language.factory("policykg_citations", assigns=["doc.spans", "doc._.policykg"], requires=["doc._.policykg"])
def make_citations(nlp: Language, name: str) -> Any:
    def citations(doc: Doc) -> Doc:
        st = _state(doc)
        header = st["header"]
        cits = find_citations(doc_text(doc), header.own_titles(), (0, header.preamble_end))
        st["citations"] = cits
        doc.spans["citation"] = _spans(doc, ((c.start, c.end, "依据" if c.basis else "引用") for c in cits))
        return doc

    return citations


@Language.factory("policykg_places", assigns=["doc.spans", "doc._.policykg"], requires=["doc._.policykg"])
def make_places(nlp: Language, name: str) -> Any:
    def places(doc: Doc) -> Doc:
        st = _state(doc)
        header = st["header"]
        excluded = [(0, header.body_start)] if header.body_start else []
        if header.title_span:
            excluded.append(header.title_span)
        excluded += st.get("clause_spans", [])
        excluded += addressee_lines(doc_text(doc), header.preamble_end)
        excluded += [(c.start - 1, c.end + 1) for c in st.get("citations", [])]
        if not header.body_start:
            # no cover notice: the title lines and a signature are still not running text
            first = doc_text(doc).find("\n")
            excluded.append((0, first if first > 0 else 0))
        st["places"] = find_places(doc_text(doc), header.region, excluded)
        doc.spans["region"] = _spans(doc, ((p.start, p.end, p.name) for p in st["places"]))
        return doc

    return places


def record_fields(doc: Doc) -> dict[str, Any]:
    """The gold-format fields of a processed Doc."""
    st = _state(doc)
    header = st["header"]
    g = gazetteer()
    cits = st.get("citations", [])
    region_names: list[str] = []
    mentions = []
    task_of = innermost([(t["start"], t["end"]) for t in st["tasks"]])
    for p in st.get("places", []):
        place = g.places.get(p.name)
        if p.name not in region_names:
            region_names.append(p.name)
        mentions.append(
            {
                "name": p.name,
                "level": place.level if place else "区域",
                "code": place.code if place else None,
                "parent": place.parent if place else None,
                "start": p.start,
                "end": p.end,
                "task_path": st["tasks"][i]["path"] if (i := task_of(p.start)) is not None else None,
            }
        )
    return {
        "title": header.title,
        "doc_number": header.doc_number,
        "issuer": [re.sub(r"\s+", "", i) for i in header.issuers],
        "date": header.date,
        "region": header.region,
        "basis": [c.title for c in cits if c.basis],
        "cited": [c.title for c in cits if not c.basis],
        "tasks": st["tasks"],
        "assignments": st["assignments"],
        "regions": region_names,
        "citations": [
            {
                "title": c.title,
                "key": policy_key(c.title),
                "basis": c.basis,
                "start": c.start,
                "end": c.end,
                "evidence": c.evidence,
            }
            for c in cits
        ],
        "region_mentions": mentions,
        "spans": {
            "title": list(header.title_span) if header.title_span else None,
            "doc_number": list(header.doc_number_span) if header.doc_number_span else None,
            "date": list(header.date_span) if header.date_span else None,
        },
    }
