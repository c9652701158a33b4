"""Setting an office up (R1–R3): organisations, accounts, roles and the leading group.

Each action is one transaction: it checks the actor through access.py, locks the rows it changes,
refuses the wrong state with a message for the user, and writes its audit entry in the same
transaction. Pages, the API and imports call these, nothing else changes these tables."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.accounts.models import ApiToken, User
from gongkai.audit.log import record, record_denial
from gongkai.lib.errors import ActionError, NotAllowed
from gongkai.lib.text import clean_line

from . import paths, ports, roles_cache
from .models import LeadingGroupMember, Level, Membership, Organisation, Role, SectorType, SiteProfile

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,149}$")
MEMBER_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
# The set-up pages' own addresses under /manage/ (orgs/urls.py), matched before /manage/<code>/.
RESERVED_CODES = frozenset({"new", "import", "people", "site"})


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ActionError(message)


def _locked(org: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=org.pk)


# ---- Organisations (R1) -----------------------------------------------------------------------


def clean_org_fields(
    *, code: str | None = None, name: str, level: str, sector_type: str, exclude_pk=None
) -> dict:
    """The checks an organisation's own fields must pass, shared by the page, the API and imports."""
    fields = {"name": clean_line(name, field=_("名称"), max_length=100)}
    if code is not None:
        code = (code or "").strip()
        _require(bool(CODE_RE.match(code)), _("组织代码只能由字母、数字、连字符组成（至多 40 位）。"))
        _require(
            code not in RESERVED_CODES,  # URLs are case-sensitive: NEW is a code, new an address
            _("“%(code)s”是管理页面的保留地址，不能用作组织代码。") % {"code": code},
        )
        clash = Organisation.objects.filter(code__iexact=code).exclude(pk=exclude_pk)
        _require(not clash.exists(), _("组织代码“%(code)s”已被使用。") % {"code": code})
        fields["code"] = code
    _require(level in Level.values, _("层级无效。"))
    if level == Level.COMMITTEE:
        sector_type = ""  # R1: a committee has no sector type
    else:
        _require(sector_type in SectorType.values, _("请选择组织类型。"))
    fields.update(level=level, sector_type=sector_type)
    return fields


@transaction.atomic
def create_org(
    parent: Organisation | None,
    *,
    code: str,
    name: str,
    level: str,
    sector_type: str = "",
    short_name: str = "",
    is_public: bool = True,
    by,
) -> Organisation:
    """R1: a new branch under `parent` (a new root only for the superuser)."""
    if parent is None:
        access.require(by, "org.create_root", message=_("只有系统管理员可以创建顶层党组织。"))
    else:
        access.require(by, "org.administer", parent, message=_("您无权在该党组织下设立组织。"))
        parent = _locked(parent)
        _require(not parent.is_closed, _("该党组织已撤销，不能再设下级组织。"))
    fields = clean_org_fields(code=code, name=name, level=level, sector_type=sector_type)
    fields["short_name"] = clean_line(short_name, field=_("简称"), max_length=50, required=False)
    org = paths.add_org(parent, is_public=bool(is_public), **fields)
    record(action="org.create", obj=org, actor=by, data={"code": org.code, "name": org.name})
    return org


@transaction.atomic
def update_org(
    org: Organisation,
    *,
    name: str,
    level: str,
    sector_type: str = "",
    short_name: str = "",
    is_public: bool = True,
    address: str = "",
    phone: str = "",
    by,
) -> Organisation:
    """R1: rename an organisation or correct its level, type and contact details."""
    access.require(by, "org.administer", org, message=_("您无权修改该党组织。"))
    org = _locked(org)
    _require(not org.is_closed, _("该党组织已撤销，不能修改。"))
    fields = clean_org_fields(name=name, level=level, sector_type=sector_type)
    fields["short_name"] = clean_line(short_name, field=_("简称"), max_length=50, required=False)
    fields["address"] = clean_line(address, field=_("地址"), max_length=200, required=False)
    fields["phone"] = clean_line(phone, field=_("联系电话"), max_length=30, required=False)
    fields["is_public"] = bool(is_public)
    changed = {k: v for k, v in fields.items() if getattr(org, k) != v}
    if not changed:
        return org
    before = {k: getattr(org, k) for k in changed}
    for key, value in changed.items():
        setattr(org, key, value)
    org.save(update_fields=list(changed))
    if "sector_type" in changed:
        ports.sector_type_changed(org)
    record(action="org.update", obj=org, actor=by, data={"before": before, "after": changed})
    return org


@transaction.atomic
def move_org(org: Organisation, new_parent: Organisation, *, by) -> Organisation:
    """R1: move a branch (with everything under it) under another parent. Every copy of the paths
    (items, obligations, applications, feedback, archive, search, inspections…) and the compliance
    rollups are rewritten in this transaction, so visibility follows the move at once."""
    _require(org.depth > 1, _("顶层党组织不能调整隶属关系。"))
    old_parent = org.parent()
    message = _("调整隶属关系需要同时管理原上级和新上级党组织。")
    access.require(by, "org.administer", old_parent, message=message)
    access.require(by, "org.administer", new_parent, message=message)
    # Lock parent, new parent and the branch in path order (the same order for every mover).
    locked = {
        o.pk: o
        for o in Organisation.objects.select_for_update()
        .filter(pk__in=[org.pk, old_parent.pk, new_parent.pk])
        .order_by("path")
    }
    org, new_parent = locked[org.pk], locked[new_parent.pk]
    _require(not new_parent.path.startswith(org.path), _("不能把党组织调到其自身或其下级组织之下。"))
    _require(new_parent.pk != old_parent.pk, _("该党组织已隶属于所选上级。"))
    _require(not org.is_closed and not new_parent.is_closed, _("已撤销的党组织不能调整。"))
    old_path = org.path
    paths.move_branch(org, new_parent)
    roles_cache.changed()  # the branch's paths were rewritten in bulk
    ports.paths_moved(org)
    record(
        action="org.move",
        obj=org,
        actor=by,
        data={"from": old_parent.code, "to": new_parent.code, "old_path": old_path, "new_path": org.path},
    )
    return org


@transaction.atomic
def close_org(org: Organisation, *, on: date | None = None, reason: str, by) -> Organisation:
    """R1: close (撤销) an organisation. It keeps its items, archive and audit history, leaves the
    boards and directories, and owes nothing from the closing date on: its open obligations whose
    period begins after that date are withdrawn."""
    parent = org.parent()
    _require(parent is not None, _("顶层党组织不能撤销。"))
    access.require(by, "org.administer", parent, message=_("撤销党组织需要由上级党组织办理。"))
    org = _locked(org)
    _require(not org.is_closed, _("该党组织已撤销。"))
    open_children = Organisation.objects.filter(org.subtree_q(), closed_on__isnull=True).exclude(pk=org.pk)
    _require(not open_children.exists(), _("请先撤销或调出其下级党组织。"))
    on = on or timezone.localdate()
    reason = clean_line(reason, field=_("撤销原因"), max_length=200)
    org.closed_on, org.closed_reason = on, reason
    org.save(update_fields=["closed_on", "closed_reason"])
    withdrawn = ports.org_closed(org, on)
    record(
        action="org.close",
        obj=org,
        actor=by,
        data={"on": on.isoformat(), "reason": reason, "withdrawn": withdrawn},
    )
    return org


# ---- Accounts and roles (R2) ------------------------------------------------------------------


def _check_grant(by, org: Organisation, role: str) -> None:
    _require(role in Role.values, _("角色无效。"))
    if role not in access.grantable_roles(by, org):
        record_denial(action="role.grant", obj=org, actor=by)  # SECURITY 10: every refusal audited
        raise NotAllowed(
            _("您不能在%(org)s授予“%(role)s”角色：不能授予超出自己权限的角色。")
            % {"org": org.name, "role": Role(role).label}
        )


def clean_member_code(code: str) -> str:
    code = (code or "").strip()
    if code:
        _require(bool(MEMBER_CODE_RE.match(code)), _("党员编号只能由字母、数字、连字符组成（至多 40 位）。"))
    return code


@transaction.atomic
def create_account(
    org: Organisation,
    *,
    username: str,
    display_name: str,
    phone: str = "",
    member_code: str = "",
    roles: list[str] = (),
    title: str = "",
    by,
) -> User:
    """R2: a new account belonging to `org`, with its roles there. No password: the person sets one
    through the one-time link the administrator hands over (issue_setup_link)."""
    access.require(by, "people.manage", org, message=_("您无权为该党组织添加人员。"))
    org = _locked(org)
    _require(not org.is_closed, _("该党组织已撤销。"))
    username = (username or "").strip()
    _require(bool(USERNAME_RE.match(username)), _("登录名只能由字母、数字和 . _ @ + - 组成（2–150 位）。"))
    _require(
        not User.objects.filter(username__iexact=username).exists(),
        _("登录名“%(u)s”已被使用。") % {"u": username},
    )
    display_name = clean_line(display_name, field=_("姓名"), max_length=50)
    phone = clean_line(phone, field=_("手机号码"), max_length=20, required=False)
    title = clean_line(title, field=_("职务"), max_length=50, required=False)
    member_code = clean_member_code(member_code)
    roles = list(dict.fromkeys(roles or [Role.MEMBER]))
    for role in roles:
        _check_grant(by, org, role)
    if member_code:
        _require(Role.MEMBER in roles, _("填写党员编号的人员须具有党员角色。"))
        _require(
            not Membership.objects.filter(org=org, role=Role.MEMBER, code=member_code).exists(),
            _("本组织已有党员编号“%(c)s”。") % {"c": member_code},
        )
    user = User(username=username, display_name=display_name, phone=phone)
    user.set_unusable_password()
    user.save()
    Membership.objects.bulk_create(
        Membership(user=user, org=org, role=r, title=title, code=member_code if r == Role.MEMBER else "")
        for r in roles
    )
    roles_cache.changed()  # bulk_create sends no signals
    record(
        action="account.create", obj=user, actor=by, org_path=org.path, data={"org": org.code, "roles": roles}
    )
    return user


@transaction.atomic
def update_account(user: User, *, display_name: str, phone: str = "", by) -> User:
    access.require(by, "account.manage", user, message=_("您无权修改该账号。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    user.display_name = clean_line(display_name, field=_("姓名"), max_length=50)
    user.phone = clean_line(phone, field=_("手机号码"), max_length=20, required=False)
    user.save(update_fields=["display_name", "phone"])
    record(action="account.update", obj=user, actor=by, org_path=_home_path(user))
    return user


def _home_path(user: User) -> str:
    m = Membership.objects.filter(user=user).select_related("org").order_by("org__depth").first()
    return m.org.path if m else ""


@transaction.atomic
def deactivate_account(user: User, *, by) -> User:
    """R2: the account can no longer log in or use its tokens; its open sessions end at their next
    request (the session backend reloads the user and refuses an inactive one)."""
    access.require(by, "account.manage", user, message=_("您无权停用该账号。"))
    _require(user.pk != getattr(by, "pk", None), _("不能停用自己的账号。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    _require(user.is_active, _("该账号已停用。"))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user).delete()
    _end_sessions(user)
    record(action="account.deactivate", obj=user, actor=by, org_path=_home_path(user))
    return user


def _end_sessions(user: User) -> None:
    """Delete the user's stored sessions (database-backed); cached copies are refused because the
    user is inactive, which the authentication backend checks on every request."""
    from django.contrib.sessions.models import Session

    uid = str(user.pk)
    now = timezone.now()
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=now).iterator(chunk_size=500)
        if str(s.get_decoded().get("_auth_user_id")) == uid
    ]
    if doomed:
        from django.conf import settings
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX
        from django.core.cache import caches

        Session.objects.filter(session_key__in=doomed).delete()
        cache = caches[settings.SESSION_CACHE_ALIAS]
        cache.delete_many([KEY_PREFIX + key for key in doomed])


@transaction.atomic
def reactivate_account(user: User, *, by) -> User:
    access.require(by, "account.manage", user, message=_("您无权启用该账号。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    _require(not user.is_active, _("该账号已在使用中。"))
    user.is_active = True
    user.save(update_fields=["is_active"])
    record(action="account.reactivate", obj=user, actor=by, org_path=_home_path(user))
    return user


def issue_setup_link(user: User, *, by) -> str:
    """R2: a one-time link (to show the administrator, no email needed) with which the person sets a
    password. It stops working once used (the token covers the password hash) or after
    PASSWORD_RESET_TIMEOUT."""
    access.require(by, "account.manage", user, message=_("您无权为该账号生成链接。"))
    _require(user.is_active, _("该账号已停用。"))
    with transaction.atomic():
        record(action="account.setup_link", obj=user, actor=by, org_path=_home_path(user))
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:setup", args=[uid, default_token_generator.make_token(user)])


@transaction.atomic
def grant_role(
    user: User, org: Organisation, role: str, *, title: str = "", member_code: str = "", by
) -> Membership:
    """R2: `user` holds `role` in `org`. Never wider than the granting user's own roles."""
    _check_grant(by, org, role)
    org = _locked(org)
    _require(not org.is_closed, _("该党组织已撤销。"))
    _require(user.is_active, _("该账号已停用。"))
    title = clean_line(title, field=_("职务"), max_length=50, required=False)
    member_code = clean_member_code(member_code) if role == Role.MEMBER else ""
    if member_code:
        clash = Membership.objects.filter(org=org, role=Role.MEMBER, code=member_code).exclude(user=user)
        _require(not clash.exists(), _("本组织已有党员编号“%(c)s”。") % {"c": member_code})
    membership, created = Membership.objects.get_or_create(
        user=user, org=org, role=role, defaults={"title": title, "code": member_code}
    )
    _require(created, _("%(name)s已在%(org)s担任该角色。") % {"name": user, "org": org.name})
    record(
        action="role.grant", obj=membership, actor=by, org_path=org.path, data={"user": user.pk, "role": role}
    )
    access.forget(user)
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, by) -> None:
    _check_grant(by, membership.org, membership.role)
    membership = Membership.objects.select_for_update().select_related("org", "user").get(pk=membership.pk)
    record(
        action="role.revoke",
        obj=membership,
        actor=by,
        org_path=membership.org.path,
        data={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()
    access.forget(membership.user)


# ---- The leading group and its office (R3) ----------------------------------------------------


@transaction.atomic
def save_leading_group_member(
    committee: Organisation,
    *,
    name: str,
    title: str,
    position: str,
    order: int = 0,
    member: LeadingGroupMember | None = None,
    by,
) -> LeadingGroupMember:
    """R3: add or change one person of the leading group (or its office) of `committee`."""
    access.require(by, "leading_group.edit", committee, message=_("只有领导小组办公室可以编辑领导小组。"))
    _require(committee.level == Level.COMMITTEE, _("领导小组设在党委（党工委）。"))
    _require(position in LeadingGroupMember.Position.values, _("组内职务无效。"))
    fields = {
        "name": clean_line(name, field=_("姓名"), max_length=50),
        "title": clean_line(title, field=_("职务"), max_length=100, required=False),
        "position": position,
        "order": max(0, min(int(order or 0), 999)),
    }
    if member is None:
        member = LeadingGroupMember.objects.create(committee=committee, **fields)
        action = "leading_group.add"
    else:
        member = LeadingGroupMember.objects.select_for_update().get(pk=member.pk, committee=committee)
        for key, value in fields.items():
            setattr(member, key, value)
        member.save(update_fields=list(fields))
        action = "leading_group.update"
    record(action=action, obj=member, actor=by, org_path=committee.path, data={"position": position})
    return member


@transaction.atomic
def remove_leading_group_member(member: LeadingGroupMember, *, by) -> None:
    access.require(
        by, "leading_group.edit", member.committee, message=_("只有领导小组办公室可以编辑领导小组。")
    )
    record(
        action="leading_group.remove",
        obj=member,
        actor=by,
        org_path=member.committee.path,
        data={"name": member.name},
    )
    member.delete()


# ---- The site's identity (issue 14) -----------------------------------------------------------


@transaction.atomic
def save_site_profile(host: Organisation | None, *, name: str = "", organiser: str = "", by) -> SiteProfile:
    """The site's name, host organisation (主办单位, a committee) and organiser (承办): shown in every
    page's header and footer, with the host's own address and phone. The superuser's alone."""
    access.require(by, "site.edit", message=_("只有系统管理员可以设置网站信息。"))
    _require(host is not None, _("请选择主办单位。"))
    host = _locked(host)
    _require(host.level == Level.COMMITTEE, _("主办单位须为党委（党工委）。"))
    _require(not host.is_closed, _("%(org)s已撤销，不能作为主办单位。") % {"org": host.name})
    fields = {
        "host": host,
        "name": clean_line(name, field=_("网站名称"), max_length=50, required=False),
        "organiser": clean_line(organiser, field=_("承办单位"), max_length=100, required=False),
    }
    # Locked when it exists; two first saves at once: the second finds and updates the first's row.
    rows = SiteProfile.objects.select_for_update(of=("self",)).select_related("host")
    profile, created = rows.get_or_create(pk=1, defaults=fields)
    if created:
        data = {"host": host.code, "name": profile.name, "organiser": profile.organiser}
        record(action="site.create", obj=profile, actor=by, org_path=host.path, data=data)
        return profile
    before = {"host": profile.host.code, "name": profile.name, "organiser": profile.organiser}
    after = {"host": host.code, "name": fields["name"], "organiser": fields["organiser"]}
    if before == after:
        return profile
    for key, value in fields.items():
        setattr(profile, key, value)
    profile.save()
    changed = [k for k in after if before[k] != after[k]]
    record(
        action="site.update",
        obj=profile,
        actor=by,
        org_path=host.path,
        data={"before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}},
    )
    return profile
