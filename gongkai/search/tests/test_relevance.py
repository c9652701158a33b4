"""R30 relevance: realistic queries and the items expected on top (title above body, exact phrase above
scattered words, either script, mixed Chinese/English/numbers)."""

import pytest

from gongkai.catalogue.models import Category
from gongkai.search import engine

CORPUS = {
    "fee_q1": (
        "2026年第一季度党费收缴、管理和使用情况公示",
        "本季度应交党费党员 32 名，实交 32 名，共收缴党费 4860 元，已按规定上缴。",
    ),
    "fee_2025": ("关于2025年度党费使用情况的说明", "党费主要用于困难党员慰问和党员教育培训。"),
    "fee_rule": ("收缴党费的有关规定", "党员应按月交纳党费，不得拖欠。"),
    "election_notice": ("关于换届选举工作的通知", "经街道党工委批准，甲社区党支部定于3月进行换届。"),
    "election_result": ("甲社区党支部换届选举结果公示", "经党员大会选举产生新一届支部委员会，委员5名。"),
    "catalogue": ("集里街道党务公开目录（2026年版）", "本目录依据《中国共产党党务公开条例（试行）》制定。"),
    "trad_plan": ("黨務公開工作實施方案", "為推進黨務公開工作，制定本方案。"),
    "evaluation": ("民主评议党员工作安排", "按照年度计划，12月开展民主评议党员。"),
    "candidates": ("党员发展对象公示", "经支部委员会研究，拟将张某某列为发展对象。"),
    "leadership": ("领导班子分工调整的通知", "书记主持全面工作，副书记分管组织建设。"),
    "meetings": ("第一季度“三会一课”开展情况", "召开支部党员大会1次、支委会3次、党小组会3次，上党课1次。"),
    "party_day": ("主题党日活动安排", "本月主题党日组织党员赴韶山开展红色教育。"),
    "assets": ("村级“三资”管理情况公示", "集体资产、资金、资源管理台账已更新。"),
    "probation": ("关于预备党员转正的公示", "预备党员李某某预备期满，拟按期转正。"),
    "report": ("社区党组织书记述职评议情况", "述职评议中，党员群众满意度为96%。"),
    "integrity": ("廉政风险防控措施", "针对党费收缴环节，建立双人复核制度。"),
    "covid": ("关于开展COVID-19防控志愿服务的通知", "组织党员志愿者20名参加2026年春季防控。"),
    "priorities": ("2026年度党建工作要点", "围绕党务公开、换届选举、党员教育等重点任务推进。"),
    "training": ("党员教育培训计划", "全年组织党员集中学习12次，其中党务公开专题1次。"),
    "hardship": ("困难党员帮扶情况", "走访慰问困难党员8名，发放慰问金。"),
}

# (query, [ids in order at the top; a {set} is a group in any order]) or (query, {exact result set}).
CASES = [
    ("党费", {"fee_q1", "fee_2025", "fee_rule", "integrity"}),
    ("党费收缴", ["fee_q1"]),  # exact phrase in a title above 收缴党费 (scattered) and body matches
    ("黨費收繳", ["fee_q1"]),
    ("换届选举", [{"election_notice", "election_result"}, "priorities"]),  # both titles, then the body
    ("换届 结果", ["election_result"]),
    ("黨務公開", ["trad_plan", "catalogue"]),
    ("党务公开", ["trad_plan", "catalogue"]),
    ("党务公开目录", ["catalogue"]),
    ("民主评议", {"evaluation"}),
    ("发展对象", ["candidates"]),
    ("领导班子", ["leadership"]),
    ("三会一课", ["meetings"]),
    ("主题党日", ["party_day"]),
    ("三资", ["assets"]),
    ("预备党员转正", ["probation"]),
    ("述职", {"report"}),
    ("廉政", ["integrity"]),
    ("COVID-19", {"covid"}),
    ("covid 志愿服务", {"covid"}),
    ("2026 党费", ["fee_q1"]),
    ("2025年度 党费", ["fee_2025"]),
    ("韶山", {"party_day"}),
    ("困难党员", ["hardship", "fee_2025"]),
    ("慰问金", {"hardship"}),
    ("党建工作要点", ["priorities"]),
    ("满意度 96%", {"report"}),
    ("换届 党务公开", {"priorities"}),  # two words: only the item holding both
    ("党员大会 选举", {"election_result"}),
    ("不存在的检索词语", set()),
]


def _starts_with(got, expected) -> bool:
    pos = 0
    for group in expected:
        group = group if isinstance(group, set) else {group}
        if set(got[pos : pos + len(group)]) != group:
            return False
        pos += len(group)
    return True


@pytest.fixture
def corpus(tree, publish):
    cats = list(Category.values)
    return {
        key: publish(title, body, category=cats[n % len(cats)], org=tree.a if n % 2 else tree.b).pk
        for n, (key, (title, body)) in enumerate(CORPUS.items())
    }


def test_relevance_set(corpus):
    assert len(CASES) >= 20
    names = {pk: key for key, pk in corpus.items()}
    failures = []
    for q, expected in CASES:
        got = [names[h.item_id] for h in engine.search(None, q).hits]
        ok = set(got) == expected if isinstance(expected, set) else _starts_with(got, expected)
        if not ok:
            failures.append((q, expected, got))
    assert not failures, failures


def test_title_matches_rank_above_body_matches(corpus):
    names = {pk: key for key, pk in corpus.items()}
    got = [names[h.item_id] for h in engine.search(None, "党费").hits]
    assert set(got[:3]) == {"fee_q1", "fee_2025", "fee_rule"} and got[3] == "integrity"


def test_exact_phrase_ranks_above_scattered_words(corpus):
    names = {pk: key for key, pk in corpus.items()}
    got = [names[h.item_id] for h in engine.search(None, "党费收缴").hits]
    assert got.index("fee_q1") < got.index("fee_rule")  # 党费收缴 as written vs 收缴党费
    assert "fee_2025" not in got  # 党费 without 收缴


def test_simplified_and_traditional_find_each_other(corpus):
    simp = [h.item_id for h in engine.search(None, "党务公开").hits]
    trad = [h.item_id for h in engine.search(None, "黨務公開").hits]
    assert simp == trad and corpus["trad_plan"] in simp and corpus["catalogue"] in simp


def test_two_char_query_finds_a_longer_word(corpus):
    """党费 finds 党费收缴 (a word jieba keeps whole in some texts)."""
    assert corpus["fee_q1"] in [h.item_id for h in engine.search(None, "党费").hits]
    assert corpus["integrity"] in [h.item_id for h in engine.search(None, "党费").hits]
