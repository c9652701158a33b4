"""Tokens and query expressions: bigrams make recall equal a LIKE scan on 2- and 4-character queries."""

import pytest

from gongkai.lib.zhtext import normalize, tokens
from gongkai.search.text import Query, bigrams, doc_tokens, fts5_expr, term_alternatives, tsquery_expr


def test_bigrams_follow_runs_of_hanzi_only():
    assert bigrams("党费收缴") == ["党费", "费收", "收缴"]
    assert bigrams("党费，收缴 2026年x") == ["党费", "收缴"]
    assert bigrams("党") == [] and bigrams("abc") == []


def test_doc_tokens_are_normalised_words_then_bigrams():
    toks = doc_tokens("黨費收繳").split()
    assert "党费" in toks and "收缴" in toks and "费收" in toks
    assert not any("黨" in t for t in toks)


@pytest.mark.parametrize("s", ["关于换届选举工作的通知", "黨費收繳 PDF v2.1 共 15 页", "", "，。"])
def test_doc_tokens_are_the_library_tokens_plus_bigrams(s):
    assert doc_tokens(s).split() == tokens(s) + bigrams(normalize(s))


def test_long_terms_match_as_bigram_phrases():
    assert term_alternatives("党费") == [["党费"]]
    assert term_alternatives("换届选举") == [["换届选举"], ["换届", "届选", "选举"]]
    assert term_alternatives("2026") == [["2026"]]


def test_expressions_quote_every_token():
    alts = [term_alternatives("换届选举"), term_alternatives("v2.1")]
    assert fts5_expr(alts) == '("换届选举" OR "换届 届选 选举") AND ("v2.1")'
    assert tsquery_expr(alts) == "('换届选举' | '换届' <-> '届选' <-> '选举') & ('v2.1')"
    assert tsquery_expr([[["it's"]]]) == "('it''s')"


def test_query_limits():
    assert Query("").empty and Query("，。").empty
    assert Query("党" * 51).too_long
    assert Query(" ".join(["党费"] * 9)).terms == ["党费"]  # repeated words count once
    assert Query("党费 换届 选举 评议 公示 通知 分工 转正 述职").too_long
    assert Query("黨務公開").phrase == "党务公开"


# Sentences jieba cuts across the queried word: a word-only index misses these.
SENTENCES = [
    "按时交党费收据已入账",
    "各支部委员会议定换届选举时间",
    "本社区党员大会通过了决议",
    "民主评议党员工作开展情况",
    "发展对象政治审查结论",
    "村务监督委员会公开三资台账",
    "党务公开栏每季度更新",
    "主题党日活动组织得力",
]


def _queries(n):
    out = set()
    for s in SENTENCES:
        run = normalize(s)
        out.update(run[i : i + n] for i in range(len(run) - n + 1))
    return sorted(out)


@pytest.mark.parametrize("n", [2, 4])
def test_every_substring_query_is_indexed(n):
    """For every 2- and 4-character substring of the corpus, all of its query's alternatives are found
    in the index tokens of exactly the sentences LIKE would return."""
    for q in _queries(n):
        like = {s for s in SENTENCES if q in normalize(s)}
        found = set()
        for s in SENTENCES:
            toks = doc_tokens(s).split()
            terms = Query(q).alternatives
            if all(any(_phrase_in(alt, toks) for alt in alts) for alts in terms):
                found.add(s)
        assert like <= found, (q, like - found)
        if n == 2:
            assert found == like, q


def test_word_tokens_alone_miss_some_substrings():
    """Why bigrams are indexed: jieba's word tokens alone miss substrings spanning a word boundary."""
    missed = [q for q in _queries(2) for s in SENTENCES if q in normalize(s) and q not in tokens(s)]
    assert missed


def _phrase_in(phrase, toks):
    k = len(phrase)
    return any(toks[i : i + k] == phrase for i in range(len(toks) - k + 1))
