"""R4–R5: the catalogue owner's editor: drafts, items, the difference, publication."""

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


class ItemForm(forms.ModelForm):
    sector_types = forms.MultipleChoiceField(
        label=gettext_lazy("适用组织类型（不选 = 全部）"),
        choices=SectorType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CatalogueItem
        fields = actions.item_fields()  # every field an item carries, whatever the model grows
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "stages": forms.Textarea(attrs={"rows": 2}),
        }

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
            "changes": actions.diff(version, base) if version.published_at is None else [],
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
