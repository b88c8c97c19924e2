"""The benchmark corpus generator (bench/generate.py): determinism, distinct documents of their own
level, every clause form, 依据 chains inside the corpus, and the extractor reading what it wrote."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from policykg.ingest import extract

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = mod  # dataclasses look their module up by name
    spec.loader.exec_module(mod)
    return mod


gen = _load()


def _files(d: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(d.iterdir())}


def test_same_seed_same_bytes_whatever_the_workers(tmp_path: Path) -> None:
    gen.generate(450, 7, tmp_path / "a", workers=1, truth=tmp_path / "a.jsonl")
    gen.generate(450, 7, tmp_path / "b", workers=2, truth=tmp_path / "b.jsonl")
    gen.generate(450, 8, tmp_path / "c", workers=1, truth=tmp_path / "c.jsonl")
    a, b, c = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert len(a) == 450 and a == b
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert sum(a[k] != c.get(k) for k in a) > 400  # another seed, other documents


def test_refuses_a_folder_that_holds_a_corpus(tmp_path: Path) -> None:
    gen.generate(3, 1, tmp_path / "a")
    with pytest.raises(SystemExit, match="already holds"):
        gen.generate(3, 1, tmp_path / "a")


def test_distinct_titles_and_numbers_sized_like_real_documents(tmp_path: Path) -> None:
    specs = gen.plan(20000, 3)
    assert len({s.title for s in specs}) == 20000
    assert len({s.doc_number for s in specs}) == 20000
    gen.generate(300, 3, tmp_path / "d", workers=2, truth=tmp_path / "t.jsonl")
    sizes = [f.stat().st_size for f in (tmp_path / "d").iterdir()]
    assert min(sizes) > 1500 and max(sizes) < 100_000
    assert 4000 < sorted(sizes)[len(sizes) // 2] < 40_000  # median: a few KB to tens of KB
    kinds = {f.suffix for f in (tmp_path / "d").iterdir()}
    assert kinds == {".txt", ".md", ".html"}
    for line in (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        text = (tmp_path / "d" / truth["doc"]).read_text(encoding="utf-8")
        assert truth["title"] in text.replace("&#x27;", "'") and truth["doc_number"] in text


def test_agencies_of_the_documents_own_level_and_place(tmp_path: Path) -> None:
    gen.generate(300, 5, tmp_path / "d", truth=tmp_path / "t.jsonl")
    specs = {s.name: s for s in gen.plan(300, 5)}
    central = set(gen._reference()["central"].values())
    seen = set()
    for line in (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        spec = specs[truth["doc"]]
        seen.add(spec.level)
        for a in truth["assignments"]:
            mention, agency = a["agency_mention"], a["agency"]
            if spec.level == "province":
                # 省发展改革委 → 山东省发展和改革委员会, 省委宣传部 → 中共山东省委宣传部
                assert mention.startswith("省") and spec.region in agency, (mention, agency)
            elif spec.level == "city" and not mention.startswith("各"):
                assert mention.startswith("市") and spec.region in agency, (mention, agency)
            elif spec.level == "national":  # central bodies by the names agencies.json knows
                assert agency in central or agency == "各省级人民政府", (mention, agency)
    assert {"national", "province", "city"} <= seen


def test_every_clause_form_and_basis_chains(tmp_path: Path) -> None:
    gen.generate(400, 1, tmp_path / "d", workers=2, truth=tmp_path / "t.jsonl")
    text = "\n".join(f.read_text(encoding="utf-8") for f in sorted((tmp_path / "d").iterdir()))
    for form in [
        r"（[^（）]+牵头，[^（）]+(?:参加|参与|配合)）",
        r"（[^（）]+按职责分工负责）",
        r"（牵头单位：[^（）]+；配合单位：[^（）]+）",
        r"（责任单位：[^（）]+）",
        r"\n责任单位：[^\n]+。",
        r"列第一位者为牵头单位，下同）",
        r"\n注：各项任务中排在第一位的为牵头单位",
        r"等(?:参加|参与|配合|按职责分工负责)）",
        r"各省级人民政府负责落实）",
        r"各区、县（市）政府负责落实）",
        r"\| 序号 \| 重点任务 \| 牵头单位 \| 配合单位 \|",
        r"<table>\n<tr><th>序号</th>",
    ]:
        assert re.search(form, text), form
    truths = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()]
    titles = {t["title"]: i for i, t in enumerate(truths)}
    chained = [(i, titles[b]) for i, t in enumerate(truths) for b in t["basis"] if b in titles]
    assert len(chained) > 100  # documents rest on earlier generated ones
    assert all(j < i for i, j in chained)


def test_the_extractor_reads_what_was_generated(tmp_path: Path) -> None:
    """Extraction of 40 generated documents scored against the generator's truth."""
    gen.generate(40, 11, tmp_path / "d", truth=tmp_path / "t.jsonl")
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for p in sorted((tmp_path / "d").iterdir()):
            f.write(json.dumps(extract(p).model_dump(), ensure_ascii=False) + "\n")
    totals = gen.score_truth(tmp_path / "t.jsonl", out)["totals"]
    assert totals["assign_mention"]["gold"] > 1000
    for field, floor in {
        "assign_mention": 0.95,
        "assign_canonical": 0.95,
        "agency_any_role": 0.99,
        "tasks": 0.99,
        "task_titles": 0.99,
        "basis": 0.95,
        "cited_all": 0.95,
        "meta_title": 0.95,
    }.items():
        assert totals[field]["precision"] >= floor and totals[field]["recall"] >= floor, (field, totals[field])
