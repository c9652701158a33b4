import re
from pathlib import Path

import pytest

from gongkai.lib import zhtext
from gongkai.lib.zhtext import index_text, normalize, query_terms, to_simplified, to_traditional, tokens

TITLES = [
    "2026年第三季度党费收缴、管理和使用情况公示",
    "关于换届选举工作的通知",
    "集里街道党委领导班子分工",
    "村（居）“三资”管理情况",
    "发展党员公示：拟发展对象",
    "关于开展2025年度民主评议党员工作的通知",
    "集里街道党务公开目录",
    "党支部换届选举结果公示",
    "2025年党费使用情况说明",
    "街道党工委关于党务公开工作的实施意见",
    "第一季度“三会一课”开展情况",
    "关于预备党员转正的公示",
    "社区党组织书记述职评议情况",
    "基层党组织换届工作方案",
    "关于调整党委委员分工的通知",
    "党员发展对象政治审查情况",
    "主题党日活动安排",
    "黨費收繳情況公示",  # traditional-script title must be found by simplified queries
]

QUERIES = [
    *"党费 换届 公示 分工 党员 党委 三资 评议 选举 书记 通知 转正 述职".split(),  # 2 characters
    *"党支部 党组织 党工委".split(),  # 3 characters
    *"党务公开 换届选举 民主评议 领导班子 发展对象 第三季度 预备党员 主题党日 使用情况".split(),  # 4 characters
    *"政治审查 三会一课 集里街道 实施意见".split(),
    # mixed, and single hanzi glued differently in context (query 2025年 vs title 2025年度)
    *["2026 党费", "2025年", "2025年党费", "村 三资", "党"],
    *["黨務公開", "換屆選舉"],  # traditional-script queries
]


def test_converters():
    assert to_simplified("黨務公開") == "党务公开"
    assert to_traditional("党务公开") == "黨務公開"
    assert to_simplified("换届选举") == "换届选举"  # already simplified: unchanged
    assert to_traditional(to_simplified("組織生活會")) == "組織生活會"


SEED = Path(__file__).resolve().parents[4] / "shared" / "seed"


def _seed_sentences_with(*words):
    texts = [p.read_text() for p in sorted(SEED.glob("*.txt"))] if SEED.exists() else []
    sentences = [s for t in texts for s in re.split(r"[。；\n]", t)]
    return [s for s in sentences if any(w in s for w in words)]


def test_traditional_reads_as_the_plan_writes_it():
    # The header on the 繁體 site, and the characters the plan itself uses.
    assert to_traditional("集里街道党务公开网") == "集里街道黨務公開網"
    assert to_traditional("群众 为 审核") == "群眾 為 審核"


@pytest.mark.skipif(not SEED.exists(), reason="the plan (shared/seed) is not beside the checkout")
def test_traditional_matches_the_plans_own_sentences():
    words = ("集里", "群眾", "為", "審核")
    sentences = _seed_sentences_with(*words)
    assert len(sentences) >= 10
    for sentence in sentences:
        converted = to_traditional(to_simplified(sentence))
        for word in words:
            assert converted.count(word) == sentence.count(word), (word, sentence, converted)


def test_converters_are_singletons():
    to_simplified("黨")
    to_traditional("党")
    assert zhtext._converter("t2s.json") is zhtext._converter("t2s.json")
    assert zhtext._converter.cache_info().currsize == 2


def test_normalize():
    # Full-width letters/digits (NFKC), traditional script and case all fold together.
    assert normalize("ＡＢＣ２０２６黨費") == "abc2026党费"
    assert normalize("PDF 附件") == "pdf 附件"


def test_tokens_of_traditional_text():
    toks = tokens("黨務公開")
    assert "党务" in toks and "公开" in toks
    assert not any(t in toks for t in ("黨務", "公開"))


def test_tokens_include_sub_words_of_long_words():
    toks = tokens("关于换届选举工作的通知")
    for w in ("换届选举", "换届", "选举", "通知"):
        assert w in toks
    toks = tokens("集里街道党委领导班子分工")
    assert {"领导班子", "领导", "班子"} <= set(toks)


def test_tokens_drop_punctuation_and_whitespace_keep_ascii_and_numbers():
    toks = tokens("村（居）“三资”管理情况：  PDF v2.1 共 15 页！")
    assert "三资" in toks and "管理" in toks
    assert "pdf" in toks and "15" in toks and "v2.1" in toks
    assert all(any(c.isalnum() for c in t) for t in toks)
    assert not any(t.strip() != t or t == "" for t in toks)


def test_tokens_index_each_hanzi_once():
    toks = tokens("党费党费党费")
    assert toks.count("党") == 1 and toks.count("费") == 1
    assert toks.count("党费") == 3  # word frequency kept for ranking


def test_tokens_blank():
    assert tokens("") == []
    assert tokens(" 、。！ ") == []


def test_index_text():
    assert index_text("黨費收繳") == " ".join(tokens("党费收缴"))
    assert "党费" in index_text("2026年党费").split()


def test_query_terms_examples():
    assert query_terms("党费") == ["党费"]
    assert query_terms("2026 党费") == ["2026", "党费"]
    assert query_terms("换届选举") == ["换届选举"]  # precise mode: one term, not its sub-words
    assert query_terms("黨務公開") == query_terms("党务公开")
    assert query_terms("党费 党费，党费") == ["党费"]
    assert query_terms("ＰＤＦ 附件") == ["pdf", "附件"]


@pytest.mark.parametrize("q", ["", "   ", "，。！？", "“”（）", "\n\t"])
def test_query_terms_blank(q):
    assert query_terms(q) == []


@pytest.mark.parametrize("q", QUERIES)
def test_query_recall_over_titles(q):
    """Every term of a query is an index token of each title containing the query's words."""
    words = [w for w in normalize(q).split() if w]
    hits = [t for t in TITLES if all(w in normalize(t) for w in words)]
    assert hits, f"test data must contain {q!r}"
    terms = query_terms(q)
    assert terms
    for title in hits:
        toks = set(tokens(title))
        missing = [t for t in terms if t not in toks]
        assert not missing, (q, title, missing)


def test_single_hanzi_recall_needs_unigrams():
    # Precise cut glues 年 into 年度 in this title, so the term 年 is matched via the hanzi unigram.
    title = "关于开展2025年度民主评议党员工作的通知"
    assert "年" in query_terms("2025年")
    assert "年度" in tokens(title) and "年" in tokens(title)


def test_recall_is_not_trivial():
    # A query whose words are absent must not match (the recall test above could otherwise pass vacuously).
    toks = set(tokens("关于换届选举工作的通知"))
    assert not set(query_terms("党费")) <= toks
    assert not set(query_terms("民主评议")) <= toks
