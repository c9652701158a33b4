"""R15/R21: rectification deadlines follow the calendar: a calendar change recounts the open ones."""

from datetime import date

from django.utils import timezone

from gongkai.lib import workdays
from gongkai.obligations import calendar

from .models import OWED, InspectionFinding


@calendar.register_recomputer
def recompute(
    overrides: workdays.Overrides, since: date | None, until: date | None, *, flagged_only: bool = False
) -> int:
    """Open rectification orders due N working days after the finding, recounted; returns how many moved.
    An order always has a deadline (one is refused when the calendar cannot tell), so none is flagged."""
    if flagged_only:
        return 0
    owed = InspectionFinding.objects.select_for_update().filter(
        rectification_required=True, status__in=OWED, deadline_days__isnull=False
    )
    if since is not None:
        owed = owed.filter(due_date__gte=since)
    changed = []
    for finding in owed.only("pk", "created_at", "deadline_days", "due_date"):
        try:
            due = workdays.add_working_days(
                timezone.localdate(finding.created_at), finding.deadline_days, overrides
            )
        except workdays.CalendarNotCovered:
            continue  # set when the calendar covered it; an order never loses its deadline
        if due != finding.due_date:
            finding.due_date = due
            changed.append(finding)
    InspectionFinding.objects.bulk_update(changed, ["due_date"], batch_size=1000)
    return len(changed)
