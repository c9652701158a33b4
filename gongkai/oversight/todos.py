"""R29: the oversight app's to-do provider: rectification orders owed by the user's organisations,
responses waiting for the inspector's verification (a decision), and commitments waiting for this
user's review or approval, or back with their author (issue 16)."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.lib.todos import Todo

from .models import OWED, CommitmentState, FindingStatus

LIMIT = 500  # per kind; the workbench pages them


def todos(user, on: date) -> list[Todo]:
    return [*_findings(user, on), *_commitments(user)]


def _findings(user, on: date) -> list[Todo]:
    if not (access.may_anywhere(user, "prepare") or access.may_anywhere(user, "inspect")):
        return []
    out = []
    for f in access.findings_awaiting(user).select_related("org")[:LIMIT]:
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


def _commitments(user) -> list[Todo]:
    """Review and approval are decisions; the author's draft is theirs to finish: a decision when it
    came back with a reason, else one of their drafts."""
    if not access.is_staff(user):
        return []
    steps = {
        CommitmentState.SUBMITTED: ("commitment.review", _("承诺待审核")),
        CommitmentState.REVIEWED: ("commitment.approve", _("承诺待审批")),
    }
    out = []
    rows = access.commitments_awaiting(user).select_related("org").order_by("updated_at")[:LIMIT]
    for c in rows:
        if c.state == CommitmentState.DRAFT:
            if not access.can(user, "commitment.edit", c):
                continue
            returned = bool(c.returned_reason)
            kind, decision = (_("承诺退回待修改"), True) if returned else (_("我的草稿"), False)
            note = _("退回理由：%(reason)s") % {"reason": c.returned_reason} if returned else ""
        else:
            rule, kind = steps[c.state]
            if not access.can(user, rule, c):
                continue
            decision, note = True, ""
        out.append(
            Todo(
                kind=kind,
                title=f"{c.get_kind_display()}",
                url=reverse("oversight:commitment", args=[c.pk]),
                org_name=c.org.name,
                status=str(CommitmentState(c.state).label),
                css="warn" if decision else "light",
                note=note,
                decision=decision,
            )
        )
    return out
