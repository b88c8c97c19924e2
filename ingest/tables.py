"""Task-division tables (重点任务分工表) → tasks and responsibility strings.

A table arrives as tab-separated rows (from .docx, HTML, PDF or a web extract). Extracts of merged
cells are often printed on a neighbouring row, so rows cannot be trusted; the numbering can. The
table is read as a stream of cells, each one a heading (一、 / (一) / 1.), a responsibility string
(A、B牵头，C参加 / A负责) or plain task text, and the structure is rebuilt from the numbering:
- a section heading (一、) takes effect at the next (一); a (k) printed early takes effect when the
  item numbering restarts at 1, while items that continue the open group's numbering stay in it;
- items that restart at 1 with no heading waiting belong to the next heading (printed late);
- the strings of a group go to its items in order; with fewer strings, the last covers the rest
  (a merged cell); with more, the extra one goes to the last item; a group with strings to spare
  hands them to the next group that has none (strings printed before their items).
A header row naming 牵头单位 / 配合单位 columns gives those columns their role directly.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from itertools import accumulate

from .clauses import Mention, parse_clause
from .structure import _marker, heading_title

__all__ = [
    "AGENCY_HEADER",
    "ANNEX",
    "TableTask",
    "annex_label",
    "column_mentions",
    "column_role",
    "parse_tables",
    "table_title",
]

HEADER_WORDS = re.compile(
    r"重点任务|主要任务|工作任务|任务|责任部门|责任单位|牵头单位|牵头部门|配合单位|备注|序号|完成时限|时间"
)
ITEM_SPLIT = re.compile(
    r"(?:(?<=^)|(?<=\s))(?=(?:\d{1,2}\s*[.．、](?!\d)|[（(]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+、))"
)
ROLE_STRING_SPLIT = re.compile(r"(?<=负责|牵头|参加|配合|参与|协同|协助)\s+")


@dataclass
class TableTask:
    level: int
    label: str
    number: int
    text: str
    start: int
    end: int
    path: str = ""
    title: str = ""
    strings: list[tuple[str, int, list[Mention]]] = field(default_factory=list)  # (text, start, mentions)
    has_text: bool = False


@dataclass
class _Group:
    head: TableTask | None
    section: str = ""
    items: list[TableTask] = field(default_factory=list)
    strings: list[tuple[str, int, list[Mention]]] = field(default_factory=list)


AGENCY_HEADER = re.compile(
    r"(?:牵头|配合|参与|协办|协同|支撑|责任|主责|主办|承办)(?:单位|部门|处室|科室)|负责(?:单位|部门)"
)


def _is_header(cells: list[str]) -> bool:
    joined = [re.sub(r"\s+", "", c) for c in cells if c.strip()]
    if not joined:
        return False
    if all(HEADER_WORDS.fullmatch(c) or c in ("", "备注") for c in joined):
        return True
    # 序号 | 改革举措 | 主要内容 | 指导部门 | 推广范围: short column names, none a sentence
    return all(len(c) <= 12 and not re.search(r"[。，,；;：:]", c) for c in joined) and len(joined) >= 3


def _role_strings(
    cell: str, base: int, lead_rule: tuple[int, int] | None, forced: str | None
) -> list[tuple[str, int, list[Mention]]] | None:
    out = []
    pos = 0
    parts = ROLE_STRING_SPLIT.split(cell) if forced is None else [cell]
    for part in parts:
        idx = cell.find(part, pos)
        pos = idx + len(part)
        if not part.strip():
            continue
        content = part
        if forced:
            content = part.rstrip("。") + {"牵头": "牵头", "参加": "参加", "负责": "负责"}[forced]
        ms = parse_clause(content, base + idx, lead_rule)
        if ms is None:
            return None
        for m in ms:
            if forced:
                m.role, m.rule, m.lead_rule = forced, "column", None
            elif m.rule in ("role_word", "label"):
                m.rule = "cell"
            elif m.rule == "bare_list":
                m.rule = "cell_list"  # agencies with no role word: 负责 by default
        out.append((part.strip(), base + idx, ms))
    return out or None


def _cells(line: str, base: int) -> list[tuple[str, int]]:
    out, pos = [], 0
    for cell in line.split("\t"):
        out.append((cell, base + pos))
        pos += len(cell) + 1
    return out


def parse_tables(text: str, lead_rule_at: tuple[int, int] | None = None) -> list[TableTask]:
    """Tasks (with their responsibility strings) of every table in `text`, in reading order.

    A table whose rows line up under a header with a 序号 column and agency columns (a .docx, HTML or
    Markdown grid) is read row by row (`_grid`); any other table as a stream of cells (below).
    """
    grids, grid_lines = _grids(text, lead_rule_at)
    return grids + _stream(text, lead_rule_at, grid_lines)


def _stream(text: str, lead_rule_at: tuple[int, int] | None, skip: set[int]) -> list[TableTask]:
    events: list[tuple[str, object]] = []
    column_roles: dict[int, str] = {}
    n_columns = 0
    # a cell listing agencies with no role word is a responsibility string only in a table whose header
    # names an agency column (责任部门, 牵头单位); elsewhere (指标 | 指导部门 …) it is just a cell
    agency_table = True
    pos = 0
    for line in text.split("\n"):
        base = pos
        pos += len(line) + 1
        if "\t" not in line or base in skip:
            continue
        cells = _cells(line, base)
        if _is_header([c for c, _ in cells]):
            n_columns = len(cells)
            column_roles = {}
            agency_table = any(AGENCY_HEADER.search(re.sub(r"\s+", "", c)) for c, _ in cells)
            for i, (c, _) in enumerate(cells):
                c = re.sub(r"\s+", "", c)
                if "牵头" in c:
                    column_roles[i] = "牵头"
                elif re.search(r"配合|参与|协办|协同", c):
                    column_roles[i] = "参加"
            continue
        row_unit: list[tuple[str, int, list[Mention]]] = []
        for i, (cell, cstart) in enumerate(cells):
            if not cell.strip():
                continue
            lead = lead_rule_at if lead_rule_at is not None and cstart >= lead_rule_at[0] else None
            forced = column_roles.get(i) if len(cells) == n_columns else None
            strings = _role_strings(cell, cstart, lead, forced)
            if strings is not None and not agency_table and not forced:
                strings = [x for x in strings if any(m.rule != "cell_list" for m in x[2])] or None
            if strings is not None:
                if forced:
                    row_unit += strings  # a row's 牵头 and 配合 columns are one responsibility unit
                else:
                    events += [("S", s) for s in strings]
                continue
            for a, b in _item_spans(cell):
                piece = cell[a:b]
                mk = _marker(piece)
                if mk is None:
                    events.append(("T", (piece, cstart + a)))
                    continue
                level, label, number, off = mk
                if level in (3, 4) and i == 0 and re.fullmatch(r"\s*\d{1,2}\s*", cell):
                    continue
                events.append(("H", TableTask(level, label, number, piece[off:].strip(), cstart + a, cstart + b)))
            if re.fullmatch(r"\s*\d{1,3}\s*", cell) and i == 0:
                # a 序号 column: the row's task text follows in the next cell
                events.append(("N", int(cell.strip())))
        if row_unit:
            events.append(
                (
                    "S",
                    (
                        " ".join(t for t, _, _ in row_unit),
                        row_unit[0][1],
                        [m for _, _, ms in row_unit for m in ms],
                    ),
                )
            )
    return _resolve(events)


def _item_spans(cell: str) -> list[tuple[int, int]]:
    starts = [m.start() for m in ITEM_SPLIT.finditer(cell)]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    starts = sorted(set(starts))
    spans = [(s, e) for s, e in zip(starts, [*starts[1:], len(cell)], strict=True)]
    return [(s, e) for s, e in spans if cell[s:e].strip()]


def _resolve(events: list[tuple[str, object]]) -> list[TableTask]:
    sections: list[TableTask] = []  # level-1 headings in effect order
    groups: list[_Group] = []
    out_order: list[TableTask] = []
    pending_section: TableTask | None = None
    pending_group: TableTask | None = None
    orphan: _Group | None = None
    current: _Group | None = None
    next_number: int | None = None

    def section_now() -> TableTask | None:
        return sections[-1] if sections else None

    def open_group(head: TableTask | None) -> _Group:
        nonlocal current
        sec = section_now()
        g = _Group(head, sec.label if sec else "")
        groups.append(g)
        current = g
        if head is not None:
            head.path = ".".join(x for x in [g.section, head.label] if x)
        return g

    i = 0
    while i < len(events):
        kind, ev = events[i]
        if kind == "N":
            next_number = ev  # type: ignore[assignment]
            i += 1
            continue
        if kind == "H":
            t: TableTask = ev  # type: ignore[assignment]
            if t.level == 1:
                if current is None or (not current.items and current.head is None):
                    sections.append(t)
                    out_order.append(t)
                    t.path = t.label
                else:
                    pending_section = t
            elif t.level == 2:
                if pending_section is not None and t.number == 1:
                    sections.append(pending_section)
                    out_order.append(pending_section)
                    pending_section.path = pending_section.label
                    pending_section = None
                nxt = _next_item_number(events, i + 1)
                if orphan is not None:
                    g = open_group(t)
                    g.items, g.strings = orphan.items, orphan.strings
                    groups.remove(orphan)
                    orphan = None
                    out_order.append(t)
                    out_order.extend(g.items)
                elif current is not None and current.items and nxt is not None and nxt == current.items[-1].number + 1:
                    pending_group = t
                else:
                    open_group(t)
                    out_order.append(t)
            else:
                if next_number is not None and t.level == 3:
                    next_number = None
                target = _place_item(t, current, orphan, pending_group)
                if target == "pending":
                    g = open_group(pending_group)
                    out_order.append(pending_group)  # type: ignore[arg-type]
                    pending_group = None
                    g.items.append(t)
                elif target == "orphan":
                    if orphan is None or (orphan.items and t.number != orphan.items[-1].number + 1):
                        sec = section_now()
                        orphan = _Group(None, sec.label if sec else "")
                        groups.append(orphan)
                    orphan.items.append(t)
                    current = orphan
                else:
                    if current is None:
                        open_group(None)
                    current.items.append(t)  # type: ignore[union-attr]
                out_order.append(t)
        elif kind == "T":
            piece, start = ev  # type: ignore[misc]
            if next_number is not None:
                t = TableTask(3, str(next_number), next_number, piece.strip(), start, start + len(piece))
                next_number = None
                events[i] = ("H", t)
                continue
            if current is not None:
                if current.items:
                    current.items[-1].text += piece
                elif current.head is not None:
                    current.head.has_text = True
                    current.head.text += piece
        elif kind == "S":
            target_group = orphan if orphan is not None and current is orphan else current
            if target_group is None:
                target_group = open_group(None)
            target_group.strings.append(ev)  # type: ignore[arg-type]
        i += 1

    _hand_over(groups)
    for g in groups:
        _assign(g)
    for g in groups:
        prefix = g.head.path if g.head is not None else g.section
        for it in g.items:
            it.path = ".".join(x for x in [prefix, it.label] if x)
    for t in out_order:
        t.title = table_title(t.text)
    seen, result = set(), []
    for t in out_order:
        if id(t) not in seen and t.path:
            seen.add(id(t))
            result.append(t)
    return result


def _next_item_number(events: list[tuple[str, object]], i: int) -> int | None:
    for kind, ev in events[i:]:
        if kind == "H":
            t: TableTask = ev  # type: ignore[assignment]
            return t.number if t.level >= 3 else None
    return None


def _place_item(t: TableTask, current: _Group | None, orphan: _Group | None, pending: TableTask | None) -> str:
    if orphan is not None and current is orphan and orphan.items and t.number == orphan.items[-1].number + 1:
        return "orphan"
    if pending is not None and t.number == 1:
        return "pending"
    if current is not None and current.items and t.number == current.items[-1].number + 1:
        return "current"
    if t.number == 1 and current is not None and current.head is not None and not current.items:
        # a heading row whose task cell had text of its own has no numbered items of its own
        return "orphan" if current.head.has_text else "current"
    if t.number == 1 and current is not None and current.items:
        return "orphan"
    return "current"


def _hand_over(groups: list[_Group]) -> None:
    for g, nxt in itertools.pairwise(groups):
        need = len(g.items) if g.items else 1
        if len(g.strings) > need and nxt.items and not nxt.strings:
            nxt.strings = g.strings[need:]
            g.strings = g.strings[:need]


def _assign(g: _Group) -> None:
    if not g.strings:
        return
    if not g.items:
        if g.head is not None:
            g.head.strings = list(g.strings)
        return
    n, k = len(g.items), len(g.strings)
    for idx, it in enumerate(g.items):
        if k >= n:
            it.strings = [g.strings[idx]] if idx < n - 1 else list(g.strings[idx:])
        else:
            it.strings = [g.strings[min(idx, k - 1)]]


def table_title(text: str) -> str:
    """A table row's title: the first clause of its task cell (gold/README, 004), without the marker
    some tables put before specific projects (*推进…)."""
    first = re.split(r"[，,。]", text.strip().lstrip("*＊※"), maxsplit=1)[0]
    return heading_title(first)


ANNEX = re.compile(r"^\s*(附件|附表)\s*(\d{0,2})\s*(?:[：:.．、]|$)")


def annex_label(lines_before: list[str]) -> str:
    """The annex a table stands in (附件1, 附表2, 附件), from the few lines above it; "" for a table that is
    the document itself, whose rows are numbered on their own."""
    for line in reversed(lines_before[-4:]):
        m = ANNEX.match(line)
        if m:
            return m.group(1) + m.group(2)
    return ""


NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.．、]?\s*$")
TASK_COLUMN = re.compile(r"任务|事项|内容|措施|名称|工作|项目")


def _grids(text: str, lead_rule_at: tuple[int, int] | None) -> tuple[list[TableTask], set[int]]:
    """Tables whose rows line up under a header naming a 序号 column and agency columns: one task a row,
    its agency cells by their column's role, an empty agency cell sharing the cell above (merged)."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((line, pos))
        pos += len(line) + 1
    out: list[TableTask] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        line = lines[i][0]
        cells = [re.sub(r"\s+", "", c) for c in line.split("\t")] if "\t" in line else []
        number_col = next((k for k, c in enumerate(cells) if c in ("序号", "编号")), None)
        roles = {k: column_role(c) for k, c in enumerate(cells) if AGENCY_HEADER.search(c)}
        task_col = next(
            (k for k, c in enumerate(cells) if k not in roles and k != number_col and TASK_COLUMN.search(c)), None
        )
        if number_col is None or not roles or task_col is None:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and "\t" in lines[j][0]:
            j += 1
        rows = [(ln.split("\t"), b) for ln, b in lines[i + 1 : j]]
        if not rows or sum(len(r) == len(cells) for r, _ in rows) < 0.7 * len(rows):
            i = j
            continue
        label = annex_label([ln for ln, _ in lines[max(0, i - 4) : i]])
        used |= {b for _, b in lines[i:j]}
        above: dict[int, tuple[str, int]] = {}
        for row, b in rows:
            offsets = list(accumulate([0, *[len(c) + 1 for c in row]]))
            num = NUMBER.match(row[number_col]) if number_col < len(row) else None
            if num is None or task_col >= len(row):
                continue
            path = ".".join(x for x in (label, num.group(1)) if x)
            body = row[task_col].strip()
            start = b + offsets[task_col] + (len(row[task_col]) - len(row[task_col].lstrip()))
            task = TableTask(3, num.group(1), int(num.group(1)), body, start, start + len(body), path=path)
            task.title = table_title(body)
            # a row with every agency cell empty shares the cells above (a merged cell printed once);
            # a row with some filled and some empty has no one in the empty columns
            merged = all(not (row[k].strip() if k < len(row) else "") for k in roles)
            for k, role in roles.items():
                cell = row[k].strip() if k < len(row) else ""
                at = b + offsets[k] + (len(row[k]) - len(row[k].lstrip())) if k < len(row) else 0
                if not cell:
                    if not merged or k not in above:
                        continue
                    cell, at = above[k]
                above[k] = (cell, at)
                ms = column_mentions(cell, at, role, lead_rule_at)
                if ms:
                    task.strings.append((cell, at, ms))
            out.append(task)
        i = j
    return out, used


def column_role(header: str) -> str:
    """The role a column gives its agencies: 牵头单位 → 牵头, 配合/支撑单位 → 参加, 责任单位 → 负责."""
    header = re.sub(r"[（(][^（）()]*[)）]", "", header)  # 责任单位（排在第一位的为牵头单位）: a 责任 column
    if re.search(r"牵头|主办|主责", header):
        return "牵头"
    if re.search(r"配合|参与|协办|协同|支撑", header):
        return "参加"
    return "负责"


def column_mentions(cell: str, at: int, role: str, lead_rule: tuple[int, int] | None) -> list[Mention] | None:
    """The agencies of a cell under a column of `role`; in a 责任 column a lead rule in force makes the
    first lead (rule lead_rule), otherwise the column says the role (rule column)."""
    ms = parse_clause(cell.rstrip("。；;、，,"), at, lead_rule if role == "负责" else None)
    for m in ms or []:
        by_rule = role == "负责" and m.rule == "lead_rule"
        m.role = m.role if by_rule else role
        m.rule = "lead_rule" if by_rule else "column"
    return ms
