"""R15: the working-day calendar as the app sees it: the package plus the admin's overrides, cached."""

import re
from collections.abc import Callable
from datetime import date, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.lib import workdays

from .models import CalendarOverride, CalendarYear

CACHE_KEY = "gongkai:calendar_overrides:v1"
MAX_HOLIDAY_SPAN = 15  # days; a longer "holiday" is a typo, not a festival


def current_overrides() -> workdays.Overrides:
    """The overrides from the database, cached until a calendar action invalidates them."""
    ov = cache.get(CACHE_KEY)
    if ov is None:
        days = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
        years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        ov = workdays.Overrides(days=days, years=years)
        cache.set(CACHE_KEY, ov, 3600)
    return ov


def invalidate() -> None:
    cache.delete(CACHE_KEY)


# ---- R15: every open deadline of every kind follows the calendar ----------------------------------
# Each app that keeps deadlines registers one function here (applications, feedback, oversight do in
# their AppConfig.ready; obligations in actions.py): recompute(overrides, since, until) -> how many
# deadlines moved. `since`/`until` bound the days that changed (None: any day, e.g. a newer calendar
# package). One entry point, recompute_open_deadlines(), calls them all.
Recomputer = Callable[..., int]
_RECOMPUTERS: list[Recomputer] = []


def register_recomputer(fn: Recomputer) -> Recomputer:
    if fn not in _RECOMPUTERS:
        _RECOMPUTERS.append(fn)
    return fn


def recompute_open_deadlines(
    overrides: workdays.Overrides, since: date | None, until: date | None, *, flagged_only: bool = False
) -> int:
    """Recount every open deadline a calendar change between `since` and `until` may move (R15);
    called inside the calendar action's transaction with the calendar as just written. With
    `flagged_only`, only the deadlines flagged "not covered" (a newer package may cover them now)."""
    return sum(fn(overrides, since, until, flagged_only=flagged_only) for fn in _RECOMPUTERS)


def fresh_overrides() -> workdays.Overrides:
    """The overrides as stored right now (inside a calendar transaction: not the cache)."""
    days = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return workdays.Overrides(days=days, years=years)


# ---- Facts owned by other apps that deadlines depend on (registered, so no import cycle) ----------
_rollout_source: Callable[[int], dict[tuple[str, str], date]] | None = None


def provide_rollout_deadlines(fn: Callable[[int], dict[tuple[str, str], date]]) -> None:
    """oversight registers rollout.rollout_deadlines: (committee path, sector type) -> deadline (R19)."""
    global _rollout_source
    _rollout_source = fn


def rollout_deadlines(year: int) -> dict[tuple[str, str], date]:
    return _rollout_source(year) if _rollout_source else {}


def rollout_deadline_for(org, table: dict[tuple[str, str], date]) -> date | None:
    """The deadline of the nearest committee above `org` whose plan names its sector type."""
    for path in reversed(org.ancestor_paths()):
        deadline = table.get((path, org.sector_type))
        if deadline is not None:
            return deadline
    return None


def count(start: date, offset: int, overrides: workdays.Overrides, counting: str = "after") -> date:
    """R14: `offset` working days after `start` ("after"), before it ("before"), or `start` itself
    moved to the next working day when it is a rest day ("by"). Raises CalendarNotCovered."""
    if counting == "by":
        return workdays.working_day_on_or_after(start, overrides)
    if counting == "before":
        return workdays.subtract_working_days(start, offset, overrides)
    return workdays.add_working_days(start, offset, overrides)


def due_date(
    start: date, offset: int, overrides: workdays.Overrides, counting: str = "after"
) -> tuple[date | None, bool]:
    """(deadline, not covered): a deadline the calendar cannot tell is None and flagged, never guessed."""
    try:
        return count(start, offset, overrides, counting), False
    except workdays.CalendarNotCovered:
        return None, True


def local_date(dt) -> date:
    return timezone.localtime(dt).date()


def compute_due(
    received: date,
    days: int,
    pauses,
    overrides: workdays.Overrides | None = None,
    *,
    rest_day_receipt: bool = False,
) -> tuple[date | None, bool]:
    """(due date, calendar_not_covered) of a case answered in `days` working days (applications R16,
    feedback R18). `pauses` are (start, end) pairs; an open one stops the clock (None, False). Each
    pause shifts the due date by the working days it lasted. With `rest_day_receipt`, a case received
    on a rest day counts as received on the next working day (政府信息公开 practice: 非工作日提出的，
    以次日为收到申请之日). `overrides`: the calendar as just written inside a calendar action."""
    overrides = current_overrides() if overrides is None else overrides
    if any(end is None for _start, end in pauses):
        return None, False
    try:
        if rest_day_receipt:
            received = workdays.working_day_on_or_after(received, overrides)
        due = workdays.add_working_days(received, days, overrides)
        stopped = sum(workdays.working_days_between(s, e, overrides) for s, e in pauses)
        return workdays.add_working_days(due, stopped, overrides), False
    except workdays.CalendarNotCovered:
        return None, True


REMINDER_WORKING_DAYS = 3


def reminder_horizon(today: date) -> date:
    """The last due date a daily reminder covers: three working days ahead (R15), not a calendar week.
    Past the calendar's cover every known deadline is included (the uncovered ones have none yet)."""
    try:
        return workdays.add_working_days(today, REMINDER_WORKING_DAYS, current_overrides())
    except workdays.CalendarNotCovered:
        return date.max


def working_days_left(due: date | None, today: date | None = None) -> int | None:
    """Working days from today to `due`, negative once it has passed; None when not computable."""
    if due is None:
        return None
    today = today or timezone.localdate()
    try:
        if due >= today:
            return workdays.working_days_between(today, due, current_overrides())
        return -workdays.working_days_between(due, today, current_overrides())
    except workdays.CalendarNotCovered:
        return None


class DueDates:
    """Memoised due_date() for bulk generation: many rows share (start, offset, counting)."""

    def __init__(self, overrides: workdays.Overrides):
        self.overrides = overrides
        self._memo: dict[tuple[date, int, str], tuple[date | None, bool]] = {}

    def __call__(self, start: date, offset: int, counting: str = "after") -> tuple[date | None, bool]:
        key = (start, offset, counting)
        if key not in self._memo:
            self._memo[key] = due_date(start, offset, self.overrides, counting)
        return self._memo[key]


_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_RANGE = re.compile(rf"^{_DATE}(?:\s*(?:至|到|~|～|—|--)\s*{_DATE})?\s*(.*)$")


def _mkdate(y, m, d, lineno, errors) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        errors.append(
            _("第 %(n)s 行：日期 %(y)s-%(m)s-%(d)s 不存在。") % {"n": lineno, "y": y, "m": m, "d": d}
        )
        return None


def parse_schedule(year: int, holidays: str, workdays_text: str) -> dict[date, tuple[bool, str]]:
    """Parse the one-form schedule (holiday ranges, adjusted working days) into day overrides.

    Raises ValidationError with every problem, each naming its line, so nothing half-saves."""
    errors: list[str] = []
    days: dict[date, tuple[bool, str]] = {}

    def lines(text):
        for n, raw in enumerate((text or "").splitlines(), 1):
            line = raw.strip()
            if line:
                yield n, line

    for n, line in lines(holidays):
        m = _RANGE.match(line)
        if not m:
            errors.append(
                _("放假安排第 %(n)s 行无法识别：“%(line)s”。格式如：2027-01-01 至 2027-01-03 元旦")
                % {"n": n, "line": line[:40]}
            )
            continue
        first = _mkdate(*m.group(1, 2, 3), n, errors)
        last = _mkdate(*m.group(4, 5, 6), n, errors) if m.group(4) else first
        if first is None or last is None:
            continue
        note = m.group(7).strip()[:100]
        if last < first:
            errors.append(_("放假安排第 %(n)s 行：结束日期早于开始日期。") % {"n": n})
            continue
        if (last - first).days >= MAX_HOLIDAY_SPAN:
            errors.append(
                _("放假安排第 %(n)s 行：一次放假超过 %(k)s 天，请检查日期。")
                % {"n": n, "k": MAX_HOLIDAY_SPAN}
            )
            continue
        d = first
        while d <= last:
            if d.year != year:
                errors.append(_("放假安排第 %(n)s 行：%(d)s 不在 %(y)s 年内。") % {"n": n, "d": d, "y": year})
                break
            days[d] = (False, note)
            d += timedelta(days=1)

    for n, line in lines(workdays_text):
        m = _RANGE.match(line)
        if not m or m.group(4):
            errors.append(
                _("调休上班第 %(n)s 行无法识别：“%(line)s”。每行一个日期，如：2027-02-20")
                % {"n": n, "line": line[:40]}
            )
            continue
        d = _mkdate(*m.group(1, 2, 3), n, errors)
        if d is None:
            continue
        if d.year != year:
            errors.append(_("调休上班第 %(n)s 行：%(d)s 不在 %(y)s 年内。") % {"n": n, "d": d, "y": year})
        elif d.weekday() < 5:
            errors.append(_("调休上班第 %(n)s 行：%(d)s 是周一至周五，本来就是工作日。") % {"n": n, "d": d})
        elif d in days:
            errors.append(_("调休上班第 %(n)s 行：%(d)s 已列为放假日。") % {"n": n, "d": d})
        else:
            days[d] = (True, m.group(7).strip()[:100] or str(_("调休上班")))

    if not errors and not any(not working for working, _n in days.values()):
        errors.append(_("请至少填写一行放假安排（法定节假日）。"))
    if errors:
        raise ValidationError(errors)
    return days
