"""Documents → DocumentRecords: load, clean, run the spaCy pipeline, assemble the record.

    >>> from policykg.ingest import extract
    >>> rec = extract("samples/000_ccc32b89488884bc.txt")        # doctest: +SKIP
    >>> rec.assignments[0].agency, rec.assignments[0].role       # doctest: +SKIP

`build_nlp()` is the pipeline: `spacy.blank("zh")` with the character tokenizer and the four
registered components; `extract_many` walks folders and reports a bad file without stopping.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language

from policykg.errors import DocumentError

from . import components as _components  # noqa: F401  (registers the factories)
from .clean import clean
from .components import CharTokenizer, record_fields
from .load import MAX_BYTES, LoadedDocument, load, load_bytes
from .types import DocumentRecord

__all__ = ["SUFFIXES", "build_nlp", "extract", "extract_loaded", "extract_many", "iter_documents"]

# spaCy keeps about 200 bytes per token and a token is a character here: 8 million characters (a 16 MB
# GB18030 file, or 24 MB of UTF-8, beyond the byte limit anyway) peak near 1.7 GB. Longer text is refused.
MAX_CHARS = 8_000_000

# web pages come as .html and as what their servers render them from (.shtml, .jsp, .asp, .php)
SUFFIXES = {
    ".txt",
    ".html",
    ".htm",
    ".shtml",
    ".xhtml",
    ".jsp",
    ".asp",
    ".aspx",
    ".php",
    ".docx",
    ".pdf",
    ".text",
    ".md",
    ".markdown",
}
COMPONENTS = ("policykg_structure", "policykg_responsibility", "policykg_citations", "policykg_places")


@cache
def build_nlp() -> Language:
    """A blank Chinese pipeline with policy-kg's tokenizer and components (cached per process)."""
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    nlp.max_length = sys.maxsize  # no parser or NER here: the bound is memory, `max_chars` in extract_loaded
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def extract_loaded(loaded: LoadedDocument, keep_text: bool = False, max_chars: int = MAX_CHARS) -> DocumentRecord:
    cleaned = clean(loaded.text)
    if len(cleaned.text) > max_chars:
        raise DocumentError(
            loaded.path or loaded.name,
            f"{len(cleaned.text):,} characters of text is over the {max_chars:,} limit for one document (split it)",
        )
    nlp = build_nlp()
    doc = nlp.make_doc(cleaned.text)
    doc._.policykg_meta = loaded.meta
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    fields = record_fields(doc)
    return DocumentRecord(
        doc=loaded.name,
        format=loaded.format,
        content_hash=hashlib.sha256(loaded.raw_bytes).hexdigest(),
        clean_text=cleaned.text if keep_text else None,
        **fields,
    )


def extract(
    path: str | Path, keep_text: bool = False, max_bytes: int = MAX_BYTES, max_chars: int = MAX_CHARS
) -> DocumentRecord:
    """Extract one document; raises DocumentError (naming the file) when it cannot be read."""
    loaded = load(path, max_bytes)
    try:
        return extract_loaded(loaded, keep_text, max_chars)
    except DocumentError:
        raise
    except Exception as e:  # a bug on one document must not stop a batch; report it with the file
        raise DocumentError(path, f"extraction failed: {type(e).__name__}: {e}") from e


def extract_bytes(data: bytes, name: str, keep_text: bool = False) -> DocumentRecord:
    loaded = load_bytes(data, name)
    return extract_loaded(loaded, keep_text)


def iter_documents(paths: list[str | Path]) -> Iterator[Path]:
    """Files named, and the documents inside folders named (recursively, sorted)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            yield p


def extract_many(
    paths: list[str | Path], keep_text: bool = False
) -> Iterator[tuple[Path, DocumentRecord | DocumentError]]:
    for p in iter_documents(paths):
        try:
            yield p, extract(p, keep_text)
        except DocumentError as e:
            yield p, e
