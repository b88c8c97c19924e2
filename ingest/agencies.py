"""Agency mentions → canonical official names, using the curated tables in data/agencies.json.

A mention is read in its document's context: the region it governs expands 省/市/区 prefixes
(省发展改革委 in a Shandong document is 山东省发展和改革委员会); a State Council document's bare names
are central bodies (发展改革委 → 国家发展和改革委员会); a sub-unit after its parent joins it (条法司 after
国家知识产权局); pre-2018 documents keep the names of their time (省网信办 → …领导小组办公室).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from .gazetteer import NATION, gazetteer

__all__ = ["Agency", "AgencyContext", "normalize_agency"]

CENTRAL_MARKERS = ("国家", "中国", "中央", "中共中央", "最高", "国务院", "全国", "共青团中央", "中华")
PREFIX = re.compile(r"^(省委|省|市委|市|区委|区|县委|县)(?=.)")
MEMBERS = re.compile(r"(?:成员单位|各成员单位|成员)$")


@dataclass(frozen=True)
class AgencyContext:
    region: str | None  # the document's region (display name)
    pre2018: bool = False
    issuer: str | None = None  # the one issuing body, whose divisions a 牵头处室 column names bare

    @property
    def national(self) -> bool:
        return self.region in (None, NATION)


@dataclass(frozen=True)
class Agency:
    name: str
    level: str  # 中央 / 省级 / 地级 / 县级 / 未知
    region: str | None
    parent: str | None = None
    # how the name was resolved: a registry table (central, subunit, local, branch), a pattern
    # (prefix, region_name, catch_all, place_government, central_marker), or "unresolved"
    source: str = "unresolved"


@cache
def _data() -> dict[str, Any]:
    return json.loads(resources.files("policykg.ingest").joinpath("data/agencies.json").read_text("utf-8"))


SUBUNIT_PARENTS = frozenset(_data()["subunits"])


@cache
def _terms_re() -> tuple[re.Pattern[str], dict[str, str]]:
    terms = {k: v for k, v in _data()["terms"].items() if not k.startswith("_")}
    return re.compile("|".join(re.escape(k) for k in sorted(terms, key=len, reverse=True))), terms


def expand_terms(name: str) -> str:
    pattern, terms = _terms_re()
    out = pattern.sub(lambda m: terms[m.group(0)], name)
    if out.endswith("委") and not out.endswith(("党委", "纪委", "政法委")):
        out += "员会"
    if out.endswith("政法委"):
        out += "员会"
    return out


def _level_of(region: str | None) -> str:
    if region is None:
        return "未知"
    if region == NATION:
        return "中央"
    place = gazetteer().places.get(region)
    return {"省级": "省级", "地级": "地级", "县级": "县级"}.get(place.level, "未知") if place else "未知"


def _region_for_prefix(prefix: str, ctx: AgencyContext) -> str | None:
    g = gazetteer()
    if ctx.region is None or ctx.national:
        return None
    if prefix.startswith("省"):
        return g.province_of(ctx.region)
    if prefix.startswith("市"):
        return g.city_of(ctx.region)
    place = g.places.get(ctx.region)
    if place is not None and place.level == "县级":
        return ctx.region
    return None


def _override(rest: str, ctx: AgencyContext) -> str | None:
    """A name that differs in the document's province-level region (上海市国有资产监督管理委员会)."""
    province = gazetteer().province_of(ctx.region) if ctx.region else None
    table = _data().get("region_overrides", {}).get(province or "", {})
    return table.get(rest)


def _template(value: Any, prefix: str, ctx: AgencyContext, region: str) -> str | None:
    if isinstance(value, str):
        return value
    if "pre2018" in value:
        return value["pre2018"] if ctx.pre2018 else value["default"]
    # by the level of the place the prefix stands for: 市高院 in Shanghai (a province-level city) is 高级
    place = gazetteer().places.get(region)
    level = {"省级": "省", "地级": "市", "县级": "区"}.get(place.level if place else "", prefix[0])
    return value.get(level) or (value.get("县") if level == "区" else None) or value.get(prefix[0])


def _central(m: str, ctx: AgencyContext) -> str | None:
    central = _data()["central"]
    if m not in central:
        return None
    full = central[m]
    # 统计局, 海洋局 in a local text are the local bureaus; 公安部, 税务总局, 审计署 exist only centrally
    unambiguous = (
        m.startswith(CENTRAL_MARKERS) or full.endswith(("部", "总局", "署")) or full.startswith(("国务院", "中共中央"))
    )
    if ctx.national or unambiguous or full == m:
        return full
    return None


@cache
def _local_keys() -> tuple[str, ...]:
    """The registry's local_prefixed keys, longest first."""
    return tuple(sorted((k for k in _data()["local_prefixed"] if not k.startswith("_")), key=len, reverse=True))


@cache
def _parent_names(parent: str) -> tuple[str, ...]:
    """A parent body's official name and its short forms, longest first."""
    central = _data()["central"]
    return tuple(sorted({parent, *[k for k, v in central.items() if v == parent]}, key=len, reverse=True))


@lru_cache(maxsize=1 << 16)
def normalize_agency(mention: str, ctx: AgencyContext, parent: str | None = None) -> Agency:
    """The canonical agency for `mention`; `parent` is the canonical name of the agency named before
    it in the same list, which a bare sub-unit (条法司, 商标局) belongs to.

    A pure function of its arguments and the registry, so it is cached: a corpus names the same few
    hundred bodies over and over (a quarter of extraction time went here before)."""
    data = _data()
    g = gazetteer()
    m = "".join(mention.split())
    m = MEMBERS.sub("", m) or m

    # Sub-units of central bodies, written with their parent or after it.
    for par, subs in data["subunits"].items():
        for alias in _parent_names(par):
            if m.startswith(alias) and len(m) > len(alias) and alias != m:
                rest = m[len(alias) :]
                if rest in subs or rest.endswith(("司", "局", "部", "室", "中心", "处")):
                    return Agency(par + subs.get(rest, rest), "中央", NATION, par, "subunit")
        if m in subs and parent is not None and (parent == par or parent.startswith(par)):
            return Agency(par + subs[m], "中央", NATION, par, "subunit")

    central = _central(m, ctx)
    if central:
        return Agency(central, "中央", NATION, None, "central")

    division = _division(m, ctx)
    if division is not None:
        return division

    for pattern, template in data["branches"].items():
        if pattern.startswith("_"):
            continue
        hit = re.match(pattern, m)
        if hit:
            place = g.resolve(hit.group(1))
            if place is None and not template.startswith("中国人民银行"):
                continue  # 省地方金融监管局 is a local bureau, not a branch in a place called 省地方
            name = template.replace("{1}", hit.group(1))
            return Agency(
                name, _level_of(place.name) if place else "未知", place.name if place else None, None, "branch"
            )

    if ctx.region and not ctx.national:
        place = g.places.get(ctx.region)
        if place is not None and place.level == "县级":
            short = re.sub(r"(区|县|市)$", "", place.own)
            city = g.city_of(ctx.region) or ""
            for suffix, template in data["district_branches"].items():
                if suffix.startswith("_"):
                    continue
                if m in (short + suffix, place.own + suffix):
                    name = template.replace("{C}", city).replace("{D}", place.own).replace("{d}", short)
                    return Agency(name, "县级", ctx.region, None, "branch")

    if m.startswith(("各", "有关", "相关")):
        return _catch_all(m, ctx)

    local = _town_or_police(m, ctx)
    if local is not None:
        return local

    team = LEAGUE.match(m)
    if team:  # 团市委 / 团区委: the Communist Youth League committee of that level
        region = _region_for_prefix(team.group(1), ctx)
        if region is not None:
            return Agency(f"共青团{region}委员会", _level_of(region), region, None, "local")

    hit = PREFIX.match(m)
    if hit:
        prefix = hit.group(1)
        region = _region_for_prefix(prefix, ctx)
        if region is not None:
            rest = m[len(prefix[0]) :]  # keep 委 of 省委: 委宣传部 is a local_prefixed key
            override = _override(rest, ctx)
            if override:
                return Agency(override.replace("{P}", region), _level_of(region), region, None, "local")
            if rest.startswith("属"):  # 区属国企: the district's own enterprises
                return Agency(region + prefix[0] + expand_terms(rest), _level_of(region), region, None, "catch_all")
            local = data["local_prefixed"]
            for key in _local_keys():
                if rest == key:
                    template = _template(local[key], prefix, ctx, region)
                    if template:
                        return Agency(template.replace("{P}", region), _level_of(region), region, None, "local")
            if rest.startswith("委"):
                return Agency(f"中共{region}{expand_terms(rest)}", _level_of(region), region, None, "prefix")
            return Agency(region + expand_terms(rest), _level_of(region), region, None, "prefix")

    # A place named as a responsible body (越秀区 in a Guangzhou plan): its people's government.
    within = ctx.region if ctx.region and not ctx.national else None
    bare = g.resolve(m, within) if re.search(r"(?:省|市|区|县|旗|自治州)$", m) else None
    if bare is not None and bare.level in ("省级", "地级", "县级") and m in (bare.own, bare.name):
        return Agency(bare.name + "人民政府", _level_of(bare.name), bare.name, None, "place_government")

    # A district named without its city inside the document's city (杨浦区政府 in a Shanghai text).
    if within:
        for n in range(min(len(m) - 1, 6), 1, -1):
            head = m[:n]
            if head.endswith(("区", "县")) and head not in g.places:
                place = g.resolve(head, within)
                if place is not None and place.level == "县级" and head == place.own:
                    rest = m[n:]
                    rest = "人民政府" if rest == "政府" else expand_terms(rest)
                    return Agency(place.name + rest, "县级", place.name, None, "region_name")

    # A name that starts with its own region (山东省知识产权局, 威海市市场监管局).
    for n in range(min(len(m) - 1, 12), 1, -1):
        place = g.places.get(m[:n])
        if place is not None and place.level != "区域":
            rest = m[n:]
            if rest.startswith("委") and not rest.startswith("委员会"):
                return Agency(
                    f"中共{m[:n]}{expand_terms(rest)}", _level_of(place.name), place.name, None, "region_name"
                )
            return Agency(m[:n] + expand_terms(rest), _level_of(place.name), place.name, None, "region_name")

    if m in data["central"]:
        # An ambiguous bare name (发展改革委, 统计局) in a local document is the local body.
        if ctx.region and not ctx.national:
            return Agency(ctx.region + expand_terms(m), _level_of(ctx.region), ctx.region, None, "local")
        return Agency(data["central"][m], "中央", NATION, None, "central")
    if m.startswith(CENTRAL_MARKERS):
        return Agency(expand_terms(m), "中央", NATION, None, "central_marker")
    if m.endswith("政府") and not m.endswith("人民政府"):
        return Agency(m[: -len("政府")] + "人民政府", "未知", None, None, "pattern")
    return Agency(expand_terms(m), "未知", None)


DIVISION = re.compile(r"^[\u4e00-\u9fa5]{2,10}(?:司|处|科|室)$")
NOT_DEPARTMENT = re.compile(r"(?:人民政府|政府|国务院|办公厅|办公室)$")


def _division(m: str, ctx: AgencyContext) -> Agency | None:
    """规划司 / 综合处 in a document one department issued: a division of that department. Its own
    registry entry (国家发展和改革委员会 → 发展战略和规划司) names it in full."""
    issuer = ctx.issuer
    if issuer is None or NOT_DEPARTMENT.search(issuer) or not DIVISION.match(m) or PREFIX.match(m):
        return None
    if gazetteer().resolve(m[:2]) is not None:
        return None  # 青岛海关缉私处: a body of a place, named with it
    subs = _data()["subunits"].get(issuer, {})
    region = ctx.region if ctx.region and not ctx.national else NATION
    return Agency(issuer + subs.get(m, m), _level_of(region), region, issuer, "subunit")


TOWN = re.compile(r"^[\u4e00-\u9fa5]{2,5}(?:镇|乡|街道)$")
POLICE = re.compile(r"^(?:区|县)?公安(?P<d>[\u4e00-\u9fa5]{0,4}?)分局$")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def _town_or_police(m: str, ctx: AgencyContext) -> Agency | None:
    """Bodies below or beside a district government: 泗泾镇 → …泗泾镇人民政府, 永丰街道 → …永丰街道办事处,
    区公安分局 / 公安青浦分局 → 上海市公安局青浦分局 (a municipality's district branch takes the short name)."""
    g = gazetteer()
    place = g.places.get(ctx.region or "")
    if place is None or place.level != "县级":
        return None
    if TOWN.match(m) and not m.startswith(("各", "有关", "相关")) and g.resolve(m) is None:
        suffix = "人民政府" if m.endswith(("镇", "乡")) else "办事处"
        return Agency(f"{ctx.region}{m}{suffix}", "乡级", ctx.region, None, "pattern")
    hit = POLICE.match(m)
    short = re.sub(r"(区|县)$", "", place.own)
    if hit and hit.group("d") in ("", short, place.own):
        city = g.city_of(ctx.region) or ""
        district = short if city in MUNICIPALITIES else place.own
        return Agency(f"{city}公安局{district}分局", "县级", ctx.region, None, "branch")
    return None


LEAGUE = re.compile(r"^团(省|市|区|县)委$")
# a catch-all naming units that have governments: 各区、县级市 → 各区、县级市人民政府
GOVERNMENT_UNITS = re.compile(r"(?:省|自治区|直辖市|市|州|盟|区|县|旗|县级市)(?:[（(][^（）()]*[)）])?$")


def _catch_all(m: str, ctx: AgencyContext) -> Agency:
    """各区政府, 各区、县级市, 各有关单位, 各省级人民政府: kept as written, local governments as 人民政府,
    prefixed by the document's region when it has one (各区政府 in a Shanghai text → 上海市各区人民政府)."""
    m = re.sub(r"(?<!人民)政府$", "人民政府", m)  # 各区、县（市）政府: local governments are 人民政府
    if GOVERNMENT_UNITS.search(m) and not m.endswith(("人民政府", "政府")):
        m += "人民政府"
    if "项目" in m or m.endswith(("企业", "公司", "集团")):
        # 各项目牵头单位, 各航空公司: roles in the plan or companies, not bodies of the place
        return Agency(m, "未知", None, None, "catch_all")
    if ctx.region and not ctx.national:
        return Agency(ctx.region + m, _level_of(ctx.region), ctx.region, None, "catch_all")
    return Agency(m, _level_of(ctx.region), ctx.region, None, "catch_all")
