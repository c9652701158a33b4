"""R21: inspections, findings, responses and verification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.lib import spreadsheet
from gongkai.lib.pages import run_action

from . import actions
from .forms import FindingForm, InspectionForm, RespondForm, VerifyForm
from .models import FindingStatus, RectificationStep


def _inspector_orgs(user):
    return list(access.orgs_where(user, "inspect").order_by("path"))


def _lines(inspections):
    yield [
        _("检查日期"),
        _("党组织"),
        _("检查情况"),
        _("发现问题"),
        _("限期整改"),
        _("整改截止日期"),
        _("整改状态"),
    ]
    for i in inspections.prefetch_related("findings"):
        findings = list(i.findings.all()) or [None]
        for f in findings:
            yield [
                i.date,
                i.org.name,
                i.summary,
                f.text if f else "",
                (str(_("是")) if f.rectification_required else str(_("否"))) if f else "",
                f.due_date if f else None,
                str(f.get_status_display()) if f else "",
            ]


@login_required
def inspection_list(request):
    if not access.oversees_anything(request.user):
        raise Http404
    qs = access.visible_inspections(request.user).select_related("org", "inspector").order_by("-date", "-pk")
    fmt = request.GET.get("format")
    if fmt in spreadsheet.FORMATS:  # R34: the inspections listed, one line per finding
        return spreadsheet.response(_lines(qs), fmt, "inspections", sheet=_("督导检查"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    orgs = _inspector_orgs(request.user)
    form = None
    if orgs:
        form = InspectionForm(request.POST or None, initial={"date": timezone.localdate()})
        form.fields["org"].choices = [(o.code, o.name) for o in orgs]
        if request.method == "POST" and form.is_valid():
            org = next(o for o in orgs if o.code == form.cleaned_data["org"])
            done = run_action(
                request,
                lambda: actions.create_inspection(
                    org, by=request.user, on=form.cleaned_data["date"], summary=form.cleaned_data["summary"]
                ),
                success=_("检查记录已登记，请继续登记发现的问题。"),
                form=form,
            )
            if done.ok:
                inspection = done.value
                return redirect("oversight:inspection", inspection.pk)
    elif request.method == "POST":
        raise Http404
    return render(request, "oversight/inspections.html", {"page": page, "form": form})


def _inspection_or_404(user, pk):
    return access.get_or_404(
        access.visible_inspections(user).select_related("org", "inspector"), viewer=user, pk=pk
    )


@login_required
def inspection_detail(request, pk):
    inspection = _inspection_or_404(request.user, pk)
    findings = list(
        inspection.findings.prefetch_related(
            Prefetch("steps", RectificationStep.objects.select_related("by"))
        )
    )
    today = timezone.localdate()
    can_inspect = access.can(request.user, "oversight.inspect", inspection.org)
    rows = []
    for f in findings:
        f.org = inspection.org  # same organisation: spares a query per finding in the rules
        rows.append(
            {
                "finding": f,
                "overdue": f.is_overdue(today),
                "steps": list(f.steps.all()),
                "respond_form": RespondForm(auto_id=f"id_r{f.pk}_%s")
                if f.status in ("open", "sent_back") and access.can(request.user, "oversight.respond", f)
                else None,
                "verify_form": VerifyForm(auto_id=f"id_v{f.pk}_%s")
                if can_inspect and f.status == "responded"
                else None,
            }
        )
    return render(
        request,
        "oversight/inspection.html",
        {
            "inspection": inspection,
            "rows": rows,
            "finding_form": FindingForm() if can_inspect else None,
            "status": FindingStatus,
        },
    )


@login_required
@require_POST
def add_finding(request, pk):
    inspection = _inspection_or_404(request.user, pk)
    if not access.can(request.user, "oversight.inspect", inspection.org):
        raise Http404
    form = FindingForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: actions.add_finding(
                inspection,
                by=request.user,
                text=form.cleaned_data["text"],
                rectification_required=form.cleaned_data["rectification_required"],
                deadline_days=form.cleaned_data["deadline_days"],
            ),
            success=_("问题已登记。"),
        )
    else:
        messages.error(request, _("请填写发现的问题和整改期限（1 至 120 个工作日）。"))
    return redirect("oversight:inspection", inspection.pk)


def _finding_or_404(user, pk):
    return access.get_or_404(access.visible_findings(user).select_related("org"), pk=pk)


@login_required
@require_POST
def respond(request, pk):
    finding = _finding_or_404(request.user, pk)
    if not access.can(request.user, "oversight.respond", finding):
        raise Http404
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写整改情况。"))
    else:
        run_action(
            request,
            lambda: actions.respond_finding(finding, by=request.user, text=form.cleaned_data["response"]),
            success=_("整改情况已反馈，等待领导小组办公室核验。"),
        )
    return redirect("oversight:inspection", finding.inspection_id)


@login_required
@require_POST
def verify(request, pk):
    finding = _finding_or_404(request.user, pk)
    if not access.can(request.user, "oversight.verify", finding):
        raise Http404
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核验结论。"))
    else:
        close = form.cleaned_data["decision"] == "close"
        run_action(
            request,
            lambda: actions.verify_finding(
                finding, by=request.user, close=close, note=form.cleaned_data["note"]
            ),
            success=_("已销号。") if close else _("已退回重新整改。"),
        )
    return redirect("oversight:inspection", finding.inspection_id)
