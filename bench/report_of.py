"""The extraction report (ingest/report.py) of any `policykg extract --text` output, so the same report
can be computed for an earlier version's extractor and compared ("before and after" in bench/README.md).

    python bench/report_of.py OUT.jsonl [--json FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from policykg.ingest.report import document_report, summarise


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("jsonl", type=Path, help="extract output written with --text (each record's clean text)")
    ap.add_argument("--json", type=Path, help="also write the per-document report here")
    args = ap.parse_args()
    records = [json.loads(line) for line in args.jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    if records and records[0].get("clean_text") is None:
        raise SystemExit(f"{args.jsonl}: no clean_text in the records (extract with --text)")
    reports = [document_report(r) for r in records]
    totals = summarise(reports)
    if args.json:
        args.json.write_text(
            json.dumps({"totals": totals, "documents": reports}, ensure_ascii=False, indent=1), "utf-8"
        )
    print(json.dumps({k: v for k, v in totals.items() if k != "unresolved_top"}, ensure_ascii=False))
    print("unresolved:", ", ".join(f"{k} ×{v}" for k, v in list(totals["unresolved_top"].items())[:10]))


if __name__ == "__main__":
    main()
