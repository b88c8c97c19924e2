"""Both stores, same behaviour: documents stored whole, idempotent, replaced and removed cleanly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from policykg.graph import GraphStore, writes
from policykg.graph.build import record_to_graph
from policykg.graph.ingest import ingest_paths
from policykg.ingest import extract

ROLE_TYPES = ("牵头", "参加", "负责")


def _gold_roles(gold_dir: Path) -> dict[str, int]:
    counts = dict.fromkeys(ROLE_TYPES, 0)
    for f in gold_dir.glob("*.json"):
        for a in json.loads(f.read_text(encoding="utf-8"))["assignments"]:
            counts[a["role"]] += 1
    return counts


def test_samples_give_the_gold_counts(store: GraphStore, samples: Path, gold_dir: Path) -> None:
    summary = ingest_paths(store, [str(samples)], progress=False)
    assert (summary.new, summary.failed) == (5, 0)
    counts = store.counts()
    gold_tasks = sum(len(json.loads(f.read_text(encoding="utf-8"))["tasks"]) for f in gold_dir.glob("*.json"))
    assert counts["Task"] == gold_tasks
    assert {t: counts[t] for t in ROLE_TYPES} == _gold_roles(gold_dir)
    # every role edge carries its provenance
    rows = store.query(
        "MATCH (:Agency)-[r:`牵头`|`参加`|`负责`]->(t:Task) "
        "WHERE r.doc = t.policy AND r.char_start >= 0 AND r.char_end > r.char_start AND size(r.evidence) > 0 RETURN count(r) AS n"
    ).rows
    assert rows[0][0] == sum(_gold_roles(gold_dir).values())


def test_ingest_is_idempotent(store: GraphStore, samples: Path) -> None:
    ingest_paths(store, [str(samples)], progress=False)
    before = store.counts()
    again = ingest_paths(store, [str(samples)], progress=False)
    assert (again.unchanged, again.new, again.updated) == (5, 0, 0)
    assert store.counts() == before


def test_changed_document_replaces_only_its_own_facts(store: GraphStore, samples: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(samples, docs)
    ingest_paths(store, [str(docs)], progress=False)
    before = store.counts()
    target = docs / "003_22293d2eac0c7b96.txt"
    text = target.read_text(encoding="utf-8")
    # drop one clause: 三.(二) loses its three agencies
    clause = "（责任单位：区市场监管局、区财政局、区审计局）"
    assert clause in text
    target.write_text(text.replace(clause, ""), encoding="utf-8")
    summary = ingest_paths(store, [str(docs)], progress=False)
    assert (summary.updated, summary.unchanged) == (1, 4)
    after = store.counts()
    assert after["牵头"] == before["牵头"] - 1 and after["参加"] == before["参加"] - 2
    assert after["Task"] == before["Task"]
    # 区审计局 was named only in that clause: gone; 区财政局 too; the lead agency remains
    names = {r[0] for r in store.query("MATCH (a:Agency) RETURN a.key AS k").rows}
    assert "济南市历下区审计局" not in names and "济南市历下区市场监督管理局" in names
    # another document's facts are untouched
    assert after["负责"] == before["负责"]


def test_remove_document_keeps_shared_nodes(store: GraphStore, samples: Path) -> None:
    ingest_paths(store, [str(samples)], progress=False)
    before = store.counts()
    key = store.remove_document("000_ccc32b89488884bc.txt")
    after = store.counts()
    assert key == "共建绿色低碳高质量发展知识产权强省实施方案"
    assert after["Task"] == before["Task"] - 22
    # 山东省知识产权局 is still used by 004 and 002-less docs; its aliases lost the 000-only mentions
    row = store.query("MATCH (a:Agency {key: '山东省知识产权局'}) RETURN a.aliases AS al").rows
    assert row and sorted(row[0][0]) == ["省知识产权局"]
    # a CNIPA department named only in 000 is gone
    assert not store.query("MATCH (a:Agency {key: '国家知识产权局人事司'}) RETURN a.key AS k").rows
    # the policy 000 was based on stays for 003, which rests on it too; 000 itself stays as a cited-only node
    rows = store.query(
        "MATCH (p:Policy)-[:`依据`]->(b:Policy {key: '知识产权强国建设纲要(2021-2035年)'}) RETURN p.key AS k"
    ).rows
    assert sorted(r[0] for r in rows) == [
        "关于贯彻落实山东省知识产权强省建设纲要(2021-2035年)全面促进知识产权高质量发展的实施意见",
        "济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)",
    ]
    assert (
        store.query("MATCH (p:Policy {key: $k}) RETURN p.ingested AS i", {"k": key}).rows == []
    )  # cited by none: swept
    with pytest.raises(Exception, match="no stored document"):
        store.remove_document("000_ccc32b89488884bc.txt")


def test_failed_write_leaves_the_graph_as_it_was(
    store: GraphStore, samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(store, [str(samples / "002_06d5094a3990f22f.txt")], progress=False)
    before = store.counts()
    graph = record_to_graph(extract(samples / "003_22293d2eac0c7b96.txt"))
    real = writes.batch_plan

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        return [*real(*args, **kwargs), writes.Statement("THIS IS NOT CYPHER")]

    monkeypatch.setattr("policykg.graph.store.batch_plan", failing)
    with pytest.raises(Exception):  # noqa: B017 - each engine raises its own error type
        store.write_document(graph)
    assert store.counts() == before


def test_version_changes_with_every_committed_write(store: GraphStore, samples: Path, tmp_path: Path) -> None:
    start = store.version()
    ingest_paths(store, [str(samples / "004_a42a057c390f894e.txt")], progress=False)
    assert store.version() > start
    start = store.version()
    ingest_paths(store, [str(samples / "003_22293d2eac0c7b96.txt")], progress=False)
    after_write = store.version()
    assert after_write > start
    # nothing written (the file is unchanged): the version stays, so what readers cached stays valid
    ingest_paths(store, [str(samples / "003_22293d2eac0c7b96.txt")], progress=False)
    assert store.version() == after_write
    store.remove_document("003_22293d2eac0c7b96.txt")
    assert store.version() > after_write
    # the version node is not a policy fact: the whole-graph export leaves it out
    from policykg.queries import registry

    labels = {row[0]["_label"] for row in registry.run(store, "export_nodes", {}).rows}
    assert {"Policy", "Task", "Agency"} <= labels and "Meta" not in labels
