"""R29: feedback cases not yet answered, with their due dates, for the people who handle them."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.lib.todos import Todo

from .models import Status


def todos(user, on: date) -> list[Todo]:
    rows = access.feedback_to_handle(user).select_related("org").order_by("due_date", "pk")[:500]
    return [
        Todo(
            kind=_("意见反馈"),
            title=c.subject,
            url=reverse("feedback:case", args=[c.pk]),
            org_name=c.org.name,
            due=c.due_date,
            status=_("已逾期") if c.due_date and c.due_date < on else str(Status(c.status).label),
            css="bad" if c.due_date and c.due_date < on else "warn",
        )
        for c in rows
    ]
