"""Changes to obligations and the calendar: one transaction each, audited. Pages, API, jobs call these."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai import access
from gongkai.audit.log import record
from gongkai.catalogue.models import CatalogueItem, CatalogueVersion, DueRule, Timing
from gongkai.lib import bulk, workdays
from gongkai.lib.db import locked
from gongkai.lib.errors import ActionError
from gongkai.lib.text import clean_line
from gongkai.numbering.models import next_number
from gongkai.orgs.models import Organisation

from . import calendar, rules, summary
from .models import CalendarOverride, CalendarYear, ComplianceSummary, Counting, Kind, Obligation
from .periods import periods

# ---- Generation (R14) ------------------------------------------------------------------------


def _versions_by_owner_path(year: int) -> dict[str, list[tuple[date, date | None, int, date]]]:
    """owner path -> the published versions governing `year`, in order: (in force from, until, id,
    publication day). R5: a version governs the periods that begin on or after its effective date and
    before the next version's; a version without an effective date counts from the beginning."""
    found: dict[str, list[tuple[date, int, int, date]]] = {}
    for path, number, pk, effective, published in CatalogueVersion.objects.filter(
        published_at__isnull=False
    ).values_list("catalogue__owner__path", "number", "pk", "effective_from", "published_at"):
        found.setdefault(path, []).append((effective or date.min, number, pk, timezone.localdate(published)))
    first, last = date(year, 1, 1), date(year, 12, 31)
    out = {}
    for path, versions in found.items():
        versions.sort()
        windows = []
        for i, (start, _n, pk, day) in enumerate(versions):
            until = versions[i + 1][0] if i + 1 < len(versions) else None
            if (until is None or until > first) and start <= last:
                windows.append((start, until, pk, day))
        out[path] = windows
    return out


@transaction.atomic(savepoint=False)
def generate_obligations(year: int, orgs=None) -> int:
    """Materialise the long-term and periodic obligations of `year` for every organisation (or `orgs`),
    and their compliance summary rows in the same transaction.

    A long-term obligation is one row per organisation and item, due by the rollout deadline of the
    organisation's sector type (R14, R19); an open one from an earlier year carries into `year`.
    Idempotent and safe to run twice at once: the unique constraint drops the rows that exist.
    A fixed number of queries whatever the number of organisations; returns the rows attempted."""
    versions = _versions_by_owner_path(year)
    if not versions:
        return 0
    items_by_version: dict[int, list[CatalogueItem]] = {}
    for item in CatalogueItem.objects.filter(
        version_id__in=[pk for windows in versions.values() for _s, _u, pk, _d in windows],
        timing__in=[Timing.NONE, Timing.PERIODIC],
    ):
        items_by_version.setdefault(item.version_id, []).append(item)
    due = calendar.DueDates(calendar.current_overrides())
    rollout = calendar.rollout_deadlines(year)
    org_qs = Organisation.objects.all() if orgs is None else orgs
    org_qs = org_qs.filter(closed_on__isnull=True)  # R1: a closed organisation owes nothing new
    rows = []
    for org in org_qs.only("pk", "path", "depth", "sector_type").order_by("path").iterator(chunk_size=2000):
        windows = next(
            (versions[p] for p in reversed([*org.ancestor_paths(), org.path]) if p in versions), []
        )
        deadline = calendar.rollout_deadline_for(org, rollout) if rollout else None
        governed = [
            (item, start, until, n == 0, published)
            for n, (start, until, version_id, published) in enumerate(windows)
            for item in items_by_version.get(version_id, ())
        ]
        for item, in_force_from, until, first_window, published in governed:
            if item.sector_types and f",{org.sector_type}," not in item.sector_types:
                continue
            if item.timing == Timing.NONE:
                if not first_window:
                    continue  # one long-term row: the version governing the year's beginning
                specs = [("long_term", "", None, None, rules.for_long_term(item, deadline, published))]
                kind = Kind.LONG_TERM
            else:
                specs = [
                    (k, label, s, e, rules.for_period(item, s, e))
                    for k, label, s, e in periods(item.cadence, year)
                    if in_force_from <= s and (until is None or s < until)
                ]
                kind = Kind.PERIODIC
            for key, label, start, end, anchor in specs:
                due_date, uncovered = due(*anchor)
                rows.append(
                    bulk.Row(
                        org_id=org.pk,
                        org_path=org.path,
                        sector_type=org.sector_type,
                        catalogue_item_id=item.pk,
                        category=item.category,
                        kind=kind,
                        key=key,
                        year=year,
                        period_label=label,
                        period_start=start,
                        period_end=end,
                        start_date=anchor.start,
                        offset=anchor.offset,
                        counting=anchor.counting,
                        due_date=due_date,
                        calendar_not_covered=uncovered,
                    )
                )
    bulk.insert(Obligation, rows, conflict=["org", "catalogue_item", "key"])  # existing rows stay
    scope = Q() if orgs is None else Q(org_id__in=orgs.values("pk"))
    carried = Obligation.objects.filter(scope, kind=Kind.LONG_TERM, year__lt=year, fulfilled_at__isnull=True)
    moved_from = set(carried.values_list("year", flat=True))
    if moved_from:
        carried.update(year=year)  # still owed: it counts in this year's compliance and rollout
    summary.refresh(scope & Q(year__in=[year, *moved_from]))
    return len(rows)


@transaction.atomic
def catalogue_version_published(version) -> int:
    """R5: a new catalogue version takes effect: open periodic obligations of the versions it replaces,
    for periods from its effective date on, are withdrawn and the years regenerated under it. Periods
    before keep their version. Called by catalogue.actions.publish_version in its transaction."""
    effective = version.effective_from
    if effective is None:
        return 0
    stale = Obligation.objects.filter(
        catalogue_item__version__catalogue__owner_id=version.catalogue.owner_id,
        kind=Kind.PERIODIC,
        period_start__gte=effective,
        fulfilled_on__isnull=True,
    ).exclude(catalogue_item__version=version)
    years = set(stale.values_list("year", flat=True)) | set(
        Obligation.objects.filter(catalogue_item__version__catalogue__owner_id=version.catalogue.owner_id)
        .filter(year__gte=effective.year)
        .values_list("year", flat=True)
    )
    withdrawn, _n = stale.delete()
    orgs = Organisation.objects.filter(version.catalogue.owner.subtree_q())
    for year in sorted(years):
        generate_obligations(year, orgs)
    if withdrawn:
        summary.rebuild()  # summary rows of withdrawn pairs go too
    return withdrawn


# ---- Following the organisation tree (orgs/ports.py) ------------------------------------------


def org_paths_moved(org) -> None:
    """R1: a branch moved; its rows' org_path copies were rewritten with the tree. The rollups add up
    subtrees, so they are rebuilt (in the moving transaction)."""
    summary.rebuild()


def org_closed(org, on) -> int:
    """R1: a closed organisation owes nothing from `on`: its open obligations starting later go."""
    withdrawn, _n = Obligation.objects.filter(org=org, fulfilled_on__isnull=True, start_date__gt=on).delete()
    summary.rebuild()
    return withdrawn


def org_sector_type_changed(org) -> None:
    """Obligations and summary rows copy the sector type they are grouped by: keep the copies true."""
    Obligation.objects.filter(org=org).update(sector_type=org.sector_type)
    ComplianceSummary.objects.filter(org=org).update(sector_type=org.sector_type)
    summary.rebuild()


@transaction.atomic
def rollout_deadlines_changed(year: int) -> int:
    """R19: a plan's deadlines were set or changed: the open long-term obligations follow them.
    Called by oversight's plan action in its transaction; returns how many deadlines moved."""
    versions = _versions_by_owner_path(year)
    rollout = calendar.rollout_deadlines(year)
    overrides = calendar.current_overrides()
    changed = []
    for o in (
        Obligation.objects.select_for_update()
        .filter(kind=Kind.LONG_TERM, year=year, fulfilled_at__isnull=True)
        .select_related("org", "catalogue_item")
    ):
        windows = next(
            (versions[p] for p in reversed([*o.org.ancestor_paths(), o.org.path]) if p in versions), []
        )
        published = windows[0][3] if windows else None  # the version governing the year's beginning
        if published is None or (o.counting == Counting.AFTER and o.start_date != published):
            continue  # reopened after a revocation: counted from that day, not from the plan
        anchor = rules.for_long_term(
            o.catalogue_item, calendar.rollout_deadline_for(o.org, rollout), published
        )
        due = calendar.due_date(anchor.start, anchor.offset, overrides, anchor.counting)
        if (anchor, due) != ((o.start_date, o.offset, o.counting), (o.due_date, o.calendar_not_covered)):
            o.start_date, o.offset, o.counting = anchor
            o.due_date, o.calendar_not_covered = due
            changed.append(o)
    Obligation.objects.bulk_update(
        changed, ["start_date", "offset", "counting", "due_date", "calendar_not_covered"], batch_size=1000
    )
    if changed:
        summary.refresh(Q(kind=Kind.LONG_TERM, year=year))
    return len(changed)


# ---- Timely and staged obligations: a clerk registers the event -----------------------------


EVENT_WINDOW = timedelta(days=366)


@transaction.atomic
def register_event(org, catalogue_item, *, by, event_date, note, stage=""):
    """R14: a timely item's event (or a staged item's stage) happened — or, for an item due before its
    event, is coming: one obligation, due as the catalogue says."""
    access.require(by, "obligation.register_event", org)
    if not CatalogueItem.objects.for_org(org).filter(pk=catalogue_item.pk).exists():
        raise ActionError(_("该目录事项不适用于本组织。"))
    if catalogue_item.timing not in (Timing.TIMELY, Timing.STAGED):
        raise ActionError(_("只有及时公开、分阶段公开的事项需要登记事项发生。"))
    if not isinstance(event_date, date):
        raise ActionError(_("请填写事项发生日期。"))
    today = timezone.localdate()
    ahead = catalogue_item.timing == Timing.TIMELY and catalogue_item.rule == DueRule.BEFORE_EVENT
    if ahead:
        if event_date > today + EVENT_WINDOW:
            raise ActionError(_("事项日期不能晚于一年后。"))
    elif event_date > today:
        raise ActionError(_("事项发生日期不能晚于今天。"))
    if event_date < today - EVENT_WINDOW:
        raise ActionError(_("事项发生日期不能早于一年前。"))
    note = clean_line(note, field=_("事项说明"), max_length=200)
    if catalogue_item.timing == Timing.STAGED:
        if stage not in catalogue_item.stage_names:
            raise ActionError(_("请从该事项的阶段中选择。"))
        kind = Kind.STAGED
    else:
        stage, kind = "", Kind.TIMELY
    anchor = rules.for_event(catalogue_item, event_date, stage)
    due_date, uncovered = calendar.due_date(
        anchor.start, anchor.offset, calendar.current_overrides(), anchor.counting
    )
    obligation = Obligation.objects.create(
        org=org,
        org_path=org.path,
        sector_type=org.sector_type,
        catalogue_item=catalogue_item,
        category=catalogue_item.category,
        kind=kind,
        key=f"E{next_number(f'obligation-event:{org.code}')}",
        year=event_date.year,
        period_label=stage,
        event_date=event_date,
        event_note=note,
        stage=stage,
        start_date=anchor.start,
        offset=anchor.offset,
        counting=anchor.counting,
        due_date=due_date,
        calendar_not_covered=uncovered,
        registered_by=by,
    )
    summary.refresh_pair(org.pk, catalogue_item.pk)
    record(
        action="obligation.register_event",
        obj=obligation,
        actor=by,
        data={"event_date": event_date.isoformat(), "stage": stage, "due": str(due_date)},
    )
    return obligation


# ---- Fulfilment: called by disclosure.actions.publish_item in its transaction ---------------


def _pick(candidates: list[Obligation], item) -> Obligation | None:
    """R14: the obligation of the period, event or stage the item states — never a guessed one."""
    if not candidates:
        return None
    if candidates[0].kind == Kind.LONG_TERM:
        return candidates[0]
    exact = {
        Kind.PERIODIC: lambda o: item.period_label and o.period_label == item.period_label,
        Kind.TIMELY: lambda o: item.event_date and o.event_date == item.event_date,
        Kind.STAGED: lambda o: item.stage and o.stage == item.stage,
    }[candidates[0].kind]
    return next((o for o in candidates if exact(o)), None)


def carrier_moment(item):
    """R36: when the item met its catalogue item's required carrier (会议公开 …): the later of its
    publication and the first such carrier's date; None while that carrier is not recorded. Without a
    required carrier, publication alone."""
    required = item.catalogue_item.required_carrier if item.catalogue_item_id else ""
    if not required:
        return item.published_at
    first = item.carriers.filter(kind=required).order_by("on").values_list("on", flat=True).first()
    if first is None:
        return None
    recorded = timezone.make_aware(datetime.combine(first, time(12)))
    return max(item.published_at, recorded)


def fulfil_for_item(item) -> Obligation | None:
    """Publishing an item fulfils the obligation of the period it states (R14); a new version of a
    published item does not. An item for a period without an open obligation fulfils none. Called
    again when a carrier is recorded: a required carrier must be there too (R36)."""
    if item.catalogue_item_id is None or item.supersedes_id or item.published_at is None:
        return None
    moment = carrier_moment(item)
    if moment is None:
        return None
    on = timezone.localdate(moment)
    candidates = list(
        Obligation.objects.select_for_update()
        .filter(org_id=item.org_id, catalogue_item_id=item.catalogue_item_id, fulfilled_at__isnull=True)
        .order_by("start_date", "pk")
    )
    obligation = _pick(candidates, item)
    if obligation is None:
        return None
    obligation.fulfilled_at = moment
    obligation.fulfilled_on = on
    obligation.fulfilled_item = item
    obligation.save(update_fields=["fulfilled_at", "fulfilled_on", "fulfilled_item"])
    summary.refresh_pair(obligation.org_id, obligation.catalogue_item_id)
    record(
        action="obligation.fulfil",
        obj=obligation,
        actor=item.approver if item.approver_id else None,
        data={"item": item.pk, "on": on.isoformat(), "due": str(obligation.due_date)},
    )
    return obligation


def obligation_for_item(item) -> Obligation | None:
    """The open obligation an item would fulfil if published now (shown to the clerk before publishing)."""
    if item.catalogue_item_id is None or item.supersedes_id:
        return None
    candidates = list(
        Obligation.objects.filter(
            org_id=item.org_id, catalogue_item_id=item.catalogue_item_id, fulfilled_at__isnull=True
        ).order_by("start_date", "pk")
    )
    return _pick(candidates, item)


def item_withdrawn(item, *, on: date | None = None) -> Obligation | None:
    """R14: a published item was revoked or terminated. The long-term obligation it fulfilled passes to
    another current item of the same catalogue item, or reopens, due the catalogue's allowance later.
    Called by disclosure's change action in its transaction."""
    obligation = (
        Obligation.objects.select_for_update()
        .filter(
            org_id=item.org_id,
            catalogue_item_id=item.catalogue_item_id,
            kind=Kind.LONG_TERM,
            fulfilled_at__isnull=False,
        )
        .select_related("catalogue_item")
        .first()
    )
    if obligation is None:
        return None
    from gongkai.disclosure.models import DisclosureItem

    other = (
        DisclosureItem.objects.current()
        .filter(org_id=item.org_id, catalogue_item_id=item.catalogue_item_id)
        .exclude(pk=item.pk)
        .order_by("-published_at")
        .first()
    )
    on = on or timezone.localdate()
    if other is not None:
        obligation.fulfilled_item = other
        obligation.save(update_fields=["fulfilled_item"])
        return obligation
    anchor = rules.after_reopening(obligation.catalogue_item, on)
    obligation.start_date, obligation.offset, obligation.counting = anchor
    obligation.due_date, obligation.calendar_not_covered = calendar.due_date(
        *anchor, calendar.current_overrides()
    )
    obligation.fulfilled_at = obligation.fulfilled_on = obligation.fulfilled_item = None
    old_year, obligation.year = obligation.year, on.year
    obligation.save(
        update_fields=[
            "start_date",
            "offset",
            "counting",
            "due_date",
            "calendar_not_covered",
            "fulfilled_at",
            "fulfilled_on",
            "fulfilled_item",
            "year",
        ]
    )
    summary.refresh(
        Q(
            org_id=obligation.org_id,
            catalogue_item_id=obligation.catalogue_item_id,
            year__in=[old_year, on.year],
        )
    )
    record(
        action="obligation.reopen",
        obj=obligation,
        actor=None,
        data={"item": item.pk, "due": str(obligation.due_date)},
    )
    return obligation


def withholding_decided(withholding) -> None:
    """Called by disclosure.actions.decide_withholding in its transaction: an accepted filing turns
    the pair's open obligations to withheld (R12, R14)."""
    summary.refresh_pair(withholding.org_id, withholding.catalogue_item_id)


# ---- Calendar (R15) --------------------------------------------------------------------------


@calendar.register_recomputer
def recompute_obligations(
    overrides: workdays.Overrides, since: date | None, until: date | None, *, flagged_only: bool = False
) -> int:
    """Recount the open obligations a calendar change between `since` and `until` may move (R15)."""
    affected = Obligation.objects.select_for_update().filter(fulfilled_at__isnull=True)
    if flagged_only:
        affected = affected.filter(calendar_not_covered=True)
    if since is not None and until is not None:
        # An "after" deadline starting after the changed days cannot move; "before" ones can.
        affected = affected.filter(Q(start_date__lte=until) | ~Q(counting=Counting.AFTER)).filter(
            Q(due_date__isnull=True) | Q(due_date__gte=since) | Q(start_date__gte=since)
        )
    changed = []
    for o in affected.only("pk", "start_date", "offset", "counting", "due_date", "calendar_not_covered"):
        due_date, uncovered = calendar.due_date(o.start_date, o.offset, overrides, o.counting)
        if (due_date, uncovered) != (o.due_date, o.calendar_not_covered):
            o.due_date, o.calendar_not_covered = due_date, uncovered
            changed.append(o)
    Obligation.objects.bulk_update(changed, ["due_date", "calendar_not_covered"], batch_size=1000)
    if changed or not flagged_only:
        # The due-soon window of every open deadline may have moved too: every summary row, now.
        summary.refresh(Q(), on=timezone.localdate(), overrides=overrides)
    return len(changed)


def _recompute(since: date | None, until: date | None) -> int:
    """R15: one entry point: every open deadline of every kind, recounted with the calendar as written."""
    moved = calendar.recompute_open_deadlines(calendar.fresh_overrides(), since, until)
    # Now for this process, and again after commit in case another request re-read the old rows.
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)
    return moved


@transaction.atomic
def recheck_flagged_deadlines() -> int:
    """R15: the daily job. An upgraded chinese-calendar package may now cover a year it did not: every
    deadline flagged "not covered", of every kind, is recounted. Returns how many moved."""
    moved = calendar.recompute_open_deadlines(calendar.fresh_overrides(), None, None, flagged_only=True)
    if moved:
        record(action="calendar.recheck", obj=None, actor=None, data={"moved": moved})
    return moved


@transaction.atomic
def enter_year_schedule(year: int, holidays: str, adjusted_workdays: str, *, by) -> int:
    """The State Council's schedule for `year`, entered in one form: replaces that year's overrides,
    marks the year covered, recomputes the open deadlines. Returns how many deadlines moved."""
    access.require(by, "calendar.manage")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ActionError(_("年份应在 2000 至 2100 之间。"))
    days = calendar.parse_schedule(year, holidays, adjusted_workdays)
    CalendarOverride.objects.filter(date__year=year).delete()
    CalendarOverride.objects.bulk_create(
        [
            CalendarOverride(date=d, is_working_day=w, note=n, updated_by=by)
            for d, (w, n) in sorted(days.items())
        ]
    )
    entry, _created = CalendarYear.objects.update_or_create(year=year, defaults={"entered_by": by})
    moved = _recompute(date(year, 1, 1), date(year, 12, 31))
    record(
        action="calendar.enter_year",
        obj=entry,
        actor=by,
        data={
            "year": year,
            "holidays": sum(1 for w, _n in days.values() if not w),
            "workdays": sum(1 for w, _n in days.values() if w),
            "moved": moved,
        },
    )
    return moved


@transaction.atomic
def set_override(day: date, is_working_day: bool, *, by, note: str = "") -> int:
    """One day made a holiday or a working day; the open deadlines it affects move at once."""
    access.require(by, "calendar.manage")
    if not isinstance(day, date):
        raise ActionError(_("请填写日期。"))
    note = clean_line(note, field=_("说明"), max_length=100, required=False)
    override, _created = CalendarOverride.objects.update_or_create(
        date=day, defaults={"is_working_day": is_working_day, "note": note, "updated_by": by}
    )
    moved = _recompute(day, day)
    record(
        action="calendar.set_override",
        obj=override,
        actor=by,
        data={"date": day.isoformat(), "working": is_working_day, "note": note, "moved": moved},
    )
    return moved


@transaction.atomic
def delete_override(override: CalendarOverride, *, by) -> int:
    access.require(by, "calendar.manage")
    override = locked(override)
    day = override.date
    record(action="calendar.delete_override", obj=override, actor=by, data={"date": day.isoformat()})
    override.delete()
    return _recompute(day, day)
