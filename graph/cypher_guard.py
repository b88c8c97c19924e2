"""The gate of ad-hoc Cypher: accept one statement built only from clauses and functions known to read.

A keyword blocklist cannot be made safe (engines add clauses, comments end at different characters), so
this is an allowlist over a real tokenization: strings with their escapes, backtick identifiers, `//`
comments (ended at ANY line break character, the earliest an engine could end one) and `/* */` comments.
Every bare word must be an allowed keyword, a name in a name position (after `.`, `:`, `AS`, a map key),
a variable where an operand is expected, or an allowed function before `(`. Two operands side by side
(`x LOAD`, `1 CREATE`) mean a clause this gate does not know, and are refused.

The engines never see the text as sent: `checked()` returns the query rebuilt from its tokens, comments
replaced by a space, so what runs is exactly what was checked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from policykg.errors import QueryError, ReadOnlyViolation

__all__ = ["ALLOWED_FUNCTIONS", "ALLOWED_KEYWORDS", "check_parameters", "checked"]

CLAUSE_START = {"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN"}
ALLOWED_KEYWORDS = CLAUSE_START | {
    "WHERE",
    "ORDER",
    "BY",
    "SKIP",
    "LIMIT",
    "UNION",
    "ALL",
    "DISTINCT",
    "AS",
    "ASC",
    "ASCENDING",
    "DESC",
    "DESCENDING",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IN",
    "CONTAINS",
    "STARTS",
    "ENDS",
    "IS",
    "NULL",
    "TRUE",
    "FALSE",
}
# Keywords that complete an operand: a word right after them is a second operand, so it is refused.
_ATOM_KEYWORDS = {"NULL", "TRUE", "FALSE", "END", "ASC", "ASCENDING", "DESC", "DESCENDING"}
# Keywords that must be followed by one of the given words.
_NEXT = {
    "OPTIONAL": {"MATCH"},
    "ORDER": {"BY"},
    "STARTS": {"WITH"},
    "ENDS": {"WITH"},
    "IS": {"NOT", "NULL"},
    "UNION": {"ALL"} | CLAUSE_START,
}

# Pure, read-only functions both engines know (lower case; names are case-insensitive).
ALLOWED_FUNCTIONS = {
    "count", "sum", "avg", "min", "max", "collect", "stdev", "stdevp", "percentilecont", "percentiledisc",
    "size", "length", "coalesce", "head", "last", "tail", "keys", "labels", "label", "type", "id",
    "elementid", "properties", "nodes", "relationships", "startnode", "endnode", "range", "reverse",
    "tolower", "toupper", "lower", "upper", "trim", "ltrim", "rtrim", "substring", "left", "right",
    "replace", "split", "tostring", "tointeger", "tofloat", "toboolean", "abs", "ceil", "floor", "round",
    "sign", "sqrt", "exp", "log", "log10", "any", "all", "none", "single", "reduce", "isempty", "nullif",
    "shortestpath", "allshortestpaths",
}  # fmt: skip

_ESCAPES = set("\\'\"nrtbf")
_OPERATORS = ("<>", "!=", "<=", ">=", "=~", "..", "->", "<-", *"()[]{},.:;|+-*/%^=<>")
_WORD = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
_PARAM = re.compile(r"\$(?:[^\W\d]\w*|\d+)")
# A comment ends at the first line-break character any engine might honour.
_LINE_END = re.compile(r"[\n\r\x0b\x0c\x85\u2028\u2029]")
MAX_QUERY_CHARS = 20_000


@dataclass
class Token:
    kind: str  # word, quoted (backtick), string, number, param, op
    text: str
    space_before: bool


def tokenize(query: str) -> list[Token]:
    """Cypher tokens without comments; raises QueryError on an unterminated string, comment or identifier."""
    tokens: list[Token] = []
    i, n, gap = 0, len(query), False
    while i < n:
        c = query[i]
        if c.isspace():
            i, gap = i + 1, True
            continue
        if query.startswith("//", i):
            m = _LINE_END.search(query, i)
            i, gap = (m.end() if m else n), True
            continue
        if query.startswith("/*", i):
            end = query.find("*/", i + 2)
            if end < 0:
                raise QueryError("an unterminated /* comment")
            i, gap = end + 2, True
            continue
        if c in "'\"":
            j = i + 1
            while j < n and query[j] != c:
                if query[j] == "\\":
                    esc = query[j + 1 : j + 2]
                    if esc in _ESCAPES:
                        j += 2
                        continue
                    if esc in ("u", "U") and re.fullmatch(r"[0-9a-fA-F]{4}", query[j + 2 : j + 6]):
                        j += 6
                        continue
                    raise ReadOnlyViolation(f"read-only endpoint: the string escape \\{esc} is not allowed")
                j += 1
            if j >= n:
                raise QueryError("an unterminated string literal")
            tokens.append(Token("string", query[i : j + 1], gap))
            i, gap = j + 1, False
            continue
        if c == "`":
            end = query.find("`", i + 1)
            if end < 0:
                raise QueryError("an unterminated `identifier`")
            if query.startswith("`", end + 1):
                raise ReadOnlyViolation("read-only endpoint: a doubled backtick inside an identifier is not allowed")
            tokens.append(Token("quoted", query[i : end + 1], gap))
            i, gap = end + 1, False
            continue
        for kind, pattern in (("param", _PARAM), ("number", _NUMBER), ("word", _WORD)):
            m = pattern.match(query, i)
            if m:
                tokens.append(Token(kind, m.group(0), gap))
                i, gap = m.end(), False
                break
        else:
            op = next((o for o in _OPERATORS if query.startswith(o, i)), None)
            if op is None:
                raise ReadOnlyViolation(f"read-only endpoint: the character {c!r} is not allowed")
            tokens.append(Token("op", op, gap))
            i, gap = i + len(op), False
    return tokens


def _refuse(what: str) -> ReadOnlyViolation:
    return ReadOnlyViolation(
        f"read-only endpoint: {what} is not allowed (accepted: one statement of "
        "MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT, UNION and read-only functions)"
    )


def checked(query: str) -> str:
    """`query` rebuilt from its tokens if it only reads; else ReadOnlyViolation naming the first thing refused."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query):,} characters, over the {MAX_QUERY_CHARS:,} limit")
    tokens = tokenize(query)
    if not tokens:
        raise QueryError("an empty query")
    if tokens[-1].text == ";":
        tokens = tokens[:-1]
    first = tokens[0] if tokens else None
    if first is None or first.kind != "word" or first.text.upper() not in CLAUSE_START:
        raise _refuse(f"a statement starting with {first.text if first else ';'!r}")
    prev: Token | None = None
    stack: list[str] = []  # the open brackets
    operand_done = False  # the previous token completed an operand (a value, a name, a closing bracket)
    for k, tok in enumerate(tokens):
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if tok.kind == "op":
            if tok.text == ";":
                raise _refuse("a second statement (after ';')")
            if tok.text == "{" and not _map_opens(tokens, k):
                raise _refuse("a subquery or block in braces")
            if tok.text == "(" and prev is not None and prev.kind in ("word", "quoted"):
                _check_function(tokens, k)
            if tok.text in ("(", "[", "{"):
                stack.append(tok.text)
            elif tok.text in (")", "]", "}") and stack:
                stack.pop()
            # `RETURN *` / `WITH *` project everything: the star is an operand there.
            star = tok.text == "*" and prev is not None and prev.text.upper() in ("RETURN", "WITH", "DISTINCT")
            operand_done = tok.text in (")", "]", "}") or star
        elif tok.kind == "word":
            word = tok.text.upper()
            if (prev is not None and prev.text in (".", ":")) or (prev is not None and prev.text.upper() == "AS"):
                operand_done = True  # a property key, a label or type, an alias
            elif nxt is not None and nxt.text == ":" and stack and stack[-1] == "{":
                operand_done = False  # a map key
            elif word in ALLOWED_KEYWORDS:
                follow = _NEXT.get(word)
                if follow and (nxt is None or nxt.kind != "word" or nxt.text.upper() not in follow):
                    raise _refuse(f"{tok.text} {nxt.text if nxt else ''}".strip())
                after_union = prev is not None and (
                    prev.text.upper() == "UNION"
                    or (prev.text.upper() == "ALL" and tokens[k - 2].text.upper() == "UNION")
                )
                if word == "ALL" and after_union:
                    after_union = False
                    if nxt is None or nxt.text.upper() not in CLAUSE_START:
                        raise _refuse(f"UNION ALL {nxt.text if nxt else ''}".strip())
                elif after_union and word not in CLAUSE_START:
                    raise _refuse(f"UNION {tok.text}")
                operand_done = word in _ATOM_KEYWORDS
            elif nxt is not None and nxt.text == "(":
                operand_done = False  # checked as a function at the `(`
            else:
                if operand_done:
                    raise _refuse(tok.text)
                operand_done = True
        else:  # string, number, parameter, backtick identifier
            if operand_done and not (prev is not None and prev.text.upper() == "AS"):
                raise _refuse(f"{tok.text[:40]} after {prev.text if prev else ''}")
            operand_done = True
        prev = tok
    return "".join((" " if t.space_before and i else "") + t.text for i, t in enumerate(tokens))


def _map_opens(tokens: list[Token], k: int) -> bool:
    """A `{` opens a map literal, a property map or a map projection, never a subquery."""
    after = tokens[k + 1 : k + 3]
    if not after:
        return False
    if after[0].text in ("}", "."):
        return True
    return after[0].kind in ("word", "quoted") and len(after) == 2 and after[1].text == ":"


def _check_function(tokens: list[Token], k: int) -> None:
    """The name before `(` at index k: an allowed keyword (`IN (`), or an allowed, unqualified function."""
    name = tokens[k - 1]
    if name.kind == "word" and name.text.upper() in ALLOWED_KEYWORDS and name.text.lower() not in ALLOWED_FUNCTIONS:
        return
    qualified = k >= 3 and tokens[k - 2].text == "." and not tokens[k - 2].space_before
    if name.kind != "word" or qualified or name.text.lower() not in ALLOWED_FUNCTIONS:
        full = name.text
        j = k - 1
        while j >= 2 and tokens[j - 1].text == "." and tokens[j - 2].kind in ("word", "quoted"):
            full = tokens[j - 2].text + "." + full
            j -= 2
        raise _refuse(f"the function or procedure {full}()")


INT64 = (-(2**63), 2**63 - 1)
MAX_PARAM_DEPTH = 20


def check_parameters(params: Any, where: str = "parameters", depth: int = 0) -> None:
    """Query parameters as JSON may hold what no engine takes: reject it here with a clear 422."""
    from policykg.errors import TemplateParamError

    if depth > MAX_PARAM_DEPTH:
        raise TemplateParamError(f"{where}: nested deeper than {MAX_PARAM_DEPTH} levels")
    if isinstance(params, bool) or params is None or isinstance(params, str):
        return
    if isinstance(params, int):
        if not INT64[0] <= params <= INT64[1]:
            raise TemplateParamError(f"{where}: the integer {str(params)[:30]} is outside the 64-bit range")
        return
    if isinstance(params, float):
        if not math.isfinite(params):
            raise TemplateParamError(f"{where}: {params} is not a finite number")
        return
    if isinstance(params, list):
        kinds = {type(v).__name__ for v in params if v is not None}
        if len(kinds) > 1 and not kinds <= {"int", "float"}:
            raise TemplateParamError(f"{where}: a list mixes {sorted(kinds)}; a list holds one type")
        for i, v in enumerate(params):
            check_parameters(v, f"{where}[{i}]", depth + 1)
        return
    if isinstance(params, dict):
        for key, v in params.items():
            check_parameters(v, f"{where}.{key}", depth + 1)
        return
    raise TemplateParamError(f"{where}: unsupported value of type {type(params).__name__}")
