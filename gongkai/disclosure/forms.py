from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import CatalogueItem, Category, Scope
from gongkai.lib import params, widgets

from .models import BodyFormat, ChangeRequest, Withholding, WorkPlan


class ItemForm(forms.Form):
    catalogue_item = forms.ModelChoiceField(
        CatalogueItem.objects.none(), label=_("目录事项"), required=False, empty_label=_("请选择目录事项")
    )
    work_plan = forms.ModelChoiceField(
        WorkPlan.objects.none(),
        label=_("目录外事项工作方案"),
        required=False,
        empty_label=_("（无：目录内事项）"),
        help_text=_("只有不在目录中的事项才选择已同意的工作方案。"),
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"data-rich-editor": "1", "rows": 14}),
        required=False,
        max_length=200_000,  # pasted Word HTML is long before cleaning; the stored body is limited
        help_text=_(
            "可直接从 Word/WPS 复制粘贴，标题、列表和表格会保留，其余格式自动清除；也可在保存后上传 Word 文档导入正文。"
        ),
    )
    body_format = forms.ChoiceField(choices=BodyFormat.choices, widget=forms.HiddenInput, required=False)
    scope = forms.ChoiceField(
        label=_("公开范围"), choices=[("", _("按目录规定"))] + Scope.choices, required=False
    )
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    event_date = params.DateField(label=_("事项发生日期"), required=False, widget=widgets.DateInput())
    period_label = forms.CharField(
        label=_("所属期间"), max_length=40, required=False, help_text=_("如 2026年第三季度")
    )
    stage = forms.CharField(label=_("阶段"), max_length=40, required=False)

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        if org is not None:
            rows = CatalogueItem.objects.for_org(org).order_by("category", "number")
            field = self.fields["catalogue_item"]
            field.queryset = rows
            field.choices = [("", field.empty_label), *_by_category(rows)]
            self.fields["work_plan"].queryset = WorkPlan.objects.filter(
                org=org, status=WorkPlan.Status.APPROVED
            )
            if not self.fields["work_plan"].queryset.exists():
                del self.fields["work_plan"]  # nothing off-catalogue approved: the catalogue only


def _by_category(rows) -> list:
    """Issue 16: the catalogue as a clerk reads it, grouped by its eight categories."""
    labels, groups = dict(Category.choices), {}
    for row in rows:
        groups.setdefault(row.category, []).append((row.pk, row.title))
    return [(labels.get(c, c), options) for c, options in groups.items()]


class EditForm(ItemForm):
    """Editing a draft: the catalogue item and work plan are fixed at creation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["catalogue_item"]
        del self.fields["work_plan"]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"))
    keep_inside = forms.BooleanField(label=_("仅本组织党员可见"), required=False)


class ImportBodyForm(forms.Form):
    docx = forms.FileField(label=_("从 Word 文档导入正文（.docx，将替换现有正文）"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("申请类型"), choices=ChangeRequest.Kind.choices)
    reason = forms.CharField(label=_("理由（将在公开栏说明）"), max_length=500)
    new_title = forms.CharField(label=_("变更后标题"), max_length=200, required=False)
    new_body = forms.CharField(
        label=_("变更后正文"), widget=forms.Textarea, required=False, max_length=50_000
    )


class WithholdingForm(forms.Form):
    catalogue_item = forms.ModelChoiceField(CatalogueItem.objects.none(), label=_("目录事项"))
    period_label = forms.CharField(label=_("所属期间"), max_length=40, required=False)
    reason = forms.ChoiceField(label=_("不予公开理由"), choices=Withholding.Reason.choices)
    explanation = forms.CharField(label=_("说明"), widget=forms.Textarea, max_length=5000)
    until = params.DateField(label=_("暂缓至"), required=False, widget=widgets.DateInput())

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        if org is not None:
            self.fields["catalogue_item"].queryset = CatalogueItem.objects.for_org(org)


class WorkPlanForm(forms.Form):
    title = forms.CharField(label=_("方案名称"), max_length=200)
    category = forms.TypedChoiceField(label=_("目录类别"), choices=Category.choices, coerce=int)
    body = forms.CharField(label=_("方案内容"), widget=forms.Textarea, max_length=20_000)
