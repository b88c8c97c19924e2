"""API latency under load: `policykg serve` on loopback, driven by wrk at 32 concurrent connections.

    python bench/api_load.py                                  # embedded store
    python bench/api_load.py --neo4j bolt://127.0.0.1:17687   # Neo4j (scripts/neo4j-local start)

Needs wrk (Debian package `wrk`). The server gets the five samples through the upload endpoint, then
each endpoint below is loaded for --seconds with 32 connections on 2 wrk threads; wrk's latency
distribution gives p50 and p99. Server and load generator share the machine's two cores.
"""

from __future__ import annotations

import argparse
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
GETS = {
    "agency tasks (GET /agencies/{a}/tasks)": "/agencies/" + quote("省知识产权局") + "/tasks?limit=50",
    "task detail (GET /tasks/{p}/{path})": "/tasks/"
    + quote("济南市历下区国家知识产权强县建设示范县(区)工作方案(2024-2026年)")
    + "/"
    + quote("三.(三).1"),
    "policy basis (GET /policies/{p}/basis)": "/policies/" + quote("鲁政办字〔2021〕78号") + "/basis",
    "keyword search (GET /tasks?q=)": "/tasks?q=" + quote("质押融资"),
}
POST_LUA = """wrk.method = "POST"
wrk.body = '{"agency": "山东省发展和改革委员会"}'
wrk.headers["Content-Type"] = "application/json"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ms(value: str) -> float:
    num, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(num) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, seconds: int, script: Path | None = None) -> tuple[float, float, float, int]:
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    p50 = ms(re.search(r"50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = ms(re.search(r"99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return p50, p99, rps, int(non2xx.group(1)) if non2xx else 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--neo4j", metavar="URI")
    ap.add_argument("--seconds", type=int, default=15)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp())
    option = ["--neo4j", args.neo4j] if args.neo4j else ["--data-dir", str(tmp / "data")]
    if args.neo4j:
        from policykg.graph.neo4j_store import Neo4jStore

        with Neo4jStore(args.neo4j) as s, s._driver.session() as session:
            session.run("MATCH (n) DETACH DELETE n").consume()
    port = free_port()
    env = {**os.environ, "POLICYKG_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-m", "policykg", "serve", "--port", str(port), *option],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx2.get(f"{base}/health", timeout=2)
                break
            except httpx2.TransportError:
                time.sleep(0.2)
        samples = Path(str(resources.files("policykg").joinpath("samples")))
        for doc in sorted(samples.iterdir()):
            httpx2.post(
                f"{base}/documents",
                files={"file": (doc.name, doc.read_bytes())},
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=120,
            ).raise_for_status()
        store = httpx2.get(f"{base}/health").json()
        print(f"store: {store['engine']} {store['version']}; 32 connections, 2 wrk threads, {args.seconds} s each")
        print(f"{'endpoint':45} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'non-2xx':>8}")
        lua = tmp / "post.lua"
        lua.write_text(POST_LUA, encoding="utf-8")
        runs = [(name, base + path, None) for name, path in GETS.items()]
        runs.append(("named template (POST /queries/agency_tasks)", base + "/queries/agency_tasks", lua))
        for name, url, script in runs:
            p50, p99, rps, bad = wrk(url, args.seconds, script)
            print(f"{name:45} {p50:8.1f} {p99:8.1f} {rps:8.0f} {bad:8d}")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
