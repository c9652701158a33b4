"""Working days by the official PRC calendar (调休 included) plus admin overrides.

Pure Python (no Django) so deadlines can be computed and tested anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

import chinese_calendar

__all__ = [
    "EMPTY",
    "CalendarNotCovered",
    "Overrides",
    "add_working_days",
    "covered_years",
    "is_covered",
    "is_working_day",
    "subtract_working_days",
    "working_day_on_or_after",
    "working_days_between",
]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Overrides:
    # date -> True (working day) / False (holiday); wins over everything else.
    days: Mapping[date, bool] = field(default_factory=dict)
    # Years whose whole official schedule an admin entered: covered even without the package.
    years: frozenset[int] = frozenset()


EMPTY = Overrides()


class CalendarNotCovered(ValueError):
    """Raised instead of guessing when no official schedule is known for a year."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"工作日历未覆盖 {year} 年，请管理员录入该年官方放假安排")


def _package_years() -> frozenset[int]:
    # The package raises NotImplementedError outside [min, max] of its holiday table.
    years = [d.year for d in chinese_calendar.holidays]
    return frozenset(range(min(years), max(years) + 1))


_PACKAGE_YEARS = _package_years()


@cache
def _package_working(year: int) -> frozenset[date]:
    # All official working days of a year, built once: one set lookup per day afterwards.
    d, end = date(year, 1, 1), date(year + 1, 1, 1)
    days = set()
    while d < end:
        if d in chinese_calendar.workdays or (d.weekday() < 5 and d not in chinese_calendar.holidays):
            days.add(d)
        d += _ONE_DAY
    return frozenset(days)


def _as_date(d: date) -> date:
    # datetime is a date subclass but never equals a date key, so strip the time.
    return d.date() if isinstance(d, datetime) else d


def covered_years(overrides: Overrides = EMPTY) -> set[int]:
    return set(_PACKAGE_YEARS) | set(overrides.years)


def is_covered(d: date, overrides: Overrides = EMPTY) -> bool:
    d = _as_date(d)
    return d.year in _PACKAGE_YEARS or d.year in overrides.years or d in overrides.days


def is_working_day(d: date, overrides: Overrides = EMPTY) -> bool:
    return _is_working(_as_date(d), overrides)


def _is_working(d: date, overrides: Overrides) -> bool:
    # An explicit admin decision beats the package (e.g. a late-announced change).
    flag = overrides.days.get(d)
    if flag is not None:
        return flag
    if d.year in _PACKAGE_YEARS:
        return d in _package_working(d.year)
    if d.year in overrides.years:
        # Admin entered the year's schedule as day overrides; every other day follows the week.
        return d.weekday() < 5
    raise CalendarNotCovered(d.year)


def add_working_days(start: date, n: int, overrides: Overrides = EMPTY) -> date:
    """The n-th working day after start (start itself never counts); n=0 returns start."""
    if n < 0:
        raise ValueError("n must be >= 0")
    d = _as_date(start)
    while n:
        d += _ONE_DAY
        if _is_working(d, overrides):
            n -= 1
    return d


def subtract_working_days(end: date, n: int, overrides: Overrides = EMPTY) -> date:
    """The n-th working day before `end` (end itself never counts); n=0 returns the last working day
    on or before `end`: "N working days before the event"."""
    if n < 0:
        raise ValueError("n must be >= 0")
    d = _as_date(end)
    if n == 0:
        while not _is_working(d, overrides):
            d -= _ONE_DAY
        return d
    while n:
        d -= _ONE_DAY
        if _is_working(d, overrides):
            n -= 1
    return d


def working_day_on_or_after(d: date, overrides: Overrides = EMPTY) -> date:
    """`d` if it is a working day, else the next one: a fixed deadline that falls on a rest day moves."""
    d = _as_date(d)
    while not _is_working(d, overrides):
        d += _ONE_DAY
    return d


def working_days_between(a: date, b: date, overrides: Overrides = EMPTY) -> int:
    """Number of working days in the half-open interval (a, b]; 0 if b <= a."""
    a, b = _as_date(a), _as_date(b)
    count = 0
    while a < b:
        a += _ONE_DAY
        count += _is_working(a, overrides)
    return count
