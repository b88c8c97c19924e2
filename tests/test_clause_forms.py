"""Responsibility forms of real documents, one rule each: clauses, lead rules, labels, tables.

Each case is a sentence of the kind real documents print (shortened), run through the whole pipeline
(`extract_bytes`) or the clause parser, with the roles and the rule that gave them.
"""

from __future__ import annotations

import pytest
from policykg.ingest.clauses import looks_like_agency, parse_clause
from policykg.ingest.pipeline import extract_bytes


def roles(text: str, name: str = "plan.txt") -> list[tuple[str, str, str, str]]:
    rec = extract_bytes(text.encode("utf-8"), name)
    return [(a.task_path, a.agency_mention, a.role, a.rule) for a in rec.assignments]


def test_a_lead_rule_stated_inside_a_clause_ending_in_fuze_applies_to_it_and_every_later_clause() -> None:
    text = (
        "一、主要任务\n"
        "（一）拓展市场。推广试点。（税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同）\n"
        "（二）提前适用政策。按规定享受政策。（海关总署、财政部负责）\n"
        "（三）优化监管。简化手续。（海关总署负责）\n"
    )
    got = roles(text)
    assert [(p, m, r) for p, m, r, _ in got] == [
        ("一.(一)", "税务总局", "牵头"),
        ("一.(一)", "财政部", "参加"),
        ("一.(一)", "海关总署", "参加"),
        ("一.(二)", "海关总署", "牵头"),
        ("一.(二)", "财政部", "参加"),
        ("一.(三)", "海关总署", "牵头"),  # a single agency under the rule leads
    ]
    assert {rule for *_, rule in got} == {"bracket.lead_rule"}


def test_a_lead_rule_in_a_note_holds_for_the_whole_document() -> None:
    text = (
        "一、重点任务\n（一）完善制度。建立机制。（市科技局、市财政局负责）\n"
        "注：各项任务中排在首位的为牵头单位，其他为配合单位。\n"
    )
    assert [(m, r) for _, m, r, _ in roles(text)] == [("市科技局", "牵头"), ("市财政局", "参加")]


def test_without_a_lead_rule_every_agency_of_a_fuze_clause_is_fuze() -> None:
    text = "一、重点任务\n（一）完善制度。建立机制。（市科技局、市财政局负责）\n"
    assert [(m, r, rule) for _, m, r, rule in roles(text)] == [
        ("市科技局", "负责", "bracket.role_word"),
        ("市财政局", "负责", "bracket.role_word"),
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # a label with groups split by ；, a trailing 等 dropped, a catch-all kept
        ("责任单位：市高院、市公安局等；各区政府", [("市高院", "负责"), ("市公安局", "负责"), ("各区政府", "负责")]),
        # 牵头单位 / 配合单位 labels; 支撑单位 is a participant
        ("牵头单位：市委组织部，配合单位：市科技局", [("市委组织部", "牵头"), ("市科技局", "参加")]),
        (
            "牵头单位：永丰街道、泗泾镇，支撑单位：区文化旅游局",
            [("永丰街道", "牵头"), ("泗泾镇", "牵头"), ("区文化旅游局", "参加")],
        ),
        # a role word closing an item before a 、
        ("市商务委牵头负责、各区政府组织落实", [("市商务委", "牵头"), ("各区政府", "参加")]),
        # several agencies marked 牵头 all lead, also after the first lead
        (
            "市住房城乡建设管理委牵头负责、市教委按职责牵头负责，各区政府组织落实",
            [("市住房城乡建设管理委", "牵头"), ("市教委", "牵头"), ("各区政府", "参加")],
        ),
        # 等和 joins two lists; 等有关部门和单位 and 会同有关部门 close a list and are not agencies
        (
            "商务部、农业农村部等和各有关省级人民政府负责",
            [("商务部", "负责"), ("农业农村部", "负责"), ("各有关省级人民政府", "负责")],
        ),
        ("人力资源社会保障部等有关部门和单位负责", [("人力资源社会保障部", "负责")]),
        ("国家发展改革委会同有关部门负责", [("国家发展改革委", "负责")]),
        # 指导 is not a role of the model: its agencies are left out, the rest of the clause counts
        ("商务部指导，供销合作总社参与", [("供销合作总社", "参加")]),
        # a remark after the clause's first sentence is not part of the list
        ("生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出", [("试点城市政府", "负责")]),
        # two prefixed names printed without a separator
        (
            "责任部门：市住房城乡建设管理委市重大办、市水务局",
            [("市住房城乡建设管理委", "负责"), ("市重大办", "负责"), ("市水务局", "负责")],
        ),
        # a 责任单位 label after a 牵头单位 label lists participants; short and 【】 labels
        (
            "牵头单位：市发展改革委；责任单位：市财政局、市科技局",
            [("市发展改革委", "牵头"), ("市财政局", "参加"), ("市科技局", "参加")],
        ),
        ("牵头：市发展改革委；配合：市财政局", [("市发展改革委", "牵头"), ("市财政局", "参加")]),
        (
            "【牵头单位】市发展改革委【配合单位】市财政局、市科技局",
            [("市发展改革委", "牵头"), ("市财政局", "参加"), ("市科技局", "参加")],
        ),
        # 各有关部门 is a catch-all (not 有关部门 closing a list); 下同 is a remark
        ("由市发展改革委牵头，各有关部门按职责分工落实", [("市发展改革委", "牵头"), ("各有关部门", "参加")]),
        ("市委组织部、市人社局按职责分工负责，下同", [("市委组织部", "负责"), ("市人社局", "负责")]),
        # 相关委、办、局 is one catch-all, not three names
        (
            "区消防救援支队牵头，各街道、相关委、办、局配合",
            [("区消防救援支队", "牵头"), ("各街道", "参加"), ("相关委、办、局", "参加")],
        ),
    ],
)
def test_clause_forms(content: str, expected: list[tuple[str, str]]) -> None:
    ms = parse_clause(content)
    assert ms is not None
    assert [(m.text, m.role) for m in ms] == expected


@pytest.mark.parametrize(
    "content",
    [
        "技工院校内由人力资源社会保障行政部门负责",  # a sentence with a preposition
        "以下简称市高指中心",
        "第二次检测需在出生4周后进行",
        "单位",
        "实施过程中如有问题请及时反馈自治区发展改革委、能源局",  # a sentence that ends in a name
        "生态环境部指导",  # only a role outside the model
    ],
)
def test_narrative_and_generic_words_are_no_clause(content: str) -> None:
    assert parse_clause(content) is None


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("区委党校", True),
        ("区属国企", True),
        ("上海申通地铁集团有限公司", True),
        ("部门", False),
        ("（一）公司", False),
    ],
)
def test_looks_like_agency(name: str, ok: bool) -> None:
    assert looks_like_agency(name) is ok


def test_an_alias_in_parentheses_is_a_second_name_of_the_same_body() -> None:
    text = "1.完善竣工验收制度。优化流程。（责任部门：市住房城乡建设管理委、市交通委（市道运局））\n"
    rec = extract_bytes(text.encode(), "item.txt")
    got = [(a.agency_mention, a.alias) for a in rec.assignments]
    assert got == [("市住房城乡建设管理委", None), ("市交通委", "市道运局"), ("市道运局", "市交通委")]


def test_a_bracket_inside_a_catch_all_widens_it() -> None:
    ms = parse_clause("区政府办公室、各街镇（园区）负责")
    assert ms is not None and [m.text for m in ms] == ["区政府办公室", "各街镇（园区）"]


def test_an_unbracketed_label_line_after_each_article() -> None:
    text = (
        "关于支持双招双引的十条意见。为落实部署，完善人才政策，促进招商引资和招才引智实效，结合实际，现提出以下意见。"
        "1.对来莆田创新创业和成果转化的国内外高层次创新创业团队，经认定，再给予100万元用于科学研究，"
        "最高给予5000万元资助。责任单位：市委组织部、市科技局。2.对实际投资2亿元以上的招商项目，给予人才指标1名，"
        "同一企业当年度最多不超过10名，每增加实际到位投资额5000万元增加1名指标。责任单位：市发改委、市财政局。"
    )
    rec = extract_bytes(text.encode(), "putian.txt")
    assert rec.title == "关于支持双招双引的十条意见"
    assert [t.path for t in rec.tasks] == ["1", "2"]  # items run into one line are split
    assert [(a.task_path, a.agency_mention, a.role, a.rule) for a in rec.assignments] == [
        ("1", "市委组织部", "负责", "line.label"),
        ("1", "市科技局", "负责", "line.label"),
        ("2", "市发改委", "负责", "line.label"),
        ("2", "市财政局", "负责", "line.label"),
    ]


def test_a_number_continuing_the_numbering_is_a_heading_though_digits_follow() -> None:
    text = (
        "二、主要任务\n10.羊城学者项目。设立岗位。（牵头单位：市委组织部）\n"
        "11.121人才梯队项目。培养后备人才。（牵头单位：市人力资源和社会保障局）\n"
    )
    got = [(p, m) for p, m, _, _ in roles(text)]
    assert got == [("二.10", "市委组织部"), ("二.11", "市人力资源和社会保障局")]


FLAT = """附件1
工作任务清单

序号

任务名称

任务内容

牵头部门

配合部门

时间节点

1

加强组织领导

召开全区动员大会，建立联席会议制度。

区政府办公室

区绿化市容局、

区农业农村委

2019年3月

2

将生活垃圾管理纳入专项督查，完善评价指标体系。

区机管局

区绿化市容局

区党政机关

2019年

序号

任务名称

任务内容

牵头部门

配合部门

时间节点

3

推进基层建设

落实每周分析评价制度，调动居民积极性。

2019年6月
"""


def test_a_table_flattened_to_one_cell_per_paragraph() -> None:
    rec = extract_bytes(FLAT.encode(), "annex.md")
    assert [(t.path, t.title) for t in rec.tasks] == [
        ("附件1.1", "召开全区动员大会"),
        ("附件1.2", "将生活垃圾管理纳入专项督查"),
        ("附件1.3", "落实每周分析评价制度"),  # after the header printed again on the next page
    ]
    got = [(a.task_path, a.agency_mention, a.role) for a in rec.assignments]
    assert got == [
        ("附件1.1", "区政府办公室", "牵头"),
        ("附件1.1", "区绿化市容局", "参加"),  # a cell broken after 、 goes on in the next paragraph
        ("附件1.1", "区农业农村委", "参加"),
        ("附件1.2", "区机管局", "牵头"),  # three cells for two columns: the lead cell took two paragraphs
        ("附件1.2", "区绿化市容局", "牵头"),
        ("附件1.2", "区党政机关", "参加"),
        ("附件1.3", "区机管局", "牵头"),  # a row with no cell of its own shares the merged cell above
        ("附件1.3", "区绿化市容局", "牵头"),
        ("附件1.3", "区党政机关", "参加"),
    ]
    assert {a.rule for a in rec.assignments} == {"table.column"}


def test_a_markdown_pipe_table_with_a_lead_column() -> None:
    text = (
        "# 重点任务分工表\n\n| 序号 | 重点任务 | 牵头单位 | 配合单位 |\n|---|---|---|---|\n"
        "| 1 | 1.完善知识产权制度，健全保护体系 | 市知识产权局 | 市司法局 |\n"
        "| 2 | 2.加强执法协作，开展专项行动 | 市市场监管局 | 市公安局 |\n"
    )
    got = [(p, m, r) for p, m, r, _ in roles(text, "table.md")]
    assert got == [
        ("1", "市知识产权局", "牵头"),
        ("1", "市司法局", "参加"),
        ("2", "市市场监管局", "牵头"),
        ("2", "市公安局", "参加"),
    ]


def test_a_grid_table_read_row_by_row_with_merged_rows() -> None:
    """Markdown and HTML grids: one task a row, cells by their column; a row with every agency cell
    empty shares the row above (a merged cell), a row with some filled leaves the empty ones empty."""
    text = (
        "附件\n\n| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|\n"
        "| 1 | 完善制度，健全体系 | 市知识产权局 | 市司法局 | 2024年底 |\n"
        "| 2 | 加强协作，开展行动 |  |  | 长期 |\n"
        "| 3 | 推进信息共享 | 市科技局 |  | 长期 |\n"
    )
    got = [(p, m, r) for p, m, r, _ in roles(text, "grid.md")]
    assert got == [
        ("附件.1", "市知识产权局", "牵头"),
        ("附件.1", "市司法局", "参加"),
        ("附件.2", "市知识产权局", "牵头"),
        ("附件.2", "市司法局", "参加"),
        ("附件.3", "市科技局", "牵头"),
    ]


def test_html_rowspans_fill_the_rows_they_cover() -> None:
    html = (
        "<html><body><div id='content'><p>重点任务分工表</p><table><tr><th>序号</th><th>重点任务</th><th>牵头单位</th>"
        "<th>配合单位</th></tr><tr><td>1</td><td>完善制度</td><td rowspan='2'>市知识产权局</td><td>市司法局</td></tr>"
        "<tr><td>2</td><td>加强协作</td><td>市公安局</td></tr></table></div></body></html>"
    )
    got = [(p, m, r) for p, m, r, _ in roles(html, "grid.html")]
    assert got == [
        ("1", "市知识产权局", "牵头"),
        ("1", "市司法局", "参加"),
        ("2", "市知识产权局", "牵头"),
        ("2", "市公安局", "参加"),
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("负责部门：市发展改革委、市财政局；适用范围：全市各区", [("市发展改革委", "负责"), ("市财政局", "负责")]),
        (
            "牵头处室：规划司；配合处室：法规司、财务司；完成时限：2024年底",
            [("规划司", "牵头"), ("法规司", "参加"), ("财务司", "参加")],
        ),
    ],
)
def test_labels_beside_labels_that_name_no_body(content: str, expected: list[tuple[str, str]]) -> None:
    ms = parse_clause(content)
    assert ms is not None and [(m.text, m.role) for m in ms] == expected


def test_agency_cells_count_only_under_an_agency_column() -> None:
    text = "附件\n序号\t改革举措\t主要内容\t指导部门\t推广范围\n1\t三合一审判\t整合审判资源。\t最高人民法院、国家知识产权局\t全国\n"
    assert roles(text, "list.txt") == []


def test_a_lead_rule_stated_in_a_table_header() -> None:
    text = "重点任务分工表\n序号\t重点任务\t责任单位（排在第一位的为牵头单位）\n1\t完善制度\t市知识产权局、市司法局\n2\t加强协作\t市公安局\n"
    rec = extract_bytes(text.encode(), "table.txt")
    assert [(a.task_path, a.agency_mention, a.role, a.rule) for a in rec.assignments] == [
        ("1", "市知识产权局", "牵头", "table.lead_rule"),
        ("1", "市司法局", "参加", "table.lead_rule"),
        ("2", "市公安局", "牵头", "table.lead_rule"),
    ]
    assert all(a.lead_rule is not None for a in rec.assignments)
