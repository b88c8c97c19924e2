"""The README's examples, run as written: the curl lines against a real `policykg serve`, the notebook
session on the store `policykg demo` makes, and the concrete lines of the CLI usage block."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx2
import pytest
from click.testing import CliRunner
from test_api_server import TOKEN, running_server

from policykg.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def blocks(lang: str = "") -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", README, re.S | re.M)


def curl_lines() -> list[str]:
    (block,) = [b for b in blocks() if b.startswith("curl ")]
    return [line for line in block.splitlines() if line.strip()]


def curl(line: str, base: str, cwd: Path) -> httpx2.Response:
    """What curl sends for the options the README uses (-s -G -X -H -d --data-urlencode -F)."""
    args = shlex.split(os.path.expandvars(line))[1:]
    method, headers, body, query, files, url = None, {}, None, [], {}, ""
    it = iter(args)
    for a in it:
        if a in ("-s", "-G"):
            continue
        if a == "-X":
            method = next(it)
        elif a == "-H":
            k, _, v = next(it).partition(":")
            headers[k.strip()] = v.strip()
        elif a == "-d":
            body = next(it).encode()
        elif a == "--data-urlencode":
            k, _, v = next(it).partition("=")
            query.append(f"{k}={quote(v, safe='')}")
        elif a == "-F":
            k, _, v = next(it).partition("=@")
            files[k] = (v, (cwd / v).read_bytes())
        else:
            url = a
    assert url.startswith("localhost:8000/") or url.startswith("'localhost:8000/"), url
    url = base + url.removeprefix("localhost:8000") + ("?" + "&".join(query) if query else "")
    if "-G" in args:
        method = "GET"
    method = method or ("POST" if body or files else "GET")
    return httpx2.request(method, url, headers=headers, content=body, files=files or None, timeout=60)


def make_docx(text: str, path: Path) -> None:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    d.save(str(path))


def test_readme_curl_examples_work_as_written(tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    others = [str(samples / f) for f in sorted(os.listdir(samples)) if not f.startswith("003")]
    assert CliRunner().invoke(cli, ["ingest", *others, "--data-dir", str(data), "--quiet"]).exit_code == 0
    make_docx((samples / "003_22293d2eac0c7b96.txt").read_text(encoding="utf-8"), tmp_path / "plan.docx")
    monkeypatch.setenv("POLICYKG_TOKEN", TOKEN)
    lines = curl_lines()
    assert len(lines) == 4
    with running_server(["--data-dir", str(data)]) as base:
        leads, search, overlap, upload = (curl(line, base, tmp_path) for line in lines)
        assert leads.status_code == 200, leads.text
        items = leads.json()["items"]
        assert len(items) == leads.json()["total"] == 24 and {t["role"] for t in items} == {"牵头"}
        assert search.status_code == 200, search.text
        assert search.json()["total"] == len(search.json()["items"]) > 0  # the query string arrived decoded
        assert overlap.status_code == 200 and overlap.json()["truncated"] is True and len(overlap.json()["rows"]) == 50
        assert upload.status_code == 201 and upload.json()["status"] == "new", upload.text
        # the first line with raw UTF-8, as the README used to have it: a JSON 400 that says what to do
        raw = "GET /agencies/省知识产权局/tasks?role=牵头 HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        host, port = urlsplit(base).hostname, urlsplit(base).port
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(raw)
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
        assert "percent-encode" in json.loads(body)["error"]["message"]


def test_readme_notebook_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICYKG_DATA", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert CliRunner().invoke(cli, ["demo"]).exit_code == 0
    (session,) = [b for b in blocks("python") if "leads" in b]  # the notebook session (the other: the overlap API)
    ns: dict = {}
    exec(compile(session, "README.md", "exec"), ns)
    assert isinstance(ns["leads"].df, pd.DataFrame) and len(ns["leads"].df) == 10
    assert ns["overlap"].truncated and ns["overlap"].total == 54
    html = ns["picture"].to_html()
    assert "<table" in html and "山东省知识产权局" in html and "background-color" in html
    assert list(ns["tasks"].columns) == ["path", "title"] and len(ns["tasks"]) == 5


def test_readme_cli_usage_lines_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICYKG_DATA", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert CliRunner().invoke(cli, ["demo"]).exit_code == 0
    (usage,) = [b for b in blocks() if b.startswith("policykg extract")]
    ran = []
    for line in usage.splitlines():
        command = re.sub(r"\s*\[[^\]]*\]|\s*#.*", "", line).split()
        if any(re.fullmatch(r"[A-Z][A-Z|.]*", w) for w in command) or command[1] == "serve":
            continue  # a line with placeholders (DOCS, DIR, ...), or the server
        res = CliRunner().invoke(cli, command[1:])
        assert res.exit_code == 0 and res.stdout.strip(), (line, res.output)
        ran.append(command[1])
    assert ran == ["queries", "query"]
