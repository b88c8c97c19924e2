"""Documents → facts: loading (load.py, html.py), cleaning (clean.py), structure (structure.py,
tables.py), facts (clauses.py, agencies.py, citations.py, places.py), as spaCy components
(components.py) run by pipeline.py into DocumentRecords (types.py)."""

from .pipeline import build_nlp, extract, extract_many
from .types import DocumentRecord

__all__ = ["DocumentRecord", "build_nlp", "extract", "extract_many"]
