"""The same document in every format gives the same facts; bad files get clear errors."""

from __future__ import annotations

import html
from pathlib import Path

import docx
import pytest
from policykg.ingest import extract
from policykg.ingest.load import load

from policykg.errors import DocumentError

DOC = "003_22293d2eac0c7b96.txt"


def facts(path: Path) -> tuple:
    r = extract(path)
    return (
        r.title,
        r.doc_number,
        tuple(r.issuer),
        r.date,
        r.region,
        tuple(r.basis),
        tuple((t.path, t.title) for t in r.tasks),
        tuple((a.task_path, a.agency_mention, a.agency, a.role) for a in r.assignments),
    )


@pytest.fixture(scope="module")
def original(samples: Path) -> tuple:
    return facts(samples / DOC)


def _lines(samples: Path) -> list[str]:
    return (samples / DOC).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-8-sig"])
def test_text_encodings(samples: Path, tmp_path: Path, original: tuple, encoding: str) -> None:
    p = tmp_path / f"doc-{encoding}.txt"
    p.write_text("\n".join(_lines(samples)), encoding=encoding)
    assert facts(p) == original


def test_docx(samples: Path, tmp_path: Path, original: tuple) -> None:
    d = docx.Document()
    for line in _lines(samples):
        d.add_paragraph(line)
    p = tmp_path / "doc.docx"
    d.save(p)
    assert load(p).format == "docx"
    assert facts(p) == original


def test_html_page(samples: Path, tmp_path: Path, original: tuple) -> None:
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in _lines(samples) if line.strip())
    page = f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body><div id='UCAP-CONTENT'>{body}</div></body></html>"
    p = tmp_path / "doc.html"
    p.write_text(page, encoding="utf-8")
    assert load(p).format == "html"
    assert facts(p) == original


def test_docx_table(samples: Path, tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("某市重点任务分工表")
    t = d.add_table(rows=3, cols=3)
    for i, row in enumerate(
        [
            ("重点任务", "牵头单位", "配合单位"),
            ("1.加强知识产权保护。", "市市场监管局", "市公安局、市法院"),
            ("2.推进专利转化。", "市科技局", "市财政局"),
        ]
    ):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    p = tmp_path / "table.docx"
    d.save(p)
    r = extract(p)
    assert [(a.task_path, a.agency_mention, a.role) for a in r.assignments] == [
        ("1", "市市场监管局", "牵头"),
        ("1", "市公安局", "参加"),
        ("1", "市法院", "参加"),
        ("2", "市科技局", "牵头"),
        ("2", "市财政局", "参加"),
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02\x03binary\x00\x00\xff\xfe\x00", "neither text"),
        (b"PK\x03\x04not a real zip", "cannot read"),
        (b"just some english text without chinese", "no Chinese text"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path: Path, content: bytes, problem: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(DocumentError) as e:
        extract(p)
    assert str(p) in str(e.value) and problem in str(e.value)


def test_oversized_file_is_refused_not_read(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes("政策".encode() * 100)
    with pytest.raises(DocumentError, match="over the"):
        extract(p, max_bytes=100)
