"""API latency and throughput under load: `policykg serve` on loopback driven by wrk, beside the framework ceiling.

    python bench/api_load.py                                   # the five samples in a new embedded store
    python bench/api_load.py --data-dir DIR                    # an existing embedded store (read as it is)
    python bench/api_load.py --neo4j bolt://127.0.0.1:17687    # an existing Neo4j database (read as it is)
    python bench/api_load.py --data-dir DIR --workers 2 --clients 1,8,32,128 --seconds 10 --json out.json

Needs wrk (Debian package `wrk`: apt-get install -y wrk). Each endpoint is loaded for --seconds at each
number of clients (wrk connections, HTTP/1.1 keep-alive); wrk's latency distribution gives p50 and p99.
The ceiling is `GET /queries/agency_tasks`, a route of the same app that answers a constant (no store):
what the framework, the middleware and the server can do on this machine. Lookups are answered from the
response cache after the first request (it holds until the graph's version changes), so `POST
/queries/agency_tasks`, which is never cached, shows what a query costs. Which agency, policy and task
are asked for comes from the store (the most assigned agency, the first stored document, its first
task), so the same command runs on any graph. Server and load generator share the machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import httpx2

TOKEN = "bench-token"
CEILING = "framework ceiling (GET /queries/agency_tasks)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ms(out: str, percent: str) -> float:
    """wrk's latency at `percent` in ms; NaN when no request finished (all timed out)."""
    m = re.search(rf"{percent}%\s+([\d.]+)(us|ms|s|m)\b", out)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)] if m else float("nan")


def wrk(url: str, clients: int, seconds: int, script: Path | None = None) -> dict[str, float]:
    threads = min(2, clients)
    cmd = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "p50_ms": ms(out, "50"),
        "p99_ms": ms(out, "99"),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def post_script(directory: Path, body: dict[str, str]) -> Path:
    lua = directory / "post.lua"
    payload = json.dumps(body, ensure_ascii=False).replace("\\", "\\\\").replace("'", "\\'")
    lua.write_text(
        f'wrk.method = "POST"\nwrk.body = \'{payload}\'\nwrk.headers["Content-Type"] = "application/json"\n',
        encoding="utf-8",
    )
    return lua


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"the server exited with status {proc.returncode}")
        try:
            httpx2.get(f"{base}/queries/agency_tasks", timeout=2).raise_for_status()
            return
        except (httpx2.TransportError, httpx2.HTTPStatusError):
            time.sleep(0.2)
    sys.exit("the server did not answer within 120 s")


def targets(base: str) -> list[tuple[str, str]]:
    """(name, path) of the lookups, for the busiest agency, the first stored document and its first task."""
    agency = httpx2.get(f"{base}/agencies", params={"limit": 1}, timeout=60).json()["items"][0]["agency"]
    doc = httpx2.get(f"{base}/documents", params={"limit": 1}, timeout=60).json()["items"][0]["key"]
    task = httpx2.get(f"{base}/policies/{quote(doc, safe='')}/tasks", params={"limit": 1}, timeout=60).json()
    a, p = quote(agency, safe=""), quote(doc, safe="")
    out = [
        ("agency tasks (GET /agencies/{a}/tasks)", f"/agencies/{a}/tasks?limit=50"),
        ("agency overlap (GET /agencies/{a}/overlap)", f"/agencies/{a}/overlap?limit=50"),
        ("policy tasks (GET /policies/{p}/tasks)", f"/policies/{p}/tasks?limit=50"),
        ("documents (GET /documents)", "/documents?limit=50"),
        ("keyword search (GET /tasks?q=)", "/tasks?q=" + quote("知识产权") + "&limit=50"),
    ]
    if task["items"]:
        path = quote(task["items"][0]["task_path"], safe="")
        out.insert(2, ("task detail (GET /tasks/{p}/{path})", f"/tasks/{p}/{path}"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--neo4j", metavar="URI", help="an existing Neo4j database, read as it is")
    where.add_argument("--data-dir", metavar="DIR", help="an existing embedded store, read as it is")
    ap.add_argument("--clients", default="1,8,32,128", help="comma-separated numbers of concurrent connections")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=1, help="policykg serve --workers")
    ap.add_argument("--only", default="", help="run only endpoints whose name contains this")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON here")
    ap.add_argument("--python", default=sys.executable, help="the interpreter that runs the server")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install -y wrk)")
    clients = [int(c) for c in args.clients.split(",")]
    tmp = Path(tempfile.mkdtemp())
    option = ["--neo4j", args.neo4j] if args.neo4j else ["--data-dir", args.data_dir or str(tmp / "data")]
    if not args.neo4j and not args.data_dir:
        samples = Path(str(resources.files("policykg").joinpath("samples")))
        subprocess.run([args.python, "-m", "policykg", "ingest", str(samples), *option, "--quiet"], check=True)
    port = free_port()
    env = {**os.environ, "POLICYKG_TOKEN": TOKEN}
    serve = [args.python, "-m", "policykg", "serve", "--port", str(port), *option]
    if args.workers > 1:
        serve += ["--workers", str(args.workers)]
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(serve, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    results: list[dict[str, object]] = []
    try:
        wait_up(base, proc)
        runs: list[tuple[str, str, Path | None]] = [(CEILING, "/queries/agency_tasks", None)]
        runs += [(name, path, None) for name, path in targets(base)]
        agency = httpx2.get(f"{base}/agencies", params={"limit": 1}).json()["items"][0]["agency"]
        runs.append(
            (
                "named template, uncached (POST /queries/agency_tasks)",
                "/queries/agency_tasks",
                post_script(tmp, {"agency": agency, "limit": 50}),
            )
        )
        runs = [r for r in runs if args.only in r[0] or r[0] == CEILING]
        health = httpx2.get(f"{base}/health", timeout=120).json()
        print(
            f"store: {health['engine']} {health['version']}, {health['counts'].get('Policy', 0)} policies, "
            f"{health['counts'].get('Task', 0)} tasks; {args.workers} worker(s); {args.seconds} s per run"
        )
        print(f"{'endpoint':56} {'clients':>7} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'×ceiling':>8} {'errors':>6}")
        ceiling: dict[int, float] = {}
        for name, path, script in runs:
            for c in clients:
                r = wrk(base + path, c, args.seconds, script)
                if name == CEILING:
                    ceiling[c] = r["rps"]
                ratio = r["rps"] / ceiling[c] if ceiling.get(c) else 0.0
                results.append({"endpoint": name, "path": path, "clients": c, **r, "ceiling_ratio": round(ratio, 3)})
                bad = int(r["non2xx"] + r["socket_errors"])
                print(
                    f"{name:56} {c:7d} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['rps']:8.0f} {ratio:8.2f} {bad:6d}",
                    flush=True,
                )
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {"store": health, "workers": args.workers, "results": results}, ensure_ascii=False, indent=1
                ),
                encoding="utf-8",
            )
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
