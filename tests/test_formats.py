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


# A 分工表 (task | lead | participants) as .docx and .pdf tables: the facts both must give.
TABLE_ASSIGNMENTS = [
    ("1", "市市场监管局", "牵头"),
    ("1", "市公安局", "参加"),
    ("1", "市法院", "参加"),
    ("2", "市科技局", "牵头"),
    ("2", "市财政局", "参加"),
]


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
    assert [(a.task_path, a.agency_mention, a.role) for a in r.assignments] == TABLE_ASSIGNMENTS


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


def test_text_over_spacys_default_length_is_read(samples: Path, tmp_path: Path) -> None:
    text = (samples / DOC).read_text(encoding="utf-8")
    p = tmp_path / "long.txt"
    p.write_text(text * (1_100_000 // len(text) + 1), encoding="utf-8")  # over spaCy's 1,000,000 default
    assert len(extract(p).tasks) > 0


def test_too_many_characters_are_refused_with_the_count(samples: Path, tmp_path: Path) -> None:
    p = tmp_path / "long.txt"
    p.write_text((samples / DOC).read_text(encoding="utf-8") * 3, encoding="utf-8")
    with pytest.raises(DocumentError, match=r"characters of text is over the 10,000 limit") as e:
        extract(p, max_chars=10_000)
    assert str(p) in str(e.value)


def _pdf_canvas(path: Path):  # type: ignore[no-untyped-def]
    """A reportlab canvas with a Chinese font (Adobe's STSong-Light CID font: no font file needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path), pagesize=A4), A4


def test_pdf_with_broken_lines_and_page_numbers(samples: Path, tmp_path: Path, original: tuple) -> None:
    """Laid out as a PDF is: 36 characters a line whatever the sentence, a page number under each page."""
    p = tmp_path / "doc.pdf"
    c, (width, height) = _pdf_canvas(p)
    y, page = height - 60, 1
    for line in _lines(samples):
        for chunk in [line[i : i + 36] for i in range(0, len(line), 36)] or [""]:
            if y < 60:
                c.setFont("STSong-Light", 10)
                c.drawCentredString(width / 2, 30, f"- {page} -")
                c.showPage()
                y, page = height - 60, page + 1
            c.setFont("STSong-Light", 14)
            c.drawString(50, y, chunk)
            y -= 22
    c.save()
    assert page > 3 and load(p).format == "pdf"
    assert facts(p) == original


def test_pdf_table(tmp_path: Path) -> None:
    from reportlab.platypus import Table, TableStyle

    p = tmp_path / "table.pdf"
    c, (width, height) = _pdf_canvas(p)
    c.setFont("STSong-Light", 16)
    c.drawString(60, height - 60, "某市知识产权工作重点任务分工表")
    table = Table(
        [
            ["序号", "重点任务", "牵头单位", "配合单位"],
            ["1", "加强知识产权保护。", "市市场监管局", "市公安局、市法院"],
            ["2", "推进专利转化运用。", "市科技局", "市财政局"],
        ],
        colWidths=[40, 180, 110, 140],
    )
    table.setStyle(
        TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 11), ("GRID", (0, 0), (-1, -1), 0.5, "black")])
    )
    table.wrapOn(c, width, height)
    table.drawOn(c, 60, height - 160)
    c.save()
    r = extract(p)
    assert [(a.task_path, a.agency_mention, a.role) for a in r.assignments] == TABLE_ASSIGNMENTS


def test_clean_text_maps_back_to_the_source() -> None:
    from policykg.ingest.clean import clean

    source = "<p>一、重点任务</p>\n（一）加强知识产权保护，完善\n执法机制。（省市场监管局牵头）\n"
    cleaned = clean(source)
    assert "完善执法机制" in cleaned.text and "<p>" not in cleaned.text
    for i, ch in enumerate(cleaned.text):
        if not ch.isspace():
            assert source[cleaned.offsets[i]] == ch
    start = cleaned.text.index("省市场监管局")
    a, b = cleaned.source_span(start, start + 6)
    assert source[a:b] == "省市场监管局"
    assert cleaned.source_span(len(cleaned.text), len(cleaned.text))[0] <= len(source)
