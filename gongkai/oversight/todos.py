"""R29: the oversight app's to-do provider: rectification orders owed by the user's organisations,
and responses waiting for the inspector's verification (a decision)."""

from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.lib.todos import Todo
from gongkai.orgs.models import Role

from .models import OWED, FindingStatus, InspectionFinding


def todos(user, on: date) -> list[Todo]:
    g = access.grants(user)
    handler, office = g.paths({Role.CLERK, Role.SECRETARY}), g.paths({Role.INSPECTOR})
    if not (handler or office):
        return []
    q = Q(pk__in=[])
    if handler:
        q |= access.path_q("org_path", handler) & Q(status__in=OWED)
    if office:
        q |= access.path_q("org_path", office) & Q(status=FindingStatus.RESPONDED)
    out = []
    for f in InspectionFinding.objects.filter(q, rectification_required=True).select_related("org")[:500]:
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
