"""R29: the disclosure app's to-do provider: items waiting for this user's review, approval or
publication, drafts sent back to their author, the author's other drafts (issue 16: 我的草稿), and the
catalogue matters the user decides."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.lib.todos import Todo

from .models import State

LIMIT = 500  # per kind; the workbench pages them


def todos(user, on: date) -> list[Todo]:
    return [*_items(user), *_drafts(user), *_decisions(user)]


def _items(user) -> list[Todo]:
    kinds = {
        State.SUBMITTED: ("item.review", _("待审核")),
        State.REVIEWED: ("item.approve", _("待审批")),
        State.APPROVED: ("item.publish", _("待公开")),
        State.DRAFT: ("item.edit", _("退回待修改")),
    }
    out = []
    rows = access.items_awaiting(user).select_related("org").order_by("updated_at")[:LIMIT]
    for item in rows:
        rule, kind = kinds[item.state]
        if item.state == State.DRAFT and item.author_id != user.pk:
            continue
        if not access.can(user, rule, item):
            continue
        out.append(
            Todo(
                kind=kind,
                title=item.title,
                url=reverse("disclosure:work_item", args=[item.pk]),
                org_name=item.org.name,
                status=str(State(item.state).label),
                css="warn",
                decision=True,
            )
        )
    return out


def _drafts(user) -> list[Todo]:
    """The user's drafts never sent back: not a decision, but work of theirs that nobody else sees."""
    out = []
    for item in access.own_drafts(user).select_related("org").order_by("-updated_at")[:LIMIT]:
        if access.can(user, "item.edit", item):
            out.append(
                Todo(
                    kind=_("我的草稿"), title=item.title or _("（无标题）"),
                    url=reverse("disclosure:work_item", args=[item.pk]), org_name=item.org.name,
                    status=str(State(item.state).label), note=_("尚未提出（提交审核）"),
                )
            )  # fmt: skip
    return out


def _decisions(user) -> list[Todo]:
    url = reverse("disclosure:requests")
    out = []
    for c in (
        access.change_requests_to_decide(user).select_related("item__org").order_by("requested_at")[:LIMIT]
    ):
        if access.can(user, "item.decide_change", c.item):
            out.append(
                Todo(
                    kind=_("变更审批"), title=f"{c.get_kind_display()}：{c.item.title}", url=url,
                    org_name=c.item.org.name, status=_("待批准"), css="warn", note=c.reason, decision=True,
                )
            )  # fmt: skip
    for p in access.work_plans_to_decide(user).select_related("org").order_by("created_at")[:LIMIT]:
        if access.can(user, "workplan.decide", p):
            out.append(
                Todo(
                    kind=_("工作方案"), title=p.title, url=f"{url}#plan-{p.pk}", org_name=p.org.name,
                    status=_("待审核"), css="warn", decision=True,
                )
            )  # fmt: skip
    for w in (
        access.withholdings_to_decide(user)
        .select_related("org", "catalogue_item")
        .order_by("filed_at")[:LIMIT]
    ):
        if access.can(user, "withholding.decide", w):
            out.append(
                Todo(
                    kind=_("不予公开备案"), title=w.catalogue_item.title, url=url, org_name=w.org.name,
                    status=w.get_reason_display(), css="warn", decision=True,
                )
            )  # fmt: skip
    return out
