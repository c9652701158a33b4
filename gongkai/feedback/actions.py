"""Every change to a feedback case is one function here: one transaction, the row locked, the wrong
state or actor refused, an audit entry in the same transaction."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.audit.log import record
from gongkai.lib import confidentiality
from gongkai.lib.db import locked
from gongkai.lib.errors import ActionError
from gongkai.lib.text import clean_line, clean_text
from gongkai.notifications import notices
from gongkai.notifications.actions import email_on_commit, notify_on_commit
from gongkai.obligations import calendar
from gongkai.orgs.models import Organisation

from . import ports
from .models import DUE_DAYS, Channel, FeedbackCase, HandlingNote, Kind, Status, new_code


def clean_fields(*, subject, content, name, contact, kind) -> dict:
    """The length and character rules of every channel, with messages in Chinese."""
    if kind not in Kind.values:
        raise ActionError(_("请选择反馈类别。"))
    return {
        "subject": clean_line(subject, field=_("标题"), max_length=100),
        "content": clean_text(content, field=_("内容"), max_length=2000),
        "submitter_name": clean_line(name, field=_("姓名"), max_length=50, required=False),
        "contact": clean_line(contact, field=_("联系方式"), max_length=100, required=False),
        "kind": kind,
    }


def _create(org, *, channel, by, submitter, fields, received_at=None) -> FeedbackCase:
    received_at = received_at or timezone.now()
    due, not_covered = calendar.compute_due(calendar.local_date(received_at), DUE_DAYS, [])
    for _attempt in range(5):
        case = FeedbackCase(
            code=new_code(),
            channel=channel,
            org=org,
            org_path=org.path,
            submitter=submitter,
            recorded_by=by,
            received_at=received_at,
            due_date=due,
            calendar_not_covered=not_covered,
            **fields,
        )
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:  # a code collision, astronomically rare: draw again
            continue
    else:
        raise ActionError(_("系统繁忙，请稍后再试。"))
    record(action="feedback.create", obj=case, actor=by or submitter, data={"channel": channel})
    notices.send(
        notices.handlers(org),
        _("收到意见反馈：%(subject)s") % {"subject": case.subject},
        "",
        reverse("feedback:case", args=[case.pk]),
    )
    return case


@transaction.atomic
def submit_online(
    org: Organisation, *, user=None, subject, content, name="", contact="", kind=Kind.SUGGESTION
):
    """R18: the public form; no login needed. A logged-in member's 问询 is linked to their account."""
    if not org.is_public:
        raise ActionError(_("请选择受理的党组织。"))
    fields = clean_fields(subject=subject, content=content, name=name, contact=contact, kind=kind)
    submitter = user if user is not None and user.is_authenticated else None
    if fields["kind"] == Kind.INQUIRY and submitter is None:
        raise ActionError(_("问询须由党员登录后提出；群众请选择“意见建议”等类别。"))
    return _create(org, channel=Channel.ONLINE, by=None, submitter=submitter, fields=fields)


@transaction.atomic
def record_offline(
    org, *, by, channel, subject, content, name="", contact="", kind=Kind.SUGGESTION, received_on=None
):
    """R18: staff record a hotline call, letter, visit, suggestion-box note or reception-day case."""
    access.require(by, "feedback.record", org)
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise ActionError(_("请选择收到反馈的渠道。"))
    fields = clean_fields(subject=subject, content=content, name=name, contact=contact, kind=kind)
    received_at = timezone.now()
    if received_on is not None:
        if received_on > timezone.localdate():
            raise ActionError(_("收到日期不能晚于今天。"))
        received_at = timezone.make_aware(
            timezone.datetime.combine(received_on, timezone.datetime.min.time())
        )
    return _create(org, channel=channel, by=by, submitter=None, fields=fields, received_at=received_at)


@transaction.atomic
def route_case(case, *, by, org) -> FeedbackCase:
    """Send the case to the organisation that should handle it (one under the router's staff roles)."""
    case = locked(case, "org")
    access.require(by, "feedback.handle", case)
    if case.status == Status.REPLIED:
        raise ActionError(_("已答复的反馈不能再转办。"))
    access.require(by, "feedback.record", org, message=_("只能转给您负责的党组织办理。"))
    old = case.org.code
    case.org, case.org_path = org, org.path
    case.save(update_fields=["org", "org_path"])
    record(action="feedback.route", obj=case, actor=by, data={"from": old, "to": org.code})
    notices.send(
        notices.handlers(org),
        _("转办意见反馈：%(subject)s") % {"subject": case.subject},
        "",
        reverse("feedback:case", args=[case.pk]),
    )
    return case


@transaction.atomic
def add_note(case, *, by, text) -> HandlingNote:
    case = locked(case, "org")
    access.require(by, "feedback.handle", case)
    note = HandlingNote.objects.create(
        case=case, author=by, text=clean_text(text, field=_("办理情况"), max_length=2000)
    )
    if case.status == Status.RECEIVED:
        case.status = Status.HANDLING
        case.save(update_fields=["status"])
    record(action="feedback.note", obj=case, actor=by)
    return note


@transaction.atomic
def reply_case(case, *, by, text) -> FeedbackCase:
    """The reply to the submitter, read with the tracking code."""
    case = locked(case, "org")
    access.require(by, "feedback.handle", case)
    if case.status == Status.REPLIED:
        raise ActionError(_("该反馈已答复。"))
    case.reply = clean_text(text, field=_("答复"), max_length=5000)
    case.replied_at, case.replied_by, case.status = timezone.now(), by, Status.REPLIED
    case.replied_late = None if case.due_date is None else timezone.localdate() > case.due_date
    case.save(update_fields=["reply", "replied_at", "replied_by", "status", "replied_late"])
    record(action="feedback.reply", obj=case, actor=by, data={"late": case.replied_late})
    _tell_submitter(case)
    return case


def _tell_submitter(case: FeedbackCase) -> None:
    """Issue 16: the reply reaches the submitter where they left a way to reach them: their account
    (in-app) or an e-mail contact; both point at the tracking page, the reply itself is read there."""
    url = f"{reverse('feedback:track')}?code={case.code}"
    title = _("您的意见反馈已答复：%(subject)s") % {"subject": case.subject}
    body = _("查询码 %(code)s，请在办理进度页面查看答复。") % {"code": case.code_display}
    if case.submitter_id:
        notify_on_commit([case.submitter], title, body, url, key=f"feedback-replied:{case.pk}")
    try:
        validate_email(case.contact)
    except ValidationError:
        return
    email_on_commit(case.contact, title, body, url)


def _strip_submitter(case: FeedbackCase, text: str) -> str:
    # The published reply never carries the submitter's own name or contact, whatever was typed.
    for value, masked in ((case.contact, case.masked_contact), (case.submitter_name, case.masked_name)):
        if value and len(value) >= 2:
            text = text.replace(value, masked)
    return text


def publication_hits(case: FeedbackCase, text: str):
    return confidentiality.scan_text(_strip_submitter(case, text))


@transaction.atomic
def publish_reply(case, *, by, text=None, resolution="") -> FeedbackCase:
    """R18 + R13: publish the reply after the confidentiality check. Hits block publication until
    the handler masks them (resolution="mask") or acknowledges them (resolution="acknowledge")."""
    case = locked(case, "org")
    access.require(by, "feedback.handle", case)
    if case.status != Status.REPLIED:
        raise ActionError(_("答复后才能公开答复。"))
    text = _strip_submitter(
        case, clean_text(text if text is not None else case.reply, field=_("公开答复"), max_length=5000)
    )
    hits = confidentiality.scan_text(text)
    if hits and resolution == "mask":
        text = confidentiality.apply_masks(text, hits)
    elif hits and resolution != "acknowledge":
        kinds = "、".join(sorted({confidentiality.KIND_LABELS[h.kind] for h in hits}))
        raise ActionError(
            _("保密审查发现 %(n)s 处需处理的内容（%(kinds)s），请遮盖或确认后再公开。")
            % {"n": len(hits), "kinds": kinds}
        )
    case.published_reply, case.published_at = text, timezone.now()
    case.save(update_fields=["published_reply", "published_at"])
    ports.index_reply(case)  # R30: searchable from this transaction on
    record(
        action="feedback.publish_reply",
        obj=case,
        actor=by,
        data={"hits": len(hits), "resolution": resolution},
    )
    return case


@transaction.atomic
def unpublish_reply(case, *, by) -> FeedbackCase:
    case = locked(case, "org")
    access.require(by, "feedback.handle", case)
    if case.published_at is None:
        raise ActionError(_("该答复未公开。"))
    case.published_reply, case.published_at = "", None
    case.save(update_fields=["published_reply", "published_at"])
    ports.index_reply(case)  # R30: out of the index in the same transaction
    record(action="feedback.unpublish_reply", obj=case, actor=by)
    return case


def read_personal_data(case, *, by) -> dict:
    """R18 + SECURITY 15: the unmasked name and contact for the assigned handlers, each read audited."""
    if not access.can(by, "feedback.personal_data", case):
        return {"name": case.masked_name, "contact": case.masked_contact, "unmasked": False}
    with transaction.atomic():
        record(action="feedback.read_personal_data", obj=case, actor=by)
    return {"name": case.submitter_name, "contact": case.contact, "unmasked": True}


def _retention_days() -> int:
    return int(getattr(settings, "FEEDBACK_PERSONAL_DATA_DAYS", 365))


@transaction.atomic
def erase_personal_data(case, *, by=None, now=None) -> bool:
    """SECURITY 17 (PIPL art. 19): blank the submitter's name, contact and account link; the case,
    its handling notes and the reply stay. True when something was erased (idempotent)."""
    case = locked(case, "org")
    if case.personal_data_erased_at is not None:
        return False
    case.submitter_name, case.contact, case.submitter = "", "", None
    case.personal_data_erased_at = now or timezone.now()
    case.save(update_fields=["submitter_name", "contact", "submitter", "personal_data_erased_at"])
    record(action="feedback.erase_personal_data", obj=case, actor=by, data={"days": _retention_days()})
    return True


def erase_expired_personal_data(now=None) -> int:
    """The daily retention job: cases answered more than FEEDBACK_PERSONAL_DATA_DAYS ago, and cases never
    answered that were received more than that long ago (an open case does not keep data for ever)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=_retention_days())
    answered = Q(status=Status.REPLIED, replied_at__lt=cutoff)
    unanswered = ~Q(status=Status.REPLIED) & Q(received_at__lt=cutoff)
    due = FeedbackCase.objects.filter(
        answered | unanswered, personal_data_erased_at__isnull=True
    ).values_list("pk", flat=True)
    erased = 0
    for pk in list(due):
        erased += erase_personal_data(FeedbackCase(pk=pk), now=now)
    return erased
