"""R29: the workbench page: this user's decisions first, then overdue, then due soon; grouped by kind
(filter chips with counts) and paged."""

from collections import Counter
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gongkai import access
from gongkai.lib import generations
from gongkai.lib.todos import DECIDE, DUE_SOON, LATER, OVERDUE
from gongkai.obligations.status import due_soon_limit

from .workbench import kept, todos_now

PER_PAGE = 25
SECTION_LABELS = {DECIDE: _("待我处理"), OVERDUE: _("已逾期"), DUE_SOON: _("即将到期"), LATER: _("其他待办")}


@login_required
def workbench(request):
    if not access.is_staff(request.user):
        raise Http404
    on = timezone.localdate()
    areas = access.workbench_areas(request.user)  # shortcuts only to what the roles open
    # The body is the user's own, kept as long as their to-dos are (workbench.kept); the key carries
    # all the body reads besides them.
    path = generations.request_key(request)
    name = f"workbench:{get_language()}:{path}:{','.join(sorted(areas))}"
    body = kept(request, on, name, lambda: _body(request, on, areas))
    return render(request, "portal/workbench.html", {"body": mark_safe(body)})


def _body(request, on, areas) -> str:
    soon = due_soon_limit(on)
    rows = todos_now(request, on)
    kinds = Counter(t.kind for t in rows)
    kind = request.GET.get("kind", "")
    if kind in kinds:
        rows = [t for t in rows if t.kind == kind]
    else:
        kind = ""
    counts = Counter(t.urgency(on, soon) for t in rows)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    groups = [
        (SECTION_LABELS[u], list(items))
        for u, items in groupby(page.object_list, key=lambda t: t.urgency(on, soon))
    ]
    context = {
        "groups": groups,
        "page": page,
        "total": len(rows),
        "kinds": sorted(kinds.items(), key=lambda kv: -kv[1]),
        "kind": kind,
        "summary": [(SECTION_LABELS[u], counts[u], u) for u in (DECIDE, OVERDUE, DUE_SOON)],
        "query": urlencode({"kind": kind}) if kind else "",
        "today": on,
        "areas": areas,
    }
    return render_to_string("portal/_workbench_body.html", context)
