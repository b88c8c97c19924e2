"""Configuration, read once from the environment (and overridden by CLI options).

NEO4J_URI (+ NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE) selects Neo4j; otherwise the embedded store
under POLICYKG_DATA (default ./policykg-data). POLICYKG_TOKEN guards document upload and delete in
the API; POLICYKG_QUERY_TIMEOUT, POLICYKG_ROW_LIMIT, POLICYKG_MAX_RESPONSE_BYTES and
POLICYKG_QUERY_MEMORY bound ad-hoc Cypher; POLICYKG_EXTRACT_TIMEOUT and POLICYKG_EXTRACT_MEMORY bound the
extraction of one document; POLICYKG_MAX_DOCUMENT_BYTES and POLICYKG_MAX_JSON_BYTES bound request bodies.
Byte limits are given in bytes and reported in MB (2^20 bytes), the unit they are usually set in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["Settings", "human_bytes"]

MB = 1024 * 1024


def human_bytes(n: int) -> str:
    """A byte limit as it was likely set: `20 MB` for 20 * 2^20, `512 KB`, else bytes."""
    if n >= MB and n % MB == 0:
        return f"{n // MB} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n:,} bytes"


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
    max_document_bytes: int = 20 * MB
    max_json_bytes: int = 1 * MB
    max_response_bytes: int = 16 * MB
    query_memory: int = 2048 * MB  # address space of the embedded store's ad-hoc query worker
    extract_timeout: float = 120.0  # seconds for one document's extraction
    extract_memory: int = 6144 * MB  # address space of the extraction worker

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
            max_document_bytes=int(env.get("POLICYKG_MAX_DOCUMENT_BYTES") or 20 * MB),
            max_json_bytes=int(env.get("POLICYKG_MAX_JSON_BYTES") or MB),
            max_response_bytes=int(env.get("POLICYKG_MAX_RESPONSE_BYTES") or 16 * MB),
            query_memory=int(env.get("POLICYKG_QUERY_MEMORY") or 2048 * MB),
            extract_timeout=float(env.get("POLICYKG_EXTRACT_TIMEOUT") or 120.0),
            extract_memory=int(env.get("POLICYKG_EXTRACT_MEMORY") or 6144 * MB),
        )
        return replace(s, **{k: v for k, v in overrides.items() if v is not None})
