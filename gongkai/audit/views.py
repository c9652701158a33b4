from datetime import datetime, time, timedelta

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai import access
from gongkai.lib import params, spreadsheet, widgets

from .models import DailyHead, chain_anchor

PAGE_SIZE = 50


def page_of(request, queryset, size=PAGE_SIZE):
    """A page and the other query parameters, for pager links that keep the filters."""
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def heads(request):
    """R26: every finished day's chain head, public, so anyone can keep a copy and check later."""
    page, query = page_of(request, DailyHead.objects.order_by("-day"), size=100)
    return render(request, "audit/heads.html", {"page": page, "query": query, "anchor": chain_anchor()})


class FilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    org = forms.CharField(label=_("组织代码"), required=False, max_length=40)
    action = forms.CharField(
        label=_("操作"), required=False, max_length=60, help_text=_("可填前缀，如 item. 或 auth.")
    )
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=60)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=40)
    result = forms.ChoiceField(
        label=_("结果"),
        required=False,
        choices=[("", _("全部")), ("ok", _("成功")), ("failed", _("失败")), ("denied", _("拒绝"))],
    )
    date_from = params.DateField(label=_("起始日期"), required=False, widget=widgets.DateInput())
    date_to = params.DateField(label=_("截止日期"), required=False, widget=widgets.DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def apply(self, entries, user):
        data = self.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_name=data["actor"])
        if data["org"]:
            org = access.visible_orgs(user).filter(code=data["org"]).only("path").first()
            entries = entries.filter(org.subtree_q("org_path")) if org else entries.none()
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"])
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"])
        if data["result"]:
            entries = entries.filter(result=data["result"])
        if data["date_from"]:
            entries = entries.filter(
                at__gte=timezone.make_aware(datetime.combine(data["date_from"], time.min))
            )
        if data["date_to"]:
            end = timezone.make_aware(datetime.combine(data["date_to"] + timedelta(days=1), time.min))
            entries = entries.filter(at__lt=end)
        return entries


def _lines(entries):
    yield [
        str(h)
        for h in (_("序号"), _("时间"), _("操作人"), _("地址"), _("操作"), _("对象"), _("结果"), _("哈希"))
    ]
    for e in entries.iterator(chunk_size=2000):
        yield [
            e.sequence,
            timezone.localtime(e.at).replace(tzinfo=None),
            e.actor_name,
            e.address,
            e.action,
            f"{e.object_type}#{e.object_id}" if e.object_type else "",
            e.result,
            e.hash,
        ]


def log(request):
    """The audit log for auditors and inspectors, limited to the organisations under their roles."""
    if not access.can(request.user, "audit.view"):
        raise Http404
    entries = access.visible_audit_entries(request.user).order_by("-sequence")
    params = request.GET.copy()
    fmt = params.pop("format", [""])[0]
    form = FilterForm(params or None)
    if form.is_bound:
        entries = form.apply(entries, request.user) if form.is_valid() else entries.none()
    if fmt in spreadsheet.FORMATS:  # R34: the filtered entries, for the auditor's own records
        return spreadsheet.response(_lines(entries), fmt, "audit", sheet=str(_("审计日志")))
    page, query = page_of(request, entries)
    names = dict(
        access.visible_orgs(request.user)
        .filter(path__in={e.org_path for e in page})
        .values_list("path", "name")
    )
    for entry in page:
        entry.org_name = names.get(entry.org_path, "")
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query})
