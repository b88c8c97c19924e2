"""Upload and delete over HTTP on both stores: the token guard, idempotence, bad files, replace, remove."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from policykg.api import create_app
from policykg.graph import GraphStore

from policykg.settings import Settings

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DOC = "003_22293d2eac0c7b96.txt"


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(api_token=TOKEN, max_document_bytes=200_000), store=store)) as c:
        yield c


def upload(client: TestClient, name: str, data: bytes, headers: dict[str, str] | None = AUTH):  # type: ignore[no-untyped-def]
    return client.post("/documents", files={"file": (name, data)}, headers=headers)


def test_writes_are_off_without_a_configured_token(store: GraphStore, samples: Path) -> None:
    with TestClient(create_app(Settings(api_token=None), store=store)) as c:
        res = upload(c, DOC, (samples / DOC).read_bytes())
        assert res.status_code == 403 and "POLICYKG_TOKEN" in res.json()["error"]["message"]
        assert c.delete(f"/documents/{DOC}", headers=AUTH).status_code == 403
    assert store.counts()["Policy"] == 0


def test_upload_needs_the_right_token(client: TestClient, store: GraphStore, samples: Path) -> None:
    data = (samples / DOC).read_bytes()
    assert upload(client, DOC, data, headers=None).status_code == 401
    wrong = upload(client, DOC, data, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert store.counts()["Policy"] == 0


def test_upload_list_reupload_delete(client: TestClient, store: GraphStore, samples: Path) -> None:
    data = (samples / DOC).read_bytes()
    first = upload(client, DOC, data)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "new" and first.json()["relationships"] > 0
    counts = store.counts()
    again = upload(client, DOC, data)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert store.counts() == counts
    docs = client.get("/documents").json()["items"]
    assert [d["source"] for d in docs] == [DOC] and docs[0]["tasks"] == 22
    tasks = client.get("/agencies/区市场监管局/tasks", params={"limit": 1000}).json()["items"]
    assert len(tasks) == 15 and {t["role"] for t in tasks} == {"牵头"}
    # an edited version of the same file replaces its facts: its last measure dropped, one task fewer
    text = data.decode("utf-8")
    last = text[text.index("（四）营造浓厚氛围") :].split("\n")[0]
    edited = text.replace(last, "").encode("utf-8")
    assert upload(client, DOC, edited).json()["status"] == "updated"
    assert client.get("/documents").json()["items"][0]["tasks"] == 21
    gone = client.delete(f"/documents/{DOC}", headers=AUTH)
    assert gone.status_code == 200 and gone.json()["removed"] == docs[0]["key"]
    assert all(v == 0 for k, v in store.counts().items() if k not in ("Agency", "Region", "隶属"))
    assert client.get("/documents").json()["items"] == []
    assert client.delete(f"/documents/{DOC}", headers=AUTH).status_code == 404


def test_bad_files_are_refused_by_name_and_change_nothing(client: TestClient, store: GraphStore, samples: Path) -> None:
    assert upload(client, DOC, (samples / DOC).read_bytes()).status_code == 201
    before = store.counts()
    broken = upload(client, "broken.pdf", b"%PDF-1.4 truncated")
    assert broken.status_code == 422 and "broken.pdf" in broken.json()["error"]["message"]
    too_big = upload(client, "big.txt", "一".encode() * 100_000)
    assert too_big.status_code == 413 and "big.txt" in too_big.json()["error"]["message"]
    assert store.counts() == before
