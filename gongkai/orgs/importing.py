"""R34: spreadsheet imports with a preview. Each importer plans every row (create, update, unchanged,
or its errors) without writing; applying re-plans inside one transaction and writes only when no row
has an error. Natural keys make it idempotent: an organisation by its code, a member by their number
within the organisation, an item by its 索引号."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import import_module

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai import access
from gongkai.audit.log import record
from gongkai.lib.sheets import CellError, Column, Sheet, pack, read, unpack

from . import actions
from .models import ImportBatch, Level, Membership, Organisation, Role, SectorType

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
ACTION_LABELS = {
    CREATE: gettext_lazy("新增"),
    UPDATE: gettext_lazy("更新"),
    UNCHANGED: gettext_lazy("无变化"),
}


@dataclass
class RowPlan:
    row: int
    action: str
    key: str
    summary: str
    payload: dict = field(default_factory=dict)


@dataclass
class Plan:
    kind: str
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (CREATE, UPDATE, UNCHANGED)}


class Importer:
    kind = ""
    label = ""
    columns: list[Column] = []

    def plan(self, rows, user) -> Plan:  # pragma: no cover — each importer says
        raise NotImplementedError

    def apply(self, plan: Plan, user) -> None:  # pragma: no cover
        raise NotImplementedError


def choice_map(choices) -> dict[str, str]:
    """Code or Chinese label → code, built once per file (labels are lazy translations)."""
    out = {}
    for code, label in choices:
        out[str(code)] = code
        out[str(label)] = code
    return out


def _choice(value: str, choices, *, allow_blank=False) -> str | None:
    """A TextChoices value from its code or its Chinese label (`choices` a list or a choice_map)."""
    value = (value or "").strip()
    if not value:
        return "" if allow_blank else None
    mapping = choices if isinstance(choices, dict) else choice_map(choices)
    return mapping.get(value)


# ---- Organisations ----------------------------------------------------------------------------


class OrgImporter(Importer):
    kind = "orgs"
    label = gettext_lazy("党组织")
    columns = [
        Column("code", "组织代码", True, "JLJD-XC"),
        Column("name", "名称", True, "新城社区党支部"),
        Column("level", "层级", True, "党支部"),
        Column("sector_type", "组织类型", False, "社区"),
        Column("parent", "上级组织代码", False, "JLJD"),
        Column("short_name", "简称", False, "新城社区"),
    ]

    def plan(self, rows, user) -> Plan:
        plan = Plan(self.kind)
        managed = {o.code.lower(): o for o in access.managed_orgs(user)}
        taken = {c.lower() for c in Organisation.objects.values_list("code", flat=True)}
        seen: dict[str, int] = {}
        new_codes: set[str] = set()
        levels, sectors = choice_map(Level.choices), choice_map(SectorType.choices)
        for number, rec in rows:
            errs = []

            def err(col, reason, number=number, errs=errs):
                errs.append(CellError(number, col, reason))

            code = rec.get("code", "")
            key = code.lower()
            if not code:
                err("组织代码", _("请填写组织代码。"))
            elif not actions.CODE_RE.match(code):
                err("组织代码", _("组织代码只能由字母、数字、连字符组成（至多 40 位）。"))
            elif key in seen:
                err("组织代码", _("与第 %(n)s 行重复。") % {"n": seen[key]})
            seen.setdefault(key, number)
            level = _choice(rec.get("level", ""), levels)
            if level is None:
                err("层级", _("层级应为：党委、党总支或党支部。"))
            sector = _choice(rec.get("sector_type", ""), sectors, allow_blank=True)
            if sector is None:
                err("组织类型", _("无法识别的组织类型“%(v)s”。") % {"v": rec.get("sector_type")})
            elif level and level != Level.COMMITTEE and not sector:
                err("组织类型", _("党总支、党支部须填写组织类型。"))
            if level == Level.COMMITTEE:
                sector = ""
            name = rec.get("name", "")
            if not name:
                err("名称", _("请填写名称。"))
            elif len(name) > 100:
                err("名称", _("名称不能超过 100 个字。"))
            short_name = rec.get("short_name", "")[:50]
            parent_code = rec.get("parent", "")
            existing = managed.get(key)
            if existing is None and key in taken:
                err("组织代码", _("组织代码“%(code)s”已被您无权管理的组织使用。") % {"code": code})
            if existing is None and key not in taken and not errs:
                if not parent_code:
                    if not access.can(user, "org.create_root"):
                        err("上级组织代码", _("请填写上级组织代码。"))
                elif parent_code.lower() not in managed and parent_code.lower() not in new_codes:
                    err(
                        "上级组织代码",
                        _("未知的组织代码“%(code)s”（或您无权管理）。") % {"code": parent_code},
                    )
            if existing is not None and parent_code:
                parent = existing.parent()
                if (parent.code.lower() if parent else "") != parent_code.lower():
                    err("上级组织代码", _("与现有上级不一致；调整隶属关系请在组织页面办理。"))
            if errs:
                plan.errors.extend(errs)
                continue
            fields = {"name": name, "level": level, "sector_type": sector, "short_name": short_name}
            if existing is None:
                new_codes.add(key)
                plan.rows.append(
                    RowPlan(number, CREATE, code, name, {"code": code, "parent": parent_code, **fields})
                )
            else:
                changed = {k: v for k, v in fields.items() if getattr(existing, k) != v}
                action = UPDATE if changed else UNCHANGED
                plan.rows.append(
                    RowPlan(number, action, code, name, {"org": existing, **fields} if changed else {})
                )
        return plan

    def apply(self, plan: Plan, user) -> None:
        created: dict[str, Organisation] = {}
        for row in plan.rows:
            p = row.payload
            if row.action == CREATE:
                parent = None
                if p["parent"]:
                    parent = created.get(p["parent"].lower()) or Organisation.objects.get(
                        code__iexact=p["parent"]
                    )
                created[p["code"].lower()] = actions.create_org(
                    parent,
                    code=p["code"],
                    name=p["name"],
                    level=p["level"],
                    sector_type=p["sector_type"],
                    short_name=p["short_name"],
                    by=user,
                )
            elif row.action == UPDATE:
                org = p["org"]
                actions.update_org(
                    org,
                    name=p["name"],
                    level=p["level"],
                    sector_type=p["sector_type"],
                    short_name=p["short_name"],
                    is_public=org.is_public,
                    address=org.address,
                    phone=org.phone,
                    by=user,
                )


# ---- Members ----------------------------------------------------------------------------------

ROLE_SEPARATORS = str.maketrans({"、": ",", "，": ",", ";": ",", "；": ",", "/": ",", " ": ","})


class MemberImporter(Importer):
    kind = "members"
    label = gettext_lazy("党员和工作人员")
    columns = [
        Column("org", "组织代码", True, "JLJD-SXA"),
        Column("code", "党员编号", True, "SXA-0001"),
        Column("name", "姓名", True, "张三"),
        Column("username", "登录名", False, "zhangsan"),
        Column("phone", "手机号码", False, "13800000000"),
        Column("roles", "角色", False, "党员、党务公开联络员"),
        Column("title", "职务", False, "组织委员"),
    ]

    def plan(self, rows, user) -> Plan:
        plan = Plan(self.kind)
        managed = {o.code.lower(): o for o in access.managed_orgs(user).filter(closed_on__isnull=True)}
        codes = {r.get("org", "").lower() for _n, r in rows}
        existing = {
            (m.org.code.lower(), m.code): m
            for m in Membership.objects.filter(role=Role.MEMBER)
            .exclude(code="")
            .filter(org__in=[o for c, o in managed.items() if c in codes])
            .select_related("user", "org")
        }
        held: dict[tuple[int, int], set[str]] = {}
        for m in Membership.objects.filter(user__in=[m.user_id for m in existing.values()]).values_list(
            "user_id", "org_id", "role"
        ):
            held.setdefault((m[0], m[1]), set()).add(m[2])
        from gongkai.accounts.models import User

        usernames = {u.lower() for u in User.objects.values_list("username", flat=True)}
        grantable: dict[int, set[str]] = {}
        seen: dict[tuple, int] = {}
        seen_usernames: dict[str, int] = {}
        role_map = choice_map(Role.choices)
        for number, rec in rows:
            errs = []

            def err(col, reason, number=number, errs=errs):
                errs.append(CellError(number, col, reason))

            org = managed.get(rec.get("org", "").lower())
            if org is None:
                err(
                    "组织代码", _("未知的组织代码“%(code)s”（或您无权管理）。") % {"code": rec.get("org", "")}
                )
            code = rec.get("code", "")
            if not code:
                err("党员编号", _("请填写党员编号。"))
            elif not actions.MEMBER_CODE_RE.match(code):
                err("党员编号", _("党员编号只能由字母、数字、连字符组成（至多 40 位）。"))
            key = (rec.get("org", "").lower(), code)
            if code and key in seen:
                err("党员编号", _("重复的党员：与第 %(n)s 行的组织和编号相同。") % {"n": seen[key]})
            seen.setdefault(key, number)
            name = rec.get("name", "")
            if not name:
                err("姓名", _("请填写姓名。"))
            elif len(name) > 50:
                err("姓名", _("姓名不能超过 50 个字。"))
            phone = rec.get("phone", "")
            if phone and (len(phone) > 20 or not phone.replace("-", "").replace("+", "").isdigit()):
                err("手机号码", _("手机号码格式无效。"))
            roles = [Role.MEMBER.value]
            for part in rec.get("roles", "").translate(ROLE_SEPARATORS).split(","):
                if not part:
                    continue
                role = _choice(part, role_map)
                if role is None:
                    err("角色", _("无法识别的角色“%(v)s”。") % {"v": part})
                elif role not in roles:
                    roles.append(role)
            if org is not None:
                allowed = grantable.setdefault(org.pk, access.grantable_roles(user, org))
                for role in roles:
                    if role not in allowed:
                        err(
                            "角色",
                            _("您不能在%(org)s授予“%(role)s”角色。")
                            % {"org": org.name, "role": Role(role).label},
                        )
            title = rec.get("title", "")[:50]
            current = existing.get(key)
            username = rec.get("username", "") or f"{rec.get('org', '')}-{code}".lower()
            if current is None and not errs:
                if not actions.USERNAME_RE.match(username):
                    err("登录名", _("登录名只能由字母、数字和 . _ @ + - 组成（2–150 位）。"))
                elif username.lower() in usernames:
                    err("登录名", _("登录名“%(u)s”已被使用。") % {"u": username})
                elif username.lower() in seen_usernames:
                    err("登录名", _("与第 %(n)s 行的登录名重复。") % {"n": seen_usernames[username.lower()]})
                seen_usernames.setdefault(username.lower(), number)
            if errs:
                plan.errors.extend(errs)
                continue
            label = f"{org.name} · {name}"
            if current is None:
                payload = {
                    "org": org,
                    "username": username,
                    "name": name,
                    "phone": phone,
                    "code": code,
                    "roles": roles,
                    "title": title,
                }
                plan.rows.append(RowPlan(number, CREATE, f"{org.code}/{code}", label, payload))
                continue
            person = current.user
            missing = [r for r in roles if r not in held.get((person.pk, org.pk), set())]
            changed = person.display_name != name or (phone and person.phone != phone) or missing
            payload = {
                "user": person,
                "org": org,
                "name": name,
                "phone": phone or person.phone,
                "missing": missing,
                "title": title,
            }
            plan.rows.append(
                RowPlan(
                    number,
                    UPDATE if changed else UNCHANGED,
                    f"{org.code}/{code}",
                    label,
                    payload if changed else {},
                )
            )
        return plan

    def apply(self, plan: Plan, user) -> None:
        for row in plan.rows:
            p = row.payload
            if row.action == CREATE:
                actions.create_account(
                    p["org"],
                    username=p["username"],
                    display_name=p["name"],
                    phone=p["phone"],
                    member_code=p["code"],
                    roles=p["roles"],
                    title=p["title"],
                    by=user,
                )
            elif row.action == UPDATE:
                person = p["user"]
                if person.display_name != p["name"] or person.phone != p["phone"]:
                    actions.update_account(person, display_name=p["name"], phone=p["phone"], by=user)
                for role in p["missing"]:
                    actions.grant_role(person, p["org"], role, title=p["title"], by=user)


IMPORTERS = {
    "orgs": "gongkai.orgs.importing.OrgImporter",
    "members": "gongkai.orgs.importing.MemberImporter",
    "items": "gongkai.disclosure.imports.ItemImporter",
}


def importer(kind: str) -> Importer:
    try:
        module, _dot, name = IMPORTERS[kind].rpartition(".")
    except KeyError:
        raise LookupError(kind) from None
    return getattr(import_module(module), name)()


def may_import(user, kind: str) -> bool:
    if kind == "items":
        return access.can(user, "import.items")
    return access.managed_orgs(user).exists() or access.can(user, "org.create_root")


def upload(kind: str, *, name: str, data: bytes, by) -> ImportBatch:
    """Keep the uploaded file for its preview, and its rows as read when it reads without an error (the
    preview and the application then plan from them, without parsing the file again)."""
    sheet = read(data, importer(kind).columns)  # also refuses an unknown kind
    return ImportBatch.objects.create(
        kind=kind,
        file_name=name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        rows=pack(sheet.rows) if sheet.rows and not sheet.errors else None,
        uploaded_by=by,
    )


def _sheet(batch: ImportBatch, imp: Importer) -> Sheet:
    if batch.rows is not None:
        return Sheet(rows=unpack(bytes(batch.rows)))
    return read(bytes(batch.data), imp.columns)  # its errors are shown in the reader's language


def preview(batch: ImportBatch, user) -> Plan:
    imp = importer(batch.kind)
    sheet = _sheet(batch, imp)
    if sheet.errors and not sheet.rows:
        return Plan(batch.kind, errors=sheet.errors)
    plan = imp.plan(sheet.rows, user)
    plan.errors = sorted(sheet.errors + plan.errors, key=lambda e: e.row)
    return plan


class ImportRefused(ValidationError):
    pass


@transaction.atomic
def apply(batch: ImportBatch, *, by) -> Plan:
    """Apply the whole file in one transaction, or nothing: any row error refuses it."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.uploaded_by_id != by.pk:
        raise ImportRefused(_("只能应用本人上传的文件。"))
    if batch.applied_at is not None:
        raise ImportRefused(_("该文件已导入。如需再次导入，请重新上传。"))
    plan = preview(batch, by)
    if not plan.ok:
        raise ImportRefused(_("文件中有 %(n)s 处错误，未导入任何内容。") % {"n": len(plan.errors)})
    importer(batch.kind).apply(plan, by)
    batch.applied_at = timezone.now()
    batch.result = plan.counts()
    batch.save(update_fields=["applied_at", "result"])
    record(
        action=f"import.{batch.kind}",
        obj=batch,
        actor=by,
        data={"file": batch.file_name, "sha256": batch.sha256, **plan.counts()},
    )
    return plan
