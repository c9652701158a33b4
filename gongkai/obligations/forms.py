from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import Category
from gongkai.lib import params, widgets
from gongkai.orgs.models import SectorType

from .models import Status


class YearScheduleForm(forms.Form):
    year = params.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("放假安排"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "每行一段假期：开始日期 至 结束日期 名称，如“2027-01-01 至 2027-01-03 元旦”；单日可只写一个日期。"
        ),
    )
    workdays = forms.CharField(
        label=_("调休上班日"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个周六或周日的日期，如“2027-02-20”，可在日期后写说明。"),
    )


class OverrideForm(forms.Form):
    date = params.DateField(label=_("日期"), widget=widgets.DateInput())
    is_working_day = forms.TypedChoiceField(
        label=_("调整为"),
        choices=[("0", _("放假")), ("1", _("上班"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("说明"), max_length=100, required=False)


class EventForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织"))
    catalogue_item = forms.TypedChoiceField(label=_("目录事项"), coerce=int)
    stage = forms.CharField(label=_("阶段（分阶段公开事项必填）"), required=False, max_length=40)
    event_date = params.DateField(label=_("事项发生日期"), widget=widgets.DateInput())
    note = forms.CharField(label=_("事项说明"), max_length=200)


class FilterForm(forms.Form):
    """Query-string filters; bad values are dropped, never a 500."""

    year = params.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    sector_type = forms.ChoiceField(
        label=_("组织类型"), required=False, choices=[("", _("全部"))] + list(SectorType.choices)
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + list(Status.choices)
    )
    category = forms.TypedChoiceField(
        label=_("目录类别"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("全部"))] + list(Category.choices),
    )
    org = forms.CharField(label=_("组织代码"), required=False, max_length=40)

    def values(self) -> dict:
        if self.is_valid():
            return self.cleaned_data
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
