from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.lib.widgets import DateInput

from .models import AccountabilityKind, CarrierKind


class AnnualReportForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    subtree = forms.BooleanField(label=_("汇总本组织及下级党组织"), required=False)
    overview = forms.CharField(
        label=_("一、总体情况"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000
    )
    problems = forms.CharField(
        label=_("六、存在的主要问题及改进情况"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000
    )
    other_matters = forms.CharField(
        label=_("七、其他需要报告的事项"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        required=False,
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.code, o.name) for o in orgs]
        if not self.is_bound:
            self.fields["year"].initial = timezone.localdate().year - 1


class CarrierForm(forms.Form):
    kind = forms.ChoiceField(label=_("公开形式"), choices=CarrierKind.choices)
    on = forms.DateField(label=_("日期"), widget=DateInput())
    detail = forms.CharField(label=_("说明（会议名称、公开栏位置等）"), max_length=200, required=False)
    attendance = forms.IntegerField(label=_("参会人数"), min_value=1, max_value=99_999, required=False)
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    photo = forms.FileField(label=_("照片（可选）"), required=False)


class AccountabilityForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织"))
    kind = forms.ChoiceField(label=_("追责事由"), choices=AccountabilityKind.choices)
    person = forms.CharField(label=_("责任人"), max_length=100)
    facts = forms.CharField(label=_("问题事实"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    decision = forms.CharField(label=_("处理决定"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.code, o.name) for o in orgs]


class PostingForm(forms.Form):
    on = forms.DateField(label=_("张贴日期"), widget=DateInput())
    photo = forms.FileField(label=_("公开栏照片（可选）"), required=False)


class SummaryForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    conclusions = forms.CharField(
        label=_("总结与结论"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.code, o.name) for o in orgs]
        if not self.is_bound:
            self.fields["year"].initial = timezone.localdate().year


class FileForm(forms.Form):
    recipient = forms.CharField(label=_("报送单位"), max_length=100)
    on = forms.DateField(label=_("报送日期"), widget=DateInput())


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("签收意见"), max_length=500, required=False)


class CommentForm(forms.Form):
    leader_title = forms.CharField(label=_("职务"), max_length=50)
    text = forms.CharField(label=_("点评意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    published = forms.BooleanField(label=_("在公开栏公开"), required=False)


class ScreenForm(forms.Form):
    name = forms.CharField(label=_("屏幕名称（如：党员活动室电视）"), max_length=60)
    audience = forms.ChoiceField(label=_("展示范围"), choices=[])

    def __init__(self, *args, **kwargs):
        from .models import BoardScreen

        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = BoardScreen.Audience.choices
