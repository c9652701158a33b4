"""Search text on top of `lib.zhtext`: hanzi bigrams, so recall equals a LIKE '%…%' scan.

jieba segments by context: 党费 inside 交党费收 may be cut as 交党/费收 and then the word token is
missing. Every adjacent hanzi pair of the text is also indexed, in order, so a 2-character term is
always a bigram, and a longer one is always the phrase of its bigrams.
"""

from __future__ import annotations

import operator
import re

import rjieba

from gongkai.lib import zhtext
from gongkai.lib.zhtext import normalize, query_terms

_HAN_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_HAN_ONLY = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+$")

MAX_QUERY_CHARS = 50
MAX_TERMS = 8


def bigrams(normalized: str) -> list[str]:
    """Adjacent hanzi pairs of each run of hanzi, in text order (runs stop at anything else)."""
    return _bigrams_of_runs(_HAN_RUNS.findall(normalized))


def _bigrams_of_runs(runs: list[str]) -> list[str]:
    out: list[str] = []
    for run in runs:
        out += map(operator.add, run, run[1:])
    return out


def _tokens_of_normalized(text: str, runs: list[str]) -> list[str]:
    """`zhtext.tokens` for text already normalised, with its hanzi runs (same output, about half the time:
    OpenCC runs once, and the per-token checks stay in C where they can)."""
    is_word = zhtext._is_word
    out = [t for t in rjieba.cut_for_search(text) if t[0].isalnum() or is_word(t)]
    seen = set(out)
    return out + [c for c in dict.fromkeys("".join(runs)) if c not in seen]


def doc_tokens(s: str) -> str:
    """What the index stores for one field: word tokens, then the bigrams (kept contiguous for phrases)."""
    text = normalize(s)
    runs = _HAN_RUNS.findall(text)
    return " ".join(_tokens_of_normalized(text, runs) + _bigrams_of_runs(runs))


def is_han(term: str) -> bool:
    return bool(_HAN_ONLY.match(term))


def term_alternatives(term: str) -> list[list[str]]:
    """A query term matches as the word itself, or (hanzi, 3+ characters) as the phrase of its bigrams."""
    if is_han(term) and len(term) > 2:
        return [[term], bigrams(term)]
    return [[term]]


class Query:
    """A parsed user query: normalised terms (all must match) and the phrase for ranking."""

    def __init__(self, raw: str) -> None:
        self.raw = (raw or "").strip()
        self.terms = query_terms(self.raw) if len(self.raw) <= MAX_QUERY_CHARS else []
        # The typed string without spaces: an item containing it as written ranks above scattered words.
        self.phrase = "".join(normalize(self.raw).split())
        self.alternatives = [term_alternatives(t) for t in self.terms]

    @property
    def too_long(self) -> bool:
        return len(self.raw) > MAX_QUERY_CHARS or len(self.terms) > MAX_TERMS

    @property
    def empty(self) -> bool:
        return not self.terms and not self.too_long


def fts5_expr(alternatives: list[list[str]]) -> str:
    """SQLite FTS5 MATCH text: terms ANDed, alternatives ORed, each a quoted phrase."""

    def phrase(tokens_: list[str]) -> str:
        return '"' + " ".join(t.replace('"', '""') for t in tokens_) + '"'

    return " AND ".join("(" + " OR ".join(phrase(a) for a in alts) + ")" for alts in alternatives)


def tsquery_expr(alternatives: list[list[str]]) -> str:
    """PostgreSQL to_tsquery text: terms &, alternatives |, phrases <->; every lexeme quoted."""

    def lexeme(t: str) -> str:
        return "'" + t.replace("\\", "\\\\").replace("'", "''") + "'"

    def phrase(tokens_: list[str]) -> str:
        return " <-> ".join(lexeme(t) for t in tokens_)

    return " & ".join("(" + " | ".join(phrase(a) for a in alts) + ")" for alts in alternatives)
