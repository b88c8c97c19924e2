"""The HTTP API: a thin FastAPI service over the query templates and the document ingest.

`create_app(settings)` builds it; `policykg serve` runs it with uvicorn. Every read goes through a
named template of queries/ (or, for researchers, `POST /cypher`, read-only); no route holds Cypher.
"""

from .app import create_app

__all__ = ["create_app"]
