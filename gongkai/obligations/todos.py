"""R29: the obligations app's to-do provider: obligations due soon or overdue for the organisations
the user prepares or approves for; overdue ones also for the inspectors and supervisors above."""

from datetime import date

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.lib.todos import Todo

from .models import Status
from .status import due_soon_limit, with_status

LIMIT = 500


def todos(user, on: date) -> list[Todo]:
    out = []
    if access.may_anywhere(user, "prepare"):
        out += _rows(user, on, [Status.OVERDUE, Status.DUE_SOON])
    out += _escalated(user, on)
    return out


def _escalated(user, on) -> list[Todo]:
    """Overdue work of the organisations below, one row per organisation (not one per obligation)."""
    qs = access.escalated_obligations(user).filter(fulfilled_at__isnull=True, due_date__lt=on)
    rows = (
        with_status(qs, on)
        .filter(status=Status.OVERDUE)
        .order_by()
        .values("org__code", "org__name")
        .annotate(n=Count("pk"), first=Min("due_date"))
        .order_by("first", "org__code")[:LIMIT]
    )
    url = reverse("obligations:list")
    return [
        Todo(
            kind=_("逾期督办"),
            title=_("%(n)s 项公开义务逾期") % {"n": r["n"]},
            url=f"{url}?org={r['org__code']}&status={Status.OVERDUE}",
            org_name=r["org__name"],
            due=r["first"],
            status=str(Status.OVERDUE.label),
            css="bad",
        )
        for r in rows
    ]


def _rows(user, on, statuses) -> list[Todo]:
    limit = due_soon_limit(on)
    qs = access.obligations_to_fulfil(user)
    if limit is not None:
        qs = qs.filter(due_date__lte=limit)
    qs = with_status(qs, on).filter(status__in=statuses).order_by("due_date", "pk")
    url = reverse("obligations:list")
    return [
        Todo(
            kind=_("公开义务"),
            title=f"{o.catalogue_item.title}（{o.period_label or o.event_note or o.get_kind_display()}）",
            url=f"{url}?org={o.org.code}&status={o.status}",
            org_name=o.org.name,
            due=o.due_date,
            status=str(Status(o.status).label),
            css="bad" if o.status == Status.OVERDUE else "warn",
        )
        for o in qs.select_related("org", "catalogue_item")[:LIMIT]
    ]
