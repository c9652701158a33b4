from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply

from gongkai import access

from . import actions
from .models import FeedbackCase, normalise_code
from .ratelimit import allow
from .views import LOOKUP_LIMIT, SUBMIT_LIMIT

router = Router(tags=["feedback"])


class FeedbackIn(Schema):
    org: str
    subject: str
    content: str
    kind: str = "suggestion"
    name: str = ""
    contact: str = ""


class Tracking(Schema):
    code: str
    org: str
    org_name: str
    subject: str
    status: str
    status_label: str
    received_at: datetime
    due_date: date | None
    calendar_not_covered: bool
    replied_at: datetime | None
    reply: str


def _tracking(case: FeedbackCase) -> dict:
    return {
        "code": case.code,
        "org": case.org.code,
        "org_name": case.org.name,
        "subject": case.subject,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "received_at": case.received_at,
        "due_date": case.due_date,
        "calendar_not_covered": case.calendar_not_covered,
        "replied_at": case.replied_at,
        "reply": case.reply,
    }


@router.post("", response={201: Tracking}, summary="网上留言（无需登录，按来源地址限流）")
def submit(request, payload: FeedbackIn):
    if not allow(request, "feedback", limit=SUBMIT_LIMIT):
        raise HttpError(429, _("提交过于频繁，请一小时后再试。"))
    org = access.visible_orgs(request.auth).filter(code=payload.org, is_public=True).first()
    if org is None:
        raise Http404
    case = actions.submit_online(
        org,
        user=request.auth,
        subject=payload.subject,
        content=payload.content,
        name=payload.name,
        contact=payload.contact,
        kind=payload.kind,
    )
    return Reply(201, _tracking(case))


@router.get("/track/{code}", response=Tracking, summary="凭查询码查询办理进度和答复")
def track(request, code: str):
    if not allow(request, "feedback-track", limit=LOOKUP_LIMIT):
        raise HttpError(429, _("查询过于频繁，请稍后再试。"))
    normalised = normalise_code(code)
    case = (
        None
        if normalised is None
        else FeedbackCase.objects.select_related("org").filter(code=normalised).first()
    )
    if case is None:
        raise Http404
    return _tracking(case)


class PublishedReply(Schema):
    org: str
    org_name: str
    subject: str
    kind: str
    published_at: datetime
    reply: str


@router.get("/replies", response=list[PublishedReply], summary="公开答复")
def published(request, org: str | None = None):
    qs = access.visible_replies(request.auth).select_related("org")
    if org:
        target = access.visible_orgs(request.auth).filter(code=org).first()
        if target is None:
            raise Http404
        qs = qs.filter(target.subtree_q("org_path"))
    return [
        {
            "org": c.org.code,
            "org_name": c.org.name,
            "subject": c.subject,
            "kind": c.kind,
            "published_at": c.published_at,
            "reply": c.published_reply,
        }
        for c in qs.order_by("-published_at")[:200]
    ]
