"""Dates and numbers from requests: one parsing path with bounds, for pages, forms and the API.

Python's dates reach from year 1 to 9999, so `0001-01-01` minus a day, or `9999-12-31` plus one, or a
time-zone shift of either, overflows deep inside a query and answers 500. Every date, date-time and
number a request carries is read here (or by the form fields and API types below, which use the same
bounds) and refused with a clear message in the user's language when it is out of range.
"""

from datetime import date, datetime, time
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import AfterValidator, Field

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
# Row ids and counts: what a 64-bit signed column holds; beyond it nothing exists.
MAX_ID = 2**63 - 1


def _date_range_message() -> str:
    return _("日期应在 %(lo)s 至 %(hi)s 之间。") % {"lo": EARLIEST.isoformat(), "hi": LATEST.isoformat()}


def check_date(value: date) -> date:
    """`value` itself when inside the bounds; ValidationError otherwise."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(_date_range_message(), code="date_range")
    return value


def parse_date(raw, *, default: date | None = None) -> date | None:
    """A `YYYY-MM-DD` string as a date inside the bounds; `default` when empty; ValidationError when bad."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    if isinstance(raw, date):
        return check_date(raw)
    try:
        value = date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError(_("日期格式应为 YYYY-MM-DD。"), code="date_format") from None
    return check_date(value)


def parse_period(start_raw, end_raw) -> tuple[date, date]:
    """A from–to pair of dates (default: the current year), both bounded, the end not before the start."""
    today = timezone.localdate()
    start = parse_date(start_raw, default=date(today.year, 1, 1))
    end = parse_date(end_raw, default=date(today.year, 12, 31))
    if end < start:
        raise ValidationError(_("结束日期不能早于开始日期。"), code="date_order")
    return start, end


def parse_int(raw, *, lo: int = 0, hi: int = MAX_ID, default: int | None = None) -> int | None:
    """A whole number between `lo` and `hi`; `default` when empty; ValidationError when bad."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    text = str(raw).strip()
    # Bounded before int(): a 5,000-digit string must not cost the conversion.
    if len(text) > 20 or not text.lstrip("-").isdigit():
        raise ValidationError(_("请填写整数。"), code="int_format")
    value = int(text)
    if not lo <= value <= hi:
        raise ValidationError(_("数值应在 %(lo)s 至 %(hi)s 之间。") % {"lo": lo, "hi": hi}, code="int_range")
    return value


def parse_id(raw) -> int | None:
    """A row id from a form or query string, or None when it cannot name a row (the caller answers 404)."""
    try:
        return parse_int(raw, lo=1)
    except ValidationError:
        return None


def day_start(day: date) -> datetime:
    """The first moment of `day` in the site's time zone (the day is within the bounds, so this never overflows)."""
    return timezone.make_aware(datetime.combine(check_date(day), time.min))


# Form fields: Django's own, with the same bounds. Use these instead of forms.DateField & co.
class DateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.validators.append(check_date)


class DateTimeField(forms.DateTimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        )
        super().__init__(**kwargs)
        self.validators.append(check_date)


class IntegerField(forms.IntegerField):
    def __init__(self, *, min_value=0, max_value=MAX_ID, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": gettext_lazy("请填写整数。")})
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


# API (pydantic) types with the same bounds, so ninja answers 422 instead of passing an overflow on.
def _api_date(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(_date_range_message())
    return value


Day = Annotated[date, AfterValidator(_api_date)]
Moment = Annotated[datetime, AfterValidator(_api_date)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_ID)]
Year = Annotated[int, Field(ge=EARLIEST.year, le=LATEST.year)]


class IdConverter:
    """`<id:pk>` in URL patterns: a row id small enough for the database (18 digits at most), so an
    absurd number answers 404 instead of overflowing the query."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
