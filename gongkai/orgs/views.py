"""Setting an office up (R1–R3): pages for organisations, people, roles and the leading group.

Views parse and delegate to orgs.actions; access.py says what the user manages (others get 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.accounts.models import User
from gongkai.lib import spreadsheet

from . import actions
from .forms import (
    AccountForm,
    CloseForm,
    GrantForm,
    LeadingGroupForm,
    MoveForm,
    OrgEditForm,
    OrgForm,
    SiteProfileForm,
)
from .models import LeadingGroupMember, Level, Membership, Organisation, Role, SiteProfile
from .tree import nest


def _errors_into(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _managed_or_404(request, code):
    return access.get_managed_org_or_404(request.user, code)


def _org_lines(orgs):
    codes = {o.path: o.code for o in orgs}
    yield [_("组织代码"), _("名称"), _("简称"), _("层级"), _("组织类型"), _("上级组织代码"), _("撤销日期")]
    for o in orgs:
        yield [
            o.code,
            o.name,
            o.short_name,
            str(o.get_level_display()),
            str(o.get_sector_type_display()) if o.sector_type else "",
            codes.get(o.path[: -o.steplen], "") if o.depth > 1 else "",
            o.closed_on,
        ]


def _people_lines(org, people):
    yield [_("组织代码"), _("党员编号"), _("姓名"), _("登录名"), _("角色"), _("状态")]
    for p in people:
        yield [
            org.code,
            p["code"],
            p["user"].display_name,
            p["user"].username,
            "、".join(str(m.get_role_display()) for m in p["roles"]),
            str(_("正常")) if p["user"].is_active else str(_("已停用")),
        ]


@login_required
def index(request):
    orgs = list(access.managed_orgs(request.user).order_by("path"))
    if not orgs and not access.can(request.user, "org.create_root"):
        raise Http404
    fmt = request.GET.get("format")
    if fmt in spreadsheet.FORMATS:  # R34: the organisations this page lists (the import's columns)
        return spreadsheet.response(_org_lines(orgs), fmt, "organisations", sheet=_("党组织"))
    return render(
        request,
        "orgs/index.html",
        {
            "tree": nest(orgs),
            "count": len(orgs),
            "can_create_root": access.can(request.user, "org.create_root"),
            "can_edit_site": access.can_edit_site(request.user),
        },
    )


@login_required
def org_new(request, code=None):
    parent = _managed_or_404(request, code) if code else None
    if parent is None and not access.can(request.user, "org.create_root"):
        raise Http404
    initial = {"level": Level.COMMITTEE if parent is None else Level.BRANCH}
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            org = actions.create_org(parent, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("已设立%(org)s。") % {"org": org.name})
            return redirect("orgs:org", org.code)
    return render(request, "orgs/org_new.html", {"form": form, "parent": parent})


def _people_of(org):
    memberships = (
        Membership.objects.filter(org=org).select_related("user").order_by("user__display_name", "role")
    )
    people: dict[int, dict] = {}
    for m in memberships:
        entry = people.setdefault(m.user_id, {"user": m.user, "roles": [], "code": ""})
        entry["roles"].append(m)
        if m.role == Role.MEMBER and m.code:
            entry["code"] = m.code
    return list(people.values())


@login_required
def org_page(request, code):
    org = _managed_or_404(request, code)
    fmt = request.GET.get("format")
    if fmt in spreadsheet.FORMATS:  # R34: the people this page lists
        return spreadsheet.response(
            _people_lines(org, _people_of(org)), fmt, f"members-{org.code}", sheet=_("人员")
        )
    parent = org.parent()
    edit = OrgEditForm(
        initial={
            f: getattr(org, f)
            for f in ("name", "short_name", "level", "sector_type", "is_public", "address", "phone")
        }
    )
    targets = [
        o
        for o in access.managed_orgs(request.user)
        .filter(closed_on__isnull=True)
        .exclude(org.subtree_q())
        .order_by("path")
        if parent is None or o.pk != parent.pk
    ]
    move = MoveForm()
    move.fields["parent"].choices = [(o.code, "　" * (o.depth - 1) + o.name) for o in targets]
    account = AccountForm()
    grantable = access.grantable_roles(request.user, org)
    account.fields["roles"].choices = [c for c in Role.choices if c[0] in grantable]
    children = Organisation.objects.filter(org.subtree_q(), depth=org.depth + 1).order_by("path")
    return render(
        request,
        "orgs/org.html",
        {
            "org": org,
            "parent": parent,
            "children": children,
            "edit": edit,
            "move": move
            if targets and parent is not None and access.can(request.user, "org.administer", parent)
            else None,
            "close": CloseForm(initial={"closed_on": timezone.localdate()})
            if parent is not None and access.can(request.user, "org.administer", parent) and not org.is_closed
            else None,
            "account": account,
            "people": _people_of(org),
            "can_leading_group": org.level == Level.COMMITTEE
            and access.can(request.user, "leading_group.edit", org),
        },
    )


def _post_action(request, org, form, run, success):
    if form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, success(result))
            return True
    else:
        for field, errors in form.errors.items():
            for e in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}：{e}" if label else e)
    return False


@login_required
@require_POST
def org_edit(request, code):
    org = _managed_or_404(request, code)
    _post_action(
        request,
        org,
        OrgEditForm(request.POST),
        lambda d: actions.update_org(org, by=request.user, **d),
        lambda o: _("已保存%(org)s的信息。") % {"org": o.name},
    )
    return redirect("orgs:org", org.code)


@login_required
@require_POST
def org_move(request, code):
    org = _managed_or_404(request, code)
    form = MoveForm(request.POST)
    form.fields["parent"].choices = [
        (o.code, o.name) for o in access.managed_orgs(request.user).only("code", "name")
    ]
    _post_action(
        request,
        org,
        form,
        lambda d: actions.move_org(
            org, access.get_managed_org_or_404(request.user, d["parent"]), by=request.user
        ),
        lambda o: _("已将%(org)s调整隶属关系。") % {"org": o.name},
    )
    return redirect("orgs:org", org.code)


@login_required
@require_POST
def org_close(request, code):
    org = _managed_or_404(request, code)
    _post_action(
        request,
        org,
        CloseForm(request.POST),
        lambda d: actions.close_org(org, on=d["closed_on"], reason=d["reason"], by=request.user),
        lambda o: _("%(org)s已撤销。") % {"org": o.name},
    )
    return redirect("orgs:org", org.code)


@login_required
@require_POST
def person_new(request, code):
    org = _managed_or_404(request, code)
    form = AccountForm(request.POST)
    if _post_action(
        request,
        org,
        form,
        lambda d: actions.create_account(org, by=request.user, **d),
        lambda u: _("已为%(name)s建立账号。请生成设置密码链接交给本人。") % {"name": u.display_name},
    ):
        user = User.objects.get(username__iexact=form.cleaned_data["username"].strip())
        return redirect("orgs:person", user.pk)
    return redirect("orgs:org", org.code)


@login_required
def person_page(request, pk):
    person = access.get_managed_person_or_404(request.user, pk)
    memberships = list(
        Membership.objects.filter(user=person).select_related("org").order_by("org__path", "role")
    )
    for m in memberships:
        m.revocable = m.role in access.grantable_roles(request.user, m.org)
    grant = GrantForm()
    orgs = list(access.managed_orgs(request.user).filter(closed_on__isnull=True).order_by("path"))
    grant.fields["org"].choices = [(o.code, "　" * (o.depth - 1) + o.name) for o in orgs]
    return render(
        request,
        "orgs/person.html",
        {
            "person": person,
            "memberships": memberships,
            "grant": grant if orgs else None,
            "can_manage": access.can(request.user, "account.manage", person),
            "setup_link": request.session.pop(f"setup_link_{person.pk}", None),
        },
    )


@login_required
@require_POST
def person_grant(request, pk):
    person = access.get_managed_person_or_404(request.user, pk)
    form = GrantForm(request.POST)
    form.fields["org"].choices = [
        (o.code, o.name) for o in access.managed_orgs(request.user).only("code", "name")
    ]
    _post_action(
        request,
        None,
        form,
        lambda d: actions.grant_role(
            person,
            access.get_managed_org_or_404(request.user, d["org"]),
            d["role"],
            title=d["title"],
            by=request.user,
        ),
        lambda m: (
            _("%(name)s已在%(org)s担任“%(role)s”。")
            % {"name": person, "org": m.org.name, "role": m.get_role_display()}
        ),
    )
    return redirect("orgs:person", person.pk)


@login_required
@require_POST
def person_revoke(request, pk, membership_pk):
    person = access.get_managed_person_or_404(request.user, pk)
    membership = Membership.objects.filter(user=person, pk=membership_pk).select_related("org").first()
    if membership is None:
        raise Http404
    try:
        actions.revoke_role(membership, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已取消该角色。"))
    return redirect("orgs:person", person.pk)


@login_required
@require_POST
def person_status(request, pk):
    person = access.get_managed_person_or_404(request.user, pk)
    op = request.POST.get("op")
    try:
        if op == "deactivate":
            actions.deactivate_account(person, by=request.user)
            messages.success(request, _("账号已停用，其登录已失效。"))
        elif op == "reactivate":
            actions.reactivate_account(person, by=request.user)
            messages.success(request, _("账号已启用。"))
        elif op == "link":
            link = actions.issue_setup_link(person, by=request.user)
            # Shown once, on the next page only (never put in a message that could be logged).
            request.session[f"setup_link_{person.pk}"] = request.build_absolute_uri(link)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("orgs:person", person.pk)


@login_required
def leading_group(request, code):
    committee = _managed_or_404(request, code)
    if not access.can(request.user, "leading_group.edit", committee):
        raise Http404
    editing = None
    if request.GET.get("edit"):
        editing = LeadingGroupMember.objects.filter(committee=committee, pk=request.GET["edit"]).first()
    initial = (
        {"name": editing.name, "title": editing.title, "position": editing.position, "order": editing.order}
        if editing
        else {}
    )
    form = LeadingGroupForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("remove"):
            member = LeadingGroupMember.objects.filter(committee=committee, pk=request.POST["remove"]).first()
            if member is None:
                raise Http404
            actions.remove_leading_group_member(member, by=request.user)
            messages.success(request, _("已移出领导小组。"))
            return redirect("orgs:leading_group", committee.code)
        if form.is_valid():
            try:
                actions.save_leading_group_member(
                    committee, member=editing, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("领导小组名单已保存。"))
                return redirect("orgs:leading_group", committee.code)
    members = LeadingGroupMember.objects.filter(committee=committee).order_by("order", "pk")
    return render(
        request,
        "orgs/leading_group.html",
        {"committee": committee, "members": members, "form": form, "editing": editing},
    )


@login_required
def site_profile(request):
    """Issue 14: the site's name, host organisation and organiser, set by the superuser."""
    if not access.can_edit_site(request.user):
        raise Http404
    profile = SiteProfile.objects.select_related("host").filter(pk=1).first()
    committees = list(
        access.managed_orgs(request.user)
        .filter(level=Level.COMMITTEE, closed_on__isnull=True)
        .order_by("path")
    )
    initial = (
        {"host": profile.host.code, "name": profile.name, "organiser": profile.organiser} if profile else {}
    )
    form = SiteProfileForm(request.POST or None, initial=initial)
    form.fields["host"].choices = [("", "—")] + [(o.code, "　" * (o.depth - 1) + o.name) for o in committees]
    if request.method == "POST" and form.is_valid():
        host = next((o for o in committees if o.code == form.cleaned_data["host"]), None)
        try:
            actions.save_site_profile(
                host,
                name=form.cleaned_data["name"],
                organiser=form.cleaned_data["organiser"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("网站信息已保存。"))
            return redirect("orgs:site")
    return render(
        request,
        "orgs/site.html",
        {"form": form, "profile": profile, "committees": committees},
    )
