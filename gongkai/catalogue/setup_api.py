"""The catalogue owner edits the catalogue through the API (issue 14, R4–R5), beside the set-up API:
catalogues and their versions, a draft opened from the version in force, its items added, changed or
removed, the difference to the published version, publication with an effective date. Every write is
the action the editor pages call (catalogue.actions).

Scoped to what the token's user may edit (access.py: the owner organisation's catalogue owners and the
superuser): any other catalogue or version answers 404, like one that does not exist. A refused action
is 400 (403 when the policy refuses), `{"detail"}` in the user's language; writes need a token (401)."""

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from gongkai import access
from gongkai.accounts.bearer import TOKEN_REQUIRED

from . import actions
from .api import CatalogueItemOut, item_out
from .models import Catalogue, CatalogueItem, CatalogueVersion

router = Router(tags=["catalogue set-up"], auth=TOKEN_REQUIRED)


def _user(request):
    user = request.auth
    if user is None or not user.is_authenticated:
        raise HttpError(401, _("请提供有效的接口令牌（Authorization: Bearer …）。"))
    return user


def _catalogue(request, catalogue_id: int) -> Catalogue:
    catalogue = (
        access.editable_catalogues(_user(request)).select_related("owner").filter(pk=catalogue_id).first()
    )
    if catalogue is None:
        raise Http404
    return catalogue


def _version(request, version_id: int) -> CatalogueVersion:
    version = CatalogueVersion.objects.select_related("catalogue__owner").filter(pk=version_id).first()
    if version is None or not access.can(_user(request), "catalogue.edit", version.catalogue):
        raise Http404
    return version


def _draft_item(version: CatalogueVersion, item_id: int) -> CatalogueItem:
    item = version.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


# ---- Schemas ----------------------------------------------------------------------------------------


class CatalogueVersionOut(Schema):
    id: int
    catalogue_id: int
    number: int
    is_draft: bool
    published_at: datetime | None
    effective_from: date | None
    note: str
    item_count: int


class CatalogueVersionDetail(CatalogueVersionOut):
    items: list[CatalogueItemOut]


class EditableCatalogueOut(Schema):
    id: int
    name: str
    owner_code: str
    owner_name: str
    filing_body: str
    versions: list[CatalogueVersionOut]


class CatalogueIn(Schema):
    owner_code: str
    name: str
    filing_body: str = ""


class StageIn(Schema):
    name: str
    days: int = 0


class ItemIn(Schema):
    """An item's fields; on a change only the fields sent are changed. `sector_types` empty = all types;
    the codes and choices are those of the read API (/api/v1/catalogue/{org_code})."""

    number: int | None = None
    category: int | None = None
    title: str | None = None
    description: str | None = None
    sector_types: list[str] | None = None
    target_scope: str | None = None
    duration: str | None = None
    period_days: int | None = None
    notice_days: int | None = None
    timing: str | None = None
    cadence: str | None = None
    due_rule: str | None = None
    due_offset: int | None = None
    due_month: int | None = None
    due_day: int | None = None
    due_next_period: bool | None = None
    stages: list[StageIn] | None = None
    min_internal_days: int | None = None
    retention: str | None = None
    required_carrier: str | None = None


# Fields that hold "" (not null) when empty: null in the request means "none".
_BLANK = {"description", "cadence", "due_rule", "required_carrier", "sector_types"}
# Fields that may be null in the model: null means "none" for them too.
_NULLABLE = {"period_days", "notice_days", "due_month", "due_day"}


class FieldChange(Schema):
    field: str
    label: str
    old: Any
    new: Any


class ChangeOut(Schema):
    kind: str  # added / removed / changed
    number: int
    title: str
    fields: list[FieldChange]


class DiffOut(Schema):
    version: CatalogueVersionOut
    base: CatalogueVersionOut | None
    changes: list[ChangeOut]


class PublishIn(Schema):
    effective_from: date
    note: str = ""


def _version_out(v: CatalogueVersion, count: int | None = None) -> dict:
    return {
        "id": v.pk,
        "catalogue_id": v.catalogue_id,
        "number": v.number,
        "is_draft": v.published_at is None,
        "published_at": v.published_at,
        "effective_from": v.effective_from,
        "note": v.note,
        "item_count": v.items.count() if count is None else count,
    }


def _version_detail(v: CatalogueVersion) -> dict:
    items = list(v.items.order_by("category", "number"))
    return {**_version_out(v, len(items)), "items": [item_out(i) for i in items]}


def _counted_versions():
    """Versions newest first with their item counts: one query for a list, not one per version."""
    return CatalogueVersion.objects.annotate(item_count=Count("items")).order_by("-number")


def _catalogue_out(c: Catalogue) -> dict:
    """`c` with its versions prefetched from _counted_versions()."""
    return {
        "id": c.pk,
        "name": c.name,
        "owner_code": c.owner.code,
        "owner_name": c.owner.name,
        "filing_body": c.filing_body,
        "versions": [_version_out(v, v.item_count) for v in c.versions.all()],
    }


def _fields(payload: ItemIn, *, changing: bool) -> dict:
    sent = payload.dict(exclude_unset=changing)
    fields = {}
    for name, value in sent.items():
        if value is None and name in _BLANK:
            value = ""
        elif value is None and name not in _NULLABLE and changing:
            raise HttpError(400, _("“%(field)s”不能为空。") % {"field": _label(name)})
        elif value is None and name not in _NULLABLE:
            continue  # not given for a new item: the model's default or its own refusal
        if name == "stages" and value:
            value = [{"name": s["name"].strip(), "days": s["days"]} for s in value]
        if name in ("title", "description") and isinstance(value, str):
            value = value.strip()
        fields[name] = value
    return fields


def _label(name: str) -> str:
    return str(CatalogueItem._meta.get_field(name).verbose_name)


# ---- Catalogues and versions ------------------------------------------------------------------------


@router.get("", response=list[EditableCatalogueOut], summary="我可以修订的公开目录及其版本")
def catalogues(request):
    rows = access.editable_catalogues(_user(request)).select_related("owner").order_by("owner__path", "pk")
    return [_catalogue_out(c) for c in rows.prefetch_related(Prefetch("versions", _counted_versions()))]


@router.post("", response={201: EditableCatalogueOut}, summary="制定公开目录（目录制定单位）")
def create_catalogue(request, payload: CatalogueIn):
    user = _user(request)
    owner = access.catalogue_owner_orgs(user).filter(code=payload.owner_code).first()
    if owner is None:
        raise Http404
    catalogue = actions.create_catalogue(owner, name=payload.name, filing_body=payload.filing_body, by=user)
    catalogue = Catalogue.objects.prefetch_related(Prefetch("versions", _counted_versions())).get(
        pk=catalogue.pk
    )
    return Status(201, _catalogue_out(catalogue))


@router.get("/{id:catalogue_id}/versions", response=list[CatalogueVersionOut], summary="目录的各个版本")
def versions(request, catalogue_id: int):
    catalogue = _catalogue(request, catalogue_id)
    return [_version_out(v, v.item_count) for v in _counted_versions().filter(catalogue=catalogue)]


@router.post(
    "/{id:catalogue_id}/versions",
    response={201: CatalogueVersionDetail},
    summary="新建修订草稿（复制现行版本的事项）",
)
def open_draft(request, catalogue_id: int):
    catalogue = _catalogue(request, catalogue_id)
    return Status(201, _version_detail(actions.start_draft(catalogue, by=request.auth)))


@router.get("/versions/{id:version_id}", response=CatalogueVersionDetail, summary="目录版本及其事项")
def version(request, version_id: int):
    return _version_detail(_version(request, version_id))


@router.delete("/versions/{id:version_id}", response={204: None}, summary="删除修订草稿")
def discard(request, version_id: int):
    actions.discard_draft(_version(request, version_id), by=request.auth)
    return Status(204, None)


@router.get("/versions/{id:version_id}/diff", response=DiffOut, summary="草稿与上一发布版本的差异")
def diff(request, version_id: int):
    draft = _version(request, version_id)
    base = actions.base_version(draft)
    return {
        "version": _version_out(draft),
        "base": _version_out(base) if base else None,
        "changes": [
            {
                "kind": c.kind,
                "number": c.number,
                "title": c.title,
                "fields": [
                    {"field": name, "label": label, "old": old, "new": new}
                    for name, (label, old, new) in zip(c.names, c.fields, strict=True)
                ],
            }
            for c in actions.diff(draft, base)
        ],
    }


@router.post(
    "/versions/{id:version_id}/publish", response=CatalogueVersionOut, summary="发布草稿（自施行日期起生效）"
)
def publish(request, version_id: int, payload: PublishIn):
    draft = _version(request, version_id)
    published = actions.publish_version(
        draft, effective_from=payload.effective_from, note=payload.note, by=request.auth
    )
    return _version_out(published)


# ---- The draft's items ------------------------------------------------------------------------------


@router.post("/versions/{id:version_id}/items", response={201: CatalogueItemOut}, summary="在草稿中增加事项")
def add_item(request, version_id: int, payload: ItemIn):
    draft = _version(request, version_id)
    item = actions.save_item(draft, by=request.auth, **_fields(payload, changing=False))
    return Status(201, item_out(item))


@router.patch(
    "/versions/{id:version_id}/items/{id:item_id}",
    response=CatalogueItemOut,
    summary="修改草稿中的事项（只改所给字段）",
)
def change_item(request, version_id: int, item_id: int, payload: ItemIn):
    draft = _version(request, version_id)
    item = _draft_item(draft, item_id)
    return item_out(actions.save_item(draft, item=item, by=request.auth, **_fields(payload, changing=True)))


@router.delete(
    "/versions/{id:version_id}/items/{id:item_id}", response={204: None}, summary="从草稿中删除事项"
)
def remove_item(request, version_id: int, item_id: int):
    draft = _version(request, version_id)
    actions.remove_item(_draft_item(draft, item_id), by=request.auth)
    return Status(204, None)
