"""R34: upload a spreadsheet, preview every row and every error, then apply it in one transaction."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.lib import sheets

from . import importing
from .models import ImportBatch

PREVIEW_ROWS = 500
PREVIEW_ERRORS = 2000


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（Excel .xlsx 或 CSV）"))


def _kinds(user):
    return [(k, importing.importer(k)) for k in importing.IMPORTERS if importing.may_import(user, k)]


@login_required
def index(request):
    kinds = _kinds(request.user)
    if not kinds:
        raise Http404
    kind = request.GET.get("kind") or request.POST.get("kind") or kinds[0][0]
    if kind not in dict(kinds):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > sheets.MAX_BYTES:
            form.add_error(
                "file",
                _("文件超过 %(mb)s MB，请拆分后分批导入。") % {"mb": sheets.MAX_BYTES // (1024 * 1024)},
            )
        else:
            batch = importing.upload(kind, name=upload.name, data=upload.read(), by=request.user)
            return redirect("orgs:import_preview", batch.pk)
    recent = ImportBatch.objects.filter(uploaded_by=request.user).defer("data", "rows")[:10]
    return render(
        request,
        "orgs/import.html",
        {"form": form, "kinds": kinds, "kind": kind, "importer": dict(kinds)[kind], "recent": recent},
    )


def _batch_or_404(request, pk):
    batch = ImportBatch.objects.filter(pk=pk, uploaded_by=request.user).first()
    if batch is None or not importing.may_import(request.user, batch.kind):
        raise Http404
    return batch


@login_required
def preview(request, pk):
    batch = _batch_or_404(request, pk)
    plan = importing.preview(batch, request.user)
    return render(
        request,
        "orgs/import_preview.html",
        {
            "batch": batch,
            "importer": importing.importer(batch.kind),
            "plan": plan,
            "counts": plan.counts(),
            "rows": plan.rows[:PREVIEW_ROWS],
            "more_rows": max(0, len(plan.rows) - PREVIEW_ROWS),
            "errors": plan.errors[:PREVIEW_ERRORS],
            "more_errors": max(0, len(plan.errors) - PREVIEW_ERRORS),
            "labels": importing.ACTION_LABELS,
        },
    )


@login_required
@require_POST
def apply(request, pk):
    batch = _batch_or_404(request, pk)
    try:
        plan = importing.apply(batch, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("orgs:import_preview", batch.pk)
    counts = plan.counts()
    messages.success(
        request,
        _("导入完成：新增 %(create)s 条，更新 %(update)s 条，无变化 %(unchanged)s 条。") % counts,
    )
    return redirect(f"{reverse('orgs:import')}?kind={batch.kind}")


@login_required
def template(request, kind, fmt):
    if (
        kind not in importing.IMPORTERS
        or fmt not in ("xlsx", "csv")
        or not importing.may_import(request.user, kind)
    ):
        raise Http404
    data, content_type = sheets.template(importing.importer(kind).columns, fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="gongkai-{kind}-template.{fmt}"'
    return response
