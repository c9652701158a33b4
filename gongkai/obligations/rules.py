"""R14: where an obligation's deadline is anchored, read from the catalogue's words.

Each function answers (start date, working days, counting) — the three things a calendar change needs
to recount the deadline (calendar.count). Pure: no database, no calendar."""

import calendar as _cal
from datetime import date
from typing import NamedTuple

from gongkai.catalogue.models import CADENCE_MONTHS, LAST_DAY, CatalogueItem, DueRule

from .models import Counting


class Anchor(NamedTuple):
    start: date
    offset: int
    counting: str


def _fixed_day(item: CatalogueItem, period_start: date) -> date:
    """Day `due_day` (31 = the month's last) of month `due_month` of the period, or of the next one."""
    months = (item.due_month or 1) - 1 + (CADENCE_MONTHS.get(item.cadence, 12) if item.due_next_period else 0)
    index = period_start.year * 12 + period_start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _cal.monthrange(year, month)[1]
    return date(year, month, min(item.due_day or LAST_DAY, last))


def for_period(item: CatalogueItem, start: date, end: date) -> Anchor:
    """每月5日前 / 每年2月底前: a fixed day moved off rest days; otherwise N working days after the end."""
    if item.rule == DueRule.FIXED_DAY:
        return Anchor(_fixed_day(item, start), 0, Counting.BY)
    return Anchor(end, item.due_offset, Counting.AFTER)


def for_event(item: CatalogueItem, event_date: date, stage: str = "") -> Anchor:
    """A timely item: N working days after the event, or before it (arrangements announced ahead);
    a staged item: the stage's own allowance after the stage."""
    if stage:
        return Anchor(event_date, item.stage_days(stage) or 0, Counting.AFTER)
    if item.rule == DueRule.BEFORE_EVENT:
        return Anchor(event_date, item.due_offset, Counting.BEFORE)
    return Anchor(event_date, item.due_offset, Counting.AFTER)


def for_long_term(item: CatalogueItem, rollout_deadline: date | None, published: date) -> Anchor:
    """R14/R19: by the rollout deadline of the organisation's sector type; an item whose catalogue
    version was published after that deadline (or with no deadline to go by) gets the catalogue's
    allowance counted from the publication."""
    if rollout_deadline is not None and published <= rollout_deadline:
        return Anchor(rollout_deadline, 0, Counting.BY)
    return Anchor(published, item.due_offset, Counting.AFTER)


def after_reopening(item: CatalogueItem, on: date) -> Anchor:
    """A long-term obligation reopened (its only current item revoked): the allowance from that day."""
    return Anchor(on, item.due_offset, Counting.AFTER)
