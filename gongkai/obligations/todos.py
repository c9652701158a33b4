"""R29: the workbench's to-do list. Other apps add their kinds with register_todo_provider(fn):
fn(user, today) returns Todo rows in a fixed number of queries."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.orgs.models import Role

from .models import Status
from .status import due_soon_limit, today, with_status

_PROVIDERS: list[Callable[..., Iterable["Todo"]]] = []
COUNT_TTL = 60


@dataclass(frozen=True)
class Todo:
    kind: str  # shown as a tag: 公开义务, 待审核, 待审批, …
    title: str
    url: str
    org_name: str
    due: date | None = None
    status: str = ""  # a short label
    css: str = "light"  # tag class: bad, warn, ok, light
    note: str = ""


def register_todo_provider(fn: Callable[..., Iterable[Todo]]) -> Callable[..., Iterable[Todo]]:
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)
    return fn


def todos_for(user, on: date | None = None) -> list[Todo]:
    """Everything waiting for the user, ordered by due date (undated last)."""
    on = on or today()
    rows: list[Todo] = []
    for provider in _PROVIDERS:
        rows.extend(provider(user, on))
    return sorted(rows, key=lambda t: (t.due is None, t.due or date.max, t.org_name, t.title))


def _count_key(user) -> str:
    return f"gongkai:todo_count:{user.pk}"


def todo_count(user) -> int:
    """The header badge, cached per user for a minute so every page stays fast."""
    if user is None or not user.is_authenticated or not access.grants(user).is_staff:
        return 0
    n = cache.get(_count_key(user))
    if n is None:
        n = len(todos_for(user))
        cache.set(_count_key(user), n, COUNT_TTL)
    return n


@register_todo_provider
def obligation_todos(user, on: date) -> list[Todo]:
    """Obligations due soon or overdue of the organisations the user prepares or approves for."""
    paths = access.grants(user).paths({Role.CLERK, Role.SECRETARY})
    if not paths:
        return []
    limit = due_soon_limit(on)
    qs = access.visible_obligations(user).filter(access.path_q("org_path", paths), fulfilled_at__isnull=True)
    if limit is not None:
        qs = qs.filter(due_date__lte=limit)
    qs = with_status(qs, on).filter(status__in=[Status.OVERDUE, Status.DUE_SOON])
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
        for o in qs.select_related("org", "catalogue_item")[:500]
    ]


@register_todo_provider
def review_todos(user, on: date) -> list[Todo]:
    """Items submitted for the user's review, or reviewed and waiting for the user's approval (R7)."""
    from gongkai.disclosure.models import DisclosureItem, State

    g = access.grants(user)
    reviewer, secretary = g.paths({Role.REVIEWER}), g.paths({Role.SECRETARY})
    if not (reviewer or secretary):
        return []
    q = access.path_q("org_path", reviewer) & Q(state=State.SUBMITTED) if reviewer else None
    if secretary:
        q2 = access.path_q("org_path", secretary) & Q(state=State.REVIEWED)
        q = q2 if q is None else q | q2
    out = []
    for item in DisclosureItem.objects.filter(q).select_related("org").order_by("updated_at")[:500]:
        action = "item.review" if item.state == State.SUBMITTED else "item.approve"
        if not access.can(user, action, item):
            continue
        out.append(
            Todo(
                kind=_("待审核") if action == "item.review" else _("待审批"),
                title=item.title,
                url=_item_url(item),
                org_name=item.org.name,
                status=str(State(item.state).label),
            )
        )
    return out


def _item_url(item) -> str:
    try:
        return reverse("disclosure:work_item", args=[item.pk])
    except Exception:  # the disclosure pages may not be wired yet
        return reverse("workbench:home")
