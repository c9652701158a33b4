"""Periods of a cadence in a year: (key, label, first day, last day). Labels are what clerks write."""

import calendar as _cal
from datetime import date

from gongkai.catalogue.models import Cadence

_QUARTERS = "一二三四"


def periods(cadence: str, year: int) -> list[tuple[str, str, date, date]]:
    if cadence == Cadence.MONTHLY:
        return [
            (
                f"{year}-M{m:02d}",
                f"{year}年{m}月",
                date(year, m, 1),
                date(year, m, _cal.monthrange(year, m)[1]),
            )
            for m in range(1, 13)
        ]
    if cadence == Cadence.QUARTERLY:
        out = []
        for q in range(4):
            first, last = date(year, 3 * q + 1, 1), 3 * q + 3
            end = date(year, last, _cal.monthrange(year, last)[1])
            out.append((f"{year}-Q{q + 1}", f"{year}年第{_QUARTERS[q]}季度", first, end))
        return out
    if cadence == Cadence.HALF_YEARLY:
        return [
            (f"{year}-H1", f"{year}年上半年", date(year, 1, 1), date(year, 6, 30)),
            (f"{year}-H2", f"{year}年下半年", date(year, 7, 1), date(year, 12, 31)),
        ]
    if cadence == Cadence.YEARLY:
        return [(f"{year}-Y", f"{year}年度", date(year, 1, 1), date(year, 12, 31))]
    return []
