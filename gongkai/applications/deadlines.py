"""R16 deadlines in working days (R15): never guessed outside the covered calendar."""

from datetime import date

from django.utils import timezone

from gongkai.lib import workdays


def current_overrides() -> workdays.Overrides:
    """The admin calendar overrides (R15) from the obligations app, when it is installed."""
    try:
        from gongkai.obligations.calendar import current_overrides as load
    except ImportError:  # the obligations app without its calendar: the official calendar alone
        return workdays.EMPTY
    return load()


def local_date(dt) -> date:
    return timezone.localtime(dt).date()


def compute_due(received: date, days: int, pauses) -> tuple[date | None, bool]:
    """(due date, calendar_not_covered). `pauses` are (start, end) pairs; an open one stops the clock
    (None, False). Each pause shifts the due date by the working days it lasted."""
    overrides = current_overrides()
    if any(end is None for _start, end in pauses):
        return None, False
    try:
        due = workdays.add_working_days(received, days, overrides)
        stopped = sum(workdays.working_days_between(s, e, overrides) for s, e in pauses)
        return workdays.add_working_days(due, stopped, overrides), False
    except workdays.CalendarNotCovered:
        return None, True


def working_days_left(due: date | None, today: date | None = None) -> int | None:
    if due is None:
        return None
    today = today or timezone.localdate()
    try:
        if due >= today:
            return workdays.working_days_between(today, due, current_overrides())
        return -workdays.working_days_between(due, today, current_overrides())
    except workdays.CalendarNotCovered:
        return None
