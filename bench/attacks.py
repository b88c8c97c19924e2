"""The attacks of issue #9 against `policykg serve` on loopback: the answer, the time, the peak memory.

    python bench/attacks.py                                  # embedded store
    python bench/attacks.py --neo4j bolt://127.0.0.1:17687   # Neo4j (scripts/neo4j-local start)

The server gets one sample document, then each attack is sent once. Peak memory is the largest sum of
VmRSS over the server process and its children (the query and extraction workers), sampled every 20 ms
while the request runs; "server RSS after" is the server process alone when the run ends.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from importlib import resources
from pathlib import Path

import httpx2

TOKEN = "bench-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def rss_tree(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


class Peak:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_tree(self.pid))
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return self.peak


def docx_bomb(unpacked: int) -> bytes:
    import docx

    buf, out = io.BytesIO(), io.BytesIO()
    d = docx.Document()
    d.add_paragraph("关于加强知识产权保护的实施意见。省知识产权局牵头。")
    d.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b" " * unpacked + b"</w:body>")
            dst.writestr(item.filename, data)
    return out.getvalue()


def nested(depth: int) -> bytes:
    body = "<div>" * depth + "关于加强知识产权保护的实施意见，由省知识产权局牵头负责。" * 5 + "</div>" * depth
    return f"<html><body>{body}</body></html>".encode()


def raw_status(port: int, head: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
        return int(s.recv(65536).split()[1])


def grow(steps: int, keep: str = "") -> str:
    return f"WITH {keep}'xxxxxxxxxxxxxxxx' AS s " + " ".join([f"WITH {keep}s + s + s + s AS s"] * steps)


def attacks(port: int) -> list[tuple[str, object]]:
    cypher = "POST /cypher HTTP/1.1\nHost: x\nContent-Type: application/json\n"
    upload = "POST /documents HTTP/1.1\nHost: x\nContent-Type: multipart/form-data; boundary=b\n"
    q = lambda text: ("POST", "/cypher", {"json": {"query": text}})  # noqa: E731
    return [
        ("1 GET /agencies?offset=839267299", ("GET", "/agencies?offset=839267299", {})),
        (
            "1 /cypher ORDER BY .. SKIP 20000 (engine crash)",
            q("MATCH (a:Agency) RETURN a.key AS k ORDER BY k SKIP 20000 LIMIT 10"),
        ),
        ("2 COMMENT ON TABLE Agency IS 'x'", q("COMMENT ON TABLE Agency IS 'x'")),
        ("2 ANALYZE", q("ANALYZE")),
        ("2 LOAD WITH HEADERS ... FROM '/etc/passwd'", q("LOAD WITH HEADERS (l STRING) FROM '/etc/passwd' RETURN l")),
        ("2 RETURN 1 AS a; COMMENT ON TABLE Task", q("RETURN 1 AS a; COMMENT ON TABLE Task IS 'x'")),
        (
            "3 //x\\rLOAD CSV FROM http://127.0.0.1:38999",
            q("WITH 1 AS x //x\rLOAD CSV FROM 'http://127.0.0.1:38999/x.csv' AS l RETURN l"),
        ),
        ("3 CALL dbms.listConfig()", q("CALL dbms.listConfig()")),
        ("3 SHOW TRANSACTIONS", q("SHOW TRANSACTIONS")),
        ("3 TERMINATE TRANSACTIONS 'x'", q("TERMINATE TRANSACTIONS 'neo4j-transaction-1'")),
        ("4 RETURN size(repeat('x',2000000000))", q("RETURN size(repeat('x',2000000000))")),
        ("4 a 1 GiB string built with +", q(grow(13) + " RETURN size(s) AS n")),
        ("4 UNWIND range(1,1e9) ... count", q("UNWIND range(1, 1000000000) AS x RETURN count(x) AS n")),
        (
            "4 10^10 rows of UNWIND (timeout)",
            q(
                "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y WITH x, y WHERE x + y = 7 RETURN count(*) AS n"
            ),
        ),
        ("4 2,000 rows of 1 MB strings", q("UNWIND range(1, 2000) AS i " + grow(8, "i, ") + " RETURN i, s")),
        (
            "5 .docx inflating to 1.1 GB (upload)",
            ("POST", "/documents", {"files": {"file": ("bomb.docx", docx_bomb(1100 * 2**20))}, "headers": AUTH}),
        ),
        ("6 2 GB multipart declared, no token", lambda: raw_status(port, upload + "Content-Length: 2147483648\n")),
        ("6 300 MB JSON declared to /cypher", lambda: raw_status(port, cypher + "Content-Length: 314572800\n")),
        (
            "7 HTML 20,000 nested divs (upload)",
            ("POST", "/documents", {"files": {"file": ("deep20k.html", nested(20_000))}, "headers": AUTH}),
        ),
        (
            "7 HTML 100,000 nested divs (upload)",
            ("POST", "/documents", {"files": {"file": ("deep100k.html", nested(100_000))}, "headers": AUTH}),
        ),
        ("9 RETURN 1 AS a; RETURN 2 AS a", q("RETURN 1 AS a; RETURN 2 AS a")),
        (
            "9 parameters {x: [1, 'a']}",
            ("POST", "/cypher", {"json": {"query": "RETURN $x AS x", "parameters": {"x": [1, "a"]}}}),
        ),
        (
            "9 limit: Infinity",
            (
                "POST",
                "/queries/agency_search",
                {"content": b'{"limit": Infinity}', "headers": {"Content-Type": "application/json"}},
            ),
        ),
        (
            "9 a 40-digit integer",
            (
                "POST",
                "/queries/agency_search",
                {"content": b'{"limit": 1' + b"0" * 40 + b"}", "headers": {"Content-Type": "application/json"}},
            ),
        ),
        (
            "11 upload named ../../etc/x.txt",
            ("POST", "/documents", {"files": {"file": ("../../etc/x.txt", b"")}, "headers": AUTH}),
        ),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--neo4j", metavar="URI")
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = tempfile.mkdtemp()
    option = ["--neo4j", args.neo4j] if args.neo4j else ["--data-dir", f"{tmp}/data"]
    env = {**os.environ, "POLICYKG_TOKEN": TOKEN}
    env.pop("NEO4J_URI", None)
    server = subprocess.Popen([sys.executable, "-m", "policykg", "serve", "--port", str(port), *option], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx2.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.3)
        sample = Path(str(resources.files("policykg").joinpath("samples"))) / "003_22293d2eac0c7b96.txt"
        httpx2.post(f"{base}/documents", files={"file": (sample.name, sample.read_bytes())}, headers=AUTH, timeout=300)
        httpx2.post(f"{base}/cypher", json={"query": "RETURN 1 AS x"}, timeout=300)  # start the query worker
        print(f"store: {option[0]}; server RSS at start {rss_tree(server.pid) / 2**20:.0f} MB (with workers)")
        print(f"{'attack':52} {'status':>6} {'seconds':>8} {'peak MB':>8}  answer")
        with httpx2.Client(base_url=base, timeout=600) as http:
            for name, how in attacks(port):
                peak = Peak(server.pid)
                t0 = time.perf_counter()
                if callable(how):
                    status, answer = how(), ""
                else:
                    method, path, kw = how
                    res = http.request(method, path, **kw)
                    status = res.status_code
                    body = res.json()
                    answer = (
                        body["error"]["message"]
                        if "error" in body
                        else f"{len(res.content):,} bytes, truncated={body.get('truncated')}"
                    )
                seconds = time.perf_counter() - t0
                print(f"{name:52} {status:>6} {seconds:8.2f} {peak.stop() / 2**20:8.0f}  {answer[:90]}", flush=True)
            alive = http.get("/health").status_code
        print(
            f"server still answers /health: {alive}; server RSS after {rss_tree(server.pid) / 2**20:.0f} MB with workers"
        )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)


if __name__ == "__main__":
    main()
