"""Scale benchmark: a generated corpus of N documents through extraction, ingest, templates and the API.

    python bench/scale.py run --docs 1000                                   # embedded store
    python bench/scale.py run --docs 1000 --neo4j bolt://127.0.0.1:17741 --wipe
    python bench/scale.py report                                            # bench/RESULTS.md + plot

`run` generates the corpus (bench/generate.py, cached by seed and size), then measures, each step in
its own process with its peak RSS sampled (the process and its children; Neo4j's JVM beside it):
- extraction: `policykg extract` over the whole corpus, MB of UTF-8 input per wall second, with
  `--jobs` (every core) when this code's CLI has it, else labelled as what it is (one worker process);
  the output is scored against the generator's truth (precision/recall, policykg.evaluate);
- ingest: `policykg ingest` (transactional, `--jobs` when present) into a new store in slices (the
  corpus in quarters, one after another into the same store): documents/s and relationships/s per
  slice show whether speed holds as the graph grows;
- bulk: `policykg load --bulk` into another new store when the CLI has it (else "not measured");
- templates: every query template except the whole-graph exports, repeated with parameters drawn from
  the data (the busiest agency, random agencies, policies, tasks, regions, keywords; default page
  sizes, so answers are of a fixed size), p50/p99 per template and parameter series, each call bounded
  by --timeout;
- api: bench/api_load.py's CLI, given this store when it takes one (else its own figures, labelled).
A step that this code cannot do is written as not measured, with the reason; nothing is estimated.
Each run writes bench/results/<label>-<store>-<docs>.json; `report` turns them into bench/RESULTS.md
and bench/results/growth.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
POLICYKG = [sys.executable, "-m", "policykg"]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "policykg" / "bench"
# Whole-graph dumps: their answer grows with the corpus by definition.
SKIP_TEMPLATES = {"export_nodes", "export_relationships"}
SCHEMA = "policykg.bench.scale.v1"


# --------------------------------------------------------------------------------------------------
# processes and memory


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return out


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


class PeakRSS(threading.Thread):
    """Samples every 0.2 s the RSS sum of a process and its descendants, and of other pids (the JVM)."""

    def __init__(self, pid: int, others: list[int] | None = None) -> None:
        super().__init__(daemon=True)
        self.pid, self.others = pid, others or []
        self.peak = self.peak_others = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            tree, todo = [], [self.pid]
            while todo:
                p = todo.pop()
                tree.append(p)
                todo += _children(p)
            self.peak = max(self.peak, sum(_rss(p) for p in tree))
            self.peak_others = max(self.peak_others, sum(_rss(p) for p in self.others))
            self._halt.wait(0.2)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _cpu_of(pid: int | None) -> float:
    """CPU seconds a running process (the JVM) has used so far."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(cmd: list[str], jvm: int | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `cmd`; wall seconds, exit code, output and peak RSS (MB) of its process tree and of the JVM."""
    t0 = time.perf_counter()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    jvm0 = _cpu_of(jvm)
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
    )
    sampler = PeakRSS(proc.pid, [jvm] if jvm else [])
    sampler.start()
    out, err = proc.communicate()
    sampler.stop()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cmd": " ".join(cmd),
        "rc": proc.returncode,
        "seconds": time.perf_counter() - t0,
        # CPU of the process and the children it waited for: the figure that other work on the machine
        # does not inflate (wall time does)
        "cpu_s": (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime),
        "jvm_cpu_s": round(_cpu_of(jvm) - jvm0, 1) if jvm else None,
        "stdout": out,
        "stderr": err,
        "peak_rss_mb": round(sampler.peak / 2**20),
        "jvm_peak_rss_mb": round(sampler.peak_others / 2**20) if jvm else None,
    }


def _help(*args: str) -> str:
    r = subprocess.run([*POLICYKG, *args, "--help"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else ""


def capabilities() -> dict[str, bool]:
    """What this code's CLI offers (parts W, B and Q add these): detected, never assumed."""
    api_help = subprocess.run([sys.executable, str(BENCH / "api_load.py"), "--help"], capture_output=True, text=True)
    api = api_help.stdout if api_help.returncode == 0 else ""
    return {
        "extract_jobs": "--jobs" in _help("extract"),
        "ingest_jobs": "--jobs" in _help("ingest"),
        "load_bulk": "--bulk" in _help("load"),
        "export_neo4j_admin": "neo4j-admin" in _help("export"),
        "serve_workers": "--workers" in _help("serve"),
        "api_load_store": "--data-dir" in api,
        "api_load_json": "--json" in api,
        "api_load_clients": "--clients" in api,
        "wrk": shutil.which("wrk") is not None,
    }


def _jvm_pid(uri: str) -> int | None:
    """The Neo4j server's pid when scripts/neo4j-local runs it on this URI's port."""
    port = urlparse(uri).port
    if port is None:
        return None
    env = {**os.environ, "NEO4J_LOCAL_PORT": str(port)}
    r = subprocess.run([str(ROOT / "scripts" / "neo4j-local"), "status"], capture_output=True, text=True, env=env)
    m = re.search(r"pid (\d+)", r.stdout)
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------------------------------
# steps


def corpus(docs: int, seed: int, cache: Path) -> tuple[Path, Path, dict[str, Any]]:
    """The generated corpus (files, truth) for (docs, seed), generated once and kept in `cache`."""
    d = cache / f"corpus-s{seed}-n{docs}"
    done = d / "generated.json"
    if done.exists():
        info = json.loads(done.read_text())
        return d / "docs", d / "truth.jsonl", {**info, "cached": True}
    shutil.rmtree(d, ignore_errors=True)
    cmd = [sys.executable, str(BENCH / "generate.py"), "--docs", str(docs), "--seed", str(seed)]
    cmd += ["--out", str(d / "docs"), "--truth", str(d / "truth.jsonl")]
    r = measured(cmd)
    if r["rc"] != 0:
        raise SystemExit(f"generate.py failed: {r['stderr'][-2000:]}")
    size = sum(f.stat().st_size for f in (d / "docs").iterdir())
    info = {"docs": docs, "seed": seed, "bytes": size, "generate_s": round(r["seconds"], 1), "command": r["cmd"]}
    done.write_text(json.dumps(info))
    return d / "docs", d / "truth.jsonl", {**info, "cached": False}


def extraction(docs_dir: Path, truth: Path, work: Path, caps: dict[str, bool], jobs: int) -> dict[str, Any]:
    out = work / "extracted.jsonl"
    cmd = [*POLICYKG, "extract", str(docs_dir), "-o", str(out), "--quiet"]
    if caps["extract_jobs"]:
        cmd += ["--jobs", str(jobs)]
    r = measured(cmd)
    size = sum(f.stat().st_size for f in docs_dir.iterdir())
    res: dict[str, Any] = {
        "measured": r["rc"] == 0,
        "command": r["cmd"],
        "files": sum(1 for _ in docs_dir.iterdir()),
        "mb": round(size / 1e6, 2),
        "seconds": round(r["seconds"], 1),
        "mb_s": round(size / 1e6 / r["seconds"], 3),
        "cpu_s": round(r["cpu_s"], 1),
        "mb_per_cpu_s": round(size / 1e6 / r["cpu_s"], 3) if r["cpu_s"] else None,
        "processes": jobs if caps["extract_jobs"] else 1,
        "label": f"policykg extract --jobs {jobs}"
        if caps["extract_jobs"]
        else "policykg extract of this code: one worker process (no --jobs), so one core",
        "peak_rss_mb": r["peak_rss_mb"],
    }
    if r["rc"] != 0:
        res["reason"] = f"policykg extract exited {r['rc']}: {r['stderr'][-500:]}"
        return res
    sys.path.insert(0, str(BENCH))
    from generate import score_truth

    totals = score_truth(truth, out)["totals"]
    res["score"] = {
        k: {"precision": round(v["precision"], 4), "recall": round(v["recall"], 4), "f1": round(v["f1"], 4)}
        for k, v in totals.items()
    }
    return res


SUMMARY = re.compile(
    r"documents: (\d+) new, (\d+) updated, (\d+) unchanged, (\d+) duplicate, (\d+) failed.*?"
    r"(\d+) nodes and (\d+) relationships written in ([\d.]+) s"
)


def _slice_dirs(docs_dir: Path, work: Path, slices: int) -> list[Path]:
    files = sorted(docs_dir.iterdir())
    out = []
    for k in range(slices):
        d = work / f"slice{k}"
        d.mkdir(parents=True, exist_ok=True)
        for f in files[k * len(files) // slices : (k + 1) * len(files) // slices]:
            (d / f.name).symlink_to(f)
        out.append(d)
    return out


def ingest(
    docs_dir: Path, work: Path, store: list[str], caps: dict[str, bool], jobs: int, slices: int, jvm: int | None
) -> dict[str, Any]:
    rows, peak, jvm_peak = [], 0, 0
    total = {
        "docs": 0,
        "failed": 0,
        "nodes": 0,
        "relationships": 0,
        "seconds": 0.0,
        "wall": 0.0,
        "cpu_s": 0.0,
        "jvm_cpu_s": 0.0,
    }
    for k, d in enumerate(_slice_dirs(docs_dir, work, slices)):
        cmd = [*POLICYKG, "ingest", str(d), *store, "--quiet"]
        if caps["ingest_jobs"]:
            cmd += ["--jobs", str(jobs)]
        r = measured(cmd, jvm)
        m = SUMMARY.search(r["stdout"])
        if m is None:
            return {
                "measured": False,
                "reason": f"slice {k}: {r['cmd']} printed no summary (rc {r['rc']}): {r['stderr'][-800:]}",
            }
        new, _, _, dup, failed, nodes, rels, secs = m.groups()
        secs_f = float(secs)
        rows.append(
            {
                "slice": k,
                "docs": int(new),
                "failed": int(failed),
                "duplicate": int(dup),
                "nodes": int(nodes),
                "relationships": int(rels),
                "seconds": secs_f,
                "wall": round(r["seconds"], 1),
                "docs_s": round(int(new) / secs_f, 2),
                "rel_s": round(int(rels) / secs_f),
                "peak_rss_mb": r["peak_rss_mb"],
                "cpu_s": round(r["cpu_s"], 1),
                "jvm_cpu_s": r["jvm_cpu_s"],
            }
        )
        peak, jvm_peak = max(peak, r["peak_rss_mb"]), max(jvm_peak, r["jvm_peak_rss_mb"] or 0)
        total["docs"] += int(new)
        total["failed"] += int(failed)
        total["nodes"] += int(nodes)
        total["relationships"] += int(rels)
        total["seconds"] += secs_f
        total["wall"] += r["seconds"]
        total["cpu_s"] += r["cpu_s"]
        total["jvm_cpu_s"] += r["jvm_cpu_s"] or 0.0
        command = r["cmd"]
    return {
        "measured": True,
        "mode": "transactional",
        "command": command.replace(str(work / f"slice{slices - 1}"), "SLICE"),
        "jobs": jobs if caps["ingest_jobs"] else None,
        "label": f"policykg ingest --jobs {jobs}"
        if caps["ingest_jobs"]
        else "policykg ingest of this code: one extraction worker, one transaction per document",
        **{k: round(v, 1) if isinstance(v, float) else v for k, v in total.items()},
        "jvm_cpu_s": round(total["jvm_cpu_s"], 1) if jvm else None,
        "docs_s": round(total["docs"] / total["seconds"], 2),
        "rel_s": round(total["relationships"] / total["seconds"]),
        "slices": rows,
        "peak_rss_mb": peak,
        "jvm_peak_rss_mb": jvm_peak or None,
    }


def bulk(docs_dir: Path, work: Path, neo4j: str | None, caps: dict[str, bool], jvm: int | None) -> dict[str, Any]:
    if not caps["load_bulk"]:
        return {"measured": False, "reason": "this code has no `policykg load --bulk` (part B not merged)"}
    if neo4j:
        return {
            "measured": False,
            "reason": "the Neo4j bulk path imports into an empty database with the server stopped: "
            "run it by hand (bench/README.md) and time each step",
        }
    cmd = [*POLICYKG, "load", str(docs_dir), "--bulk", "--data-dir", str(work / "bulk-data")]
    r = measured(cmd, jvm)
    return {
        "measured": r["rc"] == 0,
        "command": r["cmd"],
        "seconds": round(r["seconds"], 1),
        "output": r["stdout"][-2000:],
        "stderr": r["stderr"][-2000:] if r["rc"] else "",
        "peak_rss_mb": r["peak_rss_mb"],
    }


def api(
    store: list[str], caps: dict[str, bool], seconds: int, work: Path, jvm: int | None, existing: bool
) -> dict[str, Any]:
    if not caps["wrk"]:
        return {"measured": False, "reason": "wrk is not installed (apt-get install wrk)"}
    cmd = [sys.executable, str(BENCH / "api_load.py"), "--seconds", str(seconds)]
    if caps["api_load_store"]:
        cmd += store
        label = "bench/api_load.py on this store"
    elif "--neo4j" in store:
        if existing:  # it would empty a store this run did not load
            return {"measured": False, "reason": "this bench/api_load.py empties the Neo4j it is given"}
        cmd += store
        label = "bench/api_load.py of this code: it takes no store; it emptied this Neo4j and served the five samples, NOT the corpus"
    else:
        label = "bench/api_load.py of this code: it takes no store; its own embedded store with the five samples, NOT the corpus"
    if caps["api_load_clients"]:
        cmd += ["--clients", "1,8,32,128"]
    out = work / "api.json"
    if caps["api_load_json"]:
        cmd += ["--json", str(out)]
    r = measured(cmd, jvm)
    res: dict[str, Any] = {
        "measured": r["rc"] == 0,
        "command": r["cmd"],
        "on_corpus": caps["api_load_store"],
        "label": label,
        "seconds": round(r["seconds"], 1),
    }
    if r["rc"] != 0:
        res["reason"] = f"api_load.py exited {r['rc']}: {(r['stderr'] or r['stdout'])[-800:]}"
        return res
    if caps["api_load_json"] and out.exists():
        res["results"] = json.loads(out.read_text())
    else:
        rows = []
        for line in r["stdout"].splitlines():
            m = re.match(r"^(.+?)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s*$", line)
            if m:
                rows.append(
                    {
                        "endpoint": m.group(1).strip(),
                        "p50_ms": float(m.group(2)),
                        "p99_ms": float(m.group(3)),
                        "rps": int(m.group(4)),
                        "non_2xx": int(m.group(5)),
                    }
                )
        res["results"] = rows
        res["stdout"] = r["stdout"][-3000:]
    return res


# --------------------------------------------------------------------------------------------------
# templates (run in a child process: `scale.py templates`, so its memory is its own)


def _pools(store: Any, rng: random.Random) -> dict[str, Any]:
    """Parameter values drawn from the data: agencies with roles (and the busiest), policies, tasks, regions."""
    counts: dict[str, int] = {}
    for role in ("牵头", "参加", "负责"):
        for row in store.query(f"MATCH (a:Agency)-[r:{role}]->(t:Task) RETURN a.key AS k, count(*) AS n").rows:
            counts[row[0]] = counts.get(row[0], 0) + row[1]
    agencies = sorted(counts)
    busiest = max(agencies, key=lambda a: (counts[a], a))
    pol = store.query("MATCH (p:Policy) WHERE p.ingested = true RETURN p.key AS k, p.region AS r").rows
    policies = sorted(r[0] for r in pol)
    regions = sorted({r[1] for r in pol if r[1]})
    sample = rng.sample(policies, min(200, len(policies)))
    tasks = store.query(
        "MATCH (t:Task) WHERE t.policy IN $ps RETURN t.policy AS p, t.path AS path", {"ps": sample}
    ).rows
    sys.path.insert(0, str(BENCH))
    from generate import TOPICS

    return {
        "agencies": agencies,
        "busiest": busiest,
        "busiest_roles": counts[busiest],
        "policies": policies,
        "regions": regions,
        "tasks": sorted((r[0], r[1]) for r in tasks),
        "keywords": sorted({n for _, nouns in TOPICS for n in nouns}),
    }


def _params(tpl: Any, series: str, pools: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One call's parameters: required ones from the data, optional filters left at their defaults except
    where the unfiltered answer is the whole graph (then a random policy)."""
    policy, path = rng.choice(pools["tasks"])
    given: dict[str, Any] = {}
    for p in tpl.params:
        if p.name in ("limit", "offset", "role", "depth", "include_cited"):
            continue
        if p.type == "agency":
            given[p.name] = (
                pools["busiest"] if series == "busiest" and p.name != "target" else rng.choice(pools["agencies"])
            )
        elif p.type == "policy" and (p.required or series == "policy"):
            given[p.name] = policy
        elif p.type == "region" and (p.required or series == "region"):
            given[p.name] = rng.choice(pools["regions"])
        elif p.name == "q" and p.required:
            given[p.name] = rng.choice(pools["keywords"])
        elif p.name == "path" and p.required:
            given[p.name] = path
        elif p.name == "doc":
            given[p.name] = policy
        elif tpl.name == "shared_task" and p.name in ("source", "target"):  # agency keys, as its caller sends
            given[p.name] = pools["busiest"] if p.name == "source" else rng.choice(pools["agencies"])
        elif p.name == "policy" and tpl.name in ("overlap_role_edges", "co_issuing"):
            given[p.name] = policy  # no limit: unfiltered, the answer is every edge of the graph
    return given


def _series(tpl: Any) -> list[str]:
    out = ["random"]
    if any(p.type == "agency" for p in tpl.params):
        out.append("busiest")
    if tpl.name == "overlap_matrix":
        out = ["all", "policy", "region"]
    return out


def templates_main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="scale.py templates")
    ap.add_argument("--data-dir")
    ap.add_argument("--neo4j")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per template series at most")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    from policykg.graph.store import open_store
    from policykg.queries import registry

    store = open_store(a.neo4j or a.data_dir, read_only=None if a.neo4j else True)
    rng = random.Random(f"policykg-bench-templates/{a.seed}")
    results: dict[str, Any] = {}
    with store:
        t0 = time.perf_counter()
        pools = _pools(store, rng)
        pool_s = time.perf_counter() - t0
        for name, tpl in sorted(registry.templates().items()):
            if name in SKIP_TEMPLATES:
                continue
            results[name] = {}
            for series in _series(tpl):
                times, rows, error = [], [], None
                started = time.perf_counter()
                for i in range(a.runs + 1):  # the first call warms caches and is not counted
                    params = _params(tpl, series, pools, rng)
                    if series == "all":
                        params = {}
                    c0 = time.perf_counter()
                    try:
                        res = registry.run(store, name, params, timeout=a.timeout)
                    except Exception as e:
                        error = f"{type(e).__name__}: {str(e)[:200]}"
                        break
                    dt = time.perf_counter() - c0
                    if i:
                        times.append(dt * 1000)
                        rows.append(len(res.rows))
                    if time.perf_counter() - started > a.budget:
                        break
                entry: dict[str, Any] = {"n": len(times)}
                if times:
                    entry.update(
                        p50_ms=round(statistics.median(times), 2),
                        p99_ms=round(_percentile(times, 99), 2),
                        max_ms=round(max(times), 2),
                        rows_mean=round(statistics.mean(rows), 1),
                    )
                if error:
                    entry["error"] = error
                results[name][series] = entry
                print(name, series, entry, flush=True)
    out = {
        "runs": a.runs,
        "timeout_s": a.timeout,
        "budget_s": a.budget,
        "pools_s": round(pool_s, 2),
        "params": {
            "busiest_agency": pools["busiest"],
            "busiest_roles": pools["busiest_roles"],
            "agencies": len(pools["agencies"]),
            "policies": len(pools["policies"]),
            "regions": len(pools["regions"]),
            "sampled_tasks": len(pools["tasks"]),
            "keywords": len(pools["keywords"]),
        },
        "results": results,
    }
    Path(a.out).write_text(json.dumps(out, ensure_ascii=False, indent=1))


def _percentile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))  # nearest rank
    return s[k]


def templates(store: list[str], work: Path, runs: int, timeout: float, seed: int, jvm: int | None) -> dict[str, Any]:
    out = work / "templates.json"
    cmd = [sys.executable, __file__, "templates", *store, "--runs", str(runs), "--timeout", str(timeout)]
    cmd += ["--seed", str(seed), "--out", str(out)]
    r = measured(cmd, jvm)
    if r["rc"] != 0 or not out.exists():
        return {"measured": False, "reason": f"exited {r['rc']}: {r['stderr'][-1500:]}"}
    return {
        "measured": True,
        "command": r["cmd"].replace(str(out), "OUT"),
        **json.loads(out.read_text()),
        "seconds": round(r["seconds"], 1),
        "peak_rss_mb": r["peak_rss_mb"],
    }


# --------------------------------------------------------------------------------------------------
# a run


def _wipe(uri: str) -> int:
    """Empty the Neo4j database (only with --wipe); returns how many nodes it held."""
    from policykg.graph.neo4j_store import Neo4jStore

    with Neo4jStore(uri) as s, s._driver.session() as session:
        n = session.run("MATCH (n) RETURN count(n) AS n").single()["n"]
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    return n


def _neo4j_count(uri: str) -> int:
    from policykg.graph.neo4j_store import Neo4jStore

    with Neo4jStore(uri) as s, s._driver.session() as session:
        return session.run("MATCH (n) RETURN count(n) AS n").single()["n"]


def _git(*args: str) -> str:
    r = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    return r.stdout.strip()


def run_main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="scale.py run")
    ap.add_argument("--docs", type=int, required=True, help="corpus size (1000, 10000, 100000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--neo4j", metavar="URI", help="measure this Neo4j (default: the embedded store)")
    ap.add_argument("--wipe", action="store_true", help="empty the Neo4j database first (it must be yours)")
    ap.add_argument("--label", default="", help="what code this is (default: branch and commit)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--jobs for extract/ingest when present")
    ap.add_argument("--slices", type=int, default=4)
    ap.add_argument("--runs", type=int, default=50, help="calls per template series")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per template call")
    ap.add_argument("--api-seconds", type=int, default=10)
    ap.add_argument(
        "--skip", default="", help="steps not to run, comma-separated (extraction,ingest,bulk,templates,api)"
    )
    ap.add_argument("--cache", type=Path, default=CACHE, help="corpus cache and work folder")
    ap.add_argument("--keep", action="store_true", help="keep the store and outputs (default: deleted)")
    ap.add_argument("--note", default="", help="a sentence for RESULTS.md about this run")
    ap.add_argument(
        "--existing",
        metavar="STORE",
        help="measure templates and API on a store already loaded with this corpus (a folder, or the --neo4j "
        "URI given as 'neo4j'): no ingest, no bulk load; e.g. after a Neo4j bulk import done by hand",
    )
    a = ap.parse_args(argv)
    skip = set(filter(None, a.skip.split(",")))
    store_kind = "neo4j" if a.neo4j else "embedded"
    label = a.label or f"{_git('rev-parse', '--abbrev-ref', 'HEAD')}@{_git('rev-parse', '--short', 'HEAD')}"
    work = a.cache / f"work-{store_kind}-{a.docs}-{os.getpid()}"
    work.mkdir(parents=True)
    caps = capabilities()
    result: dict[str, Any] = {
        "schema": SCHEMA,
        "label": label,
        "commit": _git("rev-parse", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "docs": a.docs,
        "seed": a.seed,
        "store": store_kind,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "mem_gb": _mem_gb()},
        "command": "python bench/scale.py run " + " ".join(argv),
        "capabilities": caps,
        "note": a.note,
    }
    steps: dict[str, float] = {}

    def step(name: str, fn: Any) -> None:
        if name in skip:
            result[name] = {"measured": False, "reason": "skipped (--skip, or --existing for ingest and bulk)"}
            return
        t0 = time.perf_counter()
        print(f"[{datetime.now():%H:%M:%S}] {name} ...", flush=True)
        load0 = os.getloadavg()[0]
        result[name] = fn()
        steps[name] = round(time.perf_counter() - t0, 1)
        # other work on the machine slows every figure down: say how busy it was
        result[name]["load_average"] = [round(load0, 1), round(os.getloadavg()[0], 1)]
        brief = {k: v for k, v in result[name].items() if k not in ("results", "slices", "score", "stdout", "output")}
        print(f"[{datetime.now():%H:%M:%S}] {name}: {json.dumps(brief, ensure_ascii=False)[:600]}", flush=True)

    try:
        t0 = time.perf_counter()
        docs_dir, truth, info = corpus(a.docs, a.seed, a.cache)
        steps["corpus"] = round(time.perf_counter() - t0, 1)
        result["corpus"] = info
        print(f"corpus: {info}", flush=True)
        jvm = None
        if a.existing:
            skip |= {"ingest", "bulk"}
            if a.neo4j:
                jvm = _jvm_pid(a.neo4j)
                result["existing_nodes"] = _neo4j_count(a.neo4j)
            store = ["--neo4j", a.neo4j] if a.neo4j else ["--data-dir", a.existing]
        elif a.neo4j:
            jvm = _jvm_pid(a.neo4j)
            if a.wipe:
                result["wiped_nodes"] = _wipe(a.neo4j)
            elif _neo4j_count(a.neo4j):
                raise SystemExit(f"{a.neo4j} holds data: give --wipe if this database is yours to empty")
            store = ["--neo4j", a.neo4j]
        else:
            store = ["--data-dir", str(work / "data")]
        step("extraction", lambda: extraction(docs_dir, truth, work, caps, a.jobs))
        step("ingest", lambda: ingest(docs_dir, work, store, caps, a.jobs, a.slices, jvm))
        if not a.neo4j and (work / "data").exists():
            result["ingest"]["store_mb"] = round(
                sum(f.stat().st_size for f in (work / "data").rglob("*") if f.is_file()) / 2**20
            )
        step("bulk", lambda: bulk(docs_dir, work, a.neo4j, caps, jvm))
        if "ingest" in skip and result["bulk"].get("measured") and not a.neo4j:
            store = ["--data-dir", str(work / "bulk-data")]  # the bulk-loaded store answers the queries
        step("templates", lambda: templates(store, work, a.runs, a.timeout, a.seed, jvm))
        step("api", lambda: api(store, caps, a.api_seconds, work, jvm, bool(a.existing)))
    finally:
        result["step_seconds"] = steps
        result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.@-]+", "_", f"{label}-{store_kind}-{a.docs}") + ".json"
        (RESULTS / name).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {RESULTS / name}")
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


def _mem_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 2**20, 1)
    return 0.0


# --------------------------------------------------------------------------------------------------
# the report: bench/RESULTS.md and the growth plot from bench/results/*.json

FIGURES: list[tuple[str, str]] = [
    ("extraction MB/s", "extraction.mb_s"),
    ("extraction MB per CPU second (all its processes)", "extraction.mb_per_cpu_s"),
    ("extraction processes", "extraction.processes"),
    ("extraction assign_mention F1 vs truth", "extraction.score.assign_mention.f1"),
    ("extraction peak RSS MB", "extraction.peak_rss_mb"),
    ("ingest documents/s", "ingest.docs_s"),
    ("ingest relationships/s", "ingest.rel_s"),
    ("ingest documents/s, first slice", "ingest.slices.0.docs_s"),
    ("ingest documents/s, last slice", "ingest.slices.-1.docs_s"),
    ("ingest seconds (sum of slices)", "ingest.seconds"),
    ("ingest CPU seconds of the CLI and its workers", "ingest.cpu_s"),
    ("ingest CPU seconds of the Neo4j JVM", "ingest.jvm_cpu_s"),
    ("nodes", "ingest.nodes"),
    ("relationships", "ingest.relationships"),
    ("ingest peak RSS MB (CLI + workers)", "ingest.peak_rss_mb"),
    ("Neo4j JVM peak RSS MB", "ingest.jvm_peak_rss_mb"),
    ("embedded store on disk MB", "ingest.store_mb"),
    ("bulk load seconds", "bulk.seconds"),
    ("templates process peak RSS MB", "templates.peak_rss_mb"),
]


def _get(d: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(d, list):
            try:
                d = d[int(part)]
            except (ValueError, IndexError):
                return None
        elif isinstance(d, dict):
            d = d.get(part)
        else:
            return None
        if d is None:
            return None
    return d


def _fmt(v: Any) -> str:
    if v is None:
        return "not measured"
    if isinstance(v, float):
        return f"{v:,.2f}" if v < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _scale(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _growth(vals: list[Any]) -> str:
    nums = [v for v in vals if isinstance(v, int | float) and v]
    if len(nums) < 2:
        return "one scale measured"
    return f"×{nums[-1] / nums[0]:.2f}"


def report_main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="scale.py report")
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    a = ap.parse_args(argv)
    runs = [json.loads(f.read_text()) for f in sorted(a.results.glob("*.json"))]
    runs = [r for r in runs if r.get("schema") == SCHEMA]
    groups: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for r in sorted(runs, key=lambda r: r["started"]):
        groups.setdefault((r["label"], r["store"]), {})[r["docs"]] = r  # the latest run of each size
    lines = [
        "# Scale benchmark results",
        "",
        "Written by `python bench/scale.py report` from the runs in bench/results/*.json (one file per",
        "code label, store and corpus size; each holds its command, commit and every figure). How to run",
        "and what each figure means: bench/README.md. Figures are what the command printed on this",
        "machine; a step the code could not do says *not measured*, with the reason. Nothing is estimated.",
        "",
    ]
    for (label, store), by_size in groups.items():
        sizes = sorted(by_size)
        rs = [by_size[n] for n in sizes]
        lines += [f"## {label}: {store} store", ""]
        first = rs[0]
        lines += [
            f"Commit `{first['commit'][:10]}`{' (with uncommitted changes)' if first.get('dirty') else ''}, "
            f"{first['machine']['cores']} cores, {first['machine']['mem_gb']} GB, Python {first['machine']['python']}.",
            "",
            "Commands:",
            "",
            "```",
            *[f"{r['command']}    # {r['started']} → {r.get('finished', '?')}" for r in rs],
            "```",
            "",
        ]
        missing = [_scale(n) for n in (1000, 10000, 100000) if n not in by_size]
        if missing:
            lines += [f"Not measured for this code and store: {', '.join(missing)} documents.", ""]
        for r in rs:
            if r.get("note"):
                lines += [f"Note ({_scale(r['docs'])}): {r['note']}", ""]
        head = "| figure | " + " | ".join(_scale(n) for n in sizes) + " | growth |"
        lines += [head, "|---" * (len(sizes) + 2) + "|"]
        corpus_row = [f"{_get(r, 'corpus.docs'):,} files, {(_get(r, 'corpus.bytes') or 0) / 1e6:.1f} MB" for r in rs]
        lines.append("| corpus | " + " | ".join(corpus_row) + " | |")
        for title, path in FIGURES:
            vals = [_get(r, path) for r in rs]
            if all(v is None for v in vals):
                continue
            lines.append(f"| {title} | " + " | ".join(_fmt(v) for v in vals) + f" | {_growth(vals)} |")
        for step in ("corpus", "extraction", "ingest", "bulk", "templates", "api"):
            vals = [_get(r, f"step_seconds.{step}") for r in rs]
            if any(v is not None for v in vals):
                lines.append(f"| step time: {step} (s) | " + " | ".join(_fmt(v) for v in vals) + " | |")
        for step in ("extraction", "ingest", "templates", "api"):
            vals = [_get(r, f"{step}.load_average") for r in rs]
            if any(vals):
                cells = [f"{v[0]} → {v[1]}" if v else "" for v in vals]
                lines.append(f"| machine load average during {step} (start → end) | " + " | ".join(cells) + " | |")
        lines.append("")
        reasons = []
        for r in rs:
            for step in ("extraction", "ingest", "bulk", "templates", "api"):
                st = r.get(step) or {}
                if st.get("label"):
                    reasons.append(f"- {step} ({_scale(r['docs'])}): {st['label']}")
                if not st.get("measured", False):
                    reasons.append(f"- {step} ({_scale(r['docs'])}): not measured: {st.get('reason', '?')}")
        lines += [*sorted(set(reasons), key=reasons.index), ""]
        for r in rs:
            sc = _get(r, "extraction.score") or {}
            if sc:
                cells = ", ".join(
                    f"{k} P {v['precision']:.3f} R {v['recall']:.3f}"
                    for k, v in sc.items()
                    if k
                    in (
                        "assign_mention",
                        "assign_canonical",
                        "tasks",
                        "basis",
                        "meta_title",
                        "meta_doc_number",
                        "issuer",
                    )
                )
                lines += [f"Extraction against the generator's truth ({_scale(r['docs'])}): {cells}.", ""]
        # per-slice ingest
        for r in rs:
            sl = _get(r, "ingest.slices") or []
            if sl:
                lines += [
                    f"Ingest by slice ({_scale(r['docs'])}; each slice a quarter of the corpus, into the same store):",
                    "",
                    "| slice | documents | relationships | seconds | documents/s | relationships/s | peak RSS MB |",
                    "|---|---|---|---|---|---|---|",
                ]
                lines += [
                    f"| {s['slice'] + 1} | {s['docs']:,} | {s['relationships']:,} | {s['seconds']:.1f} | {s['docs_s']} "
                    f"| {s['rel_s']:,} | {s['peak_rss_mb']} |"
                    for s in sl
                ]
                lines.append("")
        # templates
        names = sorted({(t, s) for r in rs for t, ss in (_get(r, "templates.results") or {}).items() for s in ss})
        if names:
            params = [_get(r, "templates.params") or {} for r in rs]
            lines += [
                "Templates: p50 / p99 ms over the calls made (n), each call with parameters drawn anew from the data; "
                "`busiest` = the agency with the most roles, `all` = no filter (whole graph), rows = mean rows returned.",
                "",
                *[
                    f"- {_scale(r['docs'])}: busiest agency {p.get('busiest_agency')} ({p.get('busiest_roles')} roles); "
                    f"{p.get('agencies')} agencies with roles, {p.get('policies')} policies, {p.get('regions')} regions; "
                    f"{_get(r, 'templates.runs')} calls per series, {_get(r, 'templates.timeout_s')} s timeout per call"
                    for r, p in zip(rs, params, strict=True)
                ],
                "",
                "| template | series | "
                + " | ".join(f"{_scale(n)} p50 / p99 (n, rows)" for n in sizes)
                + " | p99 growth |",
                "|---" * (len(sizes) + 3) + "|",
            ]
            for t, s in names:
                cells, p99s = [], []
                for r in rs:
                    e = _get(r, f"templates.results.{t}.{s}")
                    if not e:
                        cells.append("not measured")
                        p99s.append(None)
                        continue
                    cell = f"{e['p50_ms']:.1f} / {e['p99_ms']:.1f} ({e['n']}, {e['rows_mean']:g})" if e.get("n") else ""
                    if e.get("error", "").startswith("QueryTimeout"):
                        limit = _get(r, "templates.timeout_s")
                        cell += (
                            f"; then over {limit:g} s (stopped)"
                            if cell
                            else f"over {limit:g} s (stopped at the timeout)"
                        )
                    elif e.get("error"):
                        cell += f" {e['error'][:80]}" if cell else f"failed: {e['error'][:100]}"
                    cells.append(cell)
                    p99s.append(e.get("p99_ms"))
                lines.append(f"| {t} | {s} | " + " | ".join(cells) + f" | {_growth(p99s)} |")
            lines.append("")
        # API
        for r in rs:
            ap_ = r.get("api") or {}
            res = ap_.get("results")
            if ap_.get("measured") and res:
                lines += [f"API ({_scale(r['docs'])}): {ap_.get('label')}; `{ap_.get('command', '')}`", ""]
                if isinstance(res, list) and res and "endpoint" in res[0]:
                    lines += ["| endpoint | p50 ms | p99 ms | req/s | non-2xx |", "|---|---|---|---|---|"]
                    lines += [
                        f"| {x['endpoint']} | {x['p50_ms']} | {x['p99_ms']} | {x['rps']} | {x['non_2xx']} |"
                        for x in res
                    ]
                else:
                    lines += ["```", json.dumps(res, ensure_ascii=False, indent=1)[:4000], "```"]
                lines.append("")
    png = _plot(groups, a.out.parent / "results" / "growth.png")
    if png:
        lines += [f"![growth]({png.relative_to(a.out.parent)})", ""]
    a.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {a.out}" + (f" and {png}" if png else ""))


def _plot(groups: dict[tuple[str, str], dict[int, dict[str, Any]]], path: Path) -> Path | None:
    """Ingest speed and template p99 against corpus size, one line per code label and store."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, axes = plt.subplots(1, 3, figsize=(16, 5))
    for (label, store), by_size in groups.items():
        sizes = sorted(by_size)
        rs = [by_size[n] for n in sizes]
        tag = f"{label} {store}"
        for ax, key in ((axes[0], "ingest.docs_s"), (axes[1], "ingest.rel_s")):
            xs = [n for n, r in zip(sizes, rs, strict=True) if _get(r, key)]
            ax.plot(xs, [_get(by_size[n], key) for n in xs], marker="o", label=tag)
        for t in ("agency_overlap", "documents", "overlap_matrix", "shortest_connection", "task_search"):
            series = "all" if t == "overlap_matrix" else "busiest" if t in ("agency_overlap",) else "random"
            key = f"templates.results.{t}.{series}.p99_ms"
            xs = [n for n, r in zip(sizes, rs, strict=True) if _get(r, key)]
            if xs:
                axes[2].plot(xs, [_get(by_size[n], key) for n in xs], marker="o", label=f"{t} ({tag})")
    for ax, title in zip(axes, ("ingest documents/s", "ingest relationships/s", "template p99 ms"), strict=True):
        ax.set_xscale("log")
        ax.set_xlim(500, 200_000)  # 1k to 100k, the sizes the issue asks for
        ax.set_xlabel("documents in the corpus")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylim(bottom=0)
    axes[1].set_ylim(bottom=0)
    axes[2].set_yscale("log")
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main() -> None:
    argv = sys.argv[1:]
    if not argv or argv[0] not in ("run", "templates", "report"):
        print(__doc__)
        raise SystemExit(2)
    if argv[0] == "run":
        run_main(argv[1:])
    elif argv[0] == "templates":
        templates_main(argv[1:])
    else:
        report_main(argv[1:])


if __name__ == "__main__":
    main()
