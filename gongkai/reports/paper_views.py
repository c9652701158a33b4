"""R37 pages: the inspection summary, filings upward and their acknowledgement, leaders' comments."""

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
from gongkai.catalogue.models import current_version_for
from gongkai.orgs.models import Role

from . import actions, documents
from . import summary as inspection_summary
from .forms import AcknowledgeForm, CommentForm, FileForm, SummaryForm
from .views import _errors, _orgs_where


def _summary_or_404(user, pk):
    summary = access.visible_summaries(user).select_related("org", "filing").filter(pk=pk).first()
    if summary is None:
        raise Http404
    return summary


@login_required
def summary_list(request):
    if not access.holds_any(request.user, access.ACCOUNTABILITY_READERS):
        raise Http404
    orgs = _orgs_where(request.user, {Role.INSPECTOR})
    form = SummaryForm(request.POST or None, orgs=orgs) if orgs else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            org = next(o for o in orgs if o.code == form.cleaned_data["org"])
            try:
                summary = actions.draft_inspection_summary(
                    org,
                    form.cleaned_data["year"],
                    by=request.user,
                    conclusions=form.cleaned_data["conclusions"],
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("总结已保存，数据已重新统计。"))
                return redirect("reports:summary", summary.pk)
    summaries = access.visible_summaries(request.user).select_related("org", "filing")
    return render(request, "reports/summaries.html", {"summaries": summaries, "form": form})


def _default_recipient(org) -> str:
    version = current_version_for(org)
    return (version.catalogue.filing_body if version else "") or ""


@login_required
def summary_detail(request, pk):
    summary = _summary_or_404(request.user, pk)
    can_write = access.can(request.user, "summary.write", summary.org) and not summary.is_filed
    file_form = FileForm(
        request.POST or None,
        initial={"recipient": _default_recipient(summary.org), "on": timezone.localdate()},
    )
    if request.method == "POST":
        if not can_write:
            raise Http404
        if file_form.is_valid():
            try:
                actions.file_inspection_summary(
                    summary,
                    by=request.user,
                    recipient=file_form.cleaned_data["recipient"],
                    on=file_form.cleaned_data["on"],
                )
            except ValidationError as exc:
                _errors(file_form, exc)
            else:
                messages.success(request, _("总结已报送并存档，不能再修改。"))
                return redirect("reports:summary", summary.pk)
    edit_form = None
    if can_write:
        edit_form = SummaryForm(
            initial={"org": summary.org.code, "year": summary.year, "conclusions": summary.conclusions},
            orgs=[summary.org],
        )
        for name in ("org", "year"):
            edit_form.fields[name].widget = edit_form.fields[name].hidden_widget()
    return render(
        request,
        "reports/summary.html",
        {
            "summary": summary,
            "title": actions.summary_title(summary),
            "tables": inspection_summary.tables(summary.figures),
            "edit_form": edit_form,
            "file_form": file_form if can_write else None,
        },
    )


@login_required
def summary_download(request, pk, fmt):
    summary = _summary_or_404(request.user, pk)
    title = actions.summary_title(summary)
    if fmt == "xlsx":
        data, content_type = (
            documents.xlsx(title, inspection_summary.tables(summary.figures)),
            documents.XLSX_TYPE,
        )
    elif fmt == "docx":
        if summary.is_filed:  # the filed document, exactly as filed
            return _filing_document(request, summary.filing)
        data, content_type = actions.summary_docx(summary), documents.DOCX_TYPE
    else:
        raise Http404
    record(action="summary.export", obj=summary, actor=request.user, data={"format": fmt})
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="inspection-summary-{summary.org.code}-{summary.year}.{fmt}"'
    )
    return response


# ---- Filings -------------------------------------------------------------------------------------


def _filing_or_404(user, pk):
    filing = (
        access.visible_filings(user).select_related("org", "recipient_org", "filed_by").filter(pk=pk).first()
    )
    if filing is None:
        raise Http404
    return filing


def _pending(user):
    """Approved changes and filed withholdings of the user's organisations not yet filed as documents."""
    changes, withholdings = access.paperwork_pending_filings(user)
    return (
        list(changes.select_related("item__org")[:50]),
        list(withholdings.select_related("org", "catalogue_item")[:50]),
    )


@login_required
def filing_list(request):
    if not (
        access.holds_any(request.user, access.FILING_SIDES)
        or access.holds_any(request.user, access.RECEIVERS)
    ):
        raise Http404
    filings = access.visible_filings(request.user).select_related("org", "recipient_org")[:200]
    changes, withholdings = _pending(request.user)
    return render(
        request,
        "reports/filings.html",
        {"filings": filings, "changes": changes, "withholdings": withholdings},
    )


@login_required
@require_POST
def file_pending(request, kind, pk):
    changes, withholdings = _pending(request.user)
    try:
        if kind == "change":
            target = next((c for c in changes if c.pk == pk), None)
            if target is None:
                raise Http404
            filing = actions.file_change(target, by=request.user)
        elif kind == "withholding":
            target = next((w for w in withholdings if w.pk == pk), None)
            if target is None:
                raise Http404
            filing = actions.file_withholding_document(target, by=request.user)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:filings")
    messages.success(request, _("报备文件已生成并报送。"))
    return redirect("reports:filing", filing.pk)


@login_required
def filing_detail(request, pk):
    filing = _filing_or_404(request.user, pk)
    can_ack = filing.acknowledged_at is None and access.can(request.user, "filing.acknowledge", filing)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST":
        if not can_ack:
            raise Http404
        if form.is_valid():
            try:
                actions.acknowledge_filing(filing, by=request.user, note=form.cleaned_data["note"])
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已签收。"))
                return redirect("reports:filing", filing.pk)
    return render(request, "reports/filing.html", {"filing": filing, "form": form if can_ack else None})


def _filing_document(request, filing):
    record(action="filing.download", obj=filing, actor=request.user)
    response = FileResponse(
        default_storage.open(filing.document_name, "rb"),
        as_attachment=True,
        filename=f"filing-{filing.pk}.docx",
        content_type=documents.DOCX_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def filing_document(request, pk):
    return _filing_document(request, _filing_or_404(request.user, pk))


# ---- 领导点评 --------------------------------------------------------------------------------------


@login_required
def comments(request, code):
    org = access.get_org_or_404(request.user, code)
    can_write = access.can(request.user, "comment.write", org)
    if not (can_write or access.is_staff_of(request.user, org)):
        raise Http404
    form = CommentForm(request.POST or None) if can_write else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                actions.comment_on(org, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("点评已保存。"))
                return redirect("reports:comments", org.code)
    listed = access.visible_comments(request.user, org).select_related("leader")
    return render(request, "reports/comments.html", {"org": org, "comments": listed, "form": form})
