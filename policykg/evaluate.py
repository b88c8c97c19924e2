"""Precision, recall and F1 of extraction records against gold files, per field and per document.

The definitions are those of the shared scorer (shared/tools/score.py): NFKC, one dash, no spaces or
quotes; paths with ASCII parentheses; multiset matching, micro-averaged over documents; a field a
gold file does not annotate is not scored for that document.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = ["FIELDS", "score"]

DASHES = dict.fromkeys(map(ord, "—–－‐‑‒―~～"), "-")
FIELDS = [
    "assign_mention",
    "assign_canonical",
    "agency_any_role",
    "tasks",
    "task_titles",
    "basis",
    "cited_all",
    "regions",
    "meta_title",
    "meta_doc_number",
    "meta_date",
    "meta_region",
    "issuer",
]
FIELD_OF = {
    "assign_mention": "assignments",
    "assign_canonical": "assignments",
    "agency_any_role": "assignments",
    "tasks": "tasks",
    "task_titles": "tasks",
    "cited_all": "cited",
}


def _norm(s: Any) -> str:
    if s is None:
        return ""
    s = unicodedata.normalize("NFKC", str(s)).translate(DASHES)
    return re.sub(r"[\s《》〈〉<>\"“”‘’'「」]", "", s)


def _path(p: Any) -> str:
    return _norm(p).replace("（", "(").replace("）", ")").rstrip(".")


def _sets(doc: dict[str, Any]) -> dict[str, Counter]:
    a = doc.get("assignments") or []
    t = doc.get("tasks") or []
    out = {
        "assign_mention": Counter(
            (_path(x.get("task_path")), _norm(x.get("agency_mention")), x.get("role")) for x in a
        ),
        "assign_canonical": Counter((_path(x.get("task_path")), _norm(x.get("agency")), x.get("role")) for x in a),
        "agency_any_role": Counter((_path(x.get("task_path")), _norm(x.get("agency_mention"))) for x in a),
        "tasks": Counter(_path(x.get("path")) for x in t),
        "task_titles": Counter((_path(x.get("path")), _norm(x.get("title"))) for x in t),
        "basis": Counter(_norm(b) for b in doc.get("basis") or []),
        "cited_all": Counter(_norm(b) for b in (doc.get("basis") or []) + (doc.get("cited") or [])),
        "regions": Counter(_norm(r) for r in doc.get("regions") or []),
        "issuer": Counter(_norm(i) for i in doc.get("issuer") or []),
    }
    for k in ("title", "doc_number", "date", "region"):
        out["meta_" + k] = Counter([_norm(doc.get(k))]) if doc.get(k) else Counter()
    return out


def _prf(gold: Counter, pred: Counter) -> dict[str, float]:
    tp = sum((gold & pred).values())
    g, p = sum(gold.values()), sum(pred.values())
    precision = tp / p if p else (1.0 if not g else 0.0)
    recall = tp / g if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold": g, "pred": p, "tp": tp, "precision": precision, "recall": recall, "f1": f1}


def score(gold_dir: str | Path, predictions: list[dict[str, Any]]) -> dict[str, Any]:
    """{"totals": {field: prf}, "documents": {stem: {field: prf}}} for the gold files in `gold_dir`."""
    gold = {}
    for f in sorted(Path(gold_dir).glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        gold[Path(d["doc"]).stem] = d
    pred = {Path(str(d.get("doc", ""))).stem: d for d in predictions}
    totals: dict[str, list[Counter]] = {}
    per_doc: dict[str, dict[str, Any]] = {}
    for stem, g in gold.items():
        if stem not in pred:
            continue
        gs, ps = _sets(g), _sets(pred[stem])
        per_doc[stem] = {}
        for k in FIELDS:
            if FIELD_OF.get(k, k.replace("meta_", "")) not in g:
                continue
            acc = totals.setdefault(k, [Counter(), Counter()])
            acc[0].update({(stem, x): n for x, n in gs[k].items()})
            acc[1].update({(stem, x): n for x, n in ps[k].items()})
            per_doc[stem][k] = _prf(gs[k], ps[k])
    return {"totals": {k: _prf(g, p) for k, (g, p) in totals.items()}, "documents": per_doc}


DIFF_FIELDS = {
    "assignments": "assign_mention",
    "canonical": "assign_canonical",
    "tasks": "task_titles",
    "regions": "regions",
    "issuer": "issuer",
    "title": "meta_title",
    "doc_number": "meta_doc_number",
    "date": "meta_date",
    "region": "meta_region",
    "basis": "basis",
    "cited": "cited_all",
}


def diff(gold_dir: str | Path, predictions: list[dict[str, Any]], fields: list[str] | None = None) -> dict[str, Any]:
    """Per document and field, what the gold has that the prediction lacks ("missed") and the reverse
    ("extra"), compared exactly as `score` compares them (after the same normalisation)."""
    gold = {}
    for f in sorted(Path(gold_dir).glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        gold[Path(d["doc"]).stem] = d
    pred = {Path(str(d.get("doc", ""))).stem: d for d in predictions}
    out: dict[str, Any] = {}
    for stem, g in gold.items():
        if stem not in pred:
            continue
        gs, ps = _sets(g), _sets(pred[stem])
        doc: dict[str, Any] = {}
        for name, key in DIFF_FIELDS.items():
            if fields and name not in fields:
                continue
            if FIELD_OF.get(key, key.replace("meta_", "")) not in g:
                continue
            missed, extra = gs[key] - ps[key], ps[key] - gs[key]
            if missed or extra:
                doc[name] = {"missed": sorted(missed.elements()), "extra": sorted(extra.elements())}
        if doc:
            out[stem] = doc
    return out
