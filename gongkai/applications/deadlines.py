"""R15/R16: an application's answer deadline, and its recount when the calendar changes."""

from datetime import date

from django.db.models import Q

from gongkai.lib import workdays
from gongkai.obligations import calendar

from .models import Application, Status


def application_due(application, overrides: workdays.Overrides | None = None) -> tuple[date | None, bool]:
    """The answer deadline from receipt (a rest-day receipt counts from the next working day), period,
    extension and pauses."""
    pauses = [(p.start, p.end) for p in application.pauses.all()]
    return calendar.compute_due(
        calendar.local_date(application.received_at),
        application.days + application.extension_days,
        pauses,
        overrides,
        rest_day_receipt=True,
    )


def recompute(
    overrides: workdays.Overrides, since: date | None, until: date | None, *, flagged_only: bool = False
) -> int:
    """Every open application's deadline recounted (extended, paused and "not covered" ones too);
    returns how many moved. Registered with the calendar in apps.py."""
    open_apps = (
        Application.objects.select_for_update()
        .exclude(status=Status.ANSWERED)
        .prefetch_related("pauses")
        .order_by("pk")
    )
    if flagged_only:
        open_apps = open_apps.filter(calendar_not_covered=True)
    elif since is not None:
        open_apps = open_apps.filter(Q(due_date__isnull=True) | Q(due_date__gte=since))
    changed = []
    for application in open_apps:
        due = application_due(application, overrides)
        if due != (application.due_date, application.calendar_not_covered):
            application.due_date, application.calendar_not_covered = due
            changed.append(application)
    Application.objects.bulk_update(changed, ["due_date", "calendar_not_covered"], batch_size=500)
    return len(changed)
