"""R32: the one policy module. Every page, API route, search, export and download asks here.

Objects a user may not see are answered exactly like objects that do not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from gongkai.audit.log import record_denial
from gongkai.lib.errors import NotAllowed
from gongkai.orgs import roles_cache
from gongkai.orgs.models import STAFF_ROLES, Level, Membership, Organisation, Role

# ---- Role sets (R2), named once -----------------------------------------------------------------

# Prepare and publish items, register events, answer applications and feedback, respond to findings.
HANDLER_ROLES = frozenset({Role.CLERK, Role.SECRETARY})
# Read the cases of their organisation and its descendants: items in every state, applications and
# feedback (masked), obligations, the archive. Clerk, secretary and reviewer act there; the office and
# the auditor read. Not the supervisor (R20: assignments only) nor the catalogue owner (catalogue matters).
CASE_ROLES = frozenset({Role.CLERK, Role.SECRETARY, Role.REVIEWER, Role.INSPECTOR, Role.AUDITOR})
# Roles held at an organisation reach its descendants too; a supervisor's reach is the assignment table.
INHERITED_ROLES = STAFF_ROLES - {Role.SUPERVISOR}
# R12: the upper organisation's secretary or leading-group office accepts or overrules a withholding.
WITHHOLDING_DECIDERS = frozenset({Role.SECRETARY, Role.INSPECTOR})
# Roles that see oversight data (dashboards, inspections) of their organisation and below.
OVERSIGHT_ROLES = frozenset({Role.INSPECTOR, Role.AUDITOR, Role.SECRETARY, Role.CLERK})
AUDIT_ROLES = frozenset({Role.AUDITOR, Role.INSPECTOR})

# "Organisations where the user may …": the named tasks of orgs_where() and may_anywhere().
_TASK_ROLES: dict[str, frozenset[str]] = {
    "prepare": HANDLER_ROLES,  # items, events, commitments, withholdings, work plans, offline feedback
    "review": frozenset({Role.REVIEWER}),
    "approve": frozenset({Role.SECRETARY}),
    "inspect": frozenset({Role.INSPECTOR}),  # inspections, campaigns, the rollout plan, assignments
    "read_cases": CASE_ROLES,
    "export_archive": frozenset({Role.SECRETARY, Role.AUDITOR, Role.INSPECTOR}),
}


class _Grants:
    """A user's memberships, loaded once (one query) and answered by path prefix, no recursion."""

    def __init__(self, user) -> None:
        self.user = user
        self.catalogue_owner_paths: dict[str, str | None] = {}
        if user is None or not user.is_authenticated or not user.is_active:
            self.memberships: list[Membership] = []
        else:
            self.memberships = roles_cache.memberships(user)

    def paths(self, roles: Iterable[str]) -> list[str]:
        roles = set(roles)
        return [m.org.path for m in self.memberships if m.role in roles]

    def roles_at(self, org: Organisation) -> set[str]:
        """Roles the user holds at `org`: its own, plus staff roles inherited from ancestors (R2)."""
        return self.roles_at_path(org.path)

    def roles_at_path(self, path: str) -> set[str]:
        held = set()
        for m in self.memberships:
            if m.org.path == path or (m.role in INHERITED_ROLES and path.startswith(m.org.path)):
                held.add(m.role)
        return held

    def has_role(self, role: str, org: Organisation) -> bool:
        return role in self.roles_at(org)

    def reads_cases_at(self, org: Organisation) -> bool:
        return bool(self.roles_at(org) & CASE_ROLES)

    @property
    def is_member(self) -> bool:
        return any(m.role == Role.MEMBER for m in self.memberships)

    @property
    def is_staff(self) -> bool:
        return any(m.role in STAFF_ROLES for m in self.memberships)

    def member_orgs(self) -> list[Organisation]:
        return [m.org for m in self.memberships if m.role == Role.MEMBER]

    def org_ids(self, role: str) -> list[int]:
        return [m.org_id for m in self.memberships if m.role == role]

    def member_tree_paths(self) -> set[str]:
        """Paths of the user's member organisations and all their ancestors (for 本组织及下级)."""
        paths: set[str] = set()
        for org in self.member_orgs():
            paths.update(org.ancestor_paths())
            paths.add(org.path)
        return paths


def _supervised_paths(g: _Grants) -> list[str]:
    """R20: paths of the organisations assigned to the user as supervisor (one query, cached)."""
    cached = getattr(g, "_supervised_paths", None)
    if cached is None:
        from gongkai.oversight.models import SupervisorAssignment

        if not any(m.role == Role.SUPERVISOR for m in g.memberships):
            cached = []  # only someone holding the supervisor role has assignments: no query
        else:
            cached = list(
                SupervisorAssignment.objects.filter(supervisor=g.user).values_list("org__path", flat=True)
            )
        g._supervised_paths = cached
    return cached


def _grants(user) -> _Grants:
    """The user's grants, cached on the user object for the request."""
    if user is None:
        return _Grants(None)
    cached = getattr(user, "_gongkai_grants", None)
    if cached is None:
        cached = _Grants(user)
        if user.is_authenticated:
            user._gongkai_grants = cached
    return cached


def forget(user) -> None:
    """Drop cached grants after memberships change."""
    if user is not None and hasattr(user, "_gongkai_grants"):
        del user._gongkai_grants


def _path_q(field: str, paths: Iterable[str]) -> Q:
    """Q matching rows whose organisation path lies under any of `paths` (self included)."""
    paths = list(paths)
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


def has_role(user, role: str, org: Organisation) -> bool:
    return _grants(user).has_role(role, org)


def has_role_anywhere(user, role: str) -> bool:
    return any(m.role == role for m in _grants(user).memberships)


def is_staff(user) -> bool:
    """Whether the user holds any staff role anywhere (shows the staff pages, whose lists may be empty)."""
    return _grants(user).is_staff


def reads_cases_at(user, org: Organisation) -> bool:
    """Whether the user reads `org`'s cases: drafts, applications, feedback, obligations (CASE_ROLES)."""
    return _grants(user).reads_cases_at(org)


def _task_paths(g: _Grants, task: str) -> list[str]:
    try:
        roles = _TASK_ROLES[task]
    except KeyError:
        raise ValueError(f"unknown task {task!r}") from None
    return g.paths(roles)


def orgs_where(user, task: str) -> QuerySet[Organisation]:
    """Organisations where the user may do `task` (a key of _TASK_ROLES), inherited down the tree."""
    return Organisation.objects.filter(_path_q("path", _task_paths(_grants(user), task)))


def may_anywhere(user, task: str) -> bool:
    """Whether the user may do `task` at some organisation (no query beyond the grants)."""
    return bool(_task_paths(_grants(user), task))


def visible_orgs(user) -> QuerySet[Organisation]:
    """Public organisations, plus the user's own, those under their roles and their assignments."""
    g = _grants(user)
    own = [m.org_id for m in g.memberships]
    reach = g.paths(INHERITED_ROLES) + _supervised_paths(g)
    return Organisation.objects.filter(Q(is_public=True) | Q(pk__in=own) | _path_q("path", reach))


def get_or_404(queryset: QuerySet, *, viewer=None, **lookup):
    """The object of `queryset` (already narrowed to what the user may see) matching `lookup`, or 404:
    one answer for "does not exist", "not yours" and a malformed key alike. When the object exists but
    is not the `viewer`'s to see, the denied read is audited (SECURITY.md 10) for signed-in viewers."""
    try:
        return queryset.get(**lookup)
    except (ValueError, TypeError):
        raise Http404 from None
    except queryset.model.DoesNotExist:
        _audit_denied_read(viewer, queryset.model, lookup)
        raise Http404 from None


def _audit_denied_read(viewer, model, lookup) -> None:
    if viewer is None or not viewer.is_authenticated:
        return
    obj = model._base_manager.filter(**lookup).first()
    if obj is not None:
        from gongkai.audit.log import record_denial

        record_denial(action=f"{model._meta.model_name}.read", obj=obj, actor=viewer)


def get_org_or_404(user, code: str) -> Organisation:
    """`visible_orgs(user)`'s organisation with this code, decided by the same rule ("org.view") on
    the organisation read from the shared cache: no query on the boards' hot path (issue 17)."""
    if not isinstance(code, str) or "\x00" in code:
        raise Http404  # no organisation code holds a NUL (and PostgreSQL refuses to compare one)
    org = roles_cache.organisation(code)
    if org is None:
        raise Http404
    if not _org_view(_grants(user), org):
        _audit_denied_read(user, Organisation, {"pk": org.pk})
        raise Http404
    return org


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
    return bool(check(_grants(user), obj))


def require(user, action: str, obj=None, *, message: str | None = None) -> None:
    """An action's gate: refuse with NotAllowed unless can(); every refusal is audited (SECURITY 10).
    The refused action rolls back its transaction, so the denial is written after it (audit.log)."""
    if can(user, action, obj):
        return
    record_denial(action=action, obj=obj, actor=user)
    raise NotAllowed(message or _("您无权执行此操作。"))


# ---- Disclosure items (R9, R10) -------------------------------------------------------------


def _audience_q(g: _Grants, now) -> Q:
    """R9: who may read a published item, by its scope (inside first: public only after public_from).
    Items of an organisation not listed publicly reach only its own people (and staff, elsewhere)."""
    from gongkai.catalogue.models import Scope

    audience = Q(scope=Scope.PUBLIC, public_from__lte=now)
    if g.is_member:
        audience |= Q(scope__in=[Scope.PUBLIC, Scope.ALL_MEMBERS])
        audience |= Q(scope=Scope.ORG_TREE, org_path__in=g.member_tree_paths())
        audience |= Q(scope=Scope.ORG_MEMBERS, org_id__in=g.org_ids(Role.MEMBER))
    committee = g.org_ids(Role.COMMITTEE_MEMBER)
    if committee:
        audience |= Q(scope__in=[Scope.COMMITTEE, Scope.ORG_MEMBERS], org_id__in=committee)
    hidden = Organisation.objects.filter(is_public=False).values("pk")
    listed = ~Q(org_id__in=hidden)
    own = [m.org_id for m in g.memberships]
    if own:
        listed |= Q(org_id__in=own)
    return audience & listed


def _published_q(g: _Grants, now) -> Q:
    """What the user reads of published items: R9 audience, and R20 what is current of the
    organisations assigned to them as supervisor (never drafts, withheld or ended items)."""
    from gongkai.disclosure.models import current_q

    readable = current_q(now) & _audience_q(g, now)
    supervised = _supervised_paths(g)
    if supervised:
        readable |= current_q(now) & _supervised_items_q(supervised)
    return readable


def _supervised_items_q(supervised: list[str]) -> Q:
    """R2/R20: a supervisor follows what the organisation discloses, not what only its committee
    reads (班子成员: disciplinary and personnel matters stay with the committee)."""
    from gongkai.catalogue.models import Scope

    return _path_q("org_path", supervised) & ~Q(scope=Scope.COMMITTEE)


def visible_items(user, now=None):
    """Items the user may read: R9 scopes for current published items (R10), everything for CASE_ROLES
    of the organisation or an ancestor. Drafts, withheld and ended items reach only those roles."""
    from django.utils import timezone

    from gongkai.disclosure.models import DisclosureItem

    now = now or timezone.now()
    g = _grants(user)
    readable = _published_q(g, now)
    case_paths = g.paths(CASE_ROLES)
    if case_paths:
        readable |= _path_q("org_path", case_paths)
    return DisclosureItem.objects.filter(readable)


def staff_items(user):
    """Every item, in any state, of the organisations whose cases the user reads (R2)."""
    from gongkai.disclosure.models import DisclosureItem

    return DisclosureItem.objects.filter(_path_q("org_path", _grants(user).paths(CASE_ROLES)))


def visible_notices(user, now=None):
    """R11: ended items (changed, revoked, terminated) whose notice the same audience may read."""
    from django.utils import timezone

    from gongkai.disclosure.models import DisclosureItem, State

    now = now or timezone.now()
    g = _grants(user)
    readable = _audience_q(g, now)
    supervised = _supervised_paths(g)
    if supervised:
        readable |= _supervised_items_q(supervised)
    case_paths = g.paths(CASE_ROLES)
    if case_paths:
        readable |= _path_q("org_path", case_paths)
    readable &= Q(state__in=[State.SUPERSEDED, State.REVOKED, State.TERMINATED])
    return DisclosureItem.objects.filter(readable)


def get_item_or_404(user, pk, queryset=None):
    return get_or_404(visible_items(user) if queryset is None else queryset, viewer=user, pk=pk)


def can_see_attachment(user, attachment) -> bool:
    """R13: an attachment kept inside is for the organisation's members and its staff only."""
    item = attachment.item
    if not visible_items(user).filter(pk=item.pk).exists():
        return False
    return attachment in visible_attachments(user, item)


def visible_attachments(user, item) -> list:
    """The attachments of an item the caller already obtained through `visible_items`."""
    g = _grants(user)
    # The same rule as _inside_q (search): members of the item's organisation and its case readers.
    inside = g.reads_cases_at(item.org) or item.org_id in g.org_ids(Role.MEMBER)
    return [a for a in item.attachments.all() if inside or not a.keep_inside]


def audience(user, org: Organisation) -> str:
    """Issue 17.2: the name of the class of readers who read exactly the same of `org` — its items,
    their attachments and its change notices — so that its board and item pages may be shared
    within the class. Built from every fact the rules above decide by, for this organisation only:
    readers who differ in any of them never share a page."""
    g = _grants(user)
    if g.reads_cases_at(org):
        return "staff"  # everything of the organisation (CASE_ROLES here or above)
    facts = (
        g.is_member,  # all_members scope, and public items before public_from
        org.path in g.member_tree_paths(),  # org_tree scope
        org.pk in g.org_ids(Role.MEMBER),  # org_members scope, attachments kept inside
        org.pk in g.org_ids(Role.COMMITTEE_MEMBER),  # committee scope
        any(m.org_id == org.pk for m in g.memberships),  # an unlisted organisation's own people
        any(org.path.startswith(p) for p in _supervised_paths(g)),  # R20 supervisors
    )
    return "public" if not any(facts) else "r" + "".join("1" if f else "0" for f in facts)


def reader_class(user) -> str:
    """Issue 17.2: the same, for pages across organisations (the members' area). What a user reads
    follows from their roles where they hold them and their supervision assignments, nothing else:
    readers with the same of both share a class."""
    import hashlib

    g = _grants(user)
    facts = (
        sorted((m.role, m.org_id, m.org.path) for m in g.memberships),
        sorted(_supervised_paths(g)),
        _is_superuser(g),
    )
    if facts == ([], [], False):
        return "public"
    return "c" + hashlib.sha256(repr(facts).encode()).hexdigest()[:32]


def _item_roles(g: _Grants, item) -> set[str]:
    return g.roles_at(item.org)


@rule("item.create")
def _item_create(g: _Grants, org: Organisation) -> bool:
    return bool(g.roles_at(org) & HANDLER_ROLES)


@rule("item.edit")
def _item_edit(g: _Grants, item) -> bool:
    from gongkai.disclosure.models import State

    return item.state == State.DRAFT and bool(_item_roles(g, item) & HANDLER_ROLES)


@rule("item.submit")
def _item_submit(g: _Grants, item) -> bool:
    return _item_edit(g, item)


@rule("item.review")
def _item_review(g: _Grants, item) -> bool:
    # R7: four eyes, the author never reviews their own item.
    return Role.REVIEWER in _item_roles(g, item) and item.author_id != g.user.pk


@rule("item.approve")
def _item_approve(g: _Grants, item) -> bool:
    return Role.SECRETARY in _item_roles(g, item) and item.author_id != g.user.pk


@rule("item.send_back")
def _item_send_back(g: _Grants, item) -> bool:
    from gongkai.disclosure.models import State

    if item.state == State.SUBMITTED:
        return _item_review(g, item)
    return item.state == State.REVIEWED and _item_approve(g, item)


@rule("item.resolve_findings")
def _item_resolve(g: _Grants, item) -> bool:
    return _item_review(g, item) or _item_approve(g, item)


@rule("item.publish")
def _item_publish(g: _Grants, item) -> bool:
    return bool(_item_roles(g, item) & HANDLER_ROLES)


@rule("item.request_change")
def _item_request_change(g: _Grants, item) -> bool:
    return bool(_item_roles(g, item) & HANDLER_ROLES)


def _owns_catalogue_of(g: _Grants, org: Organisation) -> bool:
    """R8/R11: whether the user is the owner of the catalogue that applies to `org`."""
    from gongkai.catalogue.models import current_version_for

    if Role.CATALOGUE_OWNER not in {m.role for m in g.memberships}:
        return False  # most users: no query at all
    owners = g.catalogue_owner_paths  # one query per organisation, then remembered
    if org.path not in owners:
        version = current_version_for(org)
        owners[org.path] = version.catalogue.owner.path if version else None
    owner_path = owners[org.path]
    return owner_path is not None and Role.CATALOGUE_OWNER in g.roles_at_path(owner_path)


@rule("item.decide_change")
def _item_decide_change(g: _Grants, item) -> bool:
    """R11: the catalogue owner approves changes, revocations and terminations."""
    return _owns_catalogue_of(g, item.org)


@rule("workplan.decide")
def _workplan_decide(g: _Grants, plan) -> bool:
    return _owns_catalogue_of(g, plan.org)


@rule("withholding.decide")
def _withholding_decide(g: _Grants, withholding) -> bool:
    """R12: the upper organisation (any staff role that can approve there) accepts or overrules."""
    org = withholding.org
    if org.depth <= 1:
        return False
    return bool(g.roles_at_path(org.path[: -org.steplen]) & WITHHOLDING_DECIDERS)


def _catalogue_q(g: _Grants, field: str) -> Q:
    """R8/R11 as a filter: organisations whose nearest published catalogue the user owns (the same
    answer as _owns_catalogue_of, for whole querysets). One query, for catalogue owners only."""
    from gongkai.catalogue.models import CatalogueVersion

    owner_paths = g.paths({Role.CATALOGUE_OWNER})
    if not owner_paths:
        return Q(pk__in=[])
    published = set(
        CatalogueVersion.objects.filter(published_at__isnull=False).values_list(
            "catalogue__owner__path", flat=True
        )
    )
    owned = [c for c in published if any(c.startswith(p) for p in owner_paths)]
    # A nearer catalogue set below by someone else takes its subtree out of the user's hands.
    foreign = [c for c in published - set(owned) if any(c.startswith(o) for o in owned)]
    q = _path_q(field, owned)
    return q & ~_path_q(field, foreign) if foreign else q


def visible_withholdings(user):
    """Withholdings of the organisations whose cases the user reads, and of those under their catalogue."""
    from gongkai.disclosure.models import Withholding

    g = _grants(user)
    return Withholding.objects.filter(
        _path_q("org__path", g.paths(CASE_ROLES)) | _catalogue_q(g, "org__path")
    )


@rule("item.view_staff")
def _item_view_staff(g: _Grants, item) -> bool:
    return g.reads_cases_at(item.org)


@rule("org.view")
def _org_view(g: _Grants, org: Organisation) -> bool:
    if org.is_public or any(m.org_id == org.pk for m in g.memberships):
        return True
    return any(org.path.startswith(p) for p in g.paths(INHERITED_ROLES) + _supervised_paths(g))


@rule("org.manage")
def _org_manage(g: _Grants, org: Organisation) -> bool:
    return bool(g.roles_at(org) & {Role.CLERK, Role.SECRETARY, Role.INSPECTOR})


# ---- Audit log and archive (R24–R26) ----------------------------------------------------------


@rule("audit.view")
def _audit_view(g: _Grants, obj=None) -> bool:
    return bool(g.paths(AUDIT_ROLES))


def visible_audit_entries(user):
    """Entries of the organisations under the user's auditor/inspector roles. Entries tied to no
    organisation (logins, jobs, purges) only for those holding the role at a root organisation."""
    from gongkai.audit.models import AuditEntry

    paths = _grants(user).paths(AUDIT_ROLES)
    if not paths:
        return AuditEntry.objects.none()
    from gongkai.orgs.models import historical_prefixes

    # Entries keep the path of their time (the chain cannot be rewritten): moved branches' old paths too.
    readable = _path_q("org_path", [*paths, *historical_prefixes(paths)])
    if any(len(p) == Organisation.steplen for p in paths):
        readable |= Q(org_path="")
    return AuditEntry.objects.filter(readable)


def visible_snapshots(user):
    """Archive snapshots: CASE_ROLES (auditors included) of the organisation or an ancestor."""
    from gongkai.archive.models import Snapshot

    return Snapshot.objects.filter(_path_q("org_path", _grants(user).paths(CASE_ROLES)))


def get_snapshot_or_404(user, code: str):
    return get_or_404(visible_snapshots(user).select_related("org"), viewer=user, code=code)


@rule("archive.view")
def _archive_view(g: _Grants, snapshot) -> bool:
    return any(snapshot.org_path.startswith(p) for p in g.paths(CASE_ROLES))


@rule("archive.export")
def _archive_export(g: _Grants, org: Organisation) -> bool:
    return bool(g.roles_at(org) & _TASK_ROLES["export_archive"])


# ---- Applications (R16–R17) and feedback (R18) — issue 5 --------------------------------------


def visible_applications(user):
    """The applicant's own applications, and every application to an organisation under the user's
    CASE_ROLES (the upper organisation sees all of its descendants' handling, R17); masked (R2)."""
    from gongkai.applications.models import Application

    g = _grants(user)
    readable = _path_q("org_path", g.paths(CASE_ROLES))
    if g.user is not None and g.user.is_authenticated:
        readable |= Q(applicant_id=g.user.pk)
    return Application.objects.filter(readable)


def get_application_or_404(user, pk, queryset=None):
    return get_or_404(visible_applications(user) if queryset is None else queryset, viewer=user, pk=pk)


@rule("application.create")
def _application_create(g: _Grants, org: Organisation) -> bool:
    # R16: to one's own organisation or an ancestor of it.
    return any(m.role == Role.MEMBER and m.org.path.startswith(org.path) for m in g.memberships)


@rule("application.handle")
def _application_handle(g: _Grants, application) -> bool:
    return bool(g.roles_at(application.org) & HANDLER_ROLES)


@rule("application.set_policy")
def _application_set_policy(g: _Grants, owner: Organisation) -> bool:
    # R16: the catalogue owner sets the answer period for the organisations under it.
    return g.has_role(Role.CATALOGUE_OWNER, owner)


@rule("application.view_handling")
def _application_view_handling(g: _Grants, application) -> bool:
    return g.reads_cases_at(application.org)


@rule("application.personal_data")
def _application_personal_data(g: _Grants, application) -> bool:
    """SECURITY 15: the applicant's name unmasked for the assigned handlers only, the clerk and the
    secretary of the receiving organisation itself (and the applicant, for their own)."""
    if g.user is not None and application.applicant_id == g.user.pk:
        return True
    return any(m.org_id == application.org_id and m.role in HANDLER_ROLES for m in g.memberships)


@rule("stats.view")
def _stats_view(g: _Grants, org: Organisation) -> bool:
    return g.reads_cases_at(org)


def visible_feedback(user):
    """Feedback cases for CASE_ROLES of the routed organisation and of the organisations above it."""
    from gongkai.feedback.models import FeedbackCase

    return FeedbackCase.objects.filter(_path_q("org_path", _grants(user).paths(CASE_ROLES)))


def visible_replies(user):
    """R18: published replies are public, for organisations that are listed publicly."""
    from gongkai.feedback.models import FeedbackCase

    return FeedbackCase.objects.filter(published_at__isnull=False, org__is_public=True)


def get_feedback_or_404(user, pk, queryset=None):
    return get_or_404(visible_feedback(user) if queryset is None else queryset, viewer=user, pk=pk)


@rule("feedback.record")
def _feedback_record(g: _Grants, org: Organisation) -> bool:
    return bool(g.roles_at(org) & HANDLER_ROLES)


@rule("feedback.handle")
def _feedback_handle(g: _Grants, case) -> bool:
    return bool(g.roles_at(case.org) & HANDLER_ROLES)


@rule("feedback.personal_data")
def _feedback_personal_data(g: _Grants, case) -> bool:
    """R18: only the assigned handlers, the clerk and secretary of the routed organisation itself."""
    return any(m.org_id == case.org_id and m.role in HANDLER_ROLES for m in g.memberships)


# ---- Obligations, compliance, calendar (R14, R15, R29) — owned by gongkai/obligations --------


def _obligation_paths(g: _Grants) -> list[str]:
    """Whose obligations the user sees: CASE_ROLES subtrees, and (R20) the supervisor's assignments."""
    return g.paths(CASE_ROLES) + _supervised_paths(g)


def visible_obligations(user):
    """Obligations of the organisations under the user's CASE_ROLES or assigned to them to supervise."""
    from gongkai.obligations.models import Obligation

    return Obligation.objects.filter(_path_q("org_path", _obligation_paths(_grants(user))))


def obligations_to_fulfil(user):
    """R29: open obligations of the organisations the user prepares for (clerk, secretary)."""
    from gongkai.obligations.models import Obligation

    paths = _grants(user).paths(HANDLER_ROLES)
    return Obligation.objects.filter(_path_q("org_path", paths), fulfilled_at__isnull=True)


def visible_compliance_summary(user):
    """The compliance summary rows of the same organisations as visible_obligations (issue 4)."""
    from gongkai.obligations.models import ComplianceSummary

    return ComplianceSummary.objects.filter(_path_q("org_path", _obligation_paths(_grants(user))))


def visible_compliance_rollups(user):
    """The subtree totals of the topmost organisations whose obligations the user sees: the same scope."""
    from gongkai.obligations.models import ComplianceRollup

    paths = sorted(set(_obligation_paths(_grants(user))))
    top = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return ComplianceRollup.objects.filter(path__in=top)


@rule("calendar.manage")
def _calendar_manage(g: _Grants, obj=None) -> bool:
    """R15: the working-day calendar is national: superusers and inspectors of a root organisation."""
    if g.user is not None and g.user.is_authenticated and g.user.is_active and g.user.is_superuser:
        return True
    return any(m.role == Role.INSPECTOR and m.org.depth == 1 for m in g.memberships)


@rule("obligation.register_event")
def _obligation_register_event(g: _Grants, org: Organisation) -> bool:
    return bool(g.roles_at(org) & HANDLER_ROLES)


@rule("obligation.view")
def _obligation_view(g: _Grants, org: Organisation) -> bool:
    return any(org.path.startswith(p) for p in _obligation_paths(g))


# ---- Oversight (R19–R23) — owned by gongkai/oversight ------------------------------------------


def _oversight_paths(g: _Grants) -> list[str]:
    """Subtrees whose oversight data the user sees: their oversight roles and assigned organisations.
    A supervisor role alone shows nothing: the 联系安排表 says which organisations are theirs."""
    return g.paths(OVERSIGHT_ROLES) + _supervised_paths(g)


def oversees_anything(user) -> bool:
    return bool(_oversight_paths(_grants(user)))


def oversight_orgs(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(_path_q("path", _oversight_paths(_grants(user))))


def overseen_obligations(user):
    """R19 dashboards: obligations of the organisations the user oversees (their state, not the items)."""
    from gongkai.obligations.models import Obligation

    return Obligation.objects.filter(_path_q("org_path", _oversight_paths(_grants(user))))


def visible_rollout_plans(user):
    """R19: plans of the committees at or above the organisations the user oversees, and below them."""
    from gongkai.oversight.models import RolloutPlan

    paths = _oversight_paths(_grants(user))
    above: set[str] = set()
    step = Organisation.steplen
    for p in paths:
        above.update(p[:i] for i in range(step, len(p) + 1, step))
    return RolloutPlan.objects.filter(Q(committee__path__in=above) | _path_q("committee__path", paths))


def visible_inspections(user):
    from gongkai.oversight.models import Inspection

    return Inspection.objects.filter(_path_q("org_path", _oversight_paths(_grants(user))))


def visible_findings(user):
    """R21: findings of the inspections the user sees."""
    from gongkai.oversight.models import InspectionFinding

    return InspectionFinding.objects.filter(_path_q("org_path", _oversight_paths(_grants(user))))


def findings_awaiting(user):
    """R21/R29: rectification orders waiting for this user: owed by an organisation they prepare for
    (clerk, secretary), or answered and waiting for their office's verification."""
    from gongkai.oversight.models import OWED, FindingStatus, InspectionFinding

    g = _grants(user)
    q = Q(pk__in=[])
    if handler := g.paths(HANDLER_ROLES):
        q |= _path_q("org_path", handler) & Q(status__in=OWED)
    if office := g.paths({Role.INSPECTOR}):
        q |= _path_q("org_path", office) & Q(status=FindingStatus.RESPONDED)
    return InspectionFinding.objects.filter(q, rectification_required=True)


def visible_assignments(user):
    """R20: the 联系安排表 of the subtree for the office, the auditor and secretaries; a supervisor's
    own lines."""
    from gongkai.oversight.models import SupervisorAssignment

    g = _grants(user)
    paths = g.paths({Role.INSPECTOR, Role.AUDITOR, Role.SECRETARY})
    mine = Q(supervisor_id=g.user.pk) if g.memberships else Q(pk__in=[])
    return SupervisorAssignment.objects.filter(_path_q("org__path", paths) | mine)


def visible_campaigns(user, now=None):
    """R22: closed campaigns are public; open and future ones for their members and the office above."""
    from django.utils import timezone

    from gongkai.oversight.models import EvaluationCampaign

    g = _grants(user)
    q = Q(closes_at__lte=now or timezone.now())
    if g.memberships:
        q |= Q(orgs__in=g.org_ids(Role.MEMBER))
        q |= _path_q("committee__path", _oversight_paths(g))
    return EvaluationCampaign.objects.filter(q).distinct()


def member_orgs(user) -> list[Organisation]:
    """The organisations the user belongs to as a member (R16: where they apply by default)."""
    return _grants(user).member_orgs()


def member_org_ids(user) -> list[int]:
    """The organisations the user belongs to as a member (R22: whose work they evaluate)."""
    return _grants(user).org_ids(Role.MEMBER)


def applicable_orgs(user) -> QuerySet[Organisation]:
    """R16: the member's organisations and their ancestors: where they may apply."""
    return Organisation.objects.filter(path__in=_grants(user).member_tree_paths())


@rule("oversight.view")
def _oversight_view(g: _Grants, org: Organisation) -> bool:
    return any(org.path.startswith(p) for p in _oversight_paths(g))


@rule("oversight.inspect")
def _oversight_inspect(g: _Grants, org: Organisation) -> bool:
    """R21: the leading-group office inspects, orders rectification, runs plans and campaigns."""
    return Role.INSPECTOR in g.roles_at(org)


@rule("oversight.respond")
def _oversight_respond(g: _Grants, finding) -> bool:
    return bool(g.roles_at(finding.org) & HANDLER_ROLES)


@rule("oversight.verify")
def _oversight_verify(g: _Grants, finding) -> bool:
    return Role.INSPECTOR in g.roles_at(finding.org)


# R23 + issue 16: a commitment is drafted, reviewed and approved like an item (R7), by the same roles
# and with the same four eyes: whoever wrote its text (`by`) neither reviews nor approves it.


@rule("commitment.draft")
def _commitment_draft(g: _Grants, org: Organisation) -> bool:
    return bool(g.roles_at(org) & HANDLER_ROLES)


@rule("commitment.edit")
def _commitment_edit(g: _Grants, commitment) -> bool:
    from gongkai.oversight.models import CommitmentState

    return commitment.state == CommitmentState.DRAFT and _commitment_draft(g, commitment.org)


@rule("commitment.submit")
def _commitment_submit(g: _Grants, commitment) -> bool:
    return _commitment_edit(g, commitment)


@rule("commitment.review")
def _commitment_review(g: _Grants, commitment) -> bool:
    return Role.REVIEWER in g.roles_at(commitment.org) and commitment.by_id != g.user.pk


@rule("commitment.approve")
def _commitment_approve(g: _Grants, commitment) -> bool:
    return Role.SECRETARY in g.roles_at(commitment.org) and commitment.by_id != g.user.pk


@rule("commitment.send_back")
def _commitment_send_back(g: _Grants, commitment) -> bool:
    from gongkai.oversight.models import CommitmentState

    if commitment.state == CommitmentState.SUBMITTED:
        return _commitment_review(g, commitment)
    return commitment.state == CommitmentState.REVIEWED and _commitment_approve(g, commitment)


def staff_commitments(user):
    """Every version of the commitments, in any state, of the organisations whose cases the user reads.
    Everyone else reads only the published ones, on the boards of the organisations they see."""
    from gongkai.oversight.models import Commitment

    return Commitment.objects.filter(_path_q("org__path", _grants(user).paths(CASE_ROLES)))


def get_commitment_or_404(user, pk):
    return get_or_404(staff_commitments(user).select_related("org"), viewer=user, pk=pk)


# ---- Search (R30) — owned by gongkai/search ----------------------------------------------------


def reads_public_items_only(user) -> bool:
    """True when visible_items(user) can hold only public, published items (no memberships at all):
    search may then narrow its candidates to those before the exact visible_items check."""
    return not _grants(user).memberships


# Audience tokens: the full-text index stores a few of these with each item, and search narrows its
# candidates to the rows carrying one of the viewer's tokens before the exact visible_items check.
# They only ever narrow: every item visible_items(user) yields carries one of search_audience(user)
# (tested for every role), and visible_items still decides each row.
AUDIENCE_PUBLIC = "gkpublic"
AUDIENCE_MEMBERS = "gkmembers"
AUDIENCE_INSIDE = "gkinside"  # the item has attachments kept inside (R13)
# Above this many organisations a viewer's token list is no narrowing worth its cost (staff of a large
# subtree see most of it anyway): search then tests every match.
MAX_AUDIENCE_ORGS = 300


def _org_token(org_id: int) -> str:
    return f"gko{org_id}"


def item_audience_tokens(
    *, org_id: int, scope: str, state: str, expires_at=None, has_inside: bool = False, now=None
) -> str:
    """The audience tokens of one indexed item (space-separated), from what R9/R10 read. An expired item
    is no longer current (R10): only its organisation's readers keep it; the periodic job that records
    the expiry re-indexes the item (until then the public token is a harmless superset)."""
    from django.utils import timezone

    from gongkai.catalogue.models import Scope
    from gongkai.disclosure.models import State

    tokens = []
    current = state == State.PUBLISHED and (expires_at is None or expires_at > (now or timezone.now()))
    if current and scope == Scope.PUBLIC:
        tokens.append(AUDIENCE_PUBLIC)
    elif current and scope == Scope.ALL_MEMBERS:
        tokens.append(AUDIENCE_MEMBERS)
    # Everything else a viewer may read is tied to the item's own organisation: org_members, committee,
    # org_tree (members of it or below), supervised and case readers (of it or above).
    tokens.append(_org_token(org_id))
    if has_inside:
        tokens.append(AUDIENCE_INSIDE)
    return " ".join(tokens)


def _token_orgs(q: Q) -> list[str] | None:
    ids = list(Organisation.objects.filter(q).values_list("pk", flat=True)[: MAX_AUDIENCE_ORGS + 1])
    return None if len(ids) > MAX_AUDIENCE_ORGS else [_org_token(pk) for pk in ids]


def search_audience(user) -> list[str] | None:
    """Audience tokens one of which every item of visible_items(user) carries, or None when no short
    list covers them (search then checks every match against visible_items)."""
    g = _grants(user)
    tokens = [AUDIENCE_PUBLIC]
    if not g.memberships:
        return tokens
    if g.is_member:
        tokens.append(AUDIENCE_MEMBERS)
    # Own organisations (org_members, committee), the member tree (org_tree: own and ancestors), and
    # the subtrees read as case reader or supervisor.
    q = Q(pk__in=[m.org_id for m in g.memberships]) | Q(path__in=g.member_tree_paths())
    subtrees = g.paths(CASE_ROLES) + _supervised_paths(g)
    if subtrees:
        q |= _path_q("path", subtrees)
    orgs = _token_orgs(q)
    return None if orgs is None else tokens + orgs


def _inside_q(g: _Grants, org_field: str, path_field: str) -> Q:
    """R13: where attachments kept inside are read: the organisation's members and its case readers
    (the same rule as visible_attachments)."""
    q = Q(**{f"{org_field}__in": g.org_ids(Role.MEMBER)})
    case = g.paths(CASE_ROLES)
    if case:
        q |= _path_q(path_field, case)
    return q


def inside_attachment_items(user, now=None):
    """Visible items whose attachments kept inside the user reads too (R13): search may match their
    text only there."""
    g = _grants(user)
    if not g.memberships:
        return visible_items(user, now).none()
    return visible_items(user, now).filter(_inside_q(g, "org_id", "org_path"))


def inside_attachment_audience(user) -> list[str] | None:
    """Audience tokens covering inside_attachment_items(user) ([] when there are none; None when no
    short list covers them)."""
    g = _grants(user)
    if not g.org_ids(Role.MEMBER) and not g.paths(CASE_ROLES):
        return []
    return _token_orgs(_inside_q(g, "pk", "path"))


# ---- Hand-off recipients (issue 16: every hand-off notifies the next person) -------------------
# Who acts next is asked of the same rules as who may act: the candidates hold the role on the
# organisation's path and `can()` confirms each (so the author is never asked to review their own).


def _holders_on_path(org: Organisation, roles: Iterable[str]) -> list[Membership]:
    paths = [*org.ancestor_paths(), org.path]
    return list(
        Membership.objects.filter(org__path__in=paths, role__in=list(roles), user__is_active=True)
        .select_related("user", "org")
        .order_by("-org__depth", "user_id")
    )


def next_actors(org: Organisation, roles: Iterable[str], action: str, obj) -> list:
    """The users who may do `action` on `obj`, nearest first: those at the deepest organisation on
    `org`'s path that has any (a branch's own reviewer, not every reviewer of the committee)."""
    chosen, depth = [], None
    for m in _holders_on_path(org, roles):
        if depth is not None and m.org.depth != depth:
            break
        if m.user not in chosen and can(m.user, action, obj):
            chosen.append(m.user)
            depth = m.org.depth
    return chosen


def org_handlers(org: Organisation) -> list:
    """The organisation's own clerks and secretaries (who answer for it: rectification, cases)."""
    return [
        m.user
        for m in Membership.objects.filter(
            org=org, role__in=list(HANDLER_ROLES), user__is_active=True
        ).select_related("user")
    ]


def members_of(orgs: Iterable[Organisation]) -> list:
    """Active party members of the organisations (e.g. those eligible to evaluate them, R22)."""
    seen: dict[int, object] = {}
    for m in Membership.objects.filter(
        org__in=list(orgs), role=Role.MEMBER, user__is_active=True
    ).select_related("user"):
        seen.setdefault(m.user_id, m.user)
    return list(seen.values())


@rule("item.delete")
def _item_delete(g: _Grants, item) -> bool:
    """Issue 16: a draft is deleted by its author only, while they may still edit it."""
    return g.user is not None and item.author_id == g.user.pk and _item_edit(g, item)


# ---- The workbench's questions (R29, issue 11.4): what waits for this user ----------------------
# Each narrows in the database by the organisations where the user holds the deciding role, before
# any slicing, so a long queue elsewhere never hides this user's rows; callers confirm with can().


def items_awaiting(user):
    """Items in a state where the user's roles act next: review, approval, publication, or the
    author's own drafts sent back."""
    from gongkai.disclosure.models import DisclosureItem, State

    g = _grants(user)
    q = Q(pk__in=[])
    for roles, state in (
        ({Role.REVIEWER}, State.SUBMITTED),
        ({Role.SECRETARY}, State.REVIEWED),
        (HANDLER_ROLES, State.APPROVED),
    ):
        paths = g.paths(roles)
        if paths:
            q |= _path_q("org_path", paths) & Q(state=state)
    if g.paths(HANDLER_ROLES):  # only they write items
        q |= Q(author_id=g.user.pk, state=State.DRAFT, events__action="send_back")
    if not g.memberships:
        return DisclosureItem.objects.none()
    own_pending = Q(author_id=g.user.pk, state__in=[State.SUBMITTED, State.REVIEWED])  # R7: four eyes
    return DisclosureItem.objects.filter(q).exclude(own_pending).distinct()


def own_drafts(user):
    """Issue 16: the user's own item drafts never sent back (their 我的草稿); those sent back are
    decisions, in items_awaiting."""
    from gongkai.disclosure.models import DisclosureItem, State

    g = _grants(user)
    if not g.paths(HANDLER_ROLES):  # only they write items
        return DisclosureItem.objects.none()
    return DisclosureItem.objects.filter(author_id=g.user.pk, state=State.DRAFT).exclude(
        events__action="send_back"
    )


def commitments_awaiting(user):
    """R23 + issue 16: commitments in a state where the user's roles act next: review, approval, and the
    author's own drafts (sent back or not yet submitted)."""
    from gongkai.oversight.models import Commitment, CommitmentState

    g = _grants(user)
    if not g.memberships:
        return Commitment.objects.none()
    q = Q(pk__in=[])
    for roles, state in (
        ({Role.REVIEWER}, CommitmentState.SUBMITTED),
        ({Role.SECRETARY}, CommitmentState.REVIEWED),
    ):
        paths = g.paths(roles)
        if paths:
            q |= _path_q("org__path", paths) & Q(state=state)
    if g.paths(HANDLER_ROLES):
        q |= Q(by_id=g.user.pk, state=CommitmentState.DRAFT)
    own_pending = Q(by_id=g.user.pk, state__in=[CommitmentState.SUBMITTED, CommitmentState.REVIEWED])
    return Commitment.objects.filter(q).exclude(own_pending)


def workbench_areas(user) -> frozenset[str]:
    """R29 + issue 16: the workbench's shortcuts to the staff areas whose pages hold something for the
    user's roles: items, applications and feedback for those who read cases; obligations and their
    compliance also for an assigned supervisor; requests and filings for those who file or decide them;
    commitments for those who draft them."""
    g = _grants(user)
    areas = set()
    if g.paths(CASE_ROLES):
        areas |= {"items", "applications", "feedback"}
    if g.paths(CASE_ROLES) or _supervised_paths(g):
        areas |= {"obligations", "compliance"}
    if g.paths(HANDLER_ROLES | WITHHOLDING_DECIDERS | {Role.CATALOGUE_OWNER}):
        areas.add("requests")
    if g.paths(HANDLER_ROLES):
        areas.add("commitments")
    return frozenset(areas)


def change_requests_to_decide(user):
    """R11: pending change requests of items whose catalogue the user owns (filtered before any slice)."""
    from gongkai.disclosure.models import ChangeRequest

    q = _catalogue_q(_grants(user), "item__org_path")
    return ChangeRequest.objects.filter(q, status=ChangeRequest.Status.PENDING)


def work_plans_to_decide(user):
    """R8: pending work plans of organisations whose catalogue the user owns."""
    from gongkai.disclosure.models import WorkPlan

    q = _catalogue_q(_grants(user), "org__path")
    return WorkPlan.objects.filter(q, status=WorkPlan.Status.PENDING)


def withholdings_to_decide(user):
    """R12: filings of organisations strictly below where the user is secretary or inspector."""
    from gongkai.disclosure.models import Withholding

    paths = _grants(user).paths(WITHHOLDING_DECIDERS)
    return Withholding.objects.filter(_path_q("org__path", paths), status=Withholding.Status.FILED).exclude(
        org__path__in=paths
    )


def applications_to_handle(user):
    """R16: open applications to organisations where the user answers them (clerk, secretary)."""
    from gongkai.applications.models import Application, Status

    paths = _grants(user).paths(HANDLER_ROLES)
    return Application.objects.filter(_path_q("org_path", paths)).exclude(status=Status.ANSWERED)


def feedback_to_handle(user):
    """R18: feedback cases not yet answered, of organisations where the user handles them."""
    from gongkai.feedback.models import FeedbackCase, Status

    paths = _grants(user).paths(HANDLER_ROLES)
    return FeedbackCase.objects.filter(_path_q("org_path", paths)).exclude(status=Status.REPLIED)


def escalated_obligations(user):
    """Where overdue work is escalated to the user: obligations of the office's subtrees and of a
    supervisor's assigned organisations (R20, R21), never an auditor's (who changes nothing), nor of
    the organisations the user prepares for themselves (those are their own to-dos)."""
    from gongkai.obligations.models import Obligation

    g = _grants(user)
    own = set(g.paths(HANDLER_ROLES))
    above = [p for p in g.paths({Role.INSPECTOR}) + _supervised_paths(g) if p not in own]
    return Obligation.objects.filter(_path_q("org_path", above))


def work_plans_requested(user):
    """R8: the work plans of the organisations the user prepares items for (the requester's view)."""
    from gongkai.disclosure.models import WorkPlan

    return WorkPlan.objects.filter(_path_q("org__path", _grants(user).paths(HANDLER_ROLES)))


# ---- The year's paperwork (R35–R37) — owned by gongkai/reports ---------------------------------

# Who reads an organisation's annual report while it is being prepared (and its figures).
REPORT_READERS = frozenset({Role.CLERK, Role.SECRETARY, Role.REVIEWER, Role.INSPECTOR, Role.AUDITOR})
# R37: accountability records are for the leading-group office and auditors.
ACCOUNTABILITY_READERS = frozenset({Role.INSPECTOR, Role.AUDITOR})


def visible_annual_reports(user):
    """Annual reports of the organisations under the user's report-reading roles (the published
    version reaches everyone else as a disclosure item, through visible_items)."""
    from gongkai.reports.models import AnnualReport

    return AnnualReport.objects.filter(_path_q("org_path", _grants(user).paths(REPORT_READERS)))


@rule("report.view")
def _report_view(g: _Grants, org: Organisation) -> bool:
    return bool(g.roles_at(org) & REPORT_READERS)


@rule("report.draft")
def _report_draft(g: _Grants, org: Organisation) -> bool:
    """R35: the organisation's clerk or secretary writes the report; review and approval follow R7."""
    return bool(g.roles_at(org) & {Role.CLERK, Role.SECRETARY})


@rule("carrier.record")
def _carrier_record(g: _Grants, item) -> bool:
    """R36: the clerk (or secretary) of the item's organisation records its carriers."""
    return bool(g.roles_at(item.org) & {Role.CLERK, Role.SECRETARY})


def visible_accountability(user):
    from gongkai.reports.models import AccountabilityRecord

    return AccountabilityRecord.objects.filter(
        _path_q("org_path", _grants(user).paths(ACCOUNTABILITY_READERS))
    )


@rule("accountability.record")
def _accountability_record(g: _Grants, org: Organisation) -> bool:
    return Role.INSPECTOR in g.roles_at(org)


# The audiences of a physical or screen board (R27, R36).
BOARD_PUBLIC = "public"
BOARD_MEMBERS = "members"


def board_audience_items(user, org: Organisation, audience: str, now=None):
    """What a board shows to its audience, or None when the user may not produce it.
    'public': items public right now, whoever asks (the board outside).
    'members': the board inside the Party premises: every current item the organisation's members may
    read (committee-only items never), produced only by the organisation's own staff."""
    from django.utils import timezone

    from gongkai.catalogue.models import Scope
    from gongkai.disclosure.models import DisclosureItem, current_q

    now = now or timezone.now()
    current = DisclosureItem.objects.filter(current_q(now), org=org)
    if audience == BOARD_PUBLIC:
        return current.filter(scope=Scope.PUBLIC, public_from__lte=now)
    if audience == BOARD_MEMBERS and bool(_grants(user).roles_at(org) & STAFF_ROLES):
        return current.filter(scope__in=[Scope.PUBLIC, Scope.ALL_MEMBERS, Scope.ORG_TREE, Scope.ORG_MEMBERS])
    return None


def board_audience_notices(org: Organisation, audience: str, now=None):
    """R11: the change/revocation notices of the same audience, as visible_notices decides them."""
    from django.utils import timezone

    from gongkai.catalogue.models import Scope
    from gongkai.disclosure.models import DisclosureItem, State

    ended = DisclosureItem.objects.filter(
        org=org, state__in=[State.SUPERSEDED, State.REVOKED, State.TERMINATED]
    )
    if audience == BOARD_PUBLIC:
        return ended.filter(scope=Scope.PUBLIC, public_from__lte=now or timezone.now())
    return ended.filter(scope__in=[Scope.PUBLIC, Scope.ALL_MEMBERS, Scope.ORG_TREE, Scope.ORG_MEMBERS])


@rule("board.record_posting")
def _board_record_posting(g: _Grants, org: Organisation) -> bool:
    """R36: the clerk or secretary records that the printed board was posted (or shown on a screen)."""
    return bool(g.roles_at(org) & {Role.CLERK, Role.SECRETARY})


# R37: the inspection summary, filings upward and leaders' comments.
FILING_SIDES = frozenset({Role.CLERK, Role.SECRETARY, Role.INSPECTOR, Role.AUDITOR})
RECEIVERS = frozenset({Role.SECRETARY, Role.INSPECTOR})


def visible_summaries(user):
    from gongkai.reports.models import InspectionSummary

    return InspectionSummary.objects.filter(_path_q("org_path", _grants(user).paths(ACCOUNTABILITY_READERS)))


@rule("summary.write")
def _summary_write(g: _Grants, org: Organisation) -> bool:
    return Role.INSPECTOR in g.roles_at(org)


def visible_filings(user):
    """Filings of the user's organisations (the filing side) and filings addressed to them (the
    receiving side, with its auditors)."""
    from gongkai.reports.models import Filing

    g = _grants(user)
    receiving = g.paths(RECEIVERS | {Role.AUDITOR})
    return Filing.objects.filter(
        _path_q("org_path", g.paths(FILING_SIDES)) | _path_q("recipient_path", receiving)
    )


@rule("filing.make")
def _filing_make(g: _Grants, org: Organisation) -> bool:
    return bool(g.roles_at(org) & {Role.CLERK, Role.SECRETARY})


@rule("filing.acknowledge")
def _filing_acknowledge(g: _Grants, filing) -> bool:
    """The receiving organisation's secretary or office signs for it (never the one who filed it)."""
    if not filing.recipient_path or filing.filed_by_id == g.user.pk:
        return False
    return bool(g.roles_at_path(filing.recipient_path) & RECEIVERS)


@rule("comment.write")
def _comment_write(g: _Grants, org: Organisation) -> bool:
    """领导点评: a secretary or the office of a level above the organisation."""
    if org.depth <= 1:
        return False
    return bool(g.roles_at_path(org.path[: -org.steplen]) & RECEIVERS)


def visible_comments(user, org: Organisation):
    """Comments on `org`: its staff and those above see all; everyone else the published ones."""
    from gongkai.reports.models import LeaderComment

    comments = LeaderComment.objects.filter(org=org)
    return comments if bool(_grants(user).roles_at(org) & STAFF_ROLES) else comments.filter(published=True)


@rule("screen.manage")
def _screen_manage(g: _Grants, org: Organisation) -> bool:
    """R36: the organisation's clerk or secretary sets up its screens and their display tokens."""
    return bool(g.roles_at(org) & {Role.CLERK, Role.SECRETARY})


def screen_for_token(token) -> object | None:
    """The live screen a display token opens, or None: unknown, malformed and revoked tokens alike.
    A token opens exactly its own organisation's board for its own audience, nothing else."""
    import hashlib

    from gongkai.reports.models import BoardScreen

    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return (
        BoardScreen.objects.select_related("org").filter(token_hash=digest, revoked_at__isnull=True).first()
    )


def screen_items(screen, now=None):
    """What a configured screen shows: its organisation's board for its audience, as a staff member of
    that organisation set it up (the members' audience never includes committee-only items)."""
    from django.utils import timezone

    from gongkai.catalogue.models import Scope
    from gongkai.disclosure.models import DisclosureItem, current_q

    now = now or timezone.now()
    current = DisclosureItem.objects.filter(current_q(now), org_id=screen.org_id)
    if screen.audience == BOARD_MEMBERS:
        return current.filter(scope__in=[Scope.PUBLIC, Scope.ALL_MEMBERS, Scope.ORG_TREE, Scope.ORG_MEMBERS])
    return current.filter(scope=Scope.PUBLIC, public_from__lte=now)


def paperwork_orgs(user, roles) -> list[Organisation]:
    """Organisations (with those under them) where the user holds one of `roles`, for the paperwork
    pages' organisation choosers."""
    paths = _grants(user).paths(roles)
    return list(Organisation.objects.filter(_path_q("path", paths)).order_by("path"))


def holds_any(user, roles) -> bool:
    return bool(_grants(user).paths(roles))


def paperwork_pending_filings(user):
    """Approved changes and withholdings of the user's organisations not yet filed as documents (R37)."""
    from gongkai.disclosure.models import ChangeRequest, Withholding

    paths = _grants(user).paths({Role.CLERK, Role.SECRETARY})
    changes = ChangeRequest.objects.filter(
        _path_q("item__org_path", paths), status=ChangeRequest.Status.APPROVED, filing__isnull=True
    )
    withholdings = Withholding.objects.filter(_path_q("org__path", paths), filing__isnull=True)
    return changes, withholdings


def is_staff_of(user, org: Organisation) -> bool:
    return bool(_grants(user).roles_at(org) & STAFF_ROLES)


# ==== Setting an office up: organisations, people, roles (issue 14, R1–R3) =====================
# Kept as one section: who manages which organisations and accounts, and which roles they may grant.

# Roles that manage an organisation's subtree: its branches, its people and their roles.
MANAGER_ROLES = frozenset({Role.SECRETARY, Role.INSPECTOR})

# R2: "never wider than one's own": besides the roles they hold, what a manager may hand out there.
# A secretary's powers cover a clerk's and a reviewer's; an inspector's reach covers a supervisor's
# and an auditor's. Members and committee members are managed by either.
_GRANTS_BY_ROLE = {
    Role.SECRETARY: frozenset({Role.MEMBER, Role.COMMITTEE_MEMBER, Role.CLERK, Role.REVIEWER}),
    Role.INSPECTOR: frozenset({Role.MEMBER, Role.COMMITTEE_MEMBER, Role.SUPERVISOR, Role.AUDITOR}),
}


def _is_superuser(g: _Grants) -> bool:
    u = g.user
    return bool(u is not None and u.is_authenticated and u.is_active and u.is_superuser)


def managed_orgs(user) -> QuerySet[Organisation]:
    """Organisations whose branches, people and roles the user manages (their subtrees)."""
    g = _grants(user)
    if _is_superuser(g):
        return Organisation.objects.all()
    return Organisation.objects.filter(_path_q("path", g.paths(MANAGER_ROLES)))


def get_managed_org_or_404(user, code: str) -> Organisation:
    try:
        return managed_orgs(user).get(code=code)
    except Organisation.DoesNotExist:
        raise Http404 from None


def grantable_roles(user, org: Organisation) -> set[str]:
    """Roles the user may grant or revoke at `org`: none unless they manage it, then those they hold
    there (inherited) and those their managing roles cover."""
    g = _grants(user)
    if _is_superuser(g):
        return set(Role.values)
    held = g.roles_at(org)
    if not held & MANAGER_ROLES:
        return set()
    allowed = set(held)
    for role in held & MANAGER_ROLES:
        allowed |= _GRANTS_BY_ROLE[role]
    return allowed


def managed_people(user):
    """Accounts the user manages: those holding any role in an organisation they manage."""
    from gongkai.accounts.models import User

    g = _grants(user)
    if _is_superuser(g):
        return User.objects.all()
    paths = g.paths(MANAGER_ROLES)
    if not paths:
        return User.objects.none()
    return User.objects.filter(
        pk__in=Membership.objects.filter(_path_q("org__path", paths)).values("user_id")
    )


def get_managed_person_or_404(user, pk):
    qs = managed_people(user)
    try:
        return qs.get(pk=pk)
    except (ValueError, TypeError, qs.model.DoesNotExist):
        raise Http404 from None


@rule("org.create_root")
def _org_create_root(g: _Grants, obj=None) -> bool:
    return _is_superuser(g)


@rule("org.administer")
def _org_administer(g: _Grants, org: Organisation) -> bool:
    return org is not None and (_is_superuser(g) or bool(g.roles_at(org) & MANAGER_ROLES))


@rule("people.manage")
def _people_manage(g: _Grants, org: Organisation) -> bool:
    return _org_administer(g, org)


@rule("account.manage")
def _account_manage(g: _Grants, person) -> bool:
    """Changing an account (deactivation, set-up link) needs managing every organisation it has a
    role in: a branch secretary cannot lock out the committee's inspector who is also their member."""
    if _is_superuser(g):
        return True
    if person is None or person.is_superuser:
        return False
    orgs = [m.org for m in Membership.objects.filter(user=person).select_related("org")]
    return bool(orgs) and all(g.roles_at(o) & MANAGER_ROLES for o in orgs)


@rule("leading_group.edit")
def _leading_group_edit(g: _Grants, committee: Organisation) -> bool:
    """R3/R20: the leading-group office (inspector) of the committee edits its leading group; only a
    committee (党委、党工委) has one."""
    if committee is None or committee.level != Level.COMMITTEE:
        return False
    return _is_superuser(g) or Role.INSPECTOR in g.roles_at(committee)


@rule("site.edit")
def _site_edit(g: _Grants, obj=None) -> bool:
    """Issue 14: the site's identity (name, host organisation, organiser) is the superuser's alone."""
    return _is_superuser(g)


def can_edit_site(user) -> bool:
    """Whether the site information page is the user's: no query beyond the grants."""
    return can(user, "site.edit")


def can_manage_orgs(user) -> bool:
    """Whether the management pages are the user's (for the navigation): no query beyond the grants."""
    g = _grants(user)
    return bool(g.paths(MANAGER_ROLES)) or _is_superuser(g)


def item_import_orgs(user) -> QuerySet[Organisation]:
    """R34: organisations whose past items the user may import: where they may create items."""
    g = _grants(user)
    if _is_superuser(g):
        return Organisation.objects.all()
    return Organisation.objects.filter(_path_q("path", g.paths({Role.CLERK, Role.SECRETARY})))


@rule("import.items")
def _import_items(g: _Grants, obj=None) -> bool:
    return _is_superuser(g) or bool(g.paths({Role.CLERK, Role.SECRETARY}))


@rule("mobilisation.record")
def _mobilisation_record(g: _Grants, org: Organisation) -> bool:
    """R20: the branch's own clerk or secretary (or one above) records its 动员部署."""
    return bool(g.roles_at(org) & {Role.CLERK, Role.SECRETARY})


def mobilisation_orgs(user) -> QuerySet[Organisation]:
    """R20: organisations whose 动员部署 the user records (clerk or secretary there or above)."""
    return Organisation.objects.filter(_path_q("path", _grants(user).paths({Role.CLERK, Role.SECRETARY})))


# R4–R5: who edits a catalogue: its owner organisation's catalogue owners (and the superuser).


def _owns(g: _Grants, org: Organisation) -> bool:
    return _is_superuser(g) or Role.CATALOGUE_OWNER in g.roles_at(org)


@rule("catalogue.create")
def _catalogue_create(g: _Grants, org: Organisation) -> bool:
    return org is not None and _owns(g, org)


@rule("catalogue.edit")
def _catalogue_edit(g: _Grants, catalogue) -> bool:
    return catalogue is not None and _owns(g, catalogue.owner)


def catalogue_owner_orgs(user) -> QuerySet[Organisation]:
    """Organisations for which the user may set (create and edit) a catalogue."""
    g = _grants(user)
    if _is_superuser(g):
        return Organisation.objects.filter(closed_on__isnull=True)
    return Organisation.objects.filter(
        _path_q("path", g.paths({Role.CATALOGUE_OWNER})), closed_on__isnull=True
    )


def can_edit_catalogues(user) -> bool:
    """Whether the catalogue editor is the user's (for the navigation): no query beyond the grants."""
    g = _grants(user)
    return _is_superuser(g) or bool(g.paths({Role.CATALOGUE_OWNER}))


def editable_catalogues(user):
    from gongkai.catalogue.models import Catalogue

    g = _grants(user)
    if _is_superuser(g):
        return Catalogue.objects.all()
    return Catalogue.objects.filter(_path_q("owner__path", g.paths({Role.CATALOGUE_OWNER})))
