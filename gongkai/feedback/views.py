from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.lib import params, spreadsheet
from gongkai.lib.confidentiality import KIND_LABELS
from gongkai.lib.errors import message_of
from gongkai.lib.pages import run_action

from . import actions
from .models import OFFLINE_CHANNELS, FeedbackCase, Kind, Status, normalise_code
from .ratelimit import allow

SUBMIT_LIMIT = 5  # online submissions per address per hour
LOOKUP_LIMIT = 30  # tracking-code lookups per address per hour


def _public_orgs(user):
    return access.visible_orgs(user).filter(is_public=True).order_by("path")


def index(request):
    return render(request, "feedback/index.html")


def new(request):
    orgs = list(_public_orgs(request.user))
    values, error = {}, ""
    if request.method == "POST":
        values = request.POST
        if not allow(request, "feedback", limit=SUBMIT_LIMIT):
            return render(
                request,
                "feedback/new.html",
                {
                    "orgs": orgs,
                    "values": values,
                    "kinds": Kind.choices,
                    "error": _("提交过于频繁，请一小时后再试。"),
                },
                status=429,
            )
        org = next((o for o in orgs if o.code == request.POST.get("org")), None)
        try:
            if request.POST.get("website"):  # honeypot: people never see this field
                raise ValidationError(_("提交失败，请刷新页面后重试。"))
            if org is None:
                raise ValidationError(_("请选择受理的党组织。"))
            case = actions.submit_online(
                org,
                user=request.user,
                subject=request.POST.get("subject"),
                content=request.POST.get("content"),
                name=request.POST.get("name", ""),
                contact=request.POST.get("contact", ""),
                kind=request.POST.get("kind", Kind.SUGGESTION),
            )
        except ValidationError as exc:
            error = message_of(exc)
        else:
            return render(request, "feedback/submitted.html", {"case": case})
    return render(
        request, "feedback/new.html", {"orgs": orgs, "values": values, "kinds": Kind.choices, "error": error}
    )


def track(request):
    """Status and reply by tracking code, without an account; unknown and malformed codes alike say 未找到."""
    raw = request.GET.get("code")
    case, searched, error = None, raw is not None, ""
    if searched:
        if not allow(request, "feedback-track", limit=LOOKUP_LIMIT):
            error = _("查询过于频繁，请稍后再试。")
        else:
            code = normalise_code(raw)
            if code is not None:
                case = FeedbackCase.objects.select_related("org").filter(code=code).first()
    status = 404 if searched and case is None else 200
    if error:
        status = 429
    return render(
        request, "feedback/track.html", {"case": case, "searched": searched, "error": error}, status=status
    )


def replies(request):
    """Published replies, by organisation."""
    orgs = list(_public_orgs(request.user))
    qs = access.visible_replies(request.user).select_related("org")
    org = None
    if request.GET.get("org"):
        org = next((o for o in orgs if o.code == request.GET["org"]), None)
        if org is None:
            raise Http404
        qs = qs.filter(org.subtree_q("org_path"))
    page = Paginator(qs.order_by("-published_at"), 20).get_page(request.GET.get("page"))
    return render(request, "feedback/replies.html", {"page": page, "orgs": orgs, "org": org})


def public_reply(request, pk):
    """One published reply (search results link here); unpublished or unlisted reads like missing."""
    case = access.get_or_404(
        access.visible_replies(request.user).select_related("org"), viewer=request.user, pk=pk
    )
    return render(request, "feedback/reply.html", {"c": case})


# ---- staff ------------------------------------------------------------------------------------


def _lines(qs):
    yield [
        _("查询码"),
        _("党组织"),
        _("渠道"),
        _("类别"),
        _("标题"),
        _("收到日期"),
        _("办理期限"),
        _("状态"),
        _("答复日期"),
    ]
    for c in qs.iterator(chunk_size=2000):
        yield [
            c.code,
            c.org.name,
            str(c.get_channel_display()),
            str(c.get_kind_display()),
            c.subject,
            timezone.localtime(c.received_at).date(),
            c.due_date,
            str(c.get_status_display()),
            timezone.localtime(c.replied_at).date() if c.replied_at else None,
        ]


@login_required
def work(request):
    if not access.may_anywhere(request.user, "read_cases"):
        raise Http404
    qs = access.visible_feedback(request.user).select_related("org")
    status = request.GET.get("status", "open")
    if status == "open":
        qs = qs.exclude(status=Status.REPLIED)
    elif status == "replied":
        qs = qs.filter(status=Status.REPLIED)
    fmt = request.GET.get("format")
    if fmt in spreadsheet.FORMATS:  # R34: the list's rows; the submitter's personal data stays out
        return spreadsheet.response(
            _lines(qs.order_by("due_date", "received_at")), fmt, "feedback", sheet=_("意见反馈")
        )
    cases = list(qs.order_by("due_date", "received_at")[:500])
    return render(request, "feedback/work.html", {"cases": cases, "status": status})


@login_required
def record(request):
    orgs = list(access.orgs_where(request.user, "prepare").order_by("path"))
    if not orgs:
        raise Http404
    values, error = {}, ""
    if request.method == "POST":
        values = request.POST
        org = next((o for o in orgs if o.code == request.POST.get("org")), None)
        try:
            if org is None:
                raise ValidationError(_("请选择受理的党组织。"))
            received_on = params.parse_date(request.POST.get("received_on"))
            case = actions.record_offline(
                org,
                by=request.user,
                channel=request.POST.get("channel", ""),
                subject=request.POST.get("subject"),
                content=request.POST.get("content"),
                name=request.POST.get("name", ""),
                contact=request.POST.get("contact", ""),
                kind=request.POST.get("kind", Kind.SUGGESTION),
                received_on=received_on,
            )
        except ValidationError as exc:
            error = message_of(exc)
        else:
            messages.success(request, _("已登记，查询码 %(c)s，请告知反馈人。") % {"c": case.code_display})
            return redirect("feedback:case", pk=case.pk)
    return render(
        request,
        "feedback/record.html",
        {
            "orgs": orgs,
            "values": values,
            "error": error,
            "channels": [(c.value, c.label) for c in OFFLINE_CHANNELS],
            "kinds": Kind.choices,
        },
    )


@login_required
def case_detail(request, pk):
    case = access.get_feedback_or_404(
        request.user, pk, access.visible_feedback(request.user).select_related("org")
    )
    can_handle = access.can(request.user, "feedback.handle", case)
    personal = {"name": case.masked_name, "contact": case.masked_contact, "unmasked": False}
    if request.GET.get("show") == "personal":
        personal = actions.read_personal_data(case, by=request.user)
    context = {
        "case": case,
        "notes": case.notes.select_related("author"),
        "can_handle": can_handle,
        "can_see_personal": access.can(request.user, "feedback.personal_data", case),
        "personal": personal,
    }
    if can_handle and case.status == Status.REPLIED and case.published_at is None:
        hits = actions.publication_hits(case, case.reply)
        context["hits"] = [(KIND_LABELS[h.kind], h.context) for h in hits]
    if can_handle:
        context["route_orgs"] = list(access.orgs_where(request.user, "prepare").order_by("path"))
    return render(request, "feedback/case.html", context)


def _handle(request, pk, fn):
    case = access.get_feedback_or_404(request.user, pk)
    if not access.can(request.user, "feedback.handle", case):
        raise Http404
    run_action(request, lambda: fn(case))
    return redirect("feedback:case", pk=case.pk)


@require_POST
@login_required
def add_note(request, pk):
    return _handle(request, pk, lambda c: actions.add_note(c, by=request.user, text=request.POST.get("text")))


@require_POST
@login_required
def reply(request, pk):
    return _handle(
        request, pk, lambda c: actions.reply_case(c, by=request.user, text=request.POST.get("text"))
    )


@require_POST
@login_required
def publish(request, pk):
    p = request.POST
    return _handle(
        request, pk, lambda c: actions.publish_reply(c, by=request.user, resolution=p.get("resolution", ""))
    )


@require_POST
@login_required
def unpublish(request, pk):
    return _handle(request, pk, lambda c: actions.unpublish_reply(c, by=request.user))


@require_POST
@login_required
def route(request, pk):
    def do(case):
        org = access.orgs_where(request.user, "read_cases").filter(code=request.POST.get("org", "")).first()
        if org is None:
            raise ValidationError(_("请选择受理的党组织。"))
        actions.route_case(case, by=request.user, org=org)

    return _handle(request, pk, do)
