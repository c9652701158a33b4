"""The daily digest: due soon and overdue to each organisation's clerks and secretaries; overdue
also to the supervisors and inspectors above it. Once per user per day (safe to run twice)."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.notifications.actions import notify
from gongkai.orgs.models import Membership, Organisation, Role

from .models import Status
from .status import today, with_status


def send_digest(on: date | None = None) -> int:
    on = on or today()
    rows = (
        with_status(None, on)
        .filter(fulfilled_at__isnull=True, status__in=[Status.DUE_SOON, Status.OVERDUE])
        .order_by()
        .values("org_id")
        .annotate(
            soon=Count("pk", filter=Q(status=Status.DUE_SOON)),
            overdue=Count("pk", filter=Q(status=Status.OVERDUE)),
        )
    )
    counts = {r["org_id"]: (r["soon"], r["overdue"]) for r in rows}
    if not counts:
        return 0
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=list(counts))}
    # user -> [(org, soon, overdue, escalated)]
    lines: dict = defaultdict(list)
    users = {}
    for m in Membership.objects.filter(
        org_id__in=list(counts), role__in=[Role.CLERK, Role.SECRETARY]
    ).select_related("user"):
        soon, overdue = counts[m.org_id]
        users[m.user_id] = m.user
        lines[m.user_id].append((orgs[m.org_id], soon, overdue, False))
    overdue_orgs = [orgs[pk] for pk, (_s, n) in counts.items() if n]
    above = {p for o in overdue_orgs for p in (*o.ancestor_paths(), o.path)}
    for m in Membership.objects.filter(
        org__path__in=above, role__in=[Role.SUPERVISOR, Role.INSPECTOR], user__is_active=True
    ).select_related("user", "org"):
        for o in overdue_orgs:
            if o.path.startswith(m.org.path):
                users[m.user_id] = m.user
                lines[m.user_id].append((o, 0, counts[o.pk][1], True))
    url = reverse("workbench:home")
    sent = 0
    for user_id, entries in lines.items():
        user = users[user_id]
        if not user.is_active:
            continue
        seen, body = set(), []
        for org, soon, overdue, escalated in sorted(entries, key=lambda e: e[0].path):
            if (org.pk, escalated) in seen:
                continue
            seen.add((org.pk, escalated))
            parts = []
            if overdue:
                parts.append(_("已逾期 %(n)s 项") % {"n": overdue})
            if soon and not escalated:
                parts.append(_("即将到期 %(n)s 项") % {"n": soon})
            body.append(f"{org.name}：{'，'.join(parts)}")
        title = _("公开义务提醒（%(date)s）") % {"date": on.isoformat()}
        if notify(user, title, "\n".join(body), url, key=f"digest:{on.isoformat()}"):
            sent += 1
    return sent
