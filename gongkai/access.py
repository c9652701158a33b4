"""R32: the one policy module. Every page, API route, search, export and download asks here.

Objects a user may not see are answered exactly like objects that do not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from gongkai.orgs.models import STAFF_ROLES, Membership, Organisation, Role


class Grants:
    """A user's memberships, loaded once (one query) and answered by path prefix, no recursion."""

    def __init__(self, user) -> None:
        self.user = user
        if user is None or not user.is_authenticated or not user.is_active:
            self.memberships: list[Membership] = []
        else:
            self.memberships = list(Membership.objects.filter(user=user).select_related("org"))

    def paths(self, roles: Iterable[str]) -> list[str]:
        roles = set(roles)
        return [m.org.path for m in self.memberships if m.role in roles]

    def roles_at(self, org: Organisation) -> set[str]:
        """Roles the user holds at `org`: its own, plus staff roles inherited from ancestors (R2)."""
        held = set()
        for m in self.memberships:
            if m.org.path == org.path or (m.role in STAFF_ROLES and org.path.startswith(m.org.path)):
                held.add(m.role)
        return held

    def has_role(self, role: str, org: Organisation) -> bool:
        return role in self.roles_at(org)

    def is_staff_at(self, org: Organisation) -> bool:
        return bool(self.roles_at(org) & STAFF_ROLES)

    @property
    def is_member(self) -> bool:
        return any(m.role == Role.MEMBER for m in self.memberships)

    @property
    def is_staff(self) -> bool:
        return any(m.role in STAFF_ROLES for m in self.memberships)

    def member_orgs(self) -> list[Organisation]:
        return [m.org for m in self.memberships if m.role == Role.MEMBER]


def grants(user) -> Grants:
    """The user's grants, cached on the user object for the request."""
    if user is None:
        return Grants(None)
    cached = getattr(user, "_gongkai_grants", None)
    if cached is None:
        cached = Grants(user)
        if user.is_authenticated:
            user._gongkai_grants = cached
    return cached


def forget(user) -> None:
    """Drop cached grants after memberships change."""
    if user is not None and hasattr(user, "_gongkai_grants"):
        del user._gongkai_grants


def path_q(field: str, paths: Iterable[str]) -> Q:
    """Q matching rows whose organisation path lies under any of `paths` (self included)."""
    paths = list(paths)
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


def has_role(user, role: str, org: Organisation) -> bool:
    return grants(user).has_role(role, org)


def is_staff_at(user, org: Organisation) -> bool:
    return grants(user).is_staff_at(org)


def staff_orgs(user, roles: Iterable[str] = STAFF_ROLES) -> QuerySet[Organisation]:
    """Organisations where the user holds one of `roles`, through inheritance down the tree."""
    paths = grants(user).paths(set(roles) & STAFF_ROLES)
    return Organisation.objects.filter(path_q("path", paths))


def visible_orgs(user) -> QuerySet[Organisation]:
    """Public organisations, plus the user's own and those under their staff roles."""
    g = grants(user)
    own = [m.org_id for m in g.memberships]
    return Organisation.objects.filter(
        Q(is_public=True) | Q(pk__in=own) | path_q("path", g.paths(STAFF_ROLES))
    )


def get_org_or_404(user, code: str) -> Organisation:
    try:
        return visible_orgs(user).get(code=code)
    except Organisation.DoesNotExist:
        raise Http404 from None


# can(user, action, obj): rules registered by action name, so every surface asks the same question.
_RULES: dict[str, Callable[..., bool]] = {}


def rule(action: str):
    def register(fn):
        _RULES[action] = fn
        return fn

    return register


def can(user, action: str, obj=None) -> bool:
    try:
        check = _RULES[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None
    return bool(check(grants(user), obj))


@rule("org.view")
def _org_view(g: Grants, org: Organisation) -> bool:
    return org.is_public or any(m.org_id == org.pk for m in g.memberships) or g.is_staff_at(org)


@rule("org.manage")
def _org_manage(g: Grants, org: Organisation) -> bool:
    return bool(g.roles_at(org) & {Role.CLERK, Role.SECRETARY, Role.INSPECTOR})


@rule("org.view_members")
def _org_view_members(g: Grants, org: Organisation) -> bool:
    return g.is_staff_at(org)
