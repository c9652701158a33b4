from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LeadingGroupMember, Level, Role, SectorType

SECTOR_CHOICES = [("", _("（党委不设类型）")), *SectorType.choices]


class OrgForm(forms.Form):
    code = forms.CharField(
        label=_("组织代码"), max_length=40, help_text=_("字母、数字、连字符，建成后不可更改")
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    level = forms.ChoiceField(label=_("层级"), choices=Level.choices, initial=Level.BRANCH)
    sector_type = forms.ChoiceField(label=_("组织类型"), choices=SECTOR_CHOICES, required=False)
    is_public = forms.BooleanField(label=_("在公开网站列出"), required=False, initial=True)


class OrgEditForm(OrgForm):
    code = None
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)


class MoveForm(forms.Form):
    parent = forms.ChoiceField(label=_("调整到（新的上级党组织）"))


class CloseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("撤销日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class AccountForm(forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    username = forms.CharField(label=_("登录名"), max_length=150, help_text=_("字母、数字和 . _ @ + -"))
    member_code = forms.CharField(label=_("党员编号"), max_length=40, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, initial=[Role.MEMBER]
    )


class GrantForm(forms.Form):
    org = forms.ChoiceField(label=_("党组织"))
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)


class LeadingGroupForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    title = forms.CharField(label=_("职务"), max_length=100, required=False)
    position = forms.ChoiceField(label=_("组内职务"), choices=LeadingGroupMember.Position.choices)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=0, required=False)


class SiteProfileForm(forms.Form):
    host = forms.ChoiceField(label=_("主办单位"), help_text=_("运行本网站的党委（党工委）"))
    name = forms.CharField(
        label=_("网站名称"),
        max_length=50,
        required=False,
        help_text=_("留空时由主办单位的简称（或名称）加“党务公开网”组成"),
    )
    organiser = forms.CharField(
        label=_("承办单位"),
        max_length=100,
        required=False,
        help_text=_("例如：某某街道党务公开工作领导小组办公室"),
    )
