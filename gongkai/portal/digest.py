"""The daily digest: what the workbench holds for each staff user, from the same providers, sent once
per user per day (safe to run twice) to those with decisions waiting or deadlines overdue or near."""

from collections import Counter
from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.lib.todos import DECIDE, DUE_SOON, OVERDUE
from gongkai.notifications.actions import notify
from gongkai.obligations.status import due_soon_limit
from gongkai.orgs.models import STAFF_ROLES

from .workbench import todos_for


def send_digest(on: date | None = None) -> int:
    on = on or timezone.localdate()
    soon = due_soon_limit(on)
    url = reverse("workbench:home")
    users = get_user_model().objects.filter(is_active=True, memberships__role__in=STAFF_ROLES).distinct()
    sent = 0
    for user in users.order_by("pk").iterator():
        rows = [t for t in todos_for(user, on) if t.urgency(on, soon) in (DECIDE, OVERDUE, DUE_SOON)]
        if not rows:
            continue
        body = []
        for label, urgency in ((_("待您处理"), DECIDE), (_("已逾期"), OVERDUE), (_("即将到期"), DUE_SOON)):
            kinds = Counter(t.kind for t in rows if t.urgency(on, soon) == urgency)
            if kinds:
                parts = "，".join(_("%(kind)s %(n)s 项") % {"kind": k, "n": n} for k, n in kinds.items())
                body.append(f"{label}：{parts}")
        orgs = sorted({t.org_name for t in rows if t.urgency(on, soon) == OVERDUE})
        if orgs:
            body.append(_("逾期涉及：%(orgs)s") % {"orgs": "、".join(orgs[:10])})
        title = _("工作台提醒（%(date)s）") % {"date": on.isoformat()}
        if notify(user, title, "\n".join(body), url, key=f"digest:{on.isoformat()}"):
            sent += 1
    return sent
