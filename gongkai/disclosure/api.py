"""Disclosure items API (R6–R13): list and detail through access.py, writes through actions.py.

Forbidden reads answer 404 like missing; a refused action on an item the caller can see is 403; bad
input is 400 with the action's Chinese message; writes need a bearer token (401 without one).
"""

from datetime import date, datetime

from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict

from gongkai import access
from gongkai.accounts.bearer import TOKEN_REQUIRED
from gongkai.catalogue.models import CatalogueItem, Category, Scope
from gongkai.lib.params import Day, Id
from gongkai.lib.text import clean_line

from . import actions, board_cache
from .models import ConfidentialityFinding, DisclosureItem, State, WorkPlan

router = Router(tags=["disclosure"])

MAX_LIMIT = 100


# ---- Schemas ---------------------------------------------------------------------------------


class OrgRef(Schema):
    code: str
    name: str


class ItemRow(Schema):
    id: int
    index_number: str
    org: OrgRef
    category: int
    category_label: str
    title: str
    scope: str = Field(description="当前实际公开范围：社会公开事项在党内先行公开期内为 all_members")
    scope_label: str
    target_scope: str
    state: str
    state_label: str
    published_at: datetime | None
    public_from: datetime | None
    expires_at: datetime | None
    doc_number: str
    url: str


class ItemPage(Schema):
    items: list[ItemRow]
    limit: int
    offset: int
    next_offset: int | None


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    keep_inside: bool
    download_url: str


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor: str | None
    at: datetime
    note: str


class FindingOut(Schema):
    id: int
    kind: str
    attachment_id: int | None
    context: str
    status: str
    reason: str


class ItemDetail(ItemRow):
    catalogue_item_id: int | None
    work_plan_id: int | None
    event_date: date | None
    period_label: str
    stage: str
    version: int
    supersedes_id: int | None
    notice: str
    reader_body: str
    body: str | None = Field(description="草稿正文，仅本组织及上级工作人员可见")
    body_format: str = Field(
        description="正文格式：markdown，或 html（自 Word/WPS 粘贴或 DOCX 导入，已净化）"
    )
    attachments: list[AttachmentOut]
    history: list[EventOut] | None = Field(description="处理记录，仅工作人员可见")
    findings: list[FindingOut] | None = Field(description="保密检查结果，仅工作人员可见")


class Strict(Schema):
    # Unknown keys (state, org_path, published_at, …) are refused rather than silently dropped.
    model_config = ConfigDict(extra="forbid")


class ItemCreate(Strict):
    org: str
    catalogue_item: Id | None = None
    work_plan: Id | None = None
    title: str
    body: str = ""
    body_format: str = "markdown"
    scope: str | None = None
    event_date: Day | None = None
    period_label: str = ""
    stage: str = ""
    doc_number: str = ""


class ItemPatch(Strict):
    title: str | None = None
    body: str | None = None
    body_format: str | None = None
    scope: str | None = None
    event_date: Day | None = None
    period_label: str | None = None
    stage: str | None = None
    doc_number: str | None = None


class NoteIn(Strict):
    note: str = ""


class ReasonIn(Strict):
    reason: str


class ItemFilters(Schema):
    org: str | None = Field(None, description="党组织代码（仅该组织）")
    under: str | None = Field(None, description="党组织代码（该组织及其下级）")
    category: int | None = Field(None, ge=1, le=8)
    year: int | None = Field(None, ge=1990, le=2100, description="发布年份")
    scope: Scope | None = Field(None, description="当前实际公开范围")
    state: State | None = None
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)


# ---- Helpers ---------------------------------------------------------------------------------


def _user(request):
    """Writes need a bearer token: the session cookie is not accepted here (no CSRF surface)."""
    user = request.auth
    if user is None or not user.is_authenticated:
        raise HttpError(401, _("请提供有效的接口令牌（Authorization: Bearer …）。"))
    return user


def _row(item: DisclosureItem, now) -> dict:
    scope = item.effective_scope(now)
    return {
        "id": item.pk,
        "index_number": item.index_number,
        "org": {"code": item.org.code, "name": item.org.name},
        "category": item.category,
        "category_label": str(Category(item.category).label),
        "title": item.title,
        "scope": scope,
        "scope_label": str(Scope(scope).label),
        "target_scope": item.scope,
        "state": item.state,
        "state_label": str(State(item.state).label),
        "published_at": item.published_at,
        "public_from": item.public_from,
        "expires_at": item.expires_at,
        "doc_number": item.doc_number,
        "url": reverse("disclosure:detail", kwargs={"pk": item.pk}),
    }


def _effective_scope_q(scope: str, now) -> Q:
    """Items whose effective scope (DisclosureItem.effective_scope) is `scope` at `now`."""
    public_now = Q(scope=Scope.PUBLIC, state=State.PUBLISHED, public_from__lte=now) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if scope == Scope.PUBLIC:
        return public_now
    if scope == Scope.ALL_MEMBERS:
        return Q(scope=Scope.ALL_MEMBERS) | (Q(scope=Scope.PUBLIC) & ~public_now)
    return Q(scope=scope)


def _detail(user, item: DisclosureItem) -> dict:
    now = timezone.now()
    is_staff = access.can(user, "item.view_staff", item)
    attachments = [  # the item itself came through visible_items
        {
            "id": a.pk,
            "name": a.original_name,
            "kind": a.kind,
            "size": a.size,
            "keep_inside": a.keep_inside,
            "download_url": reverse("disclosure:download", kwargs={"pk": item.pk, "attachment_id": a.pk}),
        }
        for a in access.visible_attachments(user, item)
    ]
    history = findings = None
    if is_staff:
        history = [
            {
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": (e.actor.display_name or e.actor.username) if e.actor else None,
                "at": e.at,
                "note": e.note,
            }
            for e in item.events.select_related("actor")
        ]
        findings = [
            {
                "id": f.pk,
                "kind": f.kind,
                "attachment_id": f.attachment_id,
                "context": f.shown_context(),
                "status": f.status,
                "reason": f.reason,
            }
            for f in item.findings.all()
        ]
    return {
        **_row(item, now),
        "catalogue_item_id": item.catalogue_item_id,
        "work_plan_id": item.work_plan_id,
        "event_date": item.event_date,
        "period_label": item.period_label,
        "stage": item.stage,
        "version": item.version,
        "supersedes_id": item.supersedes_id,
        "notice": item.notice,
        # Readers get the masked published text; only staff see a draft's body.
        "reader_body": item.reader_body() if is_staff else item.published_body,
        "body": item.body if is_staff else None,
        "body_format": item.body_format,
        "attachments": attachments,
        "history": history,
        "findings": findings,
    }


def _visible(user, item_id: int) -> DisclosureItem:
    return access.get_item_or_404(user, item_id, access.visible_items(user).select_related("org"))


# ---- Reads -----------------------------------------------------------------------------------


@router.get("", response=ItemPage, summary="公开事项列表")
def list_items(request, filters: Query[ItemFilters]):
    user = request.auth
    now = timezone.now()
    cached = board_cache.get(request, board_cache.ALL)
    if cached is not None:
        return cached
    qs = access.visible_items(user, now)
    if filters.org:
        qs = qs.filter(org_id=access.get_org_or_404(user, filters.org).pk)
    if filters.under:
        qs = qs.filter(access.get_org_or_404(user, filters.under).subtree_q("org_path"))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.year:
        tz = timezone.get_current_timezone()
        start = datetime(filters.year, 1, 1, tzinfo=tz)
        qs = qs.filter(published_at__gte=start, published_at__lt=start.replace(year=filters.year + 1))
    if filters.scope:
        qs = qs.filter(_effective_scope_q(filters.scope, now))
    if filters.state:
        qs = qs.filter(state=filters.state)
    # One query; the long texts stay in the database; one extra row tells whether a next page exists.
    rows = list(
        qs.select_related("org")
        .defer("body", "published_body", "notice")
        .order_by("-published_at", "-pk")[filters.offset : filters.offset + filters.limit + 1]
    )
    more = len(rows) > filters.limit
    page = {
        "items": [_row(i, now) for i in rows[: filters.limit]],
        "limit": filters.limit,
        "offset": filters.offset,
        "next_offset": filters.offset + filters.limit if more else None,
    }
    # Built from trusted rows in exactly the ItemPage shape (documented above): skip re-validating
    # it through the schema, which costs more than the query on a 20-row page.
    response = JsonResponse(page, encoder=NinjaJSONEncoder)
    board_cache.put(request, board_cache.ALL, response, now, lambda: board_cache.all_moments(now))
    return response


@router.get("/{id:item_id}", response=ItemDetail, summary="公开事项详情")
def get_item(request, item_id: int):
    return _detail(request.auth, _visible(request.auth, item_id))


# ---- Writes ----------------------------------------------------------------------------------


@router.post("", response={201: ItemDetail}, auth=TOKEN_REQUIRED, summary="新建公开事项（草稿）")
def create_item(request, payload: ItemCreate):
    user = _user(request)
    org = access.get_org_or_404(user, payload.org)
    catalogue_item = work_plan = None
    if payload.catalogue_item is not None and payload.work_plan is not None:
        raise HttpError(400, _("目录事项与工作方案只能选择其一。"))
    if payload.catalogue_item is not None:
        catalogue_item = CatalogueItem.objects.filter(pk=payload.catalogue_item).first()
        if catalogue_item is None:
            raise HttpError(400, _("目录事项不存在：%(id)s。") % {"id": payload.catalogue_item})
    if payload.work_plan is not None:
        work_plan = WorkPlan.objects.filter(pk=payload.work_plan, org=org).first()
        if work_plan is None:
            raise HttpError(400, _("本组织没有编号为 %(id)s 的工作方案。") % {"id": payload.work_plan})
    fields = payload.dict(exclude={"org", "catalogue_item", "work_plan"})
    item = actions.create_item(org, by=user, catalogue_item=catalogue_item, work_plan=work_plan, **fields)
    return Status(201, _detail(user, _visible(user, item.pk)))


@router.patch("/{id:item_id}", response=ItemDetail, auth=TOKEN_REQUIRED, summary="修改草稿")
def update_item(request, item_id: int, payload: ItemPatch):
    user = _user(request)
    item = _visible(user, item_id)
    actions.update_item(item, by=user, **payload.dict(exclude_unset=True))
    return _detail(user, _visible(user, item_id))


def _note(payload: NoteIn | None) -> str:
    note = payload.note if payload else ""
    return clean_line(note, field=_("意见"), max_length=500, required=False)


def _transition(request, item_id: int, fn, **kwargs) -> dict:
    user = _user(request)
    item = _visible(user, item_id)
    fn(item, by=user, **kwargs)
    return _detail(user, _visible(user, item_id))


@router.post("/{id:item_id}/submit", response=ItemDetail, auth=TOKEN_REQUIRED, summary="提出（提交审核）")
def submit(request, item_id: int):
    return _transition(request, item_id, actions.submit_item)


@router.post("/{id:item_id}/review", response=ItemDetail, auth=TOKEN_REQUIRED, summary="审核通过")
def review(request, item_id: int, payload: NoteIn | None = None):
    _user(request)
    return _transition(request, item_id, actions.review_item, note=_note(payload))


@router.post("/{id:item_id}/approve", response=ItemDetail, auth=TOKEN_REQUIRED, summary="审批通过")
def approve(request, item_id: int, payload: NoteIn | None = None):
    _user(request)
    return _transition(request, item_id, actions.approve_item, note=_note(payload))


@router.post("/{id:item_id}/publish", response=ItemDetail, auth=TOKEN_REQUIRED, summary="发布（实施公开）")
def publish(request, item_id: int):
    return _transition(request, item_id, actions.publish_item)


@router.post("/{id:item_id}/send-back", response=ItemDetail, auth=TOKEN_REQUIRED, summary="退回修改")
def send_back(request, item_id: int, payload: ReasonIn):
    return _transition(request, item_id, actions.send_back_item, reason=payload.reason)


def _finding(request, item_id: int, finding_id: int, *, mask: bool, reason: str = "") -> dict:
    user = _user(request)
    item = _visible(user, item_id)
    finding = get_object_or_404(
        ConfidentialityFinding.objects.select_related("attachment"), pk=finding_id, item=item
    )
    actions.resolve_finding(finding, by=user, mask=mask, reason=reason)
    return _detail(user, _visible(user, item_id))


@router.post(
    "/{id:item_id}/findings/{id:finding_id}/mask",
    response=ItemDetail,
    auth=TOKEN_REQUIRED,
    summary="遮盖敏感信息",
)
def mask_finding(request, item_id: int, finding_id: int):
    return _finding(request, item_id, finding_id, mask=True)


@router.post(
    "/{id:item_id}/findings/{id:finding_id}/acknowledge",
    response=ItemDetail,
    auth=TOKEN_REQUIRED,
    summary="确认可公开",
)
def acknowledge_finding(request, item_id: int, finding_id: int, payload: ReasonIn):
    return _finding(request, item_id, finding_id, mask=False, reason=payload.reason)
