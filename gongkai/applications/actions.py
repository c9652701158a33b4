"""Every change to an application is one function here: one transaction, the row locked, the wrong
state or actor refused, an audit entry in the same transaction."""

from datetime import date

from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.audit.log import record
from gongkai.catalogue.models import CatalogueItem, Scope
from gongkai.lib import uploads
from gongkai.lib.db import locked
from gongkai.lib.errors import ActionError
from gongkai.lib.text import clean_line, clean_text
from gongkai.notifications import notices
from gongkai.numbering.models import next_number
from gongkai.obligations import calendar
from gongkai.orgs.models import Organisation

from . import deadlines
from .models import (
    REASONS,
    AnswerAttachment,
    AnswerType,
    Application,
    ApplicationPolicy,
    Delivery,
    Pause,
    Status,
)

DEFAULT_DAYS = 20


def policy_for(org: Organisation) -> ApplicationPolicy | None:
    """The nearest policy set by the organisation or an ancestor (the catalogue owner, R16)."""
    return (
        ApplicationPolicy.objects.filter(owner__path__in=[*org.ancestor_paths(), org.path])
        .order_by("-owner__depth")
        .first()
    )


def _recompute(application: Application) -> None:
    application.due_date, application.calendar_not_covered = deadlines.application_due(application)


@transaction.atomic
def submit_application(org, *, by, title, description, purpose="", delivery=Delivery.ONLINE) -> Application:
    """R16: a member applies to their organisation or an ancestor; numbered and given a due date."""
    access.require(by, "application.create", org)
    if delivery not in Delivery.values:
        raise ActionError(_("请选择获取信息的方式。"))
    title = clean_line(title, field=_("申请公开的内容"), max_length=200)
    description = clean_text(description, field=_("内容描述"), max_length=2000)
    purpose = clean_line(purpose, field=_("用途"), max_length=200, required=False)
    now = timezone.now()
    year = timezone.localtime(now).year
    seq = next_number(f"application:{org.code}:{year}")
    policy = policy_for(org)
    application = Application(
        number=f"{org.code}-YSQ-{year}-{seq:04d}",
        org=org,
        org_path=org.path,
        applicant=by,
        title=title,
        description=description,
        purpose=purpose,
        delivery=delivery,
        received_at=now,
        days=policy.days if policy else DEFAULT_DAYS,
    )
    application.due_date, application.calendar_not_covered = calendar.compute_due(
        calendar.local_date(now), application.days, [], rest_day_receipt=True
    )
    application.save()
    record(action="application.submit", obj=application, actor=by, data={"number": application.number})
    notices.send(
        notices.handlers(org),
        _("收到公开申请：%(number)s") % {"number": application.number},
        application.title,
        reverse("applications:detail", args=[application.pk]),
    )
    return application


def _open(application: Application) -> None:
    if application.status == Status.ANSWERED:
        raise ActionError(_("该申请已答复，不能再办理。"))


@transaction.atomic
def extend_application(application, *, by, days, reason) -> Application:
    """R16: one extension, with a reason, up to the policy's limit."""
    application = locked(application, "org")
    access.require(by, "application.handle", application)
    _open(application)
    if application.extension_days:
        raise ActionError(_("每件申请只能延期一次。"))
    policy = policy_for(application.org)
    limit = policy.extension_days if policy else DEFAULT_DAYS
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ActionError(_("请填写延期的工作日数。")) from None
    if not 1 <= days <= limit:
        raise ActionError(_("延期须为 1 至 %(n)s 个工作日。") % {"n": limit})
    application.extension_days = days
    application.extension_reason = clean_line(reason, field=_("延期理由"), max_length=300)
    _recompute(application)
    application.save(update_fields=["extension_days", "extension_reason", "due_date", "calendar_not_covered"])
    record(action="application.extend", obj=application, actor=by, data={"days": days})
    _tell_applicant(application, _("公开申请延期答复：%(number)s") % {"number": application.number})
    return application


@transaction.atomic
def pause_application(application, *, by, kind, note="", on: date | None = None) -> Application:
    """R16: stop the clock while the applicant completes the application or a third party is asked."""
    application = locked(application, "org")
    access.require(by, "application.handle", application)
    _open(application)
    if application.is_paused:
        raise ActionError(_("计时已中止，请先恢复计时。"))
    if kind not in Pause.Kind.values:
        raise ActionError(_("请选择中止计时的原因。"))
    start = on or timezone.localdate()
    if start < calendar.local_date(application.received_at):
        raise ActionError(_("中止日期不能早于收到申请的日期。"))
    note = clean_line(note, field=_("说明"), max_length=500, required=False)
    Pause.objects.create(application=application, kind=kind, start=start, note=note)
    application.status = Status.SUPPLEMENT if kind == Pause.Kind.SUPPLEMENT else Status.CONSULTING
    _recompute(application)
    application.save(update_fields=["status", "due_date", "calendar_not_covered"])
    record(action="application.pause", obj=application, actor=by, data={"kind": kind, "start": str(start)})
    if kind == Pause.Kind.SUPPLEMENT:
        _tell_applicant(application, _("请补正公开申请：%(number)s") % {"number": application.number})
    return application


@transaction.atomic
def resume_application(application, *, by, on: date | None = None) -> Application:
    """The applicant completed the application / the third party answered: the clock restarts."""
    application = locked(application, "org")
    access.require(by, "application.handle", application)
    pause = application.pauses.filter(end__isnull=True).first()
    if pause is None:
        raise ActionError(_("计时未中止。"))
    end = _resume_date(pause, on)
    pause.end = end
    pause.save(update_fields=["end"])
    application.status = Status.PROCESSING
    _recompute(application)
    application.save(update_fields=["status", "due_date", "calendar_not_covered"])
    record(action="application.resume", obj=application, actor=by, data={"end": str(end)})
    return application


def _resume_date(pause: Pause, on: date | None) -> date:
    end = on or timezone.localdate()
    if end > timezone.localdate():
        # A future resume date would stop the clock for days that have not happened yet.
        raise ActionError(_("恢复日期不能晚于今天。"))
    if end < pause.start:
        raise ActionError(_("恢复日期不能早于中止日期。"))
    return end


@transaction.atomic
def supply_supplement(application, *, by, text) -> Application:
    """R16: the applicant completes the application online (补正): the text is kept with the pause,
    the clock restarts today, and the handlers are told."""
    application = locked(application, "org")
    if application.applicant_id != getattr(by, "pk", None):
        raise ActionError(_("只有申请人本人可以补正申请。"))
    if application.status != Status.SUPPLEMENT:
        raise ActionError(_("该申请当前不需要补正。"))
    pause = application.pauses.filter(end__isnull=True, kind=Pause.Kind.SUPPLEMENT).first()
    if pause is None:
        raise ActionError(_("该申请当前不需要补正。"))
    pause.supplement = clean_text(text, field=_("补正内容"), max_length=2000)
    pause.end = _resume_date(pause, None)
    pause.save(update_fields=["supplement", "end"])
    application.status = Status.PROCESSING
    _recompute(application)
    application.save(update_fields=["status", "due_date", "calendar_not_covered"])
    record(action="application.supplement", obj=application, actor=by, data={"end": str(pause.end)})
    notices.send(
        notices.handlers(application.org),
        _("申请人已补正：%(number)s") % {"number": application.number},
        _("申请人已在线补正，计时自 %(d)s 起恢复，答复期限 %(due)s。")
        % {"d": pause.end, "due": application.due_date or _("待定")},
        reverse("applications:detail", args=[application.pk]),
    )
    return application


@transaction.atomic
def answer_application(
    application,
    *,
    by,
    answer_type,
    text,
    reason="",
    deferred_until=None,
    item_scope=None,
    catalogue_item=None,
    files=(),
) -> Application:
    """R17: answer with a type of the national taxonomy. 予以公开 within a scope (`item_scope`)
    creates a prefilled draft disclosure item that then follows the normal workflow."""
    application = locked(application, "org")
    access.require(by, "application.handle", application)
    _open(application)
    if application.is_paused:
        raise ActionError(_("计时中止期间不能答复，请先恢复计时。"))
    if answer_type not in AnswerType.values:
        raise ActionError(_("请选择答复类型。"))
    reasons = REASONS.get(answer_type)
    if reasons is not None:
        if reason not in dict(reasons):
            raise ActionError(_("请选择“%(type)s”的理由。") % {"type": AnswerType(answer_type).label})
    else:
        reason = ""
    text = clean_text(text, field=_("答复内容"), max_length=5000)
    if answer_type == AnswerType.DEFERRED:
        if deferred_until is None or deferred_until <= timezone.localdate():
            raise ActionError(_("暂缓公开须注明公开日期（晚于今天）。"))
    else:
        deferred_until = None
    item = None
    if item_scope:
        if answer_type not in (AnswerType.DISCLOSED, AnswerType.PARTIAL):
            raise ActionError(_("只有予以公开或部分公开的答复才能在一定范围内公开。"))
        if item_scope not in Scope.values:
            raise ActionError(_("请选择公开范围。"))
        if catalogue_item is None:
            raise ActionError(_("在一定范围内公开须选择对应的目录事项。"))
        from gongkai.disclosure.actions import create_item

        item = create_item(
            application.org,
            by=by,
            title=application.title,
            body=text,
            catalogue_item=catalogue_item,
            scope=item_scope,
        )
    now = timezone.now()
    application.answer_type = answer_type
    application.answer_reason = reason
    application.answer_text = text
    application.deferred_until = deferred_until
    application.answered_at = now
    application.answered_by = by
    application.status = Status.ANSWERED
    application.created_item = item
    application.answered_late = (
        None if application.due_date is None else calendar.local_date(now) > application.due_date
    )
    application.save(
        update_fields=[
            "answer_type",
            "answer_reason",
            "answer_text",
            "deferred_until",
            "answered_at",
            "answered_by",
            "status",
            "created_item",
            "answered_late",
        ]
    )
    record(
        action="application.answer",
        obj=application,
        actor=by,
        data={
            "type": answer_type,
            "reason": reason,
            "late": application.answered_late,
            "item": item and item.pk,
        },
    )
    _attach(application, files, by=by)
    _tell_applicant(application, _("您的公开申请已答复：%(number)s") % {"number": application.number})
    return application


MAX_ANSWER_FILES = 5


def _attach(application, files, *, by) -> None:
    """Issue 16: the answer's files (the document disclosed), checked like an item's attachments."""
    files = list(files)
    if len(files) > MAX_ANSWER_FILES:
        raise ActionError(_("答复最多附 %(n)s 个文件。") % {"n": MAX_ANSWER_FILES})
    saved = []
    try:
        for uploaded in files:
            upload = uploads.store(uploaded, "answers")
            saved.append(upload.stored_name)
            AnswerAttachment.objects.create(
                application=application, original_name=upload.original_name, stored_name=upload.stored_name,
                kind=upload.kind, size=upload.size, sha256=upload.sha256,
            )  # fmt: skip
    except Exception as exc:
        for name in saved:  # a refused answer leaves no file behind
            default_storage.delete(name)
        if isinstance(exc, uploads.UploadRefused):
            raise ActionError(str(exc)) from None
        raise
    if files:
        record(action="application.attach", obj=application, actor=by, data={"files": len(files)})


def _tell_applicant(application, title: str) -> None:
    url = reverse("applications:detail", args=[application.pk])
    notices.send([application.applicant], title, application.title, url)


def applicable_catalogue_items(org):
    return CatalogueItem.objects.for_org(org).order_by("category", "pk")


@transaction.atomic
def set_policy(owner, *, by, days, extension_days=DEFAULT_DAYS) -> ApplicationPolicy:
    """R16: the catalogue owner sets the answer period for the organisations under it."""
    access.require(by, "application.set_policy", owner)
    policy, _created = ApplicationPolicy.objects.select_for_update().get_or_create(owner=owner)
    policy.days, policy.extension_days = int(days), int(extension_days)
    policy.full_clean()
    policy.save()
    record(action="application.policy", obj=policy, actor=by, data={"days": policy.days}, org_path=owner.path)
    return policy


def read_applicant(application: Application, *, by) -> dict:
    """SECURITY 15: the applicant's name, unmasked for the assigned handlers (the receiving
    organisation's clerk and secretary), each such read audited; the applicant reads their own."""
    name = str(application.applicant)
    if application.applicant_id == by.pk:
        return {"name": name, "unmasked": True}
    if not access.can(by, "application.personal_data", application):
        return {"name": application.masked_applicant, "unmasked": False}
    with transaction.atomic():
        record(action="application.read_personal_data", obj=application, actor=by)
    return {"name": name, "unmasked": True}
