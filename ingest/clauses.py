"""Responsibility clauses → (agency mention, role) with character spans.

Forms read: parenthesised `（A牵头，B、C参加）`, `（A、B按职责分工负责）`, groups split by `；` (each judged
alone), labelled `（牵头单位：A；配合单位：B）` and `（责任单位：…）`, un-bracketed `责任单位：…。`, and the
strings of a table's 责任部门 column. Roles: 牵头; 参加 (参加/配合/参与/协同/协助, or listed after a
lead in the same group); 负责 otherwise. A document-wide lead rule ("排在首位的为牵头单位，其他为配合单位，
下同") makes the first agency of an unmarked list 牵头 and the rest 参加.

Narrative sentences ("X要发挥牵头作用", "由X会同Y") are not clauses: only bracketed or labelled lists
whose every item looks like an agency are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .gazetteer import gazetteer
from .spans import contained

__all__ = [
    "LEAD_RULE",
    "Mention",
    "document_lead_rule",
    "find_bracket_clauses",
    "find_label_clauses",
    "looks_like_agency",
    "parse_clause",
]

ROLE_WORDS = r"牵头|负责|参加|配合|参与|协同|协助|落实|实施|承担|推进"
PARTICIPATE = ("参加", "配合", "参与", "协同", "协助")
# A role phrase at the end of a segment, with what may stand before it (等, 按职责分工 …).
# What may close a list of named agencies and is not one: 等, 等有关部门和单位, 会同有关部门, 等部门 …
OTHERS = r"(?:等|会同|及其他|和其他|以及)?(?:(?:有关|相关|其他|其它|各有关)?(?:部门|单位|机构|方面)(?:和|及|、)?)*"
TAIL = re.compile(
    rf"(?:等{OTHERS}|会同{OTHERS}|(?<!各)(?:有关|相关)(?:部门|单位))?"
    r"(?:按(?:照)?(?:各自)?职责(?:分工)?|分工|分别|共同|依职责|具体|组织|按职责组织)?"
    r"(?P<role>牵头(?:负责|落实|实施)?|负责(?:落实|实施)?|参加|配合|参与|协同|协助|落实|组织落实|支持|指导)$"
)
TRAILING_OTHERS = re.compile(rf"(?:等{OTHERS}|会同{OTHERS}|等)\s*$")
# Roles outside the model (指导, 支持): their agencies are left out, the rest of the clause still counts.
NOT_A_ROLE = ("指导", "支持")
# 责任单位：…, 【牵头单位】…, and the short 牵头：… / 配合：… inside a clause
LABEL = re.compile(
    r"(?P<open>[【\[〔])?"
    r"(?P<label>牵头单位|牵头部门|牵头责任单位|责任单位|责任部门|负责单位|负责部门|主责单位|实施单位|"
    r"配合单位|配合部门|参与单位|参加单位|协办单位|协同单位|协作单位|支撑单位|支持单位|牵头处室|配合处室|"
    r"责任处室|责任科室|牵头|配合|参与|协办)"
    r"(?(open)[】\]〕]\s*[:：]?|\s*[:：])"
)
OTHER_LABEL = re.compile(r"\s*[\u4e00-\u9fa5]{2,6}\s*[:：]")
LABEL_ROLE = {
    "牵头单位": "牵头",
    "牵头部门": "牵头",
    "牵头责任单位": "牵头",
    "主办单位": "牵头",
    "配合单位": "参加",
    "配合部门": "参加",
    "参与单位": "参加",
    "参加单位": "参加",
    "协办单位": "参加",
    "协同单位": "参加",
    "协作单位": "参加",
    "支撑单位": "参加",
    "支持单位": "参加",
    "牵头处室": "牵头",
    "配合处室": "参加",
    "牵头": "牵头",
    "配合": "参加",
    "参与": "参加",
    "协办": "参加",
}
LEAD_RULE = re.compile(
    r"(?:排在|列在|列|居|排名|名列|排)?(?:首位|第一位|第1位|第一个|首个|最前|前面|第一)(?:的|者)?(?:部门|单位)?"
    r"(?:为|是)?牵头(?:单位|部门)"
    r"(?:[，,、](?:其他|其余|其它)(?:的)?(?:部门|单位)?(?:为|是)(?:配合|参与|协办|责任)(?:单位|部门))?"
    r"(?:[，,]\s*下同)?[。.；;]?"
)
# Last characters of an agency name (局, 厅, 委员会, 人民政府, 海关, 分行 …)
AGENCY_END = re.compile(
    r"(?:局|厅|委|委员会|办|办公室|部|院|署|会|府|政府|行|分行|支行|海关|司|处|中心|室|组|小组|队|所|站|社|"
    r"联|馆|集团|公司|企业|高校|大学|学院|机构|单位|部门|街道|乡镇|镇|街道办事处|办事处|成员|管委会|"
    r"县级市|区|县|市|州|盟|旗|法院|检察院|党委|团委|工委|协会|联合会|银行|总队|支队|大队|研究会|科协|中央|"
    r"集团|公司|镇|乡|街道|园区|管委会|指挥部|领导小组|联席会议|工作组|专班|党校|学校|国企|医院|基金会|机关)$"
)
GENERIC_BODIES = frozenset(
    [
        "单位",
        "部门",
        "机构",
        "企业",
        "公司",
        "集团",
        "中心",
        "政府",
        "个人",
        "高校",
        "学校",
        "医院",
        "银行",
        "社区",
        "街道",
        "乡镇",
        "镇",
        "村",
        "居委会",
        "村委会",
        "办公室",
        "委员会",
        "管委会",
        "本单位",
        "用人单位",
        "申请单位",
        "建设单位",
        "施工单位",
        "设计单位",
        "监理单位",
        "责任单位",
        "相关单位",
        "有关单位",
        "主管部门",
        "行业主管部门",
        "相关部门",
        "有关部门",
        "职能部门",
        "其他部门",
    ]
)
CATCH_ALL_TAIL = re.compile(
    r"^(?:县级市|县|区|市|自治区|直辖市|乡镇|街道|县(?:\(|（)市(?:[、,]区)?(?:\)|）))(?:人民政府|政府|党委)?$"
)


@dataclass
class Mention:
    text: str  # verbatim, line breaks removed
    start: int  # offsets in the text the clause was read from
    end: int
    role: str
    alias: str | None = None  # "A（B）": B
    rule: str = "role_word"  # what gave the role: role_word, label, lead_rule, after_lead, bare_list, column
    lead_rule: tuple[int, int] | None = None  # the span of the lead rule applied (rule == "lead_rule")


SPACES = re.compile(r"\s+")
TRAILING_BRACKET = re.compile(r"[（(][^（）()]*[)）]$")
# sentence punctuation, a preposition, a verb or a figure: a sentence, not a name
SENTENCE_MARK = re.compile(r"[。！？，,；;：:“”]|由|的|是|将|简称|\d")
LEADING_PREPOSITION = re.compile(r"^(?:由|请|以)")
ALIAS = re.compile(r"^(.+?)[（(]([^（）()]+)[)）]$")


def looks_like_agency(s: str) -> bool:
    s = SPACES.sub("", s)
    s = TRAILING_BRACKET.sub("", s)
    if len(s) < 2 or len(s) > 40:
        return False
    if SENTENCE_MARK.search(s):
        return False
    if s in GENERIC_BODIES or s[0] in "（(【[":
        return False  # 单位, 部门: a word, not a body; （一）…: a heading
    if len(s) > LONG_NAME and not s.startswith(LONG_NAME_STARTS) and not _starts_with_place(s):
        return False  # 实施过程中如有问题请及时反馈自治区发展改革委: a sentence ending in a name
    return bool(AGENCY_END.search(s)) or s.startswith("各")


LONG_NAME = 20
# names longer than LONG_NAME start with their place or a national marker (中国留学人员广州科技交流会…)
LONG_NAME_STARTS = ("中国", "中华", "中共", "中央", "国家", "国务院", "全国", "共青团", "最高", "各")


def _starts_with_place(s: str) -> bool:
    g = gazetteer()
    return any(g.resolve(s[:n]) is not None for n in (2, 3, 4) if len(s) > n)


BRACKETS = re.compile(r"[（(《【）)》】]")


@cache
def _separators(seps: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(seps) + "]")


def _split_top(s: str, seps: str) -> list[tuple[int, int]]:
    """Split `s` on any of `seps` outside brackets; returns (start, end) pieces."""
    if not BRACKETS.search(s):  # no brackets (most lists): the separators' positions are the cuts
        cuts = [m.start() for m in _separators(seps).finditer(s)]
        return list(zip([0, *[c + 1 for c in cuts]], [*cuts, len(s)], strict=True))
    out, depth, start = [], 0, 0
    for i, ch in enumerate(s):
        if ch in "（(《【":
            depth += 1
        elif ch in "）)》】":
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            out.append((start, i))
            start = i + 1
    out.append((start, len(s)))
    return out


# 和/及 joining two agencies (财政部和各省级人民政府, 农业农村部等和各有关省级人民政府)
JOIN = re.compile(r"(?<=[局厅委办部院署会府行关司处心室组总社联])(?:等)?(?:和|及|以及|与)(?=[省市区县国中各全共])")


def _joined(text: str, offset: int) -> list[tuple[str, int]]:
    out, last = [], 0
    for m in JOIN.finditer(text):
        out.append((text[last : m.start()], offset + last))
        last = m.end()
    out.append((text[last:], offset + last))
    return out


RUN_TOGETHER = re.compile(r"(?<=[委局办厅])(?=(?:市|区|县|省)(?!场|级|属|内|外)[\u4e00-\u9fa5]{2,})")


PREFIX_CHARS = re.compile(r"[市区县省]")


def _run_together(parts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """市住房城乡建设管理委市重大办: two prefixed names printed without a separator."""
    out = []
    for p, at in parts:
        if len(p) < 8 or not PREFIX_CHARS.search(p, 4):
            out.append((p, at))  # too short for two names, or no second prefix: the common case
            continue
        cuts = [m.start() for m in RUN_TOGETHER.finditer(p)]
        pieces = [p[a:b] for a, b in zip([0, *cuts], [*cuts, len(p)], strict=True)]
        if len(pieces) > 1 and all(len(x) >= 4 and looks_like_agency(x) for x in pieces):
            for x, a in zip(pieces, [0, *cuts], strict=True):
                out.append((x, at + a))
        else:
            out.append((p, at))
    return out


def _agencies_in(seg: str, base: int) -> list[tuple[str, int, int, str | None]] | None:
    """The agency items of one segment (role phrase removed), or None if an item is not an agency."""
    items = []
    pieces = _split_top(seg, "、")
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        piece = seg[a:b].strip()
        # 各区、县级市 / 各市、县（市、区）人民政府: one catch-all, not two agencies.
        if merged and len(piece) == 1 and piece in "委办局厅部":
            merged[-1] = (merged[-1][0], b)  # 相关委、办、局: one catch-all
            continue
        if merged and CATCH_ALL_TAIL.match(piece) and seg[merged[-1][0] : merged[-1][1]].strip().startswith("各"):
            merged[-1] = (merged[-1][0], b)
            continue
        merged.append((a, b))
    for a, b in merged:
        raw = seg[a:b]
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        if not text:
            continue
        start = base + a + lead
        text = LEADING_PREPOSITION.sub("", text)
        offset = start + (len(raw.strip()) - len(text))
        for p, pstart in _run_together(_joined(text, offset)):
            name, alias = p, None
            al = ALIAS.match(p)
            # 各街镇（园区）: a bracket inside a catch-all widens it, it names no other body
            if (
                al
                and not p.startswith("各")
                and looks_like_agency(al.group(2))
                and not CATCH_ALL_TAIL.match(al.group(2))
            ):
                name, alias = al.group(1), al.group(2)
            name = name[:-1] if name.endswith("等") else name
            if not looks_like_agency(name):
                return None
            items.append((SPACES.sub("", name), pstart, pstart + len(name), alias))
    return items


Span = tuple[int, int]


def parse_clause(content: str, base: int = 0, lead_rule: Span | None = None) -> list[Mention] | None:
    """Parse a clause's content (without its brackets). `base` is the content's offset in the text;
    `lead_rule` the span of a lead rule in force (列第一位者为牵头单位, stated earlier with 下同).

    Returns None when the content is not a responsibility clause. A remark after the clause's first
    sentence (（A指导，B负责落实。以下均需B落实，不再列出）) is ignored when it is not a list itself.
    """
    res = _parse_clause(content, base, lead_rule)
    cut = content.find("。")
    if res is None and 0 < cut < len(content.rstrip("。 ")) - 1:
        res = _parse_clause(content[:cut], base, lead_rule)
    return res


def _parse_clause(content: str, base: int, lead_rule: Span | None) -> list[Mention] | None:
    # A clause that states the lead rule applies it; blank the rule out, keeping offsets.
    for m in LEAD_RULE.finditer(content):
        lead_rule = (base + m.start(), base + m.end())
        content = content[: m.start()] + " " * (m.end() - m.start()) + content[m.end() :]
    labelled = list(LABEL.finditer(content))
    out: list[Mention] = []
    if labelled:
        led = False
        for i, lab in enumerate(labelled):
            end = labelled[i + 1].start() if i + 1 < len(labelled) else len(content)
            body = content[lab.end() : end].rstrip(" ；;，,。.")
            role_of_label = LABEL_ROLE.get(lab.group("label"))
            if role_of_label is None and led:
                role_of_label = "参加"  # （牵头单位：A；责任单位：B）: listed after the lead
            led = led or role_of_label == "牵头"
            # （责任单位：A、B等；各区政府）: groups split by ； are judged alone, under the same label;
            # （负责部门：A；适用范围：全市）: a group under another label (范围, 时限) names no body
            for a, b in _split_top(body, "；;"):
                if not body[a:b].strip(" 。.，,") or OTHER_LABEL.match(body[a:b]):
                    continue
                res = _parse_group(body[a:b], base + lab.end() + a, lead_rule, role_of_label, "label")
                if res is None:
                    return None
                out += res
        return _dedupe(out) if out else None
    for a, b in _split_top(content, "；;"):
        body = content[a:b]
        if not body.strip(" 。.，,"):
            continue
        res = _parse_group(body, base + a, lead_rule, None, "role_word")
        if res is None:
            return None
        out += res
    return _dedupe(out) if out else None


ROLE_THEN_COMMA = re.compile(r"(?:牵头负责|牵头|负责|配合|参加|参与|协同|落实)(?=、)")


def _role_split(body: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """（A牵头负责、B组织落实）: a role word closing an item ends its segment even before a 、."""
    out = []
    for a, b in pieces:
        start = a
        for m in ROLE_THEN_COMMA.finditer(body, a, b):
            out.append((start, m.end()))
            start = m.end() + 1
        out.append((start, b))
    return out


def _parse_group(body: str, base: int, lead_rule: Span | None, forced: str | None, how: str) -> list[Mention] | None:
    """One group of a clause (no ；): its agencies with roles and the rule that gave each role."""
    segs = []
    for a, b in _role_split(body, _split_top(body, "，,。.")):
        seg = body[a:b]
        if not seg.strip():
            continue
        stripped = seg.rstrip()
        if stripped.strip() in ("下同", "以下同"):
            continue  # a rule's remark, not a list
        role = None
        t = TAIL.search(stripped)
        if t:
            role = t.group("role")
            stripped = stripped[: t.start()]
        stripped = TRAILING_OTHERS.sub("", stripped)
        if not stripped.strip():
            continue
        items = _agencies_in(stripped, base + a)
        if items is None:
            return None
        if role in NOT_A_ROLE:
            continue
        segs.append((items, role))
    if not segs:
        return None
    out: list[Mention] = []
    has_lead = any(r and r.startswith("牵头") for _, r in segs)
    seen_lead = False
    for items, role in segs:
        for name, s, e, alias in items:
            rule = how
            if forced == "负责" and lead_rule:
                r, rule = ("牵头" if not out else "参加"), "lead_rule"
            elif forced:
                r = forced
            elif has_lead:
                if role and role.startswith("牵头"):
                    r = "牵头"  # every agency marked 牵头 leads, also after another lead (co-leads)
                elif seen_lead:
                    r, rule = "参加", "after_lead"
                else:
                    # before the lead segment with no marker of its own: shares the lead (A、B牵头 split oddly)
                    r = "参加" if role in PARTICIPATE else "牵头"
            elif role in PARTICIPATE:
                r = "参加"
            elif lead_rule:
                # 列第一位者为牵头单位: the first agency leads even where the clause ends in 负责
                r, rule = ("牵头" if not out else "参加"), "lead_rule"
            else:
                r = "负责"
                if role is None and how == "role_word":
                    rule = "bare_list"
            out.append(Mention(name, s, e, r, alias, rule, lead_rule if rule == "lead_rule" else None))
        if role and role.startswith("牵头"):
            seen_lead = True
    return out


def _dedupe(ms: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in ms:
        if m.text in seen:
            continue
        seen.add(m.text)
        out.append(m)
    return out


BRACKET = re.compile(r"[（(]((?:[^（）()]|[（(][^（）()]*[)）])*)[)）]")


NOTE_LINE = re.compile(r"\s*(?:注|备注|说明|附注)\s*[:：0-9１-９]")


def document_lead_rule(text: str) -> Span | None:
    """The first lead rule of the document (its span), in force from there on; one stated in a note
    (注：排在首位的为牵头单位) is in force for the whole document."""
    m = LEAD_RULE.search(text)
    if m is None:
        return None
    line_start = text.rfind("\n", 0, m.start()) + 1
    if NOTE_LINE.match(text, line_start):
        return (0, m.end())
    return (m.start(), m.end())


def _rule_in_force(lead_rule: Span | None, end: int) -> Span | None:
    # a document-wide lead rule applies to the clause stating it and every clause after it
    return lead_rule if lead_rule is not None and end >= lead_rule[0] else None


SENTENCE_END = re.compile(r"[。\n]")
# A bare list closing a measure, "…平台。（市科技局、市教育局）": no role word, so it must stand at the
# end of its paragraph and name agencies only (a place word such as （区） or （棚户区） is not one).
PARAGRAPH_END = re.compile(r"\s*[。.；;]?\s*(?:\n|$)")
PLACE_ONLY = re.compile(r"(?:县级市|区|县|市|州|盟|旗|省)$")


def _bare_list(text: str, m: re.Match[str], content: str) -> bool:
    if not PARAGRAPH_END.match(text, m.end()):
        return False
    items = [content[a:b].strip() for a, b in _split_top(content, "、，,")]
    named = [i for i in items if i and not CATCH_ALL_TAIL.match(i)]
    return bool(named) and all(looks_like_agency(i) and (i.startswith("各") or not PLACE_ONLY.search(i)) for i in named)


def find_bracket_clauses(text: str, lead_rule_at: Span | None = None) -> list[tuple[int, int, list[Mention]]]:
    """Every parenthesised responsibility clause in `text`: (start, end, mentions)."""
    out = []
    for m in BRACKET.finditer(text):
        content = m.group(1)
        if not re.search(ROLE_WORDS + r"|单位|部门", content) and not _bare_list(text, m, content):
            continue
        res = parse_clause(content, m.start(1), _rule_in_force(lead_rule_at, m.end()))
        if res:
            out.append((m.start(), m.end(), res))
    return out


def find_label_clauses(
    text: str, taken: list[tuple[int, int]], lead_rule_at: Span | None = None
) -> list[tuple[int, int, list[Mention]]]:
    """Un-bracketed `责任单位：…` lists (to the end of the sentence or line) outside `taken` spans."""
    out = []
    in_taken = contained(taken)
    for m in LABEL.finditer(text):
        if in_taken(m.start(), m.start() + 1):
            continue
        end = len(text)
        stop = SENTENCE_END.search(text, m.end())
        if stop:
            end = stop.start()
        res = parse_clause(text[m.start() : end], m.start(), _rule_in_force(lead_rule_at, end))
        if res:
            out.append((m.start(), end, res))
    return out
