"""Chinese text helpers: simplified/traditional conversion and search tokens.

Index and query share one normalisation (NFKC -> simplified -> lower-case), so
a traditional-script query finds simplified text and vice versa.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc
import rjieba

__all__ = ["index_text", "normalize", "query_terms", "to_simplified", "to_traditional", "tokens"]

# CJK ideographs (BMP, Ext-A, compatibility, Ext-B..G).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@cache
def _converter(config: str) -> opencc.OpenCC:
    # Loading OpenCC dictionaries is expensive: build each converter once, on first use.
    return opencc.OpenCC(config)


def to_simplified(s: str) -> str:
    return _converter("t2s.json").convert(s)


# Place and organisation names written the same in both scripts, as the plan itself writes them
# (集里 stays 集里, never 集裡/集裏): kept out of the conversion.
PROTECTED_NAMES = ("集里",)
_PROTECTED = re.compile("(" + "|".join(map(re.escape, PROTECTED_NAMES)) + ")")


def to_traditional(s: str) -> str:
    """Traditional in common (Taiwan-standard) characters, 群眾/為/審核 as the plan writes them,
    not OpenCC's own standard (羣衆/爲/審覈), with the protected names left as they are."""
    convert = _converter("s2tw.json").convert
    return "".join(part if i % 2 else convert(part) for i, part in enumerate(_PROTECTED.split(s)))


def normalize(s: str) -> str:
    # NFKC first so full-width letters/digits (Ａ１) become ASCII before case folding.
    return to_simplified(unicodedata.normalize("NFKC", s)).lower()


# A token is a word if it has a letter/digit/hanzi ([^\W_] = \w minus "_"); regex beats a Python loop.
_is_word = re.compile(r"[^\W_]").search


def tokens(s: str) -> list[str]:
    """Index tokens: search-mode words (sub-words of long words included) plus each hanzi once."""
    text = normalize(s)
    # cut_for_search yields every precise-mode word plus its dictionary sub-words (换届选举 -> 换届, 选举).
    out = [t for t in rjieba.cut_for_search(text) if _is_word(t)]
    # Single hanzi get glued to neighbours in context (query "2025年" vs text "2025年度"),
    # so index each hanzi once: 1-character query terms then always match.
    seen = set(out)
    out += [c for c in dict.fromkeys(_HAN.findall(text)) if c not in seen]
    return out


def index_text(s: str) -> str:
    """What a full-text index stores: space-separated tokens."""
    return " ".join(tokens(s))


def query_terms(q: str) -> list[str]:
    """Terms of a user query: precise-mode words, de-duplicated, order kept."""
    # Precise mode so a query word is one term, not its sub-words ANDed together.
    return list(dict.fromkeys(t for t in rjieba.cut(normalize(q)) if _is_word(t)))
