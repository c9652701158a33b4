"""The compliance summary (issue 4): status counts per organisation × catalogue item × year.

Every action that changes an obligation's status calls `refresh()` for the pairs it touched, inside
its own transaction: generation, fulfilment, event registration, withholding decisions and calendar
recomputation. A row is recomputed from its obligations (a dozen rows, by the unique index), never
incremented, so it cannot drift.

Time. Overdue, due soon and not yet due change as days pass, with no write. Each row stores the day
its counts hold for (`as_of`) and the first day they would differ (`stale_on`: the day after the
earliest open deadline not yet passed, or the first day a later deadline enters the due-soon window,
whichever comes first; null when no open deadline lies ahead). The daily job `refresh_stale()`
recomputes the rows whose day has come, and every read calls it first, so a page never shows
yesterday's counts even when the job has not run: one indexed query that finds nothing on most
requests. A changed calendar moves due-soon windows everywhere, so calendar actions refresh every row.

`compliance.compute()` stays the live computation (exports, verification); tests prove both agree.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Min, Q

from .models import ComplianceSummary, Obligation, Status
from .status import due_soon_limit, status_expression, today, withheld_q

COUNTS = [s.value for s in Status]
_ONE_DAY = timedelta(days=1)
CHUNK = 500


class _Soon:
    """due_soon_limit() memoised for one refresh; None (calendar not covered) means unbounded."""

    def __init__(self, overrides=None):
        self.overrides = overrides
        self.memo = {}

    def covers(self, on: date, due: date) -> bool:
        if on not in self.memo:
            self.memo[on] = due_soon_limit(on, self.overrides)
        limit = self.memo[on]
        return limit is None or due <= limit

    def first_day(self, due: date, on: date) -> date:
        """The first day after `on` when deadline `due` is inside the due-soon window. The limit is
        never before the day itself, so `due` is inside; walk back while the day before still is."""
        day = max(on + _ONE_DAY, due)
        while day - _ONE_DAY > on and self.covers(day - _ONE_DAY, due):
            day -= _ONE_DAY
        return day


def _rows(q: Q, on: date, overrides) -> list[ComplianceSummary]:
    counts = {s: Count("pk", filter=Q(status=s)) for s in COUNTS}
    open_ = Q(fulfilled_on__isnull=True, is_withheld=False)
    grouped = (
        Obligation.objects.filter(q)
        .alias(is_withheld=withheld_q())
        .alias(status=status_expression(on, overrides))
        .order_by()
        .values("org_id", "catalogue_item_id", "year", "org_path", "sector_type", "category")
        .annotate(
            n=Count("pk"),
            **counts,
            next_overdue=Min("due_date", filter=open_ & Q(due_date__gte=on)),
            next_soon=Min("due_date", filter=Q(status=Status.NOT_YET_DUE, due_date__isnull=False)),
        )
    )
    soon = _Soon(overrides)
    rows = []
    for g in grouped:
        candidates = []
        if g["next_overdue"]:
            candidates.append(g["next_overdue"] + _ONE_DAY)
        if g["next_soon"]:
            candidates.append(soon.first_day(g["next_soon"], on))
        rows.append(
            ComplianceSummary(
                org_id=g["org_id"],
                catalogue_item_id=g["catalogue_item_id"],
                year=g["year"],
                org_path=g["org_path"],
                sector_type=g["sector_type"],
                category=g["category"],
                total=g["n"],
                **{s: g[s] for s in COUNTS},
                as_of=on,
                stale_on=min(candidates) if candidates else None,
            )
        )
    return rows


def refresh(q: Q | None = None, on: date | None = None, overrides=None) -> int:
    """Recompute the summary rows of every (org, item, year) whose obligations match `q`. Call it
    with every obligation of each pair in `q` (filter by org and item, not by a single row).
    `overrides`: pass the calendar just written when called inside a calendar transaction."""
    rows = _rows(q or Q(), on or today(), overrides)
    ComplianceSummary.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["org", "catalogue_item", "year"],
        update_fields=["org_path", "sector_type", "category", "total", *COUNTS, "as_of", "stale_on"],
    )
    return len(rows)


def refresh_pair(org_id: int, catalogue_item_id: int) -> int:
    return refresh(Q(org_id=org_id, catalogue_item_id=catalogue_item_id))


def stale_q(on: date) -> Q:
    # as_of after `on` only happens when the clock goes back (time travel in tests, a fixed clock).
    return Q(stale_on__lte=on) | Q(as_of__gt=on)


def refresh_stale(on: date | None = None) -> int:
    """Bring the rows whose time-dependent counts changed since they were written up to `on`.
    Safe to run twice at once: rows are recomputed, never incremented; locked while rewritten."""
    on = on or today()
    if not ComplianceSummary.objects.filter(stale_q(on)).exists():
        return 0
    with transaction.atomic():
        keys = list(
            ComplianceSummary.objects.select_for_update()
            .filter(stale_q(on))
            .values_list("catalogue_item_id", "year", "org_id")
        )
        by_item = defaultdict(list)
        for item_id, year, org_id in keys:
            by_item[(item_id, year)].append(org_id)
        n = 0
        for (item_id, year), org_ids in by_item.items():
            for i in range(0, len(org_ids), CHUNK):
                chunk = org_ids[i : i + CHUNK]
                n += refresh(Q(catalogue_item_id=item_id, year=year, org_id__in=chunk), on)
        return n
