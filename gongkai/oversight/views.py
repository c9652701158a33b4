"""Dashboards (R19, R20) and the 联系安排表; commitments (R23) are in commitment_views. Views parse and
delegate."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.lib import params, spreadsheet
from gongkai.lib.pages import run_action
from gongkai.orgs.models import Role, SectorType

from . import actions, dashboard, mobilisation
from .forms import AssignForm, PlanForm
from .models import Phase, RolloutPlan


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        return params.parse_int(request.GET.get("year"), lo=2000, hi=2100, default=this_year)
    except ValidationError:
        return this_year


def chart_data(sectors, compliance_by_sector) -> dict:
    """Numbers for charts.js; the same numbers are rendered in the tables beside the charts."""
    labels = dict(SectorType.choices)
    return {
        "rollout": {
            "type": "bar",
            "title": str(_("各类型党组织全面推行进度（%）")),
            "labels": [s.label for s in sectors],
            "series": [{"label": str(_("已全面推行")), "data": [s.percent for s in sectors]}],
            "max": 100,
        },
        "compliance": {
            "type": "bar",
            "title": str(_("各类型党组织公开义务按时率（%）")),
            "labels": [str(labels.get(k, _("党委"))) for k in sorted(compliance_by_sector)],
            "series": [
                {
                    "label": str(_("按时率")),
                    "data": [
                        None if f.rate is None else round(100 * f.rate, 1)
                        for _k, f in sorted(compliance_by_sector.items())
                    ],
                }
            ],
            "max": 100,
        },
    }


@login_required
def home(request):
    """R19: rollout progress per sector type against the plan's deadlines, lagging organisations."""
    year = _year(request)
    f = dashboard.figures(request.user, year)
    compliance_rows = [
        (str(dict(SectorType.choices).get(k, _("党委"))), v) for k, v in sorted(f["compliance"].items())
    ]
    return render(
        request,
        "oversight/dashboard.html",
        {
            **f,
            "compliance_rows": compliance_rows,
            "charts": chart_data(f["sectors"], f["compliance"]),
            "findings": list(dashboard.open_findings(request.user)[:200]),
            "can_inspect": access.may_anywhere(request.user, "inspect"),
            "mobilisation": mobilisation.figures(
                access.oversight_orgs(request.user).filter(closed_on__isnull=True).exclude(level="committee"),
                year,
            )[0],
        },
    )


@login_required
def mine(request):
    """R20: the supervisor's own organisations."""
    year = _year(request)
    rows = dashboard.supervised_rows(request.user, year)
    if not rows and not access.has_role_anywhere(request.user, Role.SUPERVISOR):
        raise Http404
    return render(
        request,
        "oversight/mine.html",
        {"rows": rows, "year": year, "on": timezone.localdate()},
    )


def _assignment_scope(user):
    """Inspectors see the table of their subtree; a supervisor their own lines."""
    return (
        access.visible_assignments(user)
        .select_related("supervisor", "org")
        .order_by("supervisor__display_name", "supervisor__pk", "org__path")
    )


def _supervisor_label(user) -> str:
    return getattr(user, "display_name", "") or user.get_username()


@login_required
def assignments(request):
    """R20: the 联系安排表: printable, exportable; inspectors add and remove lines."""
    inspects = access.may_anywhere(request.user, "inspect")
    qs = _assignment_scope(request.user)
    rows = list(qs)
    if not rows and not inspects and not access.oversees_anything(request.user):
        raise Http404
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _export(fmt, rows)
    form = None
    if inspects:
        orgs = list(access.orgs_where(request.user, "inspect").order_by("path"))
        supervisors = list(
            get_user_model()
            .objects.filter(memberships__role=Role.SUPERVISOR, is_active=True)
            .distinct()
            .order_by("display_name", "pk")
        )
        form = AssignForm(request.POST or None)
        form.fields["org"].choices = [(o.code, o.name) for o in orgs]
        form.fields["supervisor"].choices = [(str(u.pk), _supervisor_label(u)) for u in supervisors]
        if request.method == "POST" and form.is_valid():
            org = next(o for o in orgs if o.code == form.cleaned_data["org"])
            user = next(u for u in supervisors if str(u.pk) == form.cleaned_data["supervisor"])
            if run_action(
                request,
                lambda: actions.assign_supervisor(user, org, by=request.user, note=form.cleaned_data["note"]),
                success=_("已安排 %(u)s 联系 %(o)s。") % {"u": _supervisor_label(user), "o": org.name},
                form=form,
            ).ok:
                return redirect("oversight:assignments")
    return render(request, "oversight/assignments.html", {"rows": rows, "form": form})


@login_required
@require_POST
def unassign(request, pk):
    assignment = _assignment_scope(request.user).filter(pk=pk).first()
    if assignment is None or not access.can(request.user, "oversight.inspect", assignment.org):
        raise Http404
    actions.unassign_supervisor(assignment, by=request.user)
    messages.success(request, _("已取消该联系安排。"))
    return redirect("oversight:assignments")


def _export_lines(rows):
    yield [_("联系督导"), _("组织代码"), _("党组织"), _("组织类型"), _("备注")]
    for a in rows:
        yield [
            _supervisor_label(a.supervisor),
            a.org.code,
            a.org.name,
            str(a.org.get_sector_type_display()) if a.org.sector_type else "",
            a.note,
        ]


def _export(fmt, rows):
    return spreadsheet.response(_export_lines(rows), fmt, "assignments", sheet=_("联系安排表"))


@login_required
def plan_edit(request):
    """R19: the leading-group office sets the year's phases and deadlines per sector type."""
    year = _year(request)
    committees = list(
        access.orgs_where(request.user, "inspect").filter(level="committee").order_by("depth", "path")
    )
    if not committees:
        raise Http404
    committee = committees[-1]  # the nearest committee: the street's office, not the city's
    plan = (
        RolloutPlan.objects.filter(committee=committee, year=year)
        .prefetch_related("phases", "deadlines")
        .first()
    )
    initial = {}
    if plan is not None:
        initial["title"] = plan.title
        for p in plan.phases.all():
            initial.update(
                {f"{p.phase}_start": p.starts_on, f"{p.phase}_end": p.ends_on, f"{p.phase}_note": p.note}
            )
        initial.update({f"deadline_{d.sector_type}": d.deadline for d in plan.deadlines.all()})
    else:
        from .demo import plan_dates

        phases, deadlines = plan_dates(year)
        initial["title"] = _("%(year)s年全面推行党务公开工作实施方案") % {"year": year}
        for k, (s, e, n) in phases.items():
            initial.update({f"{k}_start": s, f"{k}_end": e, f"{k}_note": n})
        initial.update({f"deadline_{k}": v for k, v in deadlines.items()})
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        phases = {k: (d[f"{k}_start"], d[f"{k}_end"], d[f"{k}_note"]) for k in Phase.values}
        deadlines = {k: d[f"deadline_{k}"] for k in SectorType.values if d.get(f"deadline_{k}")}
        if run_action(
            request,
            lambda: actions.set_plan(
                committee, year, title=d["title"], phases=phases, deadlines=deadlines, by=request.user
            ),
            success=_("推行计划已保存。"),
            form=form,
        ).ok:
            return redirect(f"{reverse('oversight:home')}?year={year}")
    return render(request, "oversight/plan.html", {"form": form, "year": year, "committee": committee})
