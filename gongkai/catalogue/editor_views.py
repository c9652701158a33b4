"""R4–R5: the catalogue owner's editor: drafts, items, the difference, publication."""

import json
import re
from dataclasses import replace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.orgs.models import SectorType

from . import actions
from .models import CatalogueItem, CatalogueVersion


class CatalogueForm(forms.Form):
    owner = forms.ChoiceField(label=gettext_lazy("目录制定单位"))
    name = forms.CharField(label=gettext_lazy("目录名称"), max_length=100)
    filing_body = forms.CharField(label=gettext_lazy("备案机关"), max_length=100, required=False)


class StagesField(forms.CharField):
    """R4: a staged item's stages, one a line: its name and the working days it allows after the stage
    (确定发展对象 5). The stored list ([{"name", "days"}]) is shown the same way; JSON is accepted too."""

    widget = forms.Textarea(attrs={"rows": 4})
    _LINE = re.compile(r"(.+?)[\s,，、:：]+(\d{1,3})\s*(?:个?工作日|天)?")

    def prepare_value(self, value):
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        if isinstance(value, list):
            return "\n".join(
                f"{s.get('name', '')} {s.get('days') or 0}" for s in value if isinstance(s, dict)
            )
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if text.startswith("["):
            try:
                stages = json.loads(text)
            except ValueError:
                stages = None
            if not isinstance(stages, list):
                raise ValidationError(_("公开阶段格式不正确：每行填写一个阶段，如“确定发展对象 5”。"))
            return stages
        stages = []
        for n, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = self._LINE.fullmatch(line)
            if match is None:
                raise ValidationError(
                    _("公开阶段第 %(n)s 行应为“阶段名称 工作日数”，如“确定发展对象 5”。") % {"n": n}
                )
            stages.append({"name": match[1].strip(), "days": int(match[2])})
        return stages


class ItemForm(forms.ModelForm):
    stages = StagesField(
        label=gettext_lazy("公开阶段"),
        required=False,
        help_text=gettext_lazy("仅“分阶段公开”填写：每行一个阶段和它的时限（工作日），如“确定发展对象 5”。"),
    )
    sector_types = forms.MultipleChoiceField(
        label=gettext_lazy("适用组织类型（不选 = 全部）"),
        choices=SectorType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CatalogueItem
        fields = actions.item_fields()  # every field an item carries, whatever the model grows
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.initial["sector_types"] = self.instance.sector_type_list
        self.fields["number"].required = False

    def clean_sector_types(self):
        chosen = self.cleaned_data["sector_types"]
        return f",{','.join(chosen)}," if chosen else ""


class PublishForm(forms.Form):
    effective_from = forms.DateField(
        label=gettext_lazy("施行日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=gettext_lazy("修订说明"), max_length=200, required=False)


def _shown(name: str, value) -> str:
    """A catalogue field's value in the words of the editor's form (the difference is read by people)."""
    if value in (None, "", []):
        return "—"
    if name == "sector_types":
        return "、".join(str(dict(SectorType.choices).get(t, t)) for t in value.split(",") if t)
    if name == "stages" and isinstance(value, list):
        return "；".join(
            _("%(name)s %(n)s 个工作日") % {"name": s.get("name", ""), "n": s.get("days") or 0}
            for s in value
            if isinstance(s, dict)
        )
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    choices = dict(CatalogueItem._meta.get_field(name).choices or ())
    return str(choices.get(value, value))


def _readable(changes):
    return [
        replace(
            c,
            fields=[
                (label, _shown(n, a), _shown(n, b))
                for n, (label, a, b) in zip(c.names, c.fields, strict=True)
            ],
        )
        for c in changes
    ]


def _catalogue_or_404(user, pk):
    catalogue = access.editable_catalogues(user).select_related("owner").filter(pk=pk).first()
    if catalogue is None:
        raise Http404
    return catalogue


def _version_or_404(user, pk):
    version = CatalogueVersion.objects.select_related("catalogue__owner").filter(pk=pk).first()
    if version is None or not access.can(user, "catalogue.edit", version.catalogue):
        raise Http404
    return version


def _errors(request, exc: ValidationError, form=None):
    for message in exc.messages:
        if form is not None:
            form.add_error(None, message)
        else:
            messages.error(request, message)


@login_required
def index(request):
    owners = list(access.catalogue_owner_orgs(request.user).order_by("path")[:500])
    catalogues = list(
        access.editable_catalogues(request.user).select_related("owner").order_by("owner__path", "pk")
    )
    if not owners and not catalogues:
        raise Http404
    form = CatalogueForm(request.POST or None)
    form.fields["owner"].choices = [(o.code, o.name) for o in owners]
    if request.method == "POST" and form.is_valid():
        owner = next(o for o in owners if o.code == form.cleaned_data["owner"])
        try:
            catalogue = actions.create_catalogue(
                owner,
                name=form.cleaned_data["name"],
                filing_body=form.cleaned_data["filing_body"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            return redirect("catalogue:edit_catalogue", catalogue.pk)
    return render(
        request, "catalogue/manage.html", {"catalogues": catalogues, "form": form if owners else None}
    )


@login_required
def catalogue_page(request, pk):
    catalogue = _catalogue_or_404(request.user, pk)
    if request.method == "POST":
        try:
            draft = actions.start_draft(catalogue, by=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("catalogue:edit_version", draft.pk)
    versions = list(catalogue.versions.order_by("-number"))
    in_force = catalogue.current_version()
    return render(
        request,
        "catalogue/manage_catalogue.html",
        {"catalogue": catalogue, "versions": versions, "in_force": in_force, "today": timezone.localdate()},
    )


@login_required
def version_page(request, pk):
    version = _version_or_404(request.user, pk)
    base = actions.base_version(version)
    editing = None
    if request.GET.get("item") and version.published_at is None:
        editing = version.items.filter(pk=request.GET["item"]).first()
    form = ItemForm(request.POST or None, instance=editing) if version.published_at is None else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in actions.item_fields()}
        if not data.get("number"):
            data.pop("number", None)
        try:
            actions.save_item(version, item=editing, by=request.user, **data)
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            messages.success(request, _("目录事项已保存到草稿。"))
            return redirect("catalogue:edit_version", version.pk)
    return render(
        request,
        "catalogue/manage_version.html",
        {
            "version": version,
            "catalogue": version.catalogue,
            "items": version.items.all(),
            "form": form,
            "editing": editing,
            "base": base,
            "changes": _readable(actions.diff(version, base)) if version.published_at is None else [],
            "publish": PublishForm(initial={"effective_from": timezone.localdate()})
            if version.published_at is None
            else None,
        },
    )


@login_required
@require_POST
def version_action(request, pk, op):
    version = _version_or_404(request.user, pk)
    try:
        if op == "publish":
            form = PublishForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写有效的施行日期。"))
            actions.publish_version(version, by=request.user, **form.cleaned_data)
            messages.success(request, _("目录第 %(n)s 版已发布。") % {"n": version.number})
        elif op == "discard":
            actions.discard_draft(version, by=request.user)
            messages.success(request, _("修订草稿已删除。"))
            return redirect("catalogue:edit_catalogue", version.catalogue_id)
        elif op == "remove":
            item = version.items.filter(pk=request.POST.get("item")).first()
            if item is None:
                raise Http404
            actions.remove_item(item, by=request.user)
            messages.success(request, _("已从草稿中删除该事项。"))
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("catalogue:edit_version", version.pk)
