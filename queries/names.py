"""One name resolver for the CLI, the HTTP API and Python: a name a user typed → the node's key.

An agency resolves by canonical name (its key) or any alias seen in the documents; a policy by key,
title (normalised as the ingest side keys it) or 文号 written with any brackets (〔〕 [] ［］ 【】 () （）);
a region by key or name. A name that resolves to nothing raises NameNotFound (HTTP 404, CLI exit 1)
with the closest names as "did you mean", never an empty answer. `registry.run` resolves every
template parameter declared `agency`, `policy` or `region`, so templates match keys only.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from policykg.errors import NameNotFound

__all__ = ["KINDS", "doc_number_key", "resolve"]

KINDS = ("agency", "policy", "region")
_BRACKETS = str.maketrans(dict.fromkeys("[［【(（〔", "〔") | dict.fromkeys("]］】)）〕", "〕"))

# exact lookups: (cypher returning `key`, the parameter built from the name)
_EXACT = {
    "agency": "MATCH (a:Agency) WHERE a.key = $n OR $n IN a.aliases RETURN a.key AS key ORDER BY a.key LIMIT 1",
    "policy": "MATCH (p:Policy) WHERE p.key = $n OR p.title = $n OR p.key = $k RETURN p.key AS key LIMIT 1",
    "region": "MATCH (r:Region) WHERE r.key = $n OR r.name = $n RETURN r.key AS key LIMIT 1",
}
# every name a user might mean, for 文号 matching and suggestions
_NAMES = {
    "agency": "MATCH (a:Agency) RETURN a.key AS key, a.aliases AS names",
    "policy": "MATCH (p:Policy) RETURN p.key AS key, [p.title, p.doc_number] AS names",
    "region": "MATCH (r:Region) RETURN r.key AS key, [r.name] AS names",
}
WHAT = {"agency": "agency", "policy": "policy (key, title or 文号)", "region": "region"}


def doc_number_key(text: str) -> str:
    """A 文号 with its brackets unified: 鲁政字[2023]226号, 鲁政字（2023）226号 → 鲁政字〔2023〕226号."""
    return re.sub(r"\s+", "", text).translate(_BRACKETS)


def resolve(store: Any, kind: str, name: str) -> str:
    """The key of the `kind` node that `name` names; NameNotFound (with close names) when none does."""
    name = name.strip()
    rows = store.query(_EXACT[kind], {"n": name, "k": name} if kind == "policy" else {"n": name}).rows
    if not rows and kind == "policy":
        # the key the ingest side gives a title (imported only now: policykg.ingest loads spaCy)
        from policykg.ingest.citations import policy_key

        rows = store.query(_EXACT[kind], {"n": name, "k": policy_key(name)}).rows
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
