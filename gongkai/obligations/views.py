from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai import access
from gongkai.catalogue.models import CatalogueItem, Category, Timing
from gongkai.lib import spreadsheet
from gongkai.lib.pages import run_action
from gongkai.orgs.models import Organisation, SectorType

from . import actions, compliance
from .calendar import current_overrides
from .forms import EventForm, FilterForm, OverrideForm, YearScheduleForm
from .models import CalendarOverride, CalendarYear, Status
from .status import STATUS_CSS, today, with_status


def _staff_or_404(user):
    if not access.is_staff(user):
        raise Http404


def _filters(request) -> dict:
    form = FilterForm(request.GET)
    form.is_valid()
    values = dict(form.cleaned_data)
    if "year" in form.errors or values.get("year") is None:
        values["year"] = timezone.localdate().year
    return form, values


def _obligation_lines(qs):
    yield [_("党组织"), _("目录事项"), _("类型"), _("所属期间"), _("截止日期"), _("状态"), _("完成日期")]
    for o in qs.iterator(chunk_size=2000):
        yield [
            o.org.name,
            o.catalogue_item.title,
            str(o.get_kind_display()),
            o.period_label or o.stage or o.event_note,
            o.due_date,
            str(Status(o.status).label),
            o.fulfilled_on,
        ]


@login_required
def obligation_list(request):
    """The drill-down: the user's organisations' obligations, filtered."""
    _staff_or_404(request.user)
    form, f = _filters(request)
    qs = access.visible_obligations(request.user).filter(year=f["year"])
    org = None
    if f.get("org"):
        org = Organisation.objects.filter(code=f["org"]).first()
        if org is None or not access.can(request.user, "obligation.view", org):
            raise Http404
        qs = qs.filter(org_id=org.pk)  # the org itself, as its heatmap row counts it
    if f.get("sector_type"):
        qs = qs.filter(sector_type=f["sector_type"])
    if f.get("category"):
        qs = qs.filter(category=f["category"])
    qs = with_status(qs)
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    qs = qs.select_related("org", "catalogue_item").order_by("due_date", "org_path", "pk")
    fmt = request.GET.get("format")
    if fmt in spreadsheet.FORMATS:  # R34: every row of the filtered list, not just this page
        return spreadsheet.response(
            _obligation_lines(qs), fmt, f"obligations-{f['year']}", sheet=_("公开义务")
        )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "obligations/list.html",
        {
            "form": form,
            "page": page,
            "org": org,
            "year": f["year"],
            "status_css": STATUS_CSS,
            "query": query.urlencode(),
            "can_register": access.may_anywhere(request.user, "prepare"),
            # R14: a clerk drafts the item from its obligation, the period stated, never guessed.
            "creatable": {
                o.org_id
                for o in page
                if o.fulfilled_on is None and access.can(request.user, "item.create", o.org)
            },
        },
    )


HEATMAP_PAGE = 100  # organisations per page of the heatmap: the page stays fast at any tree size


def _heatmap_rows(orgs, figures, categories) -> list[dict]:
    return [
        {
            "org": org,
            "total": figures["by_org"].get(org.pk) or compliance.Figures(),
            "cells": [(value, figures["cells"].get((org.pk, value))) for value, _label in categories],
        }
        for org in orgs
    ]


def _cells_html(row, year: int, list_url: str) -> str:
    """The heatmap cells of one row, built here: a hundred rows of template tags per cell would cost
    more than the whole summary query (issue 4 goal: the page under 100 ms)."""
    code = escape(row["org"].code)
    out = []
    for value, cell in row["cells"]:
        if cell is None:
            out.append('<td class="heat heat-na">—</td>')
            continue
        extra = f' <span class="muted">({cell.overdue})</span>' if cell.overdue else ""
        out.append(
            f'<td class="heat {cell.heat}"><a href="{list_url}?org={code}&amp;category={value}'
            f'&amp;year={year}&amp;status=overdue">{cell.rate_text}{extra}</a></td>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every part is escaped or generated above


def _compliance_data(request, *, live: bool):
    """The heatmap and the totals. The page reads the summary (one page of organisations); exports
    (`live`) recompute every organisation from the obligations themselves."""
    _staff_or_404(request.user)
    form, f = _filters(request)
    categories = list(Category.choices)
    page = None
    if live:
        qs = access.visible_obligations(request.user).filter(year=f["year"])
        if f.get("sector_type"):
            qs = qs.filter(sector_type=f["sector_type"])
        figures = compliance.compute(qs, today())
        orgs = list(Organisation.objects.filter(pk__in=list(figures["by_org"])).order_by("path"))
    else:
        sqs = access.visible_compliance_summary(request.user).filter(year=f["year"])
        if f.get("sector_type"):
            sqs = sqs.filter(sector_type=f["sector_type"])
        with_rows = Organisation.objects.filter(
            Exists(sqs.filter(org_id=OuterRef("pk")).values("pk"))
        ).order_by("path")
        page = Paginator(with_rows, HEATMAP_PAGE).get_page(request.GET.get("page"))
        orgs = list(page.object_list)
        rollups = access.visible_compliance_rollups(request.user).filter(year=f["year"])
        if f.get("sector_type"):
            rollups = rollups.filter(sector_type=f["sector_type"])
        figures = compliance.from_summary(sqs, org_ids=[o.pk for o in orgs], rollups=rollups)
    rows = _heatmap_rows(orgs, figures, categories)
    sector_labels = dict(SectorType.choices)
    by_sector = [(sector_labels.get(k, _("党委")), v) for k, v in sorted(figures["by_sector_type"].items())]
    by_category = [(label, figures["by_category"].get(value)) for value, label in categories]
    return form, f, rows, categories, by_sector, by_category, page


@login_required
def compliance_page(request):
    fmt = request.GET.get("format")
    live = fmt in ("csv", "xlsx")
    form, f, rows, categories, by_sector, by_category, page = _compliance_data(request, live=live)
    if live:
        return _export(fmt, f["year"], rows, categories)
    query = request.GET.copy()
    query.pop("page", None)
    list_url = _list_url()
    for row in rows:
        row["cells_html"] = _cells_html(row, f["year"], list_url)
    return render(
        request,
        "obligations/compliance.html",
        {
            "filter_fields": [form["year"], form["sector_type"]],
            "year": f["year"],
            "rows": rows,
            "page": page,
            "categories": categories,
            "by_sector": by_sector,
            "by_category": by_category,
            "query": query.urlencode(),
            "list_url": list_url,  # reversed once, not once per row
        },
    )


def _export_rows(rows, categories):
    head = [
        _("组织代码"),
        _("党组织"),
        _("组织类型"),
        _("义务总数"),
        _("按时完成"),
        _("逾期完成"),
        _("已逾期"),
        _("按时率"),
    ]
    head += [f"{label}（{_('按时率')}）" for _v, label in categories]
    yield head
    for row in rows:
        t, org = row["total"], row["org"]
        yield [
            org.code,
            org.name,
            str(org.get_sector_type_display()) if org.sector_type else "",
            t.total,
            t.on_time,
            t.late,
            t.overdue,
            t.rate_text,
            *[(cell.rate_text if cell else "") for _v, cell in row["cells"]],
        ]


def _export(fmt, year, rows, categories):
    lines = _export_rows(rows, categories)
    return spreadsheet.response(lines, fmt, f"compliance-{year}", sheet=_("公开义务完成情况"))


@login_required
def register_event(request):
    """A clerk registers that a timely item's event (or a stage) happened: one obligation (R14)."""
    orgs = list(access.orgs_where(request.user, "prepare").order_by("path"))
    if not orgs:
        raise Http404
    form = EventForm(request.POST or None)
    form.fields["org"].choices = [(o.code, o.name) for o in orgs]
    items = list(
        CatalogueItem.objects.filter(
            timing__in=[Timing.TIMELY, Timing.STAGED], version__published_at__isnull=False
        ).order_by("category", "number")
    )
    form.fields["catalogue_item"].choices = [
        (i.pk, f"{i.get_category_display()} · {i.title}（{i.timing_text()}）") for i in items
    ]
    if request.method == "POST" and form.is_valid():
        org = next(o for o in orgs if o.code == form.cleaned_data["org"])
        item = next(i for i in items if i.pk == form.cleaned_data["catalogue_item"])

        def registered(obligation):
            due = obligation.due_date.isoformat() if obligation.due_date else _("工作日历未覆盖")
            return _("已登记，应于 %(due)s 前公开。") % {"due": due}

        done = run_action(
            request,
            lambda: actions.register_event(
                org,
                item,
                by=request.user,
                event_date=form.cleaned_data["event_date"],
                note=form.cleaned_data["note"],
                stage=form.cleaned_data["stage"].strip(),
            ),
            success=registered,
            form=form,
        )
        if done.ok:
            return redirect(f"{_list_url()}?org={org.code}&year={done.value.year}")
    return render(request, "obligations/register_event.html", {"form": form})


def _list_url():
    from django.urls import reverse

    return reverse("obligations:list")


@login_required
def calendar_page(request):
    """R15: the admin enters a year's official schedule in one form, or adjusts one day."""
    if not access.can(request.user, "calendar.manage"):
        raise Http404
    year_form = YearScheduleForm(prefix="y")
    day_form = OverrideForm(prefix="d")
    if request.method == "POST" and "y-year" in request.POST:
        year_form = YearScheduleForm(request.POST, prefix="y")
        if year_form.is_valid():
            d = year_form.cleaned_data
            done = run_action(
                request,
                lambda: actions.enter_year_schedule(d["year"], d["holidays"], d["workdays"], by=request.user),
                success=lambda moved: (
                    _("%(year)s 年放假安排已录入，%(n)s 个未完成义务的截止日期已重新计算。")
                    % {"year": d["year"], "n": moved}
                ),
                form=year_form,
            )
            if done.ok:
                return redirect("obligations:calendar")
    elif request.method == "POST" and "d-date" in request.POST:
        day_form = OverrideForm(request.POST, prefix="d")
        if day_form.is_valid():
            d = day_form.cleaned_data
            done = run_action(
                request,
                lambda: actions.set_override(d["date"], d["is_working_day"], note=d["note"], by=request.user),
                success=lambda moved: _("已调整，%(n)s 个截止日期已重新计算。") % {"n": moved},
                form=day_form,
            )
            if done.ok:
                return redirect("obligations:calendar")
    overrides = CalendarOverride.objects.select_related("updated_by").order_by("-date")[:400]
    years = CalendarYear.objects.select_related("entered_by")
    from gongkai.lib import workdays

    covered = sorted(workdays.covered_years(current_overrides()))
    return render(
        request,
        "obligations/calendar.html",
        {
            "year_form": year_form,
            "day_form": day_form,
            "overrides": overrides,
            "years": years,
            "covered": f"{covered[0]}–{covered[-1]}" if covered else "",
            "covered_list": covered,
            "next_year": timezone.localdate().year + 1,
        },
    )


@login_required
@require_POST
def delete_override(request, pk):
    if not access.can(request.user, "calendar.manage"):
        raise Http404
    override = access.get_or_404(CalendarOverride.objects, pk=pk)
    moved = actions.delete_override(override, by=request.user)
    messages.success(request, _("已删除该日调整，%(n)s 个截止日期已重新计算。") % {"n": moved})
    return redirect("obligations:calendar")
