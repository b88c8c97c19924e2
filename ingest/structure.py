"""Clean text → the document's structure: header facts and the heading tree of its prose.

Header: title (the policy's own title: the one its cover notice prints in 《》, else the page metadata,
else the first title lines), 文号, issuers (the signature block), 成文日期, and the region it governs
(from the issuer: 山东省人民政府 → 山东省; without one, from 我省/我市 and the places it names).

Headings: 一、 / （一） / 1. 1、 / （1） / ① at the start of a paragraph, each with a numbering path in
the gold format (二.(一).1) and a short title (up to the first 。). Non-operative sections (总体要求,
指导思想, 目标 …) hold no tasks; section labels (重点任务, 共建内容 …) are not tasks themselves.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .agencies import CENTRAL_MARKERS, MUNICIPALITIES, AgencyContext, _data, normalize_agency
from .gazetteer import NATION, gazetteer

__all__ = ["Header", "Heading", "find_headings", "read_header", "sections_data"]

CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九", 0)}
LEVEL_PATTERNS = [
    (1, re.compile(r"^\s*([一二三四五六七八九十百]+)\s*[、．.]\s*")),
    (2, re.compile(r"^\s*[（(]\s*([一二三四五六七八九十百]+)\s*[)）]\s*")),
    (3, re.compile(r"^\s*(\d{1,2})\s*[.．、](?!\d)\s*")),
    (4, re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[)）]\s*")),
    (5, re.compile(r"^\s*([①-⑳])\s*")),
]
DOC_NUMBER = re.compile(
    r"(?<![\u4e00-\u9fa5]{6})([\u4e00-\u9fa5]{1,6}?(?:发|字|函|办|令|规|通|呈|报|复|电|明电|便函|办函|办发|政发|政办发))\s*"
    r"[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*(\d{1,4})\s*号"
)
# any issuer code (沪安委会, 沪规划资源数, 沪交科): for a number standing alone or given by page metadata
DOC_NUMBER_ANY = re.compile(
    r"([\u4e00-\u9fa5]{1,8})\s*[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]\s*(\d{1,4})\s*号"
)
DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
PUBLISH_NOTE = re.compile(r"^[（(]此件(?:公开发布|不公开|主动公开|依申请公开)[）)]$|^[（(]此件.{0,10}[）)]$")
ISSUER_END = re.compile(r"(?:人民政府|政府|办公厅|办公室|委员会|局|厅|部|委|院|署|总局|行|会|中心|党委|国务院)$")


def cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s in ("十",):
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (CN_NUM.get(a, 1) if a else 1) * 10 + (CN_NUM.get(b, 0) if b else 0)
    if "百" in s:
        return 100
    return CN_NUM.get(s, 0)


@cache
def sections_data() -> dict[str, list[str]]:
    return json.loads(resources.files("policykg.ingest").joinpath("data/sections.json").read_text("utf-8"))


@dataclass
class Heading:
    level: int
    label: str  # 一 / (一) / 1 / (1) / ①
    number: int
    path: str = ""
    title: str = ""
    start: int = 0  # heading paragraph start
    end: int = 0  # end of the heading's own text (next heading)
    title_end: int = 0
    operative: bool = True
    is_label: bool = False

    @property
    def is_task(self) -> bool:
        return self.operative and not self.is_label


@dataclass
class Header:
    title: str | None = None
    title_span: tuple[int, int] | None = None
    doc_number: str | None = None
    doc_number_span: tuple[int, int] | None = None
    issuers: list[str] = field(default_factory=list)
    date: str | None = None
    date_span: tuple[int, int] | None = None
    region: str | None = None
    cover_title: str | None = None  # the policy a cover notice prints in 《》 (关于印发《X》的通知)
    body_start: int = 0  # where the policy's own text begins (after the cover notice)
    preamble_end: int = 0  # first heading

    def own_titles(self) -> list[str]:
        """Every name of the document itself: its title, the policy of its cover notice, and the X of a
        title 关于印发X的通知."""
        names = [t for t in (self.title, self.cover_title) if t]
        inner = re.match(r"^.*?关于(?:印发|转发)《?(.+?)》?的通知$", self.title or "")
        if inner:
            names.append(inner.group(1))
        return names

    def agency_context(self, pre2018: bool) -> AgencyContext:
        # one issuing department: its internal divisions (规划司, 综合处) are named without it
        sole = self.issuers[0] if len(self.issuers) == 1 else None
        return AgencyContext(self.region, pre2018, sole)


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _marker(par: str) -> tuple[int, str, int, int] | None:
    for level, pat in LEVEL_PATTERNS:
        m = pat.match(par)
        if m:
            raw = m.group(1)
            n = (ord(raw) - ord("①") + 1) if level == 5 else cn_number(raw)
            label = {1: raw, 2: f"({raw})", 3: raw, 4: f"({raw})", 5: raw}[level]
            return level, label, n, m.end()
    return None


def heading_title(s: str) -> str:
    """The short title: up to the first 。 (whole sentence for group headings), spaces removed."""
    s = s.strip()
    cut = re.search(r"[。]", s)
    title = s[: cut.start()] if cut else s
    title = re.sub(r"[：:；;]$", "", title.strip())
    return re.sub(r"\s+", "", title)


def _norm_label(title: str) -> str:
    return re.sub(r"[\s。：:，,、]", "", title)


ANNEX_LIST = re.compile(r"^\s*(?:附件|附表)\s*[：:]")
DIGIT_TITLE = re.compile(r"^\s*(\d{1,2})[.．](?=\d)")


def _numbered_after(par: str, stack: list[Heading]) -> tuple[int, str, int, int] | None:
    """`11.121人才梯队项目`: a number whose title starts with digits reads like a decimal; it is a
    heading when it continues the numbering of the item before it (10 → 11)."""
    m = DIGIT_TITLE.match(par)
    if m is None:
        return None
    n = int(m.group(1))
    prev = next((h for h in reversed(stack) if h.level == 3), None)
    if prev is None or prev.number != n - 1:
        return None
    return 3, m.group(1), n, m.end()


def find_headings(text: str, start: int = 0, excluded: list[tuple[int, int]] | None = None) -> list[Heading]:
    """Every heading of the prose after `start` and outside `excluded` spans (tables read elsewhere),
    with paths, titles and operative flags."""
    skip = sorted(excluded or [])
    data = sections_data()
    non_op = re.compile("^(?:" + "|".join(map(re.escape, sorted(data["non_operative"], key=len, reverse=True))) + ")")
    labels = set(data["labels"])
    heads: list[Heading] = []
    stack: list[Heading] = []
    in_annex_list = False
    for a, b in paragraphs(text):
        if b <= start:
            continue
        par = text[a:b]
        if "\t" in par or any(x <= a < y for x, y in skip):
            continue  # table rows are read by ingest/tables.py and ingest/flat_tables.py
        if ANNEX_LIST.match(par):
            in_annex_list = True  # 附件：1.任务分工表 2.…: the titles of the annexes, not tasks
            continue
        if in_annex_list:
            if _marker(par) and len(par) <= 60 and "。" not in par:
                continue
            in_annex_list = False
        mk = _marker(par) or _numbered_after(par, stack)
        if not mk:
            continue
        level, label, number, off = mk
        h = Heading(level, label, number, start=a)
        rest = par[off:]
        h.title = heading_title(rest)
        cut = rest.find("。")
        h.title_end = a + off + (cut if cut >= 0 else len(rest))
        while stack and stack[-1].level >= level:
            stack.pop()
        parent_ops = all(s.operative for s in stack)
        h.path = ".".join([s.label for s in stack] + [label])
        norm = _norm_label(h.title)
        h.operative = parent_ops and not non_op.match(norm)
        h.is_label = norm in labels
        stack.append(h)
        heads.append(h)
    for i, h in enumerate(heads):
        h.end = heads[i + 1].start if i + 1 < len(heads) else len(text)
    return heads


def split_issuers(line: str) -> list[str]:
    """内蒙古自治区发展和改革委员会内蒙古自治区能源局 (joint signers printed on one line) → each signer:
    a cut where a place name or 中共 starts right after a name's ending (委员会, 局, 人民政府 …)."""
    g = gazetteer()
    cuts = [a for a, _ in g.find_names(line) if a > 0 and ISSUER_END.search(line[:a])]
    cuts += [m.start() for m in re.finditer("中共", line) if m.start() > 0 and ISSUER_END.search(line[: m.start()])]
    pieces, last = [], 0
    for c in sorted(set(cuts)):
        if c - last >= 4:
            pieces.append(line[last:c])
            last = c
    pieces.append(line[last:])
    return [p for p in pieces if p]


def _looks_issuer(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 40 or re.search(r"[，。：:；,、《》“”]", s):
        return False
    return all(ISSUER_END.search(p) for p in s.split())


def _iso(m: re.Match[str]) -> str:
    y, mo, d = m.groups()
    if not y.isdigit():
        digits = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
        y = "".join(digits[c] for c in y)
        mo, d = str(cn_number(mo)), str(cn_number(d))
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"


def _find_date(s: str) -> re.Match[str] | None:
    return DATE.search(s) or CN_DATE.search(s)


def region_of_issuer(issuer: str) -> str | None:
    """山东省人民政府 → 山东省; 济南市历下区人民政府 → 济南市历下区; 国务院 → 中华人民共和国."""
    g = gazetteer()
    name = re.sub(r"^中共", "", issuer)
    for n in range(min(len(name), 14), 1, -1):
        place = g.places.get(name[:n])
        if place is not None and place.level != "区域":
            return place.name
    # 山东省委 etc.: a short place name before 委/省
    for n in range(min(len(name), 8), 1, -1):
        place = g.resolve(name[:n])
        if place is not None and place.level in ("省级", "地级", "县级") and len(name[:n]) >= 2:
            return place.name
    if name.startswith(CENTRAL_MARKERS) or name in _data()["central"].values() or name in _data()["central"]:
        return NATION
    return None


def official_issuer(name: str) -> str:
    """An issuer as its official name where the registry knows the short form (发展改革委办公厅 →
    国家发展和改革委员会办公厅); a name it does not know is kept as signed."""
    name = re.sub(r"\s+", "", name)
    region = region_of_issuer(name)
    ag = normalize_agency(name, AgencyContext(None if region in (None, NATION) else region))
    return ag.name if ag.source in ("central", "subunit", "local", "region_name") else name


def read_header(text: str, meta: dict[str, str] | None = None) -> Header:
    meta = meta or {}
    h = Header()
    pars = paragraphs(text)
    # The cover notice ends at "（此件公开发布）" or at the signature date in the first part of the text.
    head_limit = min(len(text), 4000)
    body_start = 0
    first_heading = next((a for a, b in pars if _marker(text[a:b]) and "\t" not in text[a:b]), len(text))
    for a, b in pars:
        if a > head_limit or a > first_heading:
            break  # a publication note after the body is the page's end, not a cover notice's
        if PUBLISH_NOTE.match(text[a:b].strip()):
            body_start = b
            break
    first_heads = [
        p for p in pars if p[0] >= body_start and _marker(text[p[0] : p[1]]) and "\t" not in text[p[0] : p[1]]
    ]
    h.preamble_end = first_heads[0][0] if first_heads else len(text)
    zone_end = body_start if body_start else min(h.preamble_end, head_limit)
    zone = text[:zone_end]

    # 文号
    for a, b in pars:
        if a >= max(zone_end, 600):
            break
        m = DOC_NUMBER.search(text[a:b])
        if m is None and len(text[a:b].strip()) <= 20:
            m = DOC_NUMBER_ANY.fullmatch(text[a:b].strip())
            m = DOC_NUMBER_ANY.search(text[a:b]) if m else None
        while m and re.search(r"》\s*[（(]?\s*$", text[a : a + m.start()]):
            m = DOC_NUMBER.search(text[a:b], m.end())  # 《…》（沪府办发〔2024〕3号）: a cited document's number
        alone = m is not None and len(text[a:b].strip()) <= len(m.group(0)) + 4
        if m and (alone or (a < 300 and not meta.get("doc_number_hint"))):
            h.doc_number = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
            h.doc_number_span = (a + m.start(), a + m.end())
            break
    if h.doc_number is None and meta.get("doc_number_hint"):
        m = DOC_NUMBER_ANY.search(meta["doc_number_hint"])
        h.doc_number = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else None
    if meta.get("doc_number"):
        m = DOC_NUMBER.search(meta["doc_number"])
        h.doc_number = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else meta["doc_number"].strip()

    # Signature block: issuer lines right above a date line (cover notice, else the end of the text).
    def signature(lo: int, hi: int) -> tuple[list[str], re.Match[str] | None, int]:
        ps = [p for p in pars if lo <= p[0] < hi]
        for i in range(len(ps) - 1, -1, -1):
            a, b = ps[i]
            line = text[a:b].strip()
            dm = _find_date(line)
            if dm and len(line) <= len(dm.group(0)) + 6:
                names = []
                j = i - 1
                while j >= 0 and _looks_issuer(text[ps[j][0] : ps[j][1]]):
                    names = [n for part in text[ps[j][0] : ps[j][1]].split() for n in split_issuers(part)] + names
                    j -= 1
                return names, dm, a
        return [], None, 0

    names, dm, at = signature(0, zone_end) if zone_end else ([], None, 0)
    if not names:
        tail_names, tail_dm, tail_at = signature(max(0, len(text) - 600), len(text))
        if tail_dm is not None and (tail_names or dm is None):
            names, dm, at = tail_names, tail_dm, tail_at
    if meta.get("issuer"):
        h.issuers = [x for x in re.split(r"[\s、，,]+", meta["issuer"]) if x]
    elif names:
        h.issuers = names
    elif zone_end and pars and _looks_issuer(text[pars[0][0] : pars[0][1]]):
        h.issuers = text[pars[0][0] : pars[0][1]].split()
    if dm is not None:
        h.date = _iso(dm)
        h.date_span = (at + dm.start(), at + dm.end())
    elif meta.get("date") or meta.get("date_hint"):
        raw_date = meta.get("date") or meta.get("date_hint", "")
        m = _find_date(raw_date) or re.search(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})", raw_date)
        h.date = _iso(m) if m else None

    # Title
    genre = "|".join(map(re.escape, sorted(sections_data()["genre_words"], key=len, reverse=True)))
    cover = re.search(
        r"(?:现将|关于印发|关于转发|现印发|现转发)[^《》。\n]{0,24}?《(.+?)》|《(.+?)》\s*已经[^。]{0,30}?(?:同意|通过)",
        zone,
    )
    if cover:
        h.cover_title = re.sub(r"\s+", "", cover.group(1) or cover.group(2))
    if meta.get("title"):
        # a page's metadata table names the document as published (the cover notice's own title)
        h.title = re.sub(r"\s+", "", meta["title"])
    elif cover:
        t = cover.group(1) or cover.group(2)
        h.title = re.sub(r"\s+", "", t)
        s = cover.start(1) if cover.group(1) else cover.start(2)
        h.title_span = (s, s + len(t))
    else:
        acc, acc_start = "", None
        for a, b in pars[:12]:
            line = text[a:b].strip()
            if DOC_NUMBER.search(line) or (_find_date(line) and len(line) < 16) or PUBLISH_NOTE.match(line):
                acc, acc_start = "", None
                continue
            if _marker(line):
                break
            if len(line) > 80 or re.search(r"[。；]", line):
                break
            if acc_start is None:
                acc_start = a
            acc += line
            if re.search(rf"(?:{genre})(?:[（(][^（）()]*[)）])?$", acc):
                h.title = re.sub(r"\s+", "", acc)
                h.title_span = (acc_start, b)
                break
    if h.title is None and meta.get("title_hint"):
        hint = re.sub(r"\s+", "", meta["title_hint"])
        inner = re.match(r"^.*?关于(?:印发|转发)[^《]*《(.+?)》的通知$", hint)
        h.title = inner.group(1) if inner else hint
    if h.title is None and pars:
        first_a, first_b = pars[0]
        line = text[first_a:first_b]
        lead = re.match(rf"^\s*(.{{4,60}}?(?:{genre}))\s*。", line)
        if lead and not _marker(line):
            # "关于支持“双招双引”的十条意见。为落实…": a title run into the text of a one-line excerpt
            h.title = re.sub(r"\s+", "", lead.group(1))
            h.title_span = (first_a + lead.start(1), first_a + lead.end(1))
        elif (mk := _marker(line)) is not None:
            # an excerpt that is one numbered item: its heading names it
            h.title = heading_title(line[mk[3] :]) or None
    h.body_start = body_start

    h.issuers = [official_issuer(i) for i in h.issuers]

    # Region
    for issuer in h.issuers:
        r = region_of_issuer(issuer)
        if r:
            h.region = r
            break
    if h.region is None:
        h.region = region_from_text(text)
    if not h.issuers and meta.get("issuer_hint"):
        # page metadata naming the issuer (发布单位: 区政府办公室), read in the document's region
        ag = normalize_agency(meta["issuer_hint"], AgencyContext(h.region))
        if ag.source in ("central", "local", "prefix", "region_name"):
            h.issuers = [ag.name]
    return h


ADDRESSEE = re.compile(r"^\s*[^。\n]{2,300}[：:]\s*$")


def addressee_lines(text: str, before: int) -> list[tuple[int, int]]:
    """The addressee lines above the body (各省、自治区、直辖市人民政府…：, 赤峰市、通辽市…发展改革委：):
    names there are not places the document refers to."""
    out = []
    for a, b in paragraphs(text[:before]):
        line = text[a:b]
        if (
            ADDRESSEE.match(line)
            and "如下" not in line
            and (line.strip().startswith("各") or line.count("、") + line.count("，") >= 2)
        ):
            out.append((a, b))
    return out


def region_from_text(text: str) -> str | None:
    """The jurisdiction of a document with no issuer: 我省/我市/我区 and the places it names most.

    A county's short name is not counted (资源 is a county in Guangxi and a word everywhere); places in
    cited titles (《上海市…办法》) count half. A 市 level admits the four municipalities too.
    """
    g = gazetteer()
    body = re.sub(r"《[^《》]*》", lambda m: " " * len(m.group(0)), text)
    titles = " ".join(re.findall(r"《([^《》]*)》", text))
    level = None
    counts = {lvl: body.count(w) for lvl, w in (("省级", "我省"), ("地级", "我市"), ("县级", "我区"))}
    counts["县级"] += body.count("我县")
    if any(counts.values()):
        level = max(counts, key=lambda k: counts[k])
    tally: dict[str, float] = {}
    for source, weight in ((body, 1.0), (titles, 0.5)):
        for a, b in g.find_names(source):
            name = source[a:b]
            place = g.resolve(name)
            if place is None or place.level in ("区域", "国家"):
                continue
            if place.level == "县级" and name not in (place.own, place.name):
                continue
            tally[place.name] = tally.get(place.name, 0) + weight
    if not tally:
        return None
    if level == "省级":
        # 省X agencies and 山东 mentions: count the province of every named place too.
        for n, c in list(tally.items()):
            p = g.province_of(n)
            if p and p != n:
                tally[p] = tally.get(p, 0) + c
        cands = [n for n in tally if g.places[n].level == "省级"]
    elif level == "地级":
        cands = [n for n in tally if g.places[n].level == "地级" or n in MUNICIPALITIES]
    else:
        cands = [n for n in tally if level is None or g.places[n].level == level]
    if not cands:
        cands = list(tally)
    return max(cands, key=lambda n: tally[n])
