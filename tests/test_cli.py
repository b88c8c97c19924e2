"""The CLI end to end: extract (with a bad file in the batch), ingest, queries, query, remove."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import cli


def test_extract_batch_goes_on_past_a_bad_file(samples: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(samples, docs)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(cli, ["extract", str(docs), "-o", str(out)])
    assert res.exit_code == 1
    assert "broken.pdf" in res.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 5 and {"doc", "title", "tasks", "assignments", "basis", "cited", "regions"} <= set(lines[0])


def test_extract_on_several_processes_gives_the_same_lines_in_file_order(samples: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(samples, docs)
    (docs / "0_broken.pdf").write_bytes(b"%PDF-1.4 truncated")  # first in file order: the rest must still come
    outs = {}
    for jobs in ("1", "3"):
        out = tmp_path / f"out{jobs}.jsonl"
        res = CliRunner().invoke(cli, ["extract", str(docs), "-o", str(out), "--jobs", jobs, "--quiet"])
        assert res.exit_code == 1 and "0_broken.pdf" in res.output, res.output
        outs[jobs] = out.read_text(encoding="utf-8")
    docs_in_order = [json.loads(line)["doc"] for line in outs["3"].splitlines()]
    assert docs_in_order == sorted(docs_in_order) and len(docs_in_order) == 5
    assert outs["3"] == outs["1"]


def test_eval_reports_the_targets(samples: Path, gold_dir: Path) -> None:
    res = CliRunner().invoke(cli, ["eval", "--gold", str(gold_dir), str(samples), "--json"])
    assert res.exit_code == 0, res.output
    totals = json.loads(res.output)["totals"]
    assert totals["assign_mention"]["f1"] >= 0.98 and totals["tasks"]["f1"] >= 0.97


def test_ingest_query_remove(samples: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    runner = CliRunner()
    res = runner.invoke(cli, ["ingest", str(samples), "--data-dir", data, "--quiet"])
    assert res.exit_code == 0, res.output
    assert "5 new" in res.output
    res = runner.invoke(cli, ["ingest", str(samples), "--data-dir", data, "--quiet"])
    assert "5 unchanged" in res.output
    res = runner.invoke(
        cli, ["query", "agency_tasks", "--param", "agency=省编办", "--format", "json", "--data-dir", data]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["rows"]
    assert [r[2] for r in rows] == ["一.(一).1", "一.(一).2", "一.(一).3"] and {r[1] for r in rows} == {"牵头"}
    res = runner.invoke(cli, ["query", "agency_tasks", "--param", "nope=1", "--data-dir", data])
    assert res.exit_code == 1 and "unknown parameter" in res.output
    # remove takes the path the document was ingested from
    res = runner.invoke(cli, ["remove", str(samples / "004_a42a057c390f894e.txt"), "--data-dir", data])
    assert res.exit_code == 0 and "removed" in res.output
    # 省编办 was named only in 004: now an unknown agency, an error rather than an empty table
    res = runner.invoke(
        cli, ["query", "agency_tasks", "--param", "agency=省编办", "--format", "csv", "--data-dir", data]
    )
    assert res.exit_code == 1 and "no agency '省编办'" in res.output


def test_queries_lists_every_template() -> None:
    from policykg.queries.registry import templates

    res = CliRunner().invoke(cli, ["queries"])
    assert res.exit_code == 0
    for name in templates():
        assert name in res.output


def test_explicit_data_dir_wins_over_neo4j_uri(samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")  # nothing listens there
    res = CliRunner().invoke(cli, ["ingest", str(samples / "003_22293d2eac0c7b96.txt"), "--data-dir", str(tmp_path)])
    assert res.exit_code == 0 and "1 new" in res.output, res.output
    res = CliRunner().invoke(cli, ["ingest", str(samples / "003_22293d2eac0c7b96.txt")])
    assert res.exit_code == 1 and "cannot reach Neo4j at bolt://127.0.0.1:1" in res.output


def test_extract_ends_with_a_summary_and_shows_progress(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(cli, ["extract", str(samples), "-o", str(out)], env={"FORCE_COLOR": "1"})
    assert res.exit_code == 0, res.output
    last = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", res.stderr).strip().splitlines()[-1]  # the bar's erasure
    assert re.fullmatch(rf"extracted 5 of 5 documents to {re.escape(str(out))} \(0 failed\) in [\d.]+ s", last)
    assert "extracting" in res.stderr  # the progress bar, drawn on a terminal (FORCE_COLOR makes one)
    quiet = CliRunner().invoke(cli, ["extract", str(samples), "-o", str(out), "--quiet"], env={"FORCE_COLOR": "1"})
    assert "extracting" not in quiet.stderr and "extracted 5 of 5" in quiet.stderr


def test_eval_without_gold_for_any_file_says_so(samples: Path, tmp_path: Path) -> None:
    empty = tmp_path / "gold"
    empty.mkdir()
    res = CliRunner().invoke(cli, ["eval", "--gold", str(empty), str(samples)], env={"FORCE_COLOR": "1"})
    assert res.exit_code == 1
    assert f"no gold annotation in {empty} for any of the 5 documents read" in res.stderr
    assert "extracting" in res.stderr


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("http://127.0.0.1:7474", "'http://127.0.0.1:7474' is not a Neo4j URI: use bolt://HOST:7687"),
        ("bolt://127.0.0.1:1", "cannot reach Neo4j at bolt://127.0.0.1:1 (is the server running there?): "),
    ],
)
def test_neo4j_connection_problems_are_one_line(uri: str, message: str) -> None:
    res = CliRunner().invoke(cli, ["query", "lead_ranking", "--neo4j", uri])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit)
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: " + message), res.output
