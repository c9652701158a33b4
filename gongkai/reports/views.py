"""Pages over several areas' records: the statistics that feed the annual report, annual reports (R35),
carriers (R36), accountability (R37)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.audit.log import record
from gongkai.disclosure.models import State
from gongkai.lib import filetypes, params
from gongkai.orgs.models import Organisation, Role

from . import actions, documents, stats, tables
from .forms import AccountabilityForm, AnnualReportForm, CarrierForm
from .models import Carrier


@login_required
def stats_page(request):
    orgs = list(access.orgs_where(request.user, "read_cases").order_by("path"))
    if not orgs:
        raise Http404
    code = request.GET.get("org") or orgs[0].code
    org = next((o for o in orgs if o.code == code), None)
    if org is None or not access.can(request.user, "stats.view", org):
        raise Http404
    error = ""
    try:
        start, end = params.parse_period(request.GET.get("from"), request.GET.get("to"))
    except ValidationError as exc:
        error = " ".join(exc.messages)
        start, end = params.parse_period(None, None)
    result = stats.compute(org, start, end)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and not error:
        return stats.export(result, fmt, org.name)
    return render(
        request,
        "reports/stats.html",
        {"orgs": orgs, "org": org, "start": start, "end": end, "rows": stats.rows(result), "error": error},
    )


def _orgs_where(user, roles) -> list[Organisation]:
    return access.paperwork_orgs(user, roles)


def _report_or_404(user, pk):
    report = access.visible_annual_reports(user).select_related("org", "item").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def _errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@login_required
def annual_list(request):
    """R35: the reports the user may read, and the form to write one (clerk or secretary)."""
    reports = access.visible_annual_reports(request.user).select_related("org", "item")
    drafters = _orgs_where(request.user, {Role.CLERK, Role.SECRETARY})
    if not drafters and not access.holds_any(request.user, access.REPORT_READERS):
        raise Http404
    form = AnnualReportForm(request.POST or None, orgs=drafters) if drafters else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            org = next(o for o in drafters if o.code == form.cleaned_data["org"])
            try:
                report = actions.draft_annual_report(
                    org,
                    form.cleaned_data["year"],
                    by=request.user,
                    subtree=form.cleaned_data["subtree"],
                    overview=form.cleaned_data["overview"],
                    problems=form.cleaned_data["problems"],
                    other_matters=form.cleaned_data["other_matters"],
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("年报草稿已生成，数据均由系统统计。请核对后提交审核。"))
                return redirect("reports:annual", report.pk)
    return render(request, "reports/annual_list.html", {"reports": reports, "form": form})


def annual_published(request):
    """R27: the public site's 公开年报: the published reports the visitor may read, newest year first."""
    items = (
        access.visible_items(request.user)
        .filter(annual_report__isnull=False, state=State.PUBLISHED)
        .select_related("org", "annual_report")
        .order_by("-annual_report__year", "org_path")[:200]
    )
    return render(request, "reports/annual_published.html", {"items": items})


@login_required
def annual_detail(request, pk):
    report = _report_or_404(request.user, pk)
    figures = report.figures
    generated = documents.markdown(report, figures)
    can_draft = access.can(request.user, "report.draft", report.org)
    return render(
        request,
        "reports/annual.html",
        {
            "report": report,
            "title": documents.title_of(report),
            "sections": documents.sections(report, figures),
            "can_edit": can_draft and report.item.state == State.DRAFT,
            # The body is the generated text unless someone edited the item by hand.
            "body_matches": report.item.body == generated,
            "due": f"{report.year + 1}-01-31",
        },
    )


@login_required
def annual_edit(request, pk):
    report = _report_or_404(request.user, pk)
    if not access.can(request.user, "report.draft", report.org):
        raise Http404
    initial = {
        "org": report.org.code,
        "year": report.year,
        "subtree": report.subtree,
        "overview": report.overview,
        "problems": report.problems,
        "other_matters": report.other_matters,
    }
    form = AnnualReportForm(request.POST or None, initial=initial, orgs=[report.org])
    for name in ("org", "year", "subtree"):
        form.fields[name].disabled = True  # fixed once drafted: only the written sections change
    if request.method == "POST" and form.is_valid():
        try:
            actions.draft_annual_report(
                report.org,
                report.year,
                by=request.user,
                subtree=report.subtree,
                overview=form.cleaned_data["overview"],
                problems=form.cleaned_data["problems"],
                other_matters=form.cleaned_data["other_matters"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("年报草稿已更新，数据已重新统计。"))
            return redirect("reports:annual", report.pk)
    return render(request, "reports/annual_edit.html", {"report": report, "form": form})


@login_required
@require_POST
def annual_submit(request, pk):
    report = _report_or_404(request.user, pk)
    try:
        actions.submit_annual_report(report, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:annual", report.pk)
    messages.success(request, _("年报已提交审核。"))
    return redirect("disclosure:work_item", report.item_id)


@login_required
def annual_download(request, pk, fmt):
    """XLSX of the tables, or the DOCX for filing (R35). Every export is audited (SECURITY 10)."""
    report = _report_or_404(request.user, pk)
    title = documents.title_of(report)
    if fmt == "xlsx":
        data, content_type = documents.xlsx(title, tables.all_tables(report.figures)), documents.XLSX_TYPE
    elif fmt == "docx":
        closing = [
            report.org.name,
            timezone.localdate(report.item.published_at or timezone.now()).strftime("%Y年%m月%d日"),
        ]
        data = documents.docx(title, "", documents.sections(report, report.figures), closing)
        content_type = documents.DOCX_TYPE
    else:
        raise Http404
    record(action="annual_report.export", obj=report, actor=request.user, data={"format": fmt})
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="annual-report-{report.org.code}-{report.year}.{fmt}"'
    )
    return response


# ---- R36: carriers --------------------------------------------------------------------------------


@login_required
def carriers(request, pk):
    """Record the other carriers of a published item (meeting, document, board, screen, letter)."""
    item = access.get_item_or_404(request.user, pk, access.staff_items(request.user).select_related("org"))
    if not access.can(request.user, "carrier.record", item):
        raise Http404
    form = CarrierForm(request.POST or None, request.FILES or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_carrier(
                item,
                by=request.user,
                kind=d["kind"],
                on=d["on"],
                detail=d["detail"],
                attendance=d["attendance"],
                doc_number=d["doc_number"],
                photo=d["photo"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("公开形式已登记。"))
            return redirect("reports:carriers", item.pk)
    return render(
        request,
        "reports/carriers.html",
        {"item": item, "form": form, "carriers": item.carriers.select_related("recorded_by")},
    )


def carrier_photo(request, pk):
    """A carrier's photo, for whoever may read its item; always as a download (SECURITY 18)."""
    carrier = Carrier.objects.filter(pk=pk).exclude(photo_name="").first()
    if carrier is None:
        raise Http404
    access.get_item_or_404(request.user, carrier.item_id)
    kind = filetypes.sniff(default_storage.open(carrier.photo_name, "rb").read(16)) or "png"
    response = FileResponse(
        default_storage.open(carrier.photo_name, "rb"),
        as_attachment=True,
        filename=f"carrier-{carrier.pk}{filetypes.EXTENSIONS.get(kind, '')}",
        content_type=filetypes.CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- R37: accountability --------------------------------------------------------------------------


@login_required
def accountability(request):
    records = access.visible_accountability(request.user).select_related("org")
    orgs = _orgs_where(request.user, {Role.INSPECTOR})
    if not orgs and not access.holds_any(request.user, access.ACCOUNTABILITY_READERS):
        raise Http404
    form = AccountabilityForm(request.POST or None, orgs=orgs) if orgs else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            org = next(o for o in orgs if o.code == d["org"])
            try:
                actions.record_accountability(
                    org,
                    by=request.user,
                    kind=d["kind"],
                    person=d["person"],
                    facts=d["facts"],
                    decision=d["decision"],
                    decided_on=d["decided_on"],
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("责任追究记录已登记。"))
                return redirect("reports:accountability")
    return render(request, "reports/accountability.html", {"records": records[:200], "form": form})
