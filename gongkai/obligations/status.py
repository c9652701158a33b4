"""R14: an obligation's status, computed by the database from the row and today (one expression
serves lists, filters and compliance aggregates alike)."""

from datetime import date

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from gongkai.lib import workdays

from .calendar import current_overrides
from .models import STATUS_CSS, Obligation, Status  # noqa: F401

DEFAULT_DUE_SOON_DAYS = 5


def today() -> date:
    return timezone.localdate()


def due_soon_limit(on: date, overrides: workdays.Overrides | None = None) -> date | None:
    """The last deadline still "due soon" on `on`: N working days ahead (setting OBLIGATION_DUE_SOON_DAYS).
    `overrides`: the calendar as just written inside a calendar transaction (default: the cached one)."""
    n = getattr(settings, "OBLIGATION_DUE_SOON_DAYS", DEFAULT_DUE_SOON_DAYS)
    try:
        return workdays.add_working_days(on, n, current_overrides() if overrides is None else overrides)
    except workdays.CalendarNotCovered:
        return None


def withheld_q() -> Exists:
    """R12: an accepted withholding for the same org and catalogue item, for this period or for all."""
    from gongkai.disclosure.models import Withholding

    return Exists(
        Withholding.objects.filter(
            org_id=OuterRef("org_id"),
            catalogue_item_id=OuterRef("catalogue_item_id"),
            status=Withholding.Status.ACCEPTED,
        ).filter(Q(period_label="") | Q(period_label=OuterRef("period_label")))
    )


def status_expression(on: date, overrides: workdays.Overrides | None = None) -> Case:
    soon = due_soon_limit(on, overrides)
    soon_when = (
        [When(due_date__lte=soon, then=Value(Status.DUE_SOON))]
        if soon is not None
        # The limit itself is uncovered: everything from today on is within it.
        else [When(due_date__gte=on, then=Value(Status.DUE_SOON))]
    )
    return Case(
        When(fulfilled_on__isnull=False, due_date__isnull=True, then=Value(Status.DONE_ON_TIME)),
        When(fulfilled_on__isnull=False, fulfilled_on__lte=F("due_date"), then=Value(Status.DONE_ON_TIME)),
        When(fulfilled_on__isnull=False, then=Value(Status.DONE_LATE)),
        When(is_withheld=True, then=Value(Status.WITHHELD)),
        When(due_date__isnull=True, then=Value(Status.NOT_YET_DUE)),
        When(due_date__lt=on, then=Value(Status.OVERDUE)),
        *soon_when,
        default=Value(Status.NOT_YET_DUE),
        output_field=CharField(),
    )


def with_status(qs: QuerySet[Obligation] | None = None, on: date | None = None) -> QuerySet[Obligation]:
    qs = Obligation.objects.all() if qs is None else qs
    return qs.annotate(is_withheld=withheld_q()).annotate(status=status_expression(on or today()))
