"""Confidentiality scanner: finds classification marks and personal data before text is published wider.

Pure Python (no Django) so it can run in views, tasks and tests alike.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

KIND_LABELS = {"mark": "密级标识", "id_number": "身份证号码", "mobile": "手机号码", "bank_card": "银行卡号"}

# Simplified and Traditional forms; longest first so a longer mark always wins over a shorter one.
MARKS = ("绝密", "机密", "秘密", "内部", "絕密", "機密", "祕密")
_MARK_RE = re.compile("|".join(re.escape(m) for m in sorted(MARKS, key=len, reverse=True)))

# 17 digits + check char, never glued to other digits (a longer run is something else).
_ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
# Optional +86/86 prefix; groups 3-4-4 with one consistent separator (space or hyphen) or none.
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d([ -]?)\d{4}\1\d{4}(?!\d)")
# Plain run of 16-19 digits.
_CARD_PLAIN_RE = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
# Grouped in fours with one consistent separator; the look-arounds stop us matching inside a longer grouped run.
_CARD_GROUPED_RE = re.compile(r"(?<!\d)(?<!\d[ -])\d{4}([ -])\d{4}(?:\1\d{4}){2}(?:\1\d{1,3})?(?![ -]?\d)")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_CONTEXT = 20


@dataclass(frozen=True)
class Hit:
    kind: str  # "mark" | "id_number" | "mobile" | "bank_card"
    value: str  # the matched text exactly as in the source
    start: int  # offsets into the scanned text
    end: int
    context: str  # up to 20 characters either side, the hit itself included


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def valid_id_number(s: str) -> bool:
    """True for an 18-character PRC resident ID with a plausible birth date and a correct check character."""
    if len(s) != 18 or not s[:17].isascii() or not s[:17].isdigit() or s[17] not in "0123456789Xx":
        return False
    if s[0] == "0":  # no administrative region code starts with 0
        return False
    try:
        born = datetime.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    if not datetime.date(1900, 1, 1) <= born <= datetime.date.today():
        return False
    return id_check_char(s[:17]) == s[17].upper()


def luhn_ok(digits: str) -> bool:
    """Luhn checksum over a string of ASCII digits only (callers strip separators first)."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:  # every second digit from the right is doubled
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _candidates(text: str) -> Iterable[tuple[str, re.Match[str]]]:
    """All raw matches, in priority order: marks, then IDs (so a valid ID is never also a card), cards, mobiles."""
    for m in _MARK_RE.finditer(text):
        yield "mark", m
    for m in _ID_RE.finditer(text):
        if valid_id_number(m.group()):
            yield "id_number", m
    for regex in (_CARD_PLAIN_RE, _CARD_GROUPED_RE):
        for m in regex.finditer(text):
            if luhn_ok(re.sub(r"\D", "", m.group())):
                yield "bank_card", m
    for m in _MOBILE_RE.finditer(text):
        yield "mobile", m


def scan_text(text: str) -> list[Hit]:
    """Find marks and personal data; hits are sorted by start and never overlap (higher priority wins)."""
    taken: list[tuple[int, int]] = []
    hits: list[Hit] = []
    for kind, m in _candidates(text):
        start, end = m.span()
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        context = text[max(0, start - _CONTEXT) : end + _CONTEXT]
        hits.append(Hit(kind, m.group(), start, end, context))
    hits.sort(key=lambda h: h.start)
    return hits


def _mask_digits(value: str, keep) -> str:
    """Replace digits whose index among the value's digits fails keep(i, n) with '*'; separators stay."""
    n = sum(ch.isdigit() for ch in value)
    out, i = [], 0
    for ch in value:
        if ch.isdigit():
            out.append(ch if keep(i, n) else "*")
            i += 1
        else:
            out.append(ch)
    return "".join(out)


def mask_value(kind: str, value: str) -> str:
    """Masked form of a hit's value, suitable for showing to reviewers or publishing."""
    if kind == "id_number":
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if kind == "mobile":
        # Mask digits 4-7 of the 11-digit number; any +86 prefix is before them and kept.
        return _mask_digits(value, lambda i, n: not (n - 8 <= i < n - 4))
    if kind == "bank_card":
        return _mask_digits(value, lambda i, n: i >= n - 4)
    if kind == "mark":
        return "＊" * len(value)
    raise ValueError(f"unknown hit kind: {kind!r}")


def apply_masks(text: str, hits: Iterable[Hit]) -> str:
    """Replace each hit's span with its mask; right to left so earlier offsets stay valid."""
    for hit in sorted(hits, key=lambda h: h.start, reverse=True):
        if text[hit.start : hit.end] != hit.value:  # hits from a different text would corrupt this one
            raise ValueError(f"hit {hit.value!r} does not match text at {hit.start}:{hit.end}")
        text = text[: hit.start] + mask_value(hit.kind, hit.value) + text[hit.end :]
    return text
