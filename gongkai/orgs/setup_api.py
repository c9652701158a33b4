"""Setting an office up through the API (issue 14): organisations, people, roles and imports under
/api/v1/setup/, token-scoped to what the token's user manages (access.py), writes through orgs.actions.

Organisations and people the user does not manage answer 404; an action the policy refuses 403, bad
input or the wrong state 400, with the action's Chinese message; writes need a bearer token (401)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from gongkai import access
from gongkai.accounts.bearer import TOKEN_REQUIRED
from gongkai.lib import sheets
from gongkai.lib.errors import NotAllowed

from . import actions, importing
from .models import ImportBatch, Membership, Organisation, Role

router = Router(tags=["setup"], auth=TOKEN_REQUIRED)  # set-up is never anonymous


def _user(request):
    user = request.auth
    if user is None or not user.is_authenticated:
        raise HttpError(401, _("请提供有效的接口令牌（Authorization: Bearer …）。"))
    return user


def _run(fn, *args, **kwargs):
    """An action's refusal: 403 when the policy refuses (NotAllowed), 400 for bad input or state."""
    try:
        return fn(*args, **kwargs)
    except NotAllowed:
        raise
    except ValidationError as exc:
        raise HttpError(400, "；".join(str(m) for m in exc.messages)) from None


class ManagedOrg(Schema):
    code: str
    name: str
    level: str
    sector_type: str
    parent_code: str | None
    closed_on: date | None


class OrgIn(Schema):
    code: str
    name: str
    level: str
    sector_type: str = ""
    short_name: str = ""
    is_public: bool = True
    parent_code: str | None = None


class OrgPatch(Schema):
    name: str
    level: str
    sector_type: str = ""
    short_name: str = ""
    is_public: bool = True
    address: str = ""
    phone: str = ""


class MoveIn(Schema):
    parent_code: str


class CloseIn(Schema):
    reason: str
    on: date | None = None


class PersonIn(Schema):
    username: str
    display_name: str
    phone: str = ""
    member_code: str = ""
    roles: list[str] = [Role.MEMBER]
    title: str = ""


class PersonOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    roles: list[str]
    member_code: str


class PersonCreated(Schema):
    id: int
    username: str
    setup_url: str


class GrantIn(Schema):
    user_id: int
    role: str
    title: str = ""


class GrantOut(Schema):
    id: int
    user_id: int
    org: str
    role: str


class ErrorRow(Schema):
    row: int
    column: str
    reason: str


class ImportOut(Schema):
    id: int
    kind: str
    file_name: str
    applied: bool
    counts: dict[str, int]
    errors: list[ErrorRow]


def _managed(request, code) -> Organisation:
    return access.get_managed_org_or_404(_user(request), code)


def _org_out(org, codes) -> dict:
    return {
        "code": org.code,
        "name": org.name,
        "level": org.level,
        "sector_type": org.sector_type,
        "parent_code": codes.get(org.path[: -org.steplen]) if org.depth > 1 else None,
        "closed_on": org.closed_on,
    }


@router.get("/orgs", response=list[ManagedOrg], summary="我管理的党组织")
def managed_orgs(request):
    orgs = list(access.managed_orgs(_user(request)).order_by("path"))
    parents = {o.path[: -o.steplen] for o in orgs if o.depth > 1}
    codes = dict(Organisation.objects.filter(path__in=parents).values_list("path", "code"))
    return [_org_out(o, codes) for o in orgs]


@router.post("/orgs", response={201: ManagedOrg}, summary="设立党组织")
def create_org(request, payload: OrgIn):
    user = _user(request)
    parent = access.get_managed_org_or_404(user, payload.parent_code) if payload.parent_code else None
    fields = payload.dict(exclude={"parent_code"})
    org = _run(actions.create_org, parent, by=user, **fields)
    return Status(201, _org_out(org, {parent.path: parent.code} if parent else {}))


@router.put("/orgs/{code}", response=ManagedOrg, summary="修改党组织信息（更名、层级、类型）")
def update_org(request, code: str, payload: OrgPatch):
    org = _managed(request, code)
    org = _run(actions.update_org, org, by=request.auth, **payload.dict())
    parent = org.parent()
    return _org_out(org, {parent.path: parent.code} if parent else {})


@router.post("/orgs/{code}/move", response=ManagedOrg, summary="调整隶属关系")
def move_org(request, code: str, payload: MoveIn):
    org = _managed(request, code)
    target = access.get_managed_org_or_404(request.auth, payload.parent_code)
    org = _run(actions.move_org, org, target, by=request.auth)
    return _org_out(org, {target.path: target.code})


@router.post("/orgs/{code}/close", response=ManagedOrg, summary="撤销党组织")
def close_org(request, code: str, payload: CloseIn):
    org = _managed(request, code)
    org = _run(actions.close_org, org, on=payload.on, reason=payload.reason, by=request.auth)
    parent = org.parent()
    return _org_out(org, {parent.path: parent.code} if parent else {})


@router.get("/orgs/{code}/people", response=list[PersonOut], summary="本组织人员与角色")
def people(request, code: str):
    org = _managed(request, code)
    out: dict[int, dict] = {}
    for m in Membership.objects.filter(org=org).select_related("user").order_by("user_id", "role"):
        p = out.setdefault(
            m.user_id,
            {
                "id": m.user_id,
                "username": m.user.username,
                "display_name": m.user.display_name,
                "is_active": m.user.is_active,
                "roles": [],
                "member_code": "",
            },
        )
        p["roles"].append(m.role)
        if m.role == Role.MEMBER:
            p["member_code"] = m.code
    return list(out.values())


@router.post(
    "/orgs/{code}/people", response={201: PersonCreated}, summary="建立账号（返回一次性设置密码链接）"
)
def create_person(request, code: str, payload: PersonIn):
    org = _managed(request, code)
    person = _run(actions.create_account, org, by=request.auth, **payload.dict())
    link = actions.issue_setup_link(person, by=request.auth)
    return Status(
        201, {"id": person.pk, "username": person.username, "setup_url": request.build_absolute_uri(link)}
    )


@router.post("/orgs/{code}/roles", response={201: GrantOut}, summary="授予角色")
def grant(request, code: str, payload: GrantIn):
    org = _managed(request, code)
    person = access.get_managed_person_or_404(request.auth, payload.user_id)
    m = _run(actions.grant_role, person, org, payload.role, title=payload.title, by=request.auth)
    return Status(201, {"id": m.pk, "user_id": person.pk, "org": org.code, "role": m.role})


@router.delete("/orgs/{code}/roles/{membership_id}", response={204: None}, summary="取消角色")
def revoke(request, code: str, membership_id: int):
    org = _managed(request, code)
    m = Membership.objects.filter(org=org, pk=membership_id).select_related("org", "user").first()
    if m is None:
        raise HttpError(404, _("未找到。"))
    _run(actions.revoke_role, m, by=request.auth)
    return Status(204, None)


@router.post("/people/{user_id}/deactivate", response={204: None}, summary="停用账号（登录即时失效）")
def deactivate(request, user_id: int):
    person = access.get_managed_person_or_404(_user(request), user_id)
    _run(actions.deactivate_account, person, by=request.auth)
    return Status(204, None)


def _import_out(batch, plan) -> dict:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "file_name": batch.file_name,
        "applied": batch.applied_at is not None,
        "counts": plan.counts(),
        "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in plan.errors[:2000]],
    }


class UploadIn(Schema):
    file_name: str
    content_base64: str  # the API takes JSON only (415 otherwise): the file travels base64-encoded


@router.post(
    "/imports/{kind}", response={201: ImportOut}, summary="上传导入文件（JSON，base64）并预览（不写入）"
)
def upload(request, kind: str, payload: UploadIn):
    import base64
    import binascii

    user = _user(request)
    if kind not in importing.IMPORTERS or not importing.may_import(user, kind):
        raise HttpError(404, _("未找到。"))
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise HttpError(400, _("文件内容不是有效的 base64。")) from None
    if len(data) > sheets.MAX_BYTES:
        raise HttpError(
            413, _("文件超过 %(mb)s MB，请拆分后分批导入。") % {"mb": sheets.MAX_BYTES // (1024 * 1024)}
        )
    batch = importing.upload(kind, name=payload.file_name[:200] or "upload", data=data, by=user)
    return Status(201, _import_out(batch, importing.preview(batch, user)))


def _batch(request, batch_id) -> ImportBatch:
    user = _user(request)
    batch = ImportBatch.objects.filter(pk=batch_id, uploaded_by=user).first()
    if batch is None or not importing.may_import(user, batch.kind):
        raise HttpError(404, _("未找到。"))
    return batch


@router.get("/imports/batches/{batch_id}", response=ImportOut, summary="导入预览")
def preview(request, batch_id: int):
    batch = _batch(request, batch_id)
    return _import_out(batch, importing.preview(batch, request.auth))


@router.post("/imports/batches/{batch_id}/apply", response=ImportOut, summary="确认导入（整个文件一个事务）")
def apply(request, batch_id: int):
    batch = _batch(request, batch_id)
    plan = _run(importing.apply, batch, by=request.auth)
    batch.refresh_from_db(fields=["applied_at"])
    return _import_out(batch, plan)
