"""One name resolver for the CLI, the HTTP API and Python: a name a user typed → the node's key.

An agency resolves by canonical name (its key) or any alias seen in the documents; a policy by key,
title (normalised as the ingest side keys it) or 文号 written with any brackets (〔〕 [] ［］ 【】 () （）);
a region by key or name; a stored document (an ingested policy) by key, title or file name. A name that resolves to nothing raises NameNotFound (HTTP 404, CLI exit 1)
with the closest names as "did you mean", never an empty answer. `registry.run` resolves every
template parameter declared `agency`, `policy` or `region`, so templates match keys only.

Every lookup starts from the node's key (a primary key on ladybug, a uniqueness constraint on Neo4j);
only a name that is not a key is looked up among aliases, titles and names. What a name resolved to is
kept per store and graph version (`GraphStore.version()`), so a name asked again before the next write
costs no query at all.
"""

from __future__ import annotations

import difflib
import re
import threading
import weakref
from typing import Any

from policykg.errors import NameNotFound

__all__ = ["KINDS", "doc_number_key", "resolve", "version_of"]

KINDS = ("agency", "policy", "region", "document")
_BRACKETS = str.maketrans(dict.fromkeys("[［【(（〔", "〔") | dict.fromkeys("]］】)）〕", "〕"))

# the name as a key: one primary-key (ladybug) or constraint (Neo4j) lookup
_KEY = {
    "agency": "MATCH (a:Agency {key: $n}) RETURN a.key AS key",
    "policy": "MATCH (p:Policy {key: $n}) RETURN p.key AS key",
    "region": "MATCH (r:Region {key: $n}) RETURN r.key AS key",
    "document": "MATCH (p:Policy {key: $n}) WHERE p.ingested = true RETURN p.key AS key",
}
# the name as something else (an alias, a title, a region's name): Agency and Region are small tables;
# Policy.title has an index on Neo4j
_OTHER = {
    "agency": "MATCH (a:Agency) WHERE $n IN a.aliases RETURN a.key AS key ORDER BY key LIMIT 1",
    "policy": "MATCH (p:Policy) WHERE p.title = $n RETURN p.key AS key ORDER BY key LIMIT 1",
    "region": "MATCH (r:Region) WHERE r.name = $n RETURN r.key AS key ORDER BY key LIMIT 1",
    "document": "MATCH (p:Policy) WHERE p.ingested = true AND (p.source = $n OR p.title = $n) "
    "RETURN p.key AS key ORDER BY key LIMIT 1",
}
# every name a user might mean, for 文号 matching and suggestions
_NAMES = {
    "agency": "MATCH (a:Agency) RETURN a.key AS key, a.aliases AS names",
    "policy": "MATCH (p:Policy) RETURN p.key AS key, [p.title, p.doc_number] AS names",
    "region": "MATCH (r:Region) RETURN r.key AS key, [r.name] AS names",
    "document": "MATCH (p:Policy) WHERE p.ingested = true RETURN p.key AS key, [p.title, p.source] AS names",
}
WHAT = {
    "agency": "agency",
    "policy": "policy (key, title or 文号)",
    "region": "region",
    "document": "stored document (policy key, title or file name)",
}


def doc_number_key(text: str) -> str:
    """A 文号 with its brackets unified: 鲁政字[2023]226号, 鲁政字（2023）226号 → 鲁政字〔2023〕226号."""
    return re.sub(r"\s+", "", text).translate(_BRACKETS)


MAX_CACHED = 100_000  # names kept per store; past it the cache starts again
_cache: weakref.WeakKeyDictionary[Any, tuple[int, dict[tuple[str, str], str]]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def version_of(store: Any) -> int | None:
    """The store's graph version (changes with every committed write), None for a store without one."""
    version = getattr(store, "version", None)
    return version() if callable(version) else None


def resolve(store: Any, kind: str, name: str, version: int | None = None) -> str:
    """The key of the `kind` node that `name` names; NameNotFound (with close names) when none does.
    `version`: the store's graph version when the caller has just read it (else it is read here)."""
    name = name.strip()
    if version is None:
        version = version_of(store)
    if version is None:
        return _resolve(store, kind, name)
    with _cache_lock:
        seen, known = _cache.get(store, (None, {}))
        if seen != version or len(known) >= MAX_CACHED:
            known = {}
            _cache[store] = (version, known)
        key = known.get((kind, name))
    if key is None:
        key = _resolve(store, kind, name)
        with _cache_lock:
            known[(kind, name)] = key
    return key


def _resolve(store: Any, kind: str, name: str) -> str:
    for cypher in (_KEY[kind], _OTHER[kind]):
        rows = store.query(cypher, {"n": name}).rows
        if rows:
            return rows[0][0]
    if kind in ("policy", "document"):
        # the key the ingest side gives a title (imported only now: policykg.ingest loads spaCy)
        from policykg.ingest.citations import policy_key

        rows = store.query(_KEY[kind], {"n": policy_key(name)}).rows
        if rows:
            return rows[0][0]
    known = store.query(_NAMES[kind]).rows
    if kind == "policy" and re.search(r"\d", name):
        wanted = doc_number_key(name)
        for key, (_title, number) in known:
            if number and doc_number_key(number) == wanted:
                return key
    candidates: dict[str, str] = {}  # a name → the key it names
    for key, names in known:
        for n in [key, *(x for x in names or [] if x)]:
            candidates.setdefault(n, key)
    close = difflib.get_close_matches(name, list(candidates), n=5, cutoff=0.5)
    close += [c for c in candidates if name in c and c not in close][: 5 - len(close)]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise NameNotFound(f"no {WHAT[kind]} {name!r} in the graph{hint}")
