from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.catalogue.models import Scope
from gongkai.lib import filetypes, params, spreadsheet
from gongkai.lib.errors import message_of
from gongkai.lib.pages import run_action
from gongkai.obligations import calendar

from . import actions
from .models import REASONS, AnswerAttachment, AnswerType, Delivery, Pause, Status


def applicable_orgs(user):
    """The member's organisations and their ancestors: where they may apply (R16)."""
    return access.applicable_orgs(user).order_by("path")


def guide(request):
    from .models import DEFAULT_DAYS

    return render(
        request,
        "applications/guide.html",
        {"days": DEFAULT_DAYS, "answer_types": AnswerType.choices, "reasons": REASONS},
    )


@login_required
def new(request):
    orgs = list(applicable_orgs(request.user))
    values, error = {}, ""
    if not orgs:
        return render(request, "applications/new.html", {"orgs": orgs, "not_member": True})
    own = [o.code for o in access.member_orgs(request.user)]
    values = {"org": next((o.code for o in orgs if o.code in own), "")}  # issue 16: one's own first
    if request.method == "POST":
        values = request.POST
        org = next((o for o in orgs if o.code == request.POST.get("org")), None)
        try:
            if org is None:
                raise ValidationError(_("请选择受理申请的党组织。"))
            application = actions.submit_application(
                org,
                by=request.user,
                title=request.POST.get("title"),
                description=request.POST.get("description"),
                purpose=request.POST.get("purpose", ""),
                delivery=request.POST.get("delivery", ""),
            )
        except ValidationError as exc:
            error = message_of(exc)
        else:
            messages.success(request, _("申请已提交，编号 %(n)s。") % {"n": application.number})
            return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/new.html",
        {"orgs": orgs, "values": values, "error": error, "deliveries": Delivery.choices},
    )


@login_required
def mine(request):
    apps = access.visible_applications(request.user).filter(applicant=request.user).select_related("org")
    return render(request, "applications/mine.html", {"applications": apps})


def _days_left(application):
    if not application.is_open:
        return None
    return calendar.working_days_left(application.due_date)


@login_required
def detail(request, pk):
    application = access.get_application_or_404(
        request.user,
        pk,
        access.visible_applications(request.user).select_related("org", "applicant", "created_item"),
    )
    staff = access.can(request.user, "application.view_handling", application)
    can_handle = access.can(request.user, "application.handle", application)
    own = application.applicant_id == request.user.pk
    applicant = {"name": application.masked_applicant, "unmasked": False}
    if own or request.GET.get("show") == "personal":
        applicant = actions.read_applicant(application, by=request.user)
    supplement = None
    if own and application.status == Status.SUPPLEMENT:
        supplement = application.pauses.filter(end__isnull=True, kind=Pause.Kind.SUPPLEMENT).first()
    context = {
        "a": application,
        "supplement": supplement,
        "applicant": applicant,
        "can_see_personal": access.can(request.user, "application.personal_data", application),
        "staff": staff,
        "can_handle": can_handle and application.is_open,
        "pauses": application.pauses.all() if staff or application.applicant_id == request.user.pk else [],
        "days_left": _days_left(application),
    }
    if can_handle and application.is_open:
        context.update(
            {
                "answer_types": AnswerType.choices,
                "reasons": [(str(t), AnswerType(t).label, r) for t, r in REASONS.items()],
                "scopes": Scope.choices,
                "catalogue_items": actions.applicable_catalogue_items(application.org),
                "pause_kinds": Pause.Kind.choices,
                "today": timezone.localdate(),
            }
        )
    response = render(request, "applications/detail.html", context)
    if applicant["unmasked"] and not own:
        response["Cache-Control"] = "private, no-store"  # unmasked personal data stays out of caches
    return response


def _handle(request, pk, fn):
    application = access.get_application_or_404(request.user, pk)
    if not access.can(request.user, "application.handle", application):
        raise Http404
    run_action(request, lambda: fn(application))
    return redirect("applications:detail", pk=application.pk)


def _date(raw):
    return params.parse_date(raw)


@require_POST
@login_required
def extend(request, pk):
    p = request.POST
    return _handle(
        request,
        pk,
        lambda a: actions.extend_application(a, by=request.user, days=p.get("days"), reason=p.get("reason")),
    )


@require_POST
@login_required
def pause(request, pk):
    p = request.POST
    return _handle(
        request,
        pk,
        lambda a: actions.pause_application(
            a, by=request.user, kind=p.get("kind"), note=p.get("note", ""), on=_date(p.get("on"))
        ),
    )


@require_POST
@login_required
def resume(request, pk):
    return _handle(
        request,
        pk,
        lambda a: actions.resume_application(a, by=request.user, on=_date(request.POST.get("on"))),
    )


@require_POST
@login_required
def answer(request, pk):
    p = request.POST

    def do(application):
        item = None
        if p.get("item_scope"):
            item = (
                actions.applicable_catalogue_items(application.org)
                .filter(pk=params.parse_id(p.get("catalogue_item")))
                .first()
            )
        reason_key = f"reason_{p.get('answer_type')}"
        actions.answer_application(
            application,
            by=request.user,
            answer_type=p.get("answer_type", ""),
            reason=p.get(reason_key, ""),
            text=p.get("text"),
            deferred_until=_date(p.get("deferred_until")),
            item_scope=p.get("item_scope") or None,
            catalogue_item=item,
            files=request.FILES.getlist("files"),
        )

    return _handle(request, pk, do)


def _lines(qs):
    yield [
        _("申请编号"),
        _("党组织"),
        _("申请公开的内容"),
        _("收到日期"),
        _("答复期限"),
        _("状态"),
        _("答复类型"),
        _("答复日期"),
    ]
    for a in qs.iterator(chunk_size=2000):
        yield [
            a.number,
            a.org.name,
            a.title,
            timezone.localtime(a.received_at).date(),
            a.due_date,
            str(a.get_status_display()),
            str(a.get_answer_type_display()) if a.answer_type else "",
            timezone.localtime(a.answered_at).date() if a.answered_at else None,
        ]


@require_POST
@login_required
def supplement(request, pk):
    """R16: the applicant supplies what the handler asked for (补正) and the clock restarts."""
    application = access.get_application_or_404(request.user, pk)
    run_action(
        request,
        lambda: actions.supply_supplement(application, by=request.user, text=request.POST.get("text")),
        success=_("已提交补正，答复期限恢复计算。"),
    )
    return redirect("applications:detail", pk=application.pk)


@login_required
def download(request, pk, attachment_id):
    """An answer's file: to whoever may see the application (the applicant, its staff), as a download."""
    application = access.get_application_or_404(request.user, pk)
    attachment = AnswerAttachment.objects.filter(application=application, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        default_storage.open(attachment.stored_name, "rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=filetypes.CONTENT_TYPES[attachment.kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def work(request):
    """R29: the staff list, open applications first, by due date."""
    if not access.may_anywhere(request.user, "read_cases"):
        raise Http404
    qs = access.visible_applications(request.user).select_related("org", "applicant")
    status = request.GET.get("status", "open")
    if status == "open":
        qs = qs.exclude(status=Status.ANSWERED)
    elif status == "answered":
        qs = qs.filter(status=Status.ANSWERED)
    fmt = request.GET.get("format")
    if fmt in spreadsheet.FORMATS:  # R34: the list's rows (the applicant's identity stays out)
        return spreadsheet.response(
            _lines(qs.order_by("due_date", "received_at")), fmt, "applications", sheet=_("依申请公开")
        )
    rows = list(qs.order_by("due_date", "received_at")[:500])
    today = timezone.localdate()
    return render(request, "applications/work.html", {"applications": rows, "status": status, "today": today})
