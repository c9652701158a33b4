"""R20: branches record their 动员部署; the office and supervisors read it (and the dashboard sums it)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai import access
from gongkai.lib import filetypes
from gongkai.orgs.models import Level

from .mobilisation import figures, record_mobilisation
from .models import Mobilisation

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MobilisationForm(forms.Form):
    org = forms.ChoiceField(label=gettext_lazy("党组织"))
    rules = forms.FileField(label=gettext_lazy("实施细则（PDF 或 DOCX）"), required=False)
    meeting_on = forms.DateField(label=gettext_lazy("动员会日期"), required=False, widget=_DATE)
    meeting_attendance = forms.IntegerField(label=gettext_lazy("动员会参加人数"), required=False, min_value=1)
    training_on = forms.DateField(label=gettext_lazy("培训日期"), required=False, widget=_DATE)
    training_attendance = forms.IntegerField(label=gettext_lazy("培训参加人数"), required=False, min_value=1)


@login_required
def index(request):
    year = timezone.localdate().year
    own = list(
        access.mobilisation_orgs(request.user)
        .filter(closed_on__isnull=True)
        .exclude(level=Level.COMMITTEE)
        .order_by("path")
    )
    readable = list(
        access.oversight_orgs(request.user)
        .filter(closed_on__isnull=True)
        .exclude(level=Level.COMMITTEE)
        .order_by("path")
    )
    if not own and not readable:
        raise Http404
    summary, records = figures(readable, year)
    form = None
    if own:
        chosen = request.GET.get("org") or own[0].code
        current = next((o for o in own if o.code == chosen), own[0])
        existing = records.get(current.pk) or Mobilisation.objects.filter(org=current, year=year).first()
        initial = {"org": current.code}
        if existing:
            initial.update(
                {
                    f: getattr(existing, f)
                    for f in ("meeting_on", "meeting_attendance", "training_on", "training_attendance")
                }
            )
        form = MobilisationForm(request.POST or None, request.FILES or None, initial=initial)
        form.fields["org"].choices = [(o.code, o.name) for o in own]
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            org = next(o for o in own if o.code == d["org"])
            try:
                record_mobilisation(
                    org,
                    year,
                    meeting_on=d["meeting_on"],
                    meeting_attendance=d["meeting_attendance"],
                    training_on=d["training_on"],
                    training_attendance=d["training_attendance"],
                    rules=d["rules"],
                    by=request.user,
                )
            except ValidationError as exc:
                for m in exc.messages:
                    form.add_error(None, m)
            else:
                messages.success(request, _("%(org)s的动员部署情况已登记。") % {"org": org.name})
                return redirect(f"{request.path}?org={org.code}")
    rows = [(o, records.get(o.pk)) for o in readable]
    return render(
        request,
        "oversight/mobilisation.html",
        {"form": form, "rows": rows, "summary": summary, "year": year},
    )


@login_required
def rules(request, pk):
    m = Mobilisation.objects.select_related("org").filter(pk=pk).first()
    if m is None or not m.rules_stored:
        raise Http404
    if not (
        access.can(request.user, "oversight.view", m.org)
        or access.can(request.user, "mobilisation.record", m.org)
    ):
        raise Http404
    response = FileResponse(
        default_storage.open(m.rules_stored, "rb"),
        as_attachment=True,
        filename=m.rules_name,
        content_type=filetypes.CONTENT_TYPES[m.rules_kind],
    )
    return response
