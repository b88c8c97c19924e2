"""Documents in: .txt (any Chinese encoding), .html, .docx, .pdf → text plus page metadata.

The format is detected from the content (magic bytes, markup), the extension only breaks ties.
Tables come out as one line per row with cells joined by tabs, the same shape the web and PDF
extracts of 分工表 already have, so one table parser serves every format. gov.cn-style pages carry a
metadata table (发文机关, 成文日期, 标题, 发文字号) that is returned as `meta`.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from policykg.errors import DocumentError

from .markdown import looks_markdown, markdown_text

__all__ = ["MAX_BYTES", "MAX_UNZIPPED_BYTES", "LoadedDocument", "check_zip", "decode_text", "detect_format", "load"]

MAX_BYTES = 20 * 1024 * 1024  # a policy document is far smaller; a larger file is refused, not read
# A .docx is a zip: what its parts inflate to is bounded too (declared sizes first, then the bytes
# actually inflated, since a header can lie), so a small file cannot unpack into gigabytes of XML.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000


@dataclass
class LoadedDocument:
    path: str
    name: str
    format: str  # txt / html / docx / pdf
    text: str
    raw_bytes: bytes
    encoding: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


WEB_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php")
CJK = re.compile(r"[\u4e00-\u9fff]")


def detect_format(data: bytes, name: str = "") -> str:
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
        raise ValueError("a zip archive that is not a .docx document")
    if head.startswith((b"\xd0\xcf\x11\xe0",)):
        raise ValueError("a legacy .doc (OLE) file: save it as .docx")
    # Tags are ASCII in every encoding but UTF-16, so a lossy decode of the first 8 KB is enough here
    # (a strict one fails on a multi-byte character cut at the sample's end).
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        sample = data[:8192].decode("utf-16", errors="ignore").lower()
    else:
        sample = data[:8192].decode("latin-1").lower()
    page = re.search(r"<!doctype html|<html[\s>]|<body[\s>]|<head[\s>]", sample)
    # Web extracts of PDFs carry a few stray <p> tags; only a page has its structure tags (or the name says so).
    if page or (name.lower().endswith(WEB_SUFFIXES) and re.search(r"<(?:p|div)[\s>]", sample)):
        return "html"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not _looks_utf16(head):
        raise ValueError("binary content that is neither text, HTML, .docx nor PDF")
    return "txt"


def _looks_utf16(head: bytes) -> bool:
    # UTF-16 without BOM: every other byte is zero for ASCII, and CJK decodes to CJK.
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            s = head[: len(head) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            continue
        if s and sum(1 for c in s if "\u4e00" <= c <= "\u9fff" or c.isascii()) / len(s) > 0.9:
            return True
    return False


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode Chinese text: BOMs first, then strict UTF-8, GB18030 (a superset of GBK/GB2312), Big5."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc), enc
    if b"\x00" in data[:2048] and _looks_utf16(data[:2048]):
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                s = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if sum(1 for c in s[:500] if "\u4e00" <= c <= "\u9fff" or c.isascii()) > 0.9 * len(s[:500]):
                return s, enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        # A truncated final character is common in cut-off web extracts: accept UTF-8 if only the end fails.
        if e.start >= len(data) - 3:
            return data[: e.start].decode("utf-8"), "utf-8"
    for enc in ("gb18030", "big5"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ValueError("the text encoding could not be recognised")
    return str(best), best.encoding


def load(path: str | Path, max_bytes: int = MAX_BYTES) -> LoadedDocument:
    """Read one document; raises DocumentError naming the file and the problem."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise DocumentError(p, f"cannot read: {e.strerror or e}") from e
    if size > max_bytes:
        raise DocumentError(
            p,
            f"{size / 2**20:.1f} MB is over the {max_bytes / 2**20:g} MB limit for one document (refused, not read)",
        )
    if size == 0:
        raise DocumentError(p, "empty file")
    data = p.read_bytes()
    return load_bytes(data, p.name, str(p))


def load_bytes(data: bytes, name: str, path: str | None = None) -> LoadedDocument:
    """Read a document from bytes (the API's upload)."""
    where = path or name
    try:
        fmt = detect_format(data, name)
        meta: dict[str, str] = {}
        encoding = None
        if fmt == "pdf":
            text = _pdf_text(data)
        elif fmt == "docx":
            check_zip(data, where)
            text = _docx_text(data)
        else:
            raw, encoding = decode_text(data)
            if fmt == "html":
                from .html import html_text

                text, meta = html_text(raw)
            elif looks_markdown(raw, name):
                text, meta = markdown_text(raw)
            else:
                text = raw
    except DocumentError:
        raise
    except Exception as e:  # every library's own error becomes one message about this file
        raise DocumentError(where, f"cannot read as a document: {e}") from e
    if not text.strip() or (len(CJK.findall(text, 0, 20_000)) < 10 and len(CJK.findall(text)) < 10):
        raise DocumentError(where, f"no Chinese text found in this {fmt} file (a scanned PDF needs OCR first)")
    return LoadedDocument(path=where, name=name, format=fmt, text=text, raw_bytes=data, encoding=encoding, meta=meta)


def check_zip(data: bytes, where: str, limit: int = MAX_UNZIPPED_BYTES) -> None:
    """Refuse a zip whose members inflate past `limit` bytes in total, reading no further than that."""
    mb = f"{limit // (1024 * 1024)} MB"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = z.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise DocumentError(where, f"{len(members):,} parts in the archive, over the {MAX_ZIP_MEMBERS:,} limit")
        declared = sum(m.file_size for m in members)
        if declared > limit:
            raise DocumentError(where, f"its parts declare {declared / 2**20:,.0f} MB unpacked, over the {mb} limit")
        total = 0
        for m in members:
            with z.open(m) as f:
                while chunk := f.read(1 << 20):
                    total += len(chunk)
                    if total > limit:
                        raise DocumentError(where, f"its parts unpack to more than the {mb} limit (stopped reading)")


def _docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(io.BytesIO(data))
    lines = []
    for block in d.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, d).text)
        elif tag == "tbl":
            for row in Table(block, d).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats across the columns it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
                lines.append("\t".join(cells))
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    import pdfplumber

    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tables = page.find_tables()
            if not tables:
                pages.append(page.extract_text() or "")
                continue
            # Text outside the tables as lines, each table as tab-separated rows, in reading order.
            parts: list[tuple[float, str]] = []
            outside = page
            for t in tables:
                outside = outside.outside_bbox(t.bbox)
                rows = ["\t".join(" ".join((c or "").split()) for c in row) for row in t.extract()]
                parts.append((t.bbox[1], "\n".join(rows)))
            for line in outside.extract_text_lines() or []:
                parts.append((line["top"], line["text"]))
            pages.append("\n".join(text for _, text in sorted(parts, key=lambda x: x[0])))
    return "\n".join(pages)
