"""Configuration, read once from the environment (and overridden by CLI options).

NEO4J_URI (+ NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE) selects Neo4j; otherwise the embedded store
under POLICYKG_DATA (default ./policykg-data). POLICYKG_TOKEN guards document upload and delete in
the API; POLICYKG_QUERY_TIMEOUT and POLICYKG_ROW_LIMIT bound ad-hoc Cypher.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    neo4j_uri: str | None = None
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    data_dir: Path = Path("policykg-data")
    api_token: str | None = None
    query_timeout: float = 10.0
    row_limit: int = 1000
    max_document_bytes: int = 20 * 1024 * 1024

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        s = cls(
            neo4j_uri=env.get("NEO4J_URI") or None,
            neo4j_user=env.get("NEO4J_USER") or None,
            neo4j_password=env.get("NEO4J_PASSWORD") or None,
            neo4j_database=env.get("NEO4J_DATABASE") or None,
            data_dir=Path(env.get("POLICYKG_DATA") or "policykg-data"),
            api_token=env.get("POLICYKG_TOKEN") or None,
            query_timeout=float(env.get("POLICYKG_QUERY_TIMEOUT") or 10.0),
            row_limit=int(env.get("POLICYKG_ROW_LIMIT") or 1000),
            max_document_bytes=int(env.get("POLICYKG_MAX_DOCUMENT_BYTES") or 20 * 1024 * 1024),
        )
        return replace(s, **{k: v for k, v in overrides.items() if v is not None})
