"""Pages over several areas' records: the statistics that feed the annual report (R35)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from gongkai import access
from gongkai.lib import params

from . import stats


@login_required
def stats_page(request):
    orgs = list(access.orgs_where(request.user, "read_cases").order_by("path"))
    if not orgs:
        raise Http404
    code = request.GET.get("org") or orgs[0].code
    org = next((o for o in orgs if o.code == code), None)
    if org is None or not access.can(request.user, "stats.view", org):
        raise Http404
    error = ""
    try:
        start, end = params.parse_period(request.GET.get("from"), request.GET.get("to"))
    except ValidationError as exc:
        error = " ".join(exc.messages)
        start, end = params.parse_period(None, None)
    result = stats.compute(org, start, end)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and not error:
        return stats.export(result, fmt, org.name)
    return render(
        request,
        "reports/stats.html",
        {"orgs": orgs, "org": org, "start": start, "end": end, "rows": stats.rows(result), "error": error},
    )
