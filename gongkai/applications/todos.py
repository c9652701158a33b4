"""R29: open applications, with their statutory due dates, for the people who answer them."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.lib.todos import Todo

from .models import Status


def todos(user, on: date) -> list[Todo]:
    rows = access.applications_to_handle(user).select_related("org").order_by("due_date", "pk")[:500]
    out = []
    for a in rows:
        paused = a.status != Status.PROCESSING
        overdue = not paused and a.due_date is not None and a.due_date < on
        out.append(
            Todo(
                kind=_("公开申请"),
                title=f"{a.number} {a.title}",
                url=reverse("applications:detail", args=[a.pk]),
                org_name=a.org.name,
                due=None if paused else a.due_date,  # the clock stops while paused (R16)
                status=_("已逾期") if overdue else str(Status(a.status).label),
                css="bad" if overdue else ("light" if paused else "warn"),
            )
        )
    return out
