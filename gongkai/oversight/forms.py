from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.lib import params, widgets

from .models import Choice, CommitmentKind


class InspectionForm(forms.Form):
    org = forms.ChoiceField(label=_("被检查党组织"))
    date = params.DateField(label=_("检查日期"), widget=widgets.DateInput())
    summary = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)


class FindingForm(forms.Form):
    text = forms.CharField(label=_("发现问题"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    rectification_required = forms.BooleanField(label=_("限期整改"), required=False, initial=True)
    deadline_days = params.IntegerField(
        label=_("整改期限（工作日）"), required=False, min_value=1, max_value=120, initial=10
    )


class RespondForm(forms.Form):
    response = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("核验结论"), choices=[("close", _("整改到位，销号")), ("back", _("退回重新整改"))]
    )
    note = forms.CharField(
        label=_("核验意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class AssignForm(forms.Form):
    supervisor = forms.ChoiceField(label=_("联系督导"))
    org = forms.ChoiceField(label=_("党组织"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("评议名称"), max_length=200)
    opens_at = params.DateTimeField(
        label=_("开始时间"),
        widget=widgets.DateTimeInput(),
    )
    closes_at = params.DateTimeField(
        label=_("结束时间"),
        widget=widgets.DateTimeInput(),
    )
    sector_types = forms.MultipleChoiceField(
        label=_("按类型全选"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("选中类型的全部党组织参评。"),
    )  # fmt: skip
    below = forms.MultipleChoiceField(
        label=_("按上级全选"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("选中党组织及其全部下级参评。"),
    )  # fmt: skip
    orgs = forms.MultipleChoiceField(
        label=_("逐个选择参评党组织"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def set_orgs(self, orgs) -> None:
        """Issue 16: choose by type ("all of a type"), by parent ("all below") or one by one."""
        from gongkai.orgs.models import SectorType

        present = {o.sector_type for o in orgs}
        self.fields["sector_types"].choices = [(v, label) for v, label in SectorType.choices if v in present]
        parents = {o.path[: -o.steplen] for o in orgs}
        self.fields["below"].choices = [(o.code, o.name) for o in orgs if o.path in parents]
        self.fields["orgs"].choices = [(o.code, o.name) for o in orgs]

    def chosen(self, orgs) -> list:
        d = self.cleaned_data
        types, codes = set(d["sector_types"]), set(d["orgs"])
        roots = [o.path for o in orgs if o.code in set(d["below"])]
        return [
            o for o in orgs
            if o.code in codes or o.sector_type in types or any(o.path.startswith(p) for p in roots)
        ]  # fmt: skip


class VoteForm(forms.Form):
    org = forms.ChoiceField(label=_("评议对象"))
    choice = forms.ChoiceField(label=_("评议意见"), choices=Choice.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见建议（选填）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False
    )


class CommitmentForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织"))
    kind = forms.ChoiceField(label=_("承诺类型"), choices=CommitmentKind.choices)
    text = forms.CharField(label=_("承诺内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=3000)


class PlanForm(forms.Form):
    """R19: the plan's title, phase dates and per-sector deadlines, in one form."""

    title = forms.CharField(label=_("计划名称"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gongkai.orgs.models import SectorType

        from .models import Phase

        date_widget = widgets.DateInput()
        for value, label in Phase.choices:
            self.fields[f"{value}_start"] = params.DateField(label=f"{label}{_('开始')}", widget=date_widget)
            self.fields[f"{value}_end"] = params.DateField(label=f"{label}{_('结束')}", widget=date_widget)
            self.fields[f"{value}_note"] = forms.CharField(
                label=f"{label}{_('主要任务')}", max_length=300, required=False
            )
        for value, label in SectorType.choices:
            self.fields[f"deadline_{value}"] = params.DateField(
                label=f"{label}{_('全面推行期限')}", widget=date_widget, required=False
            )
