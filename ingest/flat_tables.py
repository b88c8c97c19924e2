"""Task tables flattened to one cell per paragraph → tasks with their responsibility cells.

Web pages and Markdown conversions of 重点任务分工表 often lose the table and keep its cells, one per
paragraph: a header run (序号 / 任务名称 / 任务内容 / 牵头单位 / 配合单位 / 时间节点), then the rows' cells in
reading order. Merged cells appear once, on the first row they span. A table is found by its header run
(short paragraphs that are column names, at least one naming agencies); its rows are rebuilt from the
cells, each classified as a row number, a numbered heading (一、 / 1.), a list of agencies, a time, or
text:
- a row starts at its number (a 序号 column continuing 1, 2, 3 …), at a numbered heading cell, or at a
  text cell that follows the previous row's agency cells (another row of the same item);
- the agency cells of a row go to the header's agency columns in order; one more cell than columns
  means the first column (牵头) spans two paragraphs; a cell ending in 、 continues in the next one;
- a row with no agency cell of its own shares the cells of the row above (a merged cell);
- the path is the annex label (附件1, 附表2, 附件) printed above the table, joined with the row's own numbering.
Roles: a 牵头 column gives 牵头, a 配合/参与/协办/支撑 column 参加, a 责任 column 负责 (or the lead rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clauses import Mention, parse_clause
from .structure import _marker, heading_title, paragraphs
from .tables import AGENCY_HEADER, ANNEX, annex_label, column_mentions, column_role, table_title

__all__ = ["FlatTable", "find_flat_tables"]

HEADER_CELL = re.compile(
    r"(?:序号|编号|类别|项目|任务|事项|内容|措施|名称|类型|目标|指标|要求|时限|时间|节点|进度|备注|领域|工作|"
    r"具体|主要|重点|推进|完成|分工|子行业|行业|阶段|说明|单位|部门|处室|科室)"
)
TIME_CELL = re.compile(
    r"^(?:\d{4}\s*年.{0,12}|\d{4}[-—–~～至]\d{2,4}.{0,4}|长期|持续(?:推进|实施|开展)?|常态化.{0,4}|年底前|"
    r"(?:每年|每季度|每月|年内|逐年).{0,8}|\d{1,2}\s*月.{0,6}|[上下]半年|全年)$"
)
NUMBER_CELL = re.compile(r"^\s*(\d{1,3})\s*$")
MAX_ROWLESS = 15  # paragraphs with no agency cell after which the table is over


@dataclass
class FlatTask:
    path: str
    title: str
    text: str
    start: int
    end: int
    strings: list[tuple[str, int, list[Mention]]] = field(default_factory=list)


@dataclass
class FlatTable:
    start: int
    end: int
    tasks: list[FlatTask]


def _is_header_cell(s: str) -> bool:
    s = re.sub(r"\s+", "", s)
    return 1 <= len(s) <= 10 and not re.search(r"[。，,；;：:]", s) and bool(HEADER_CELL.search(s))


def _short_name(s: str) -> bool:
    s = re.sub(r"\s+", "", s)
    return 1 <= len(s) <= 14 and not re.search(r"[。，,；;：:、]", s) and not NUMBER_CELL.match(s)


def _agency_cell(s: str) -> bool:
    body = s.strip().rstrip("、")
    if not body or len(body) > 200 or re.search(r"[。；;：:]", body):
        return False
    return parse_clause(body) is not None and not re.search(r"负责|牵头|配合|参加", body)


def _kind(s: str) -> str:
    t = s.strip()
    if NUMBER_CELL.match(t):
        return "num"
    if TIME_CELL.match(re.sub(r"\s+", "", t)):
        return "time"
    if _marker(t):
        return "head"
    if _agency_cell(t):
        return "ag"
    return "text"


def find_flat_tables(text: str, lead_rule: tuple[int, int] | None = None) -> list[FlatTable]:
    """Every flattened task table of `text` with its tasks (paths, titles) and responsibility cells."""
    pars = paragraphs(text)
    out: list[FlatTable] = []
    i = 0
    while i < len(pars):
        j = i
        while j < len(pars) and "\t" not in text[pars[j][0] : pars[j][1]]:
            cell = text[pars[j][0] : pars[j][1]]
            # after a 序号 cell any short column name goes on the header (建设区域, 十四五装机计划（MW）)
            numbered_run = j > i and re.match(r"\s*(?:序号|编号)\s*$", text[pars[i][0] : pars[i][1]])
            if not (_is_header_cell(cell) or (numbered_run and _short_name(cell))):
                break
            j += 1
        header = [re.sub(r"\s+", "", text[a:b]) for a, b in pars[i:j]]
        first = next((n for n, h in enumerate(header) if h in ("序号", "编号")), 0)
        if first:  # a caption before the column names (工作任务清单) is not a column
            i, header = i + first, header[first:]
        roles = [column_role(h) for h in header if AGENCY_HEADER.search(h)]
        if j - i >= 3 and roles:
            label = annex_label([text[a:b] for a, b in pars[max(0, i - 4) : i]])
            numbered = bool(re.match(r"序号|编号", header[0]))
            first_agency = next(n for n, h in enumerate(header) if AGENCY_HEADER.search(h))
            text_first = first_agency > (1 if numbered else 0)  # task columns before the agency columns
            table, end = _read_rows(text, pars, j, roles, label, lead_rule, numbered, text_first, header)
            if table.tasks:
                table.start = pars[i][0]
                out.append(table)
            i = max(end, j)
            continue
        i += 1
    return out


@dataclass
class _Row:
    number: str | None = None
    heads: list[tuple[int, str, int, int, int]] = field(default_factory=list)  # level, label, n, start, end
    texts: list[tuple[str, int]] = field(default_factory=list)
    cells: list[tuple[str, int]] = field(default_factory=list)  # agency cells


def _read_rows(
    text: str,
    pars: list[tuple[int, int]],
    k: int,
    roles: list[str],
    label: str,
    lead_rule: tuple[int, int] | None,
    numbered: bool,
    text_first: bool,
    header: list[str],
) -> tuple[FlatTable, int]:
    rows: list[_Row] = []
    row: _Row | None = None
    last_number = 0
    rowless = 0
    pending_cell: tuple[str, int] | None = None  # an agency cell ending in 、 continues in the next paragraph
    end_par = k
    while k < len(pars):
        a, b = pars[k]
        par = text[a:b]
        ahead = [re.sub(r"\s+", "", text[x:y]) for x, y in pars[k : k + len(header)]]
        if ahead == header:
            k += len(header)  # the header printed again on the next page: the same table goes on
            end_par = k
            continue
        if ANNEX.match(par) or ("\t" in par) or (_is_header_cell(par) and AGENCY_HEADER.search(par)):
            break
        kind = _kind(par)
        if kind == "ag" and row is not None and row.heads and not row.texts and not row.cells:
            own = text[row.heads[-1][3] : row.heads[-1][4]]
            if len(par.strip()) <= 10 and not re.search(r"[。，,；;：:]$", own):
                kind = "text"  # 5.实化运行消防 / 安全委员会: the heading cell goes on
        if kind == "ag" and text_first and row is not None and not any(len(t) >= 12 for t, _ in row.texts):
            kind = "text"  # 海绵城市 in a 任务类型 column: the agency columns come after the task's text
        if kind == "ag" and len(par.strip()) <= 2 and row is not None and row.texts and len(row.texts[-1][0]) <= 8:
            # 申通地铁 / 集团: a name cell broken over two paragraphs
            prev, at = row.texts.pop()
            row.cells.append((prev + par.strip(), at))
            k += 1
            end_par = k
            continue
        if pending_cell is not None and kind in ("ag", "text") and len(par.strip()) <= 60:
            kind = "ag"  # 各街道、 + 相关委、办、局: one cell over two paragraphs
        if kind == "num" and int(par.strip()) == last_number + 1:
            last_number += 1
            row = _Row(number=par.strip())
            rows.append(row)
        elif kind == "head":
            mk = _marker(par)
            assert mk is not None
            level, lab, n, _ = mk
            if row is None or row.cells or row.heads or row.number is None or row.texts:
                row = _Row()
                rows.append(row)
            row.heads.append((level, lab, n, a, b))
        elif kind == "ag":
            if row is None:
                break
            if pending_cell is not None:
                row.cells[-1] = (row.cells[-1][0] + par.strip(), row.cells[-1][1])
            else:
                row.cells.append((par.strip(), a))
            pending_cell = row.cells[-1] if par.strip().endswith("、") else None
            rowless = 0
        elif kind == "time":
            pass
        else:
            if row is not None and row.cells:
                if numbered:
                    k += 1  # a column after the agency columns (参考文件, 备注): the row goes on
                    end_par = k
                    continue
                row = _Row()  # another row of the same item: text after the previous row's cells
                rows.append(row)
            if row is None:
                row = _Row()
                rows.append(row)
            row.texts.append((par, a))
        if kind != "ag":
            pending_cell = None if kind != "time" else pending_cell
            rowless += 1
            if rowless > MAX_ROWLESS:
                break
        end_par = k + 1
        k += 1
    tasks = _tasks(text, rows, roles, label, lead_rule, _named_rows(rows))
    end = pars[end_par - 1][1] if end_par > 0 else 0
    return FlatTable(0, end, tasks), end_par


def _named_rows(rows: list[_Row]) -> bool:
    """Whether numbered rows carry a short name cell of their own (01's 任务类型), not a merged group name."""
    numbered = [r for r in rows if r.number is not None]
    named = [r for r in numbered if len(r.texts) >= 2 and len(r.texts[0][0]) <= 12]
    return bool(numbered) and len(named) >= 0.8 * len(numbered)


def _tasks(
    text: str, rows: list[_Row], roles: list[str], label: str, lead_rule: tuple[int, int] | None, named: bool
) -> list[FlatTask]:
    out: list[FlatTask] = []
    by_path: dict[str, FlatTask] = {}
    stack: list[tuple[int, str]] = []  # (level, label) of the open numbered headings
    prev_cells: list[tuple[str, int]] = []
    for row in rows:
        path = None
        for level, lab, _n, a, b in row.heads:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, lab))
            path = ".".join(x for x in [label, *[s[1] for s in stack]] if x)
            if path not in by_path:
                t = FlatTask(path, heading_title(_joined_title(text, a, b, row)), text[a:b], a, b)
                by_path[path] = t
                out.append(t)
        if row.number is not None:
            path = f"{label}.{row.number}" if label else row.number
            if path not in by_path and row.texts:
                body, start = max(row.texts, key=lambda t: len(t[0]))
                if named and len(row.texts) >= 2:
                    # the short cells before the task's text name it (海绵城市 / 建设管理); later ones are other columns
                    names = [t for t, at in row.texts if len(t) <= 12 and at < start]
                    title = re.sub(r"\s+", "", "".join(names)) or table_title(body)
                else:
                    title = table_title(body)
                t = FlatTask(path, title, body, start, start + len(body))
                by_path[path] = t
                out.append(t)
        if path is None or path not in by_path:
            if not out:
                continue
            path = out[-1].path  # another row of the open item
        if row.cells:
            cells = prev_cells = row.cells
        elif any(h[0] <= 2 for h in row.heads):
            cells = []  # a category row (一、做好政策保障) groups items and has no cells
        else:
            cells = prev_cells  # a merged cell printed on the row above
        task = by_path[path]
        for role, (cell, at) in zip(_cell_roles(roles, len(cells)), cells, strict=False):
            ms = column_mentions(cell, at, role, lead_rule)
            if ms:
                task.strings.append((cell, at, ms))
    return out


def _cell_roles(roles: list[str], n: int) -> list[str]:
    if n <= len(roles):
        return roles[:n]
    # more cells than agency columns: the first column's cell was printed over several paragraphs
    return [roles[0]] * (n - len(roles) + 1) + roles[1:]


def _joined_title(text: str, a: int, b: int, row: _Row) -> str:
    mk = _marker(text[a:b])
    own = text[a:b][mk[3] :] if mk else text[a:b]
    # a heading cell broken over two paragraphs (5.实化运行消防 / 安全委员会)
    nxt = [t for t, at in row.texts if at > b]
    if nxt and not re.search(r"[。，,；;]$", own) and len(nxt[0]) <= 10 and not re.search(r"[。，,]", nxt[0]):
        return own + nxt[0]
    return own
