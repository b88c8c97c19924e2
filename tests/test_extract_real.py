"""Extraction on real documents nobody tuned it to: set A (`fixtures/real`) and the corpus pages
annotated here (`fixtures/corpus`), scored with the shared scorer's definitions.

Fields whose gold comes from outside the text (an issuer, 文号 or date the page does not print, noted in
each gold file) cannot be reached from the text; they are held to what the text allows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from policykg.ingest import extract
from policykg.ingest.pipeline import iter_documents

from policykg.evaluate import score

FIXTURES = Path(__file__).parent / "fixtures"

# set A: the targets (every field ≥ 0.98) where the text carries the fact
REAL_TARGETS = {
    "assign_mention": 0.98,
    "assign_canonical": 0.98,
    "agency_any_role": 0.98,
    "tasks": 0.98,
    "task_titles": 0.98,
    "basis": 0.98,
    "cited_all": 0.98,
    "meta_region": 0.98,
    "regions": 0.98,
    "meta_title": 0.93,  # 02's title is its parent document's, named nowhere in the excerpt
}
# the corpus pages: forms set A lacks, annotated after the extractor was written for set A
CORPUS_TARGETS = {
    "assign_mention": 0.98,
    "assign_canonical": 0.92,
    "agency_any_role": 0.98,
    "tasks": 0.95,
    "task_titles": 0.92,
    "cited_all": 0.95,
    "meta_date": 0.98,
    "meta_region": 0.93,
    "regions": 0.75,
    "issuer": 0.90,
    "meta_title": 0.88,
}


def _records(folder: Path) -> list[dict]:
    return [extract(p).model_dump() for p in iter_documents([folder])]


@pytest.fixture(scope="module")
def real() -> dict:
    return score(FIXTURES / "real" / "gold", _records(FIXTURES / "real" / "docs"))


@pytest.fixture(scope="module")
def corpus() -> dict:
    return score(FIXTURES / "corpus" / "gold", _records(FIXTURES / "corpus" / "docs"))


@pytest.mark.parametrize(("field", "target"), REAL_TARGETS.items())
def test_set_a_meets_the_targets(real: dict, field: str, target: float) -> None:
    assert len(real["documents"]) == 15
    assert real["totals"][field]["f1"] >= target, real["totals"][field]


@pytest.mark.parametrize(("field", "target"), CORPUS_TARGETS.items())
def test_corpus_pages_meet_the_targets(corpus: dict, field: str, target: float) -> None:
    assert len(corpus["documents"]) == len(list((FIXTURES / "corpus" / "gold").glob("*.json")))
    assert corpus["totals"][field]["f1"] >= target, corpus["totals"][field]


def test_negative_controls_give_no_assignment() -> None:
    """Pages whose agencies stand in narrative sentences, addressee lines, duty lists under each body's
    name and site footers: the gold has no assignment, and neither may the extractor."""
    negatives = [
        json.loads(g.read_text(encoding="utf-8"))["doc"]
        for folder in ("real", "corpus")
        for g in sorted((FIXTURES / folder / "gold").glob("*.json"))
        if not json.loads(g.read_text(encoding="utf-8"))["assignments"]
    ]
    assert len(negatives) >= 8
    for doc in negatives:
        path = next(p for folder in ("real", "corpus") if (p := FIXTURES / folder / "docs" / doc).exists())
        assert extract(path).assignments == [], doc


def test_every_assignment_says_which_rule_gave_its_role() -> None:
    rec = extract(FIXTURES / "real" / "docs" / "g05_customs_free_zones.html")
    rules = {a.rule for a in rec.assignments}
    assert rules == {"bracket.lead_rule"}
    # the rule stated inside the first clause (排在第一位的部门为牵头部门，下同) is the span every later clause cites
    spans = {tuple(a.lead_rule) for a in rec.assignments if a.lead_rule}
    assert len(spans) == 1
    start, end = spans.pop()
    assert rec.model_dump()["assignments"][0]["evidence"]  # evidence is kept beside the rule
    text = extract(FIXTURES / "real" / "docs" / "g05_customs_free_zones.html", keep_text=True).clean_text
    assert text is not None and "排在第一位的部门为牵头部门" in text[start:end]
