"""`policykg eval --diff` and `policykg extract --report`: checking extraction with and without gold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from policykg.cli import cli

REAL = Path(__file__).parent / "fixtures" / "real"


def _one_gold(tmp_path: Path, stem: str, edit) -> Path:
    gold = tmp_path / "gold"
    gold.mkdir()
    g = json.loads((REAL / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    edit(g)
    (gold / f"{stem}.json").write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    return gold


def test_eval_diff_shows_missed_extra_and_wrong_roles_beside_the_gold(tmp_path: Path) -> None:
    def edit(g: dict) -> None:
        g["assignments"][0]["role"] = "负责"  # the extractor says 牵头 here
        g["assignments"].pop()  # the extractor finds one the gold lacks
        g["assignments"].append(
            {"task_path": "四.(一).1", "agency_mention": "商务部", "agency": "商务部", "role": "参加"}
        )

    gold = _one_gold(tmp_path, "g05_customs_free_zones", edit)
    res = CliRunner().invoke(
        cli,
        [
            "eval",
            "--gold",
            str(gold),
            str(REAL / "docs" / "g05_customs_free_zones.html"),
            "--diff",
            "--field",
            "assignments",
        ],
    )
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "== g05_customs_free_zones"
    assert "  ~ assignments 四.(一).1 | 税务总局 | gold 负责, extracted 牵头" in lines
    assert "  - assignments 四.(一).1 | 商务部 | 参加" in lines
    assert sum(1 for x in lines if x.startswith("  + assignments")) == 1


def test_eval_diff_json_and_no_differences(tmp_path: Path) -> None:
    gold = _one_gold(tmp_path, "g34_sports_events", lambda g: None)
    doc = str(REAL / "docs" / "g34_sports_events.html")
    res = CliRunner().invoke(cli, ["eval", "--gold", str(gold), doc, "--diff", "--field", "assignments", "--json"])
    assert res.exit_code == 0 and json.loads(res.output) == {}
    res = CliRunner().invoke(cli, ["eval", "--gold", str(gold), doc, "--diff", "--field", "assignments"])
    assert res.output.strip() == "no differences"


def test_extract_report_lists_what_was_not_understood(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(REAL / "docs" / "g39_employment.html", docs)
    # a clause naming agencies that no form reads, and a name the registry does not know
    (docs / "odd.txt").write_text(
        "关于做好工作的通知\n一、主要任务\n（一）完善制度。建立机制。（市科技局为主，市财政局视情况支持配合负责）\n"
        "（二）推进建设。完成改造。（责任单位：申通地铁集团）\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.json"
    res = CliRunner().invoke(
        cli, ["extract", str(docs), "-o", str(tmp_path / "out.jsonl"), "--report-json", str(report)]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(report.read_text(encoding="utf-8"))
    by_doc = {d["doc"]: d for d in data["documents"]}
    odd = by_doc["odd.txt"]
    assert [u["reason"] for u in odd["unread_clauses"]] == ["not_parsed"]
    assert "市科技局为主" in odd["unread_clauses"][0]["text"]
    assert odd["unresolved_agencies"] == {"申通地铁集团": 1}
    assert by_doc["g39_employment.html"]["unread_clauses"] == []
    assert data["totals"]["documents"] == 2 and data["totals"]["unresolved_mentions"] == 1
    assert "report: 2 documents" in res.output
