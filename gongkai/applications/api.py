from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as Reply

from gongkai import access
from gongkai.accounts.bearer import TOKEN_REQUIRED
from gongkai.orgs.models import Organisation

from . import actions
from .models import Application

router = Router(tags=["applications"])


class ApplicationIn(Schema):
    org: str
    title: str
    description: str
    purpose: str = ""
    delivery: str = "online"


class ApplicationOut(Schema):
    id: int
    number: str
    org: str
    title: str
    description: str
    status: str
    status_label: str
    received_at: datetime
    due_date: date | None
    calendar_not_covered: bool
    extension_days: int
    answer_type: str
    answer_type_label: str
    answer_reason: str
    answer_reason_label: str
    answer_text: str
    deferred_until: date | None
    answered_at: datetime | None


def _out(a: Application) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "org": a.org.code,
        "title": a.title,
        "description": a.description,
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "received_at": a.received_at,
        "due_date": a.due_date,
        "calendar_not_covered": a.calendar_not_covered,
        "extension_days": a.extension_days,
        "answer_type": a.answer_type,
        "answer_type_label": str(a.get_answer_type_display()) if a.answer_type else "",
        "answer_reason": a.answer_reason,
        "answer_reason_label": a.answer_reason_label(),
        "answer_text": a.answer_text,
        "deferred_until": a.deferred_until,
        "answered_at": a.answered_at,
    }


def _require_login(request):
    if not request.auth or not request.auth.is_authenticated:
        raise HttpError(401, _("请先登录。"))


@router.post("", response={201: ApplicationOut}, auth=TOKEN_REQUIRED, summary="提出公开申请（R16）")
def submit(request, payload: ApplicationIn):
    _require_login(request)
    try:
        org = access.visible_orgs(request.auth).get(code=payload.org)
    except Organisation.DoesNotExist:
        raise Http404 from None
    a = actions.submit_application(
        org,
        by=request.auth,
        title=payload.title,
        description=payload.description,
        purpose=payload.purpose,
        delivery=payload.delivery,
    )
    return Reply(201, _out(a))


@router.get(
    "",
    response=list[ApplicationOut],
    auth=TOKEN_REQUIRED,
    summary="我可见的公开申请（本人的，及所负责组织的）",
)
def list_applications(request, mine: bool = False):
    _require_login(request)
    qs = access.visible_applications(request.auth).select_related("org")
    if mine:
        qs = qs.filter(applicant=request.auth)
    return [_out(a) for a in qs.order_by("-received_at")[:500]]


@router.get("/{id:pk}", response=ApplicationOut, auth=TOKEN_REQUIRED, summary="公开申请详情")
def get_application(request, pk: int):
    _require_login(request)
    return _out(
        access.get_application_or_404(
            request.auth, pk, access.visible_applications(request.auth).select_related("org")
        )
    )
