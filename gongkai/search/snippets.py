"""Highlighted snippets: escape first, then wrap matches in <mark>, so item text never becomes HTML."""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gongkai.lib.zhtext import normalize

SNIPPET_CHARS = 120
_MARKUP = re.compile(r"[#>*_`|~]+|\[|\]\([^)]*\)")
_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    """Markdown body as one line of reading text."""
    return _SPACE.sub(" ", _MARKUP.sub(" ", text)).strip()


def _aligned(text: str) -> tuple[str, str]:
    """(shown text, its normalised twin of the same length) so match offsets map back one to one."""
    text = unicodedata.normalize("NFKC", text)
    norm = normalize(text)
    if len(norm) != len(text):  # a rare conversion that changes length: show the normalised text
        return norm, norm
    return text, norm


def _spans(norm: str, terms: list[str]) -> list[tuple[int, int]]:
    spans = []
    for t in sorted(set(terms), key=len, reverse=True):
        for m in re.finditer(re.escape(t), norm):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):  # 党务|公开 side by side read as one mark
        if merged and s == merged[-1][1]:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _render(text: str, spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    out, pos = [], lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out += [escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>"]
        pos = e
    out.append(escape(text[pos:hi]))
    return "".join(out)


def highlight(text: str, terms: list[str]) -> SafeString:
    """The whole (short) text with every match marked: for titles."""
    shown, norm = _aligned(text)
    return mark_safe(_render(shown, _spans(norm, terms), 0, len(shown)))


def snippet(text: str, terms: list[str], size: int = SNIPPET_CHARS) -> SafeString:
    """About `size` characters of `text` around its first match, matches marked, cut ends shown as …."""
    shown, norm = _aligned(_plain(text))
    spans = _spans(norm, terms)
    start = max(0, spans[0][0] - size // 4) if spans else 0
    end = min(len(shown), start + size)
    start = max(0, min(start, end - size))
    html = _render(shown, spans, start, end)
    return mark_safe(("…" if start else "") + html + ("…" if end < len(shown) else ""))
