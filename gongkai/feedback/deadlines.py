"""R15/R18: feedback deadlines follow the calendar: a calendar change recounts the open ones."""

from datetime import date

from django.db.models import Q

from gongkai.lib import workdays
from gongkai.obligations.calendar import compute_due, local_date

from .models import DUE_DAYS, FeedbackCase, Status


def case_due(case: FeedbackCase, overrides: workdays.Overrides | None = None) -> tuple[date | None, bool]:
    return compute_due(local_date(case.received_at), DUE_DAYS, [], overrides)


def recompute(
    overrides: workdays.Overrides, since: date | None, until: date | None, *, flagged_only: bool = False
) -> int:
    """Every open case's deadline recounted (the "not covered" ones too); returns how many moved."""
    cases = FeedbackCase.objects.select_for_update().exclude(status=Status.REPLIED)
    if flagged_only:
        cases = cases.filter(calendar_not_covered=True)
    elif since is not None:
        cases = cases.filter(Q(due_date__isnull=True) | Q(due_date__gte=since))
    changed = []
    for case in cases.only("pk", "received_at", "due_date", "calendar_not_covered"):
        due = case_due(case, overrides)
        if due != (case.due_date, case.calendar_not_covered):
            case.due_date, case.calendar_not_covered = due
            changed.append(case)
    FeedbackCase.objects.bulk_update(changed, ["due_date", "calendar_not_covered"], batch_size=500)
    return len(changed)
