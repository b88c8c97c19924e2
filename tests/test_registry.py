"""The agency registry and the header and place rules real documents need, one rule per case."""

from __future__ import annotations

import pytest
from policykg.ingest.agencies import AgencyContext, normalize_agency
from policykg.ingest.pipeline import extract_bytes

NATIONAL = AgencyContext("中华人民共和国")
SHANGHAI = AgencyContext("上海市")
JINGAN = AgencyContext("上海市静安区")
SONGJIANG = AgencyContext("上海市松江区")
GUANGZHOU = AgencyContext("广州市")


@pytest.mark.parametrize(
    ("mention", "ctx", "official"),
    [
        # State Council and party bodies by their short forms (2018 and 2023 reforms, former names kept)
        ("扶贫办", NATIONAL, "国务院扶贫开发领导小组办公室"),
        ("中央统战部", NATIONAL, "中共中央统一战线工作部"),
        ("全国总工会", NATIONAL, "中华全国总工会"),
        ("共青团中央", NATIONAL, "中国共产主义青年团中央委员会"),
        ("中央和国家机关工委", NATIONAL, "中央和国家机关工作委员会"),
        ("标准委", NATIONAL, "国家标准化管理委员会"),
        ("金融监管总局", NATIONAL, "国家金融监督管理总局"),
        ("空管委办公室", NATIONAL, "国务院、中央军委空中交通管制委员会办公室"),
        # a central short name in a local text is the local body; 国务院 bodies stay central
        ("海洋局", SHANGHAI, "上海市海洋局"),
        ("统计局", SHANGHAI, "上海市统计局"),
        # city departments with their official long forms, the municipality's court by its level
        ("市人力资源社会保障局", GUANGZHOU, "广州市人力资源和社会保障局"),
        ("市经贸委", GUANGZHOU, "广州市经济贸易委员会"),
        ("团市委", GUANGZHOU, "共青团广州市委员会"),
        ("市高院", SHANGHAI, "上海市高级人民法院"),
        ("市税务局", SHANGHAI, "国家税务总局上海市税务局"),
        ("市规划资源局", SHANGHAI, "上海市规划和自然资源局"),
        ("市交警总队", SHANGHAI, "上海市公安局交通警察总队"),
        ("市经济信息化委", SHANGHAI, "上海市经济和信息化委员会"),
        # district bodies, towns and streets, a municipality's police branch
        ("区建管委", AgencyContext("上海市嘉定区"), "上海市嘉定区建设和管理委员会"),
        ("区公安分局", JINGAN, "上海市公安局静安分局"),
        ("公安青浦分局", AgencyContext("上海市青浦区"), "上海市公安局青浦分局"),
        ("泗泾镇", SONGJIANG, "上海市松江区泗泾镇人民政府"),
        ("永丰街道", SONGJIANG, "上海市松江区永丰街道办事处"),
        ("杨浦区政府", SHANGHAI, "上海市杨浦区人民政府"),
        ("越秀区", GUANGZHOU, "广州市越秀区人民政府"),
        # catch-alls: kept as written, governments as 人民政府, companies and plan roles not prefixed
        ("各区、县级市", GUANGZHOU, "广州市各区、县级市人民政府"),
        ("各区政府", SHANGHAI, "上海市各区人民政府"),
        ("相关街镇", SONGJIANG, "上海市松江区相关街镇"),
        ("各航空公司", SHANGHAI, "各航空公司"),
        ("各项目牵头单位", GUANGZHOU, "各项目牵头单位"),
        ("试点城市政府", NATIONAL, "试点城市人民政府"),
        # names that differ by place; branches of central bodies in a place
        ("市国资委", SHANGHAI, "上海市国有资产监督管理委员会"),
        ("市国资委", GUANGZHOU, "广州市人民政府国有资产监督管理委员会"),
        ("区住房保障房屋管理局", JINGAN, "上海市静安区住房保障和房屋管理局"),
        ("区属国企", AgencyContext("上海市嘉定区"), "上海市嘉定区区属国有企业"),
        ("上海海事局", SHANGHAI, "中华人民共和国上海海事局"),
        ("民航华东管理局", SHANGHAI, "中国民用航空华东地区管理局"),
        # divisions of the one issuing department
        (
            "规划司",
            AgencyContext("中华人民共和国", False, "国家发展和改革委员会"),
            "国家发展和改革委员会发展战略和规划司",
        ),
        ("高教处", AgencyContext("山东省", False, "山东省教育厅"), "山东省教育厅高教处"),
    ],
)
def test_official_names(mention: str, ctx: AgencyContext, official: str) -> None:
    assert normalize_agency(mention, ctx).name == official


def test_every_name_says_how_it_was_resolved() -> None:
    assert normalize_agency("发展改革委", NATIONAL).source == "central"
    assert normalize_agency("市水务局", SHANGHAI).source == "prefix"
    assert normalize_agency("各区政府", SHANGHAI).source == "catch_all"
    assert normalize_agency("申通地铁集团", SHANGHAI).source == "unresolved"


def _header(text: str, name: str = "doc.txt"):
    return extract_bytes(text.encode("utf-8"), name)


def test_markdown_front_matter_and_compiler_notes() -> None:
    text = (
        "---\n标题: 上海市嘉定区人民政府办公室关于转发《嘉定区海绵城市建设实施方案》的通知\n文号: 嘉府办发〔2024〕23号\n"
        "发布日期: 2024-10-10\n---\n\n> 本文正文由脚本自官方页面提取。\n> 依《中华人民共和国著作权法》第五条，不适用著作权法。\n\n"
        "# 上海市嘉定区人民政府办公室关于转发《嘉定区海绵城市建设实施方案》的通知\n\n各镇人民政府，区政府相关委、办、局：\n\n"
        "区建设管理委拟定的《嘉定区海绵城市建设实施方案》已经区政府同意，现转发给你们，请认真按照执行。\n\n"
        "上海市嘉定区人民政府办公室\n\n2024年10月10日\n\n嘉定区海绵城市建设实施方案\n\n"
        "为贯彻落实《国务院办公厅关于推进海绵城市建设的指导意见》（国办发〔2015〕75号），制定本方案。\n\n"
        "一、重点任务\n\n（一）建设管理。编制方案。（责任单位：区建设管理委、区水务局）\n"
    )
    rec = _header(text, "jiading.md")
    assert rec.title == "嘉定区海绵城市建设实施方案"
    assert rec.doc_number == "嘉府办发〔2024〕23号"  # the front matter's, not the cited 国办发〔2015〕75号
    assert rec.date == "2024-10-10"
    assert rec.issuer == ["上海市嘉定区人民政府办公室"]
    assert rec.region == "上海市嘉定区"
    assert rec.basis == ["国务院办公厅关于推进海绵城市建设的指导意见"]
    assert "中华人民共和国著作权法" not in rec.cited  # the compiler's note is not the document
    assert [a.agency for a in rec.assignments] == ["上海市嘉定区建设和管理委员会", "上海市嘉定区水务局"]


def test_a_page_metadata_title_is_kept_as_published() -> None:
    html = (
        "<html><body><table><tr><td>标题：</td><td>国务院关于印发国家职业教育改革实施方案的通知</td></tr>"
        "<tr><td>发文机关：</td><td>国务院</td></tr><tr><td>发文字号：</td><td>国发〔2019〕4号</td></tr>"
        "<tr><td>成文日期：</td><td>2019年01月24日</td></tr></table>"
        "<p>现将《国家职业教育改革实施方案》印发给你们，请认真贯彻执行。</p><p>国家职业教育改革实施方案</p>"
        "<p>一、完善国家职业教育制度体系</p><p>（一）健全国家职业教育制度框架。借鉴德国、日本、瑞士等国家经验。</p></body></html>"
    )
    rec = _header(html, "g03.html")
    assert rec.title == "国务院关于印发国家职业教育改革实施方案的通知"
    assert "国家职业教育改革实施方案" not in rec.cited  # the document's own name is never cited
    assert {"德国", "日本", "瑞士"} <= set(rec.regions)


def test_issuers_by_official_name() -> None:
    text = "发展改革委办公厅\n税务总局办公厅\n关于加强纳税信用建设的通知\n为做好工作，现通知如下。\n一、总体要求\n做好工作。\n发展改革委办公厅\n税务总局办公厅\n2019年8月20日\n"
    assert _header(text).issuer == ["国家发展和改革委员会办公厅", "国家税务总局办公厅"]


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        ("我国消费扶贫取得成效。", {"中国"}, set()),
        ("深化粤港澳人才合作。", {"广东省", "香港特别行政区", "澳门特别行政区"}, set()),
        ("推动东西部扶贫协作。", {"东部地区", "西部地区"}, set()),
        ("注重向中西部地区倾斜。", {"中西部地区"}, {"西部地区"}),
        ("以习近平新时代中国特色社会主义思想为指导。", set(), {"中国"}),
        ("推进南沙新区建设。", {"广州南沙新区"}, set()),
        ("做好自然资源保护。", set(), {"桂林市资源县"}),  # 资源 is a county's short name and a word
        (
            "推进南沙新区“粤港澳人才合作特别示范区”建设。",
            {"粤港澳人才合作特别示范区", "广东省", "香港特别行政区"},
            set(),
        ),
        ("选择广州开发区作为试点。", {"广州开发区"}, set()),
        ("整治苏州河沿岸和武威路周边。", set(), {"苏州市", "武威市"}),  # a river and a road named after places
    ],
)
def test_places(sentence: str, present: set[str], absent: set[str]) -> None:
    rec = _header(f"一、主要任务\n（一）做好工作。{sentence}\n")
    assert present <= set(rec.regions)
    assert not absent & set(rec.regions)


def test_addressee_lines_name_no_place() -> None:
    text = "关于加强信用建设的通知\n各省、自治区、直辖市、新疆生产建设兵团有关部门：\n为做好工作，现通知如下。\n一、主要任务\n（一）做好工作。加强建设。\n"
    assert "新疆维吾尔自治区" not in _header(text).regions


def test_region_from_text_ignores_county_short_names() -> None:
    text = "2.完善竣工验收制度。优化流程，做好自然资源和交通资源统筹。编制《上海市建筑工程综合竣工验收工作手册》。（责任部门：市住房城乡建设管理委、市规划资源局）\n"
    rec = _header(text)
    assert rec.region == "上海市"
    assert rec.title == "完善竣工验收制度"  # an excerpt of one item: its heading names it


def test_metadata_of_pages_that_print_label_and_value_together() -> None:
    page = (
        "<html><body><div class='info'><span>发布机构：山东省人民政府办公厅</span><span>文　　号：鲁政办字〔2021〕78号</span>"
        "<span>成文日期：2021年07月12日</span><span>名　　称：山东省知识产权强省建设实施方案</span></div><div id='zoom'>"
        "<p>现将《山东省知识产权强省建设实施方案》印发给你们，请认真贯彻执行。</p><p>一、重点任务</p>"
        "<p>（一）完善制度。建立机制。（省知识产权局牵头，省司法厅参加）</p><table><tr><td>名称</td><td>金额</td></tr></table>"
        "</div></body></html>"
    )
    rec = _header(page, "content.jsp")
    assert (rec.title, rec.issuer, rec.doc_number, rec.date) == (
        "山东省知识产权强省建设实施方案",
        ["山东省人民政府办公厅"],
        "鲁政办字〔2021〕78号",
        "2021-07-12",
    )
    assert [(a.agency, a.role) for a in rec.assignments] == [("山东省知识产权局", "牵头"), ("山东省司法厅", "参加")]
