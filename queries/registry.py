"""The Cypher template library: one .cypher file per question, read with its header.

A header is the file's leading `//` comment lines:

    // name: agency_tasks
    // title: 机构的任务
    // description: An agency's tasks by role across all documents (canonical name or any alias).
    // param agency: agency = 山东省知识产权局   (required unless a default follows `?=`)
    // param limit: int ?= 100
    // returns: agency, role, task_path, task_title, policy

Parameter types: string, int, float, bool, list; `role` (牵头, 参加 or 负责); `agency`, `policy`,
`region`, `document`: a name resolved to the node's key by queries/names.py (unknown names are errors). The
body is portable Cypher (Neo4j 5 and ladybug); values only as `$params`. `run(store, name, params)`
validates, converts and resolves the parameters against the header, then runs the body read-only;
a template with a `limit` is asked for one row more, so `truncated` says when more rows exist.
The CLI, the API and the notebook API all go through here; none of them holds Cypher of its own.

A body may hold cases, each opened by a `// when: p, q` line (taken when the parameters p and q are
not empty once resolved) or `// otherwise` (the last case, taken when no earlier one is). A question
whose best plan depends on its filters (overlap_matrix for one policy starts from that policy's tasks;
with no filter it reads the derived `共担` counts) stays one template with one header and one answer
shape, and each case is plain Cypher that both engines plan from a key. A condition `engine=neo4j` (or
`engine=embedded`) takes a case on that engine only: for the few questions whose fast form on one engine
is slow on the other (a whole-graph page that Neo4j streams in index order, ladybug by a hash join).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from policykg.graph.model import ROLE_TYPES

from policykg.errors import TemplateNotFound, TemplateParamError

from .names import KINDS, resolve

__all__ = ["BOUNDS", "MAX_LIMIT", "MAX_OFFSET", "Param", "Template", "get", "prepared", "run", "templates"]

# `// key task: policy, path`: a parameter the body gets, built from given ones as graph/build.py builds
# Task keys (policy key + '#' + path). ladybug finds a node by primary key only from a bare parameter;
# `{key: $policy + '#' + $path}` makes it join the whole Task table.
KEY = re.compile(r"^key\s+(\w+)\s*:\s*(\w+)\s*,\s*(\w+)\s*$")
PARAM = re.compile(
    r"^param\s+(\w+)\s*:\s*(string|int|float|bool|list|role|agency|policy|region|document)\s*(\?=|=)?\s*(.*)$"
)
TYPES = {"string": str, "int": int, "float": float, "bool": bool, "list": list}
COUNT_ALL = 10**12  # the limit a template runs with to count all its rows

# The one place every edge (API, CLI, Python) bounds paging. ladybug 0.22 crashes the process (SIGSEGV) on
# ORDER BY with SKIP + LIMIT above about 11,300, whatever the row count: the engine never sees more.
MAX_LIMIT = 5000
MAX_OFFSET = 5000
BOUNDS = {"limit": (0, MAX_LIMIT), "offset": (0, MAX_OFFSET), "depth": (1, 20)}
INT64 = (-(2**63), 2**63 - 1)


def _show(value: Any) -> str:
    try:
        return str(value)[:40]
    except ValueError:  # an integer too long to print
        return "a number too long to show"


@dataclass
class Param:
    name: str
    type: str
    required: bool
    default: Any = None
    example: Any = None

    def convert(self, value: Any) -> Any:
        try:
            if self.type == "int":
                if isinstance(value, float) and not value.is_integer():
                    raise ValueError(value)
                number = int(value)
                low, high = BOUNDS.get(self.name, INT64)
                if not low <= number <= high:
                    raise TemplateParamError(f"parameter {self.name}: {_show(value)} is outside {low}..{high}")
                return number
            if self.type == "float":
                number = float(value)
                if not math.isfinite(number):
                    raise ValueError(value)
                return number
            if self.type == "bool":
                return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            if self.type == "list":
                items = value if isinstance(value, list) else [x for x in str(value).split(",") if x]
                return [str(x) for x in items]
            if self.type == "role" and str(value) not in (*ROLE_TYPES, *([""] if not self.required else [])):
                raise TemplateParamError(f"parameter {self.name}: {value!r} is not one of {', '.join(ROLE_TYPES)}")
            return str(value)
        except (TypeError, ValueError, OverflowError) as e:
            raise TemplateParamError(f"parameter {self.name}: expected {self.type}, got {_show(value)}") from e


@dataclass
class Template:
    name: str
    title: str
    description: str
    body: str
    params: list[Param] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    # (parameters that must be non-empty, Cypher); one unconditional case when the body has no `// when:`
    cases: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    # built parameters: name -> (policy parameter, path parameter), see KEY
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)

    def cypher(self, bound: dict[str, Any], engine: str | None = None) -> str:
        """The Cypher of the first case whose parameters are all given and whose engine, if it names one, is
        `engine` (the store's `kind`); the whole body when there are no cases."""
        for needs, cypher in self.cases:
            if all(
                n.removeprefix(ENGINE) == engine if n.startswith(ENGINE) else bound.get(n) not in (None, "")
                for n in needs
            ):
                return cypher
        raise TemplateParamError(f"{self.name}: no case of the template fits the parameters given")

    def bind(self, given: dict[str, Any]) -> dict[str, Any]:
        known = {p.name: p for p in self.params}
        unknown = set(given) - set(known)
        if unknown:
            raise TemplateParamError(f"{self.name}: unknown parameter(s) {sorted(unknown)}; takes {sorted(known)}")
        out = {}
        for p in self.params:
            if p.name in given and given[p.name] is not None:
                out[p.name] = p.convert(given[p.name])
            elif p.required:
                raise TemplateParamError(f"{self.name}: parameter {p.name} ({p.type}) is required")
            else:
                out[p.name] = p.convert(p.default)
        return out

    def example_params(self) -> dict[str, Any]:
        return {p.name: p.convert(p.example) for p in self.params if p.example is not None}


WHEN = re.compile(r"^//\s*(?:when:\s*(.*)|otherwise)\s*$")
ENGINE = "engine="  # a case condition naming the store kind it is for
ENGINES = ("neo4j", "embedded")


def _cases(name: str, body: str) -> list[tuple[tuple[str, ...], str]]:
    cases: list[tuple[tuple[str, ...], list[str]]] = []
    before = False
    for line in body.splitlines():
        m = WHEN.match(line.strip())
        if m:
            cases.append((tuple(p.strip() for p in (m.group(1) or "").split(",") if p.strip()), []))
        elif cases:
            cases[-1][1].append(line)
        else:
            before = before or bool(line.strip())
    if not cases:
        return [((), body)]
    if before:
        raise ValueError(f"template {name}: Cypher before the first `// when:` of a body with cases")
    if cases[-1][0]:
        raise ValueError(f"template {name}: a body with cases ends with `// otherwise`")
    return [(needs, "\n".join(lines).strip()) for needs, lines in cases]


def _parse(name: str, source: str) -> Template:
    header, body = [], []
    for line in source.splitlines():
        if not body and line.startswith("//") and not WHEN.match(line.strip()):
            header.append(line[2:].strip())
        else:
            body.append(line)
    meta: dict[str, str] = {}
    params = []
    keys: dict[str, tuple[str, str]] = {}
    for h in header:
        m = PARAM.match(h)
        k = KEY.match(h)
        if k:
            keys[k.group(1)] = (k.group(2), k.group(3))
        elif m:
            pname, ptype, op, value = m.groups()
            value = value.strip() or ("" if op == "?=" and ptype not in TYPES.keys() - {"string"} else None)
            params.append(
                Param(
                    pname,
                    ptype,
                    required=op != "?=",
                    default=value if op == "?=" else None,
                    example=value or None,
                )
            )
        elif ":" in h:
            k, _, v = h.partition(":")
            meta[k.strip()] = (meta.get(k.strip(), "") + " " + v.strip()).strip()
    tpl = Template(
        name=meta.get("name", name),
        title=meta.get("title", name),
        description=meta.get("description", ""),
        body="\n".join(body).strip(),
        params=params,
        returns=[c.strip() for c in meta.get("returns", "").split(",") if c.strip()],
    )
    tpl.cases = _cases(name, tpl.body)
    tpl.keys = keys
    used = set(re.findall(r"\$(\w+)", tpl.body))
    given = {p.name for p in params}
    for kname, parts in keys.items():
        if kname in given or set(parts) - given:
            raise ValueError(f"template {name}: key {kname} must be new and built from declared parameters {parts}")
    declared = given | set(keys)
    if used | {q for parts in keys.values() for q in parts} != declared:
        raise ValueError(f"template {name}: body uses {sorted(used)} but header declares {sorted(declared)}")
    for needs, _cypher in tpl.cases:
        engines = {n.removeprefix(ENGINE) for n in needs if n.startswith(ENGINE)}
        if engines - set(ENGINES):
            raise ValueError(f"template {name}: a case names an unknown engine {sorted(engines)}; known: {ENGINES}")
        params_needed = {n for n in needs if not n.startswith(ENGINE)}
        if params_needed - declared:
            raise ValueError(f"template {name}: a case needs undeclared {sorted(params_needed - declared)}")
        paging = {"limit", "offset"} & declared - set(re.findall(r"\$(\w+)", _cypher))
        if paging:
            raise ValueError(f"template {name}: a case does not page by {sorted(paging)}")
    return tpl


@cache
def templates() -> dict[str, Template]:
    out = {}
    for f in sorted(resources.files("policykg.queries").iterdir(), key=lambda f: f.name):
        if f.name.endswith(".cypher"):
            t = _parse(f.name[:-7], f.read_text("utf-8"))
            out[t.name] = t
    return out


def get(name: str) -> Template:
    try:
        return templates()[name]
    except KeyError:
        raise TemplateNotFound(f"no query template {name!r}; see `policykg queries`") from None


def _bound(store: Any, t: Template, params: dict[str, Any] | None, version: int | None) -> dict[str, Any]:
    bound = t.bind(params or {})
    for p in t.params:
        if p.type in KINDS and bound[p.name]:
            bound[p.name] = resolve(store, p.type, bound[p.name], version)
    for kname, (policy, path) in t.keys.items():
        bound[kname] = f"{bound[policy]}#{bound[path]}"
    return bound


def _case(store: Any, t: Template, bound: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    cypher = t.cypher(bound, getattr(store, "kind", None))
    used = set(re.findall(r"\$(\w+)", cypher))
    return cypher, {k: v for k, v in bound.items() if k in used}  # a case is sent only the parameters it uses


def prepared(store: Any, name: str, params: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """The Cypher and parameters `run` would send for template `name` (names resolved, the case chosen):
    what to EXPLAIN or PROFILE."""
    t = get(name)
    return _case(store, t, _bound(store, t, params, None))


def run(
    store: Any,
    name: str,
    params: dict[str, Any] | None = None,
    *,
    count: bool = False,
    version: int | None = None,
    **kw: Any,
) -> Any:
    """Run template `name` on `store` with `params` (validated, names resolved); returns a QueryResult
    whose `truncated` says whether more rows exist, and with `count` its `total` number of rows.
    `version`: the store's graph version when the caller has read it (names resolve from a cache by it)."""
    t = get(name)
    bound = _bound(store, t, params, version)
    if t.name in STEPS:
        return _stepped(store, t, bound, count, version, kw)
    cypher, bound = _case(store, t, bound)
    limit = bound.get("limit")
    res = store.query(cypher, {**bound, "limit": limit + 1} if limit is not None else bound, **kw)
    if limit is not None and len(res.rows) > limit:
        res.rows, res.truncated = res.rows[:limit], True
    if count:
        everything = {**bound, **({"limit": COUNT_ALL} if "limit" in bound else {})}
        res.total = store.count(cypher, {**everything, **({"offset": 0} if "offset" in bound else {})})
    return res


def _tasks_between(store: Any, rows: list[list[Any]], version: int | None, kw: dict[str, Any]) -> list[list[Any]]:
    """shortest_connection: the agencies of the path, with the task each consecutive two share between them."""
    out: list[list[Any]] = []
    for (a, hops), (b, _hops) in pairwise(rows):
        task = run(store, "shared_task", {"source": a, "target": b}, version=version, **kw).rows[0][0]
        out += [[a, hops], [task, hops]]
    return out + rows[-1:]


# Templates whose rows are completed in Python by running further templates (bounded: a few steps each).
# ladybug lists are 1-based and Neo4j's 0-based, so pairing a path's consecutive nodes has no portable
# Cypher; the steps here hold no Cypher of their own.
STEPS = {"shortest_connection": _tasks_between}


def _stepped(
    store: Any, t: Template, bound: dict[str, Any], count: bool, version: int | None, kw: dict[str, Any]
) -> Any:
    limit, offset = bound["limit"], bound["offset"]
    res = store.query(t.cypher(bound, getattr(store, "kind", None)), {**bound, "limit": MAX_LIMIT, "offset": 0}, **kw)
    rows = STEPS[t.name](store, res.rows, version, {k: v for k, v in kw.items() if k == "timeout"})
    res.rows, res.truncated = rows[offset : offset + limit], len(rows) > offset + limit
    if count:
        res.total = len(rows)
    return res
