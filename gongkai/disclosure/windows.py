"""R9/R10/R14: the windows an item is on the board, in working days where the catalogue says so.

先党内后党外: a public-target item stays inside for `min_internal_days` working days after the day it is
published and goes public at the start of the next working day. 公示期: `notice_days` working days
counted from the first full day the item reaches its audience; it leaves the board after the last."""

import re
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue.models import Duration, Scope
from gongkai.lib import workdays


class Windows(NamedTuple):
    public_from: datetime | None
    expires_at: datetime | None


def _midnight(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def notice_last_day(first: date, n: int, overrides: workdays.Overrides) -> date:
    """The n-th working day of a window whose first full day is `first` (first counts if working)."""
    if workdays.is_working_day(first, overrides):
        return workdays.add_working_days(first, n - 1, overrides)
    return workdays.add_working_days(first, n, overrides)


def windows(rule, scope: str, now: datetime, overrides: workdays.Overrides) -> Windows:
    """When an item published at `now` goes public and leaves the board. Raises CalendarNotCovered
    when a working-day window reaches a year no calendar covers (never guessed)."""
    public_from = None
    today = timezone.localdate(now)
    if scope == Scope.PUBLIC:
        inside = rule.min_internal_days if rule else 0
        public_from = _midnight(workdays.add_working_days(today, inside + 1, overrides)) if inside else now
    expires_at = None
    if rule and rule.duration == Duration.SHORT:
        if rule.notice_days:
            start = public_from or now
            first = timezone.localdate(start) if start != now else today + timedelta(days=1)
            last = notice_last_day(first, rule.notice_days, overrides)
            expires_at = _midnight(last + timedelta(days=1))
        elif rule.period_days:
            expires_at = now + timedelta(days=rule.period_days)
    return Windows(public_from, expires_at)


def notice_dates(item) -> tuple[date, date] | None:
    """The first and last day of a published item's 公示期, for showing both dates."""
    rule = item.catalogue_item
    if not (rule and rule.notice_days and item.published_at and item.expires_at):
        return None
    start = item.public_from or item.published_at
    first = timezone.localdate(start)
    if start == item.published_at:
        first += timedelta(days=1)
    return first, timezone.localdate(item.expires_at) - timedelta(days=1)


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}
_PROMISE = re.compile(r"公示(?:期|时间)?(?:为|不少于|不低于)?\s*(\d+|[一二三四五六七八九十]+)\s*个?工作日")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0) if len(text) > 1 else 10
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return _CN_DIGITS[tens] * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


def promised_working_days(body: str) -> int | None:
    """The longest 公示期 in working days the body promises ("公示期不少于5个工作日", "公示五个工作日")."""
    found = [_number(m.group(1)) for m in _PROMISE.finditer(body or "")]
    return max(found) if found else None


def window_warnings(item, now: datetime, overrides: workdays.Overrides) -> list[str]:
    """R14: before approval, an item whose body promises a window its scope and catalogue item cannot
    give: the shortfall, with both dates of the window it would get if published now."""
    promised = promised_working_days(item.body)
    if not promised:
        return []
    rule = item.catalogue_item
    if item.scope not in (Scope.PUBLIC, Scope.ALL_MEMBERS, Scope.ORG_TREE):
        return [
            _("正文承诺公示 %(n)s 个工作日，但公开范围为“%(scope)s”，达不到公示的范围。")
            % {"n": promised, "scope": item.get_scope_display()}
        ]
    try:
        got = windows(rule, item.scope, now, overrides)
        if got.expires_at is None:
            return []
        start = got.public_from or now
        first = timezone.localdate(start) if start != now else timezone.localdate(now) + timedelta(days=1)
        last = timezone.localdate(got.expires_at) - timedelta(days=1)
        days = workdays.working_days_between(first - timedelta(days=1), last, overrides)
    except workdays.CalendarNotCovered as exc:
        return [_("公示期跨入 %(y)s 年，工作日历尚未覆盖该年，无法核对公示期。") % {"y": exc.year}]
    if days >= promised:
        return []
    return [
        _("正文承诺公示 %(n)s 个工作日，按目录设置现在发布只有 %(got)s 个工作日（%(first)s 至 %(last)s）。")
        % {"n": promised, "got": days, "first": first, "last": last}
    ]
