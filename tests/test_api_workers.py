"""`policykg serve --workers N` and the response cache, through real HTTP on loopback.

On the embedded store several workers open it read-only: they answer reads, refuse uploads with 409
(naming `policykg ingest`), and see what `policykg ingest` commits beside them on their next request.
On Neo4j every worker writes: an upload through one is seen by all, whatever each had cached.
One server caches GET answers by graph version: an upload is seen at once, an unchanged graph is
answered from the cache.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from conftest import _fresh_neo4j
from test_api_server import TOKEN, running_server


def stored(http: httpx2.Client) -> set[str]:
    res = http.get("/documents", params={"limit": 100})
    assert res.status_code == 200, res.text
    return {d["source"] for d in res.json()["items"]}


def test_read_only_workers_see_what_ingest_writes_beside_them(tmp_path: Path, samples: Path) -> None:
    data = tmp_path / "data"
    files = sorted(samples.iterdir())
    ingest = [sys.executable, "-m", "policykg", "ingest", "--data-dir", str(data), "--quiet"]
    subprocess.run([*ingest, *map(str, files[:3])], check=True, capture_output=True)
    with running_server(["--data-dir", str(data), "--workers", "2"]) as base, httpx2.Client(base_url=base) as http:
        # several requests on new connections, so both workers answer
        for _ in range(6):
            assert httpx2.get(f"{base}/documents").json()["total"] == 3
        refused = http.post(
            "/documents",
            files={"file": (files[3].name, files[3].read_bytes())},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert refused.status_code == 409 and "policykg ingest" in refused.json()["error"]["message"]
        # nobody holds the store for writing: the CLI writes beside the workers
        done = subprocess.run([*ingest, str(files[3])], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        for _ in range(6):
            with httpx2.Client(base_url=base) as fresh:
                assert stored(fresh) == {f.name for f in files[:4]}
        agencies = http.get("/agencies", params={"limit": 5}).json()
        assert agencies["items"] and agencies["total"] >= 5


def test_neo4j_workers_all_see_an_upload_through_any_of_them(request: pytest.FixtureRequest, samples: Path) -> None:
    uri = request.getfixturevalue("neo4j_uri")
    _fresh_neo4j(uri).close()
    files = sorted(samples.iterdir())
    with running_server(["--neo4j", uri, "--workers", "2"]) as base:
        for f in files[:2]:
            with httpx2.Client(base_url=base, timeout=120) as http:
                up = http.post(
                    "/documents", files={"file": (f.name, f.read_bytes())}, headers={"Authorization": f"Bearer {TOKEN}"}
                )
                assert up.status_code == 201, up.text
        # new connections land on both workers; each caches the listing at this version
        answers = []
        for _ in range(8):
            with httpx2.Client(base_url=base, timeout=120) as fresh:
                answers.append(stored(fresh))
        assert all(a == {f.name for f in files[:2]} for a in answers), answers
        with httpx2.Client(base_url=base, timeout=120) as http:
            up = http.post(
                "/documents",
                files={"file": (files[2].name, files[2].read_bytes())},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            assert up.status_code == 201, up.text
        for _ in range(8):  # no worker answers from what it cached before the upload
            with httpx2.Client(base_url=base, timeout=120) as fresh:
                assert stored(fresh) == {f.name for f in files[:3]}


def test_cached_answers_follow_the_graph_version(tmp_path: Path, samples: Path) -> None:
    data = tmp_path / "data"
    files = sorted(samples.iterdir())
    ingest = [sys.executable, "-m", "policykg", "ingest", "--data-dir", str(data), "--quiet"]
    subprocess.run([*ingest, *map(str, files[:2])], check=True, capture_output=True)
    with running_server(["--data-dir", str(data)]) as base, httpx2.Client(base_url=base, timeout=120) as http:
        first = http.get("/documents")
        again = http.get("/documents")
        assert first.headers["x-policykg-cache"] == "miss" and again.headers["x-policykg-cache"] == "hit"
        assert again.json() == first.json() and first.json()["total"] == 2
        uploaded = http.post(
            "/documents",
            files={"file": (files[2].name, files[2].read_bytes())},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert uploaded.status_code == 201, uploaded.text
        after = http.get("/documents")  # the write changed the version: the old answer is not served
        assert after.headers["x-policykg-cache"] == "miss" and after.json()["total"] == 3
        assert http.get("/documents").headers["x-policykg-cache"] == "hit"
        # answers that are not 200, and requests with credentials, are never kept
        missing = http.get("/agencies/no-such-agency")
        assert missing.status_code == 404 and http.get("/agencies/no-such-agency").status_code == 404
        assert "x-policykg-cache" not in http.get("/documents", headers={"Authorization": "Bearer x"}).headers
        health = http.get("/health").json()
        assert health["counts"]["Policy"] >= 3 and "x-policykg-cache" not in http.get("/health").headers
