import json

from django import forms
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gongkai import access
from gongkai.audit.log import record
from gongkai.audit.views import page_of
from gongkai.catalogue.models import Category
from gongkai.lib import filetypes, params

from .models import Snapshot, SnapshotFile


class FilterForm(forms.Form):
    org = forms.CharField(label=_("组织代码"), required=False, max_length=40)
    year = params.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    category = forms.TypedChoiceField(
        label=_("目录类别"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("全部")), *Category.choices],
    )
    event = forms.ChoiceField(
        label=_("归档原因"), required=False, choices=[("", _("全部")), *Snapshot.Event.choices]
    )
    q = forms.CharField(label=_("档号或题名"), required=False, max_length=100)

    def apply(self, snapshots):
        data = self.cleaned_data
        if data["org"]:
            snapshots = snapshots.filter(org__code=data["org"])
        if data["year"]:
            snapshots = snapshots.filter(year=data["year"])
        if data["category"]:
            snapshots = snapshots.filter(category=data["category"])
        if data["event"]:
            snapshots = snapshots.filter(event=data["event"])
        if data["q"]:
            snapshots = snapshots.filter(code__startswith=data["q"]) | snapshots.filter(
                title__contains=data["q"]
            )
        return snapshots


def _staff_only(user):
    # The archive is for staff of an organisation (auditors included); everyone else sees nothing here.
    if not access.may_anywhere(user, "read_cases"):
        raise Http404


def browse(request):
    _staff_only(request.user)
    snapshots = access.visible_snapshots(request.user).select_related("org")
    form = FilterForm(request.GET or None)
    if form.is_bound:
        snapshots = form.apply(snapshots) if form.is_valid() else snapshots.none()
    page, query = page_of(request, snapshots.order_by("-archived_at", "-pk"))
    return render(
        request,
        "archive/browse.html",
        {"form": form, "page": page, "query": query, "can_audit": access.can(request.user, "audit.view")},
    )


def detail(request, code):
    snapshot = access.get_snapshot_or_404(request.user, code)
    files = list(snapshot.files.all())
    content = next((f for f in files if f.kind == SnapshotFile.Kind.CONTENT), None)
    document = None
    if content is not None and default_storage.exists(content.path):
        with default_storage.open(content.path, "rb") as fh:
            document = json.loads(fh.read())
    versions = access.visible_snapshots(request.user).filter(item_id=snapshot.item_id).exclude(pk=snapshot.pk)
    return render(
        request,
        "archive/detail.html",
        {
            "snapshot": snapshot,
            "files": files,
            "document": document,
            "body": (document or {}).get("content", {}).get("body", ""),
            "others": versions.order_by("archived_at") if snapshot.item_id else [],
        },
    )


def download(request, code, pk):
    snapshot = access.get_snapshot_or_404(request.user, code)
    try:
        part = snapshot.files.get(pk=pk)
    except (SnapshotFile.DoesNotExist, ValueError):
        raise Http404 from None
    if not default_storage.exists(part.path):
        raise Http404
    record(action="archive.download", obj=snapshot, actor=request.user, data={"file": part.pk})
    # Name and type from the checked content, never from the stored name: an archived copy is never
    # served as text/html, whatever it was called.
    if part.kind == SnapshotFile.Kind.CONTENT:
        name, ctype = part.name, "application/json"
    else:
        with default_storage.open(part.path, "rb") as fh:
            kind = filetypes.sniff(fh.read())
        name, ctype = filetypes.download_name(part.name, kind), filetypes.content_type(kind)
    response = FileResponse(
        default_storage.open(part.path, "rb"), as_attachment=True, filename=name, content_type=ctype
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
