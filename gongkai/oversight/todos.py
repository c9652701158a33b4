"""R29: the oversight app's to-do provider: rectification orders owed by the user's organisations,
and responses waiting for the inspector's verification (a decision)."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.lib.todos import Todo

from .models import OWED, FindingStatus


def todos(user, on: date) -> list[Todo]:
    if not (access.may_anywhere(user, "prepare") or access.may_anywhere(user, "inspect")):
        return []
    out = []
    for f in access.findings_awaiting(user).select_related("org")[:500]:
        owed = f.status in OWED
        overdue = f.is_overdue(on)
        out.append(
            Todo(
                kind=_("整改") if owed else _("整改核验"),
                title=f.text[:60],
                url=reverse("oversight:inspection", args=[f.inspection_id]),
                org_name=f.org.name,
                due=f.due_date if owed else None,
                status=_("已逾期") if overdue else str(FindingStatus(f.status).label),
                css="bad" if overdue else "warn",
                decision=not owed,
            )
        )
    return out
