"""Issue 12: a freshly loaded demo looks like a real year — most organisations implemented on time,
compliance mostly on time, a few named laggards and a handful of overdue items, and no long-term
obligation due on a rest day."""

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from gongkai.lib import workdays
from gongkai.obligations import compliance
from gongkai.obligations.calendar import current_overrides
from gongkai.obligations.models import Kind, Obligation, Status
from gongkai.obligations.status import with_status
from gongkai.orgs.models import Organisation
from gongkai.oversight.rollout import plan_for, progress

pytestmark = pytest.mark.django_db

LOADED_ON = "2026-11-30 09:00 +08:00"  # a Monday late in the year: most deadlines have passed


def test_a_freshly_loaded_demo_looks_like_a_real_year(db, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # ~170 demo logins
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(LOADED_ON, tick=False):
        call_command("load_demo", verbosity=0)
        on = timezone.localdate()
        street = Organisation.objects.get(code="JLJD")
        sectors = progress(plan_for([street.pk], 2026), Organisation.objects.all(), on)
        statuses = list(
            with_status(
                Obligation.objects.filter(year=2026, org__is_demo=True).exclude(sector_type=""), on
            ).values_list("status", flat=True)
        )
        figures = compliance.compute(Obligation.objects.filter(year=2026), on)

    # Rollout dashboard (R19): most organisations implemented; the laggards are the named ones.
    rows = [r for s in sectors for r in s.rows]
    assert sum(r.implemented for r in rows) / len(rows) >= 0.8
    lagging = {r.org.code: [str(x) for x in r.lacks] for r in rows if not r.implemented}
    assert set(lagging) == {"JLJD-SH", "JLJD-WH"}
    assert "书记公开承诺未公开" in lagging["JLJD-SH"]
    late = {r.org.code for s in sectors for r in s.rows if r.implemented and r.implemented_on > s.deadline}
    assert late == {"JLJD-LH", "JLJD-JX"}

    # Compliance (R14): mostly on time, some late, a handful overdue.
    counts = {s: statuses.count(s) for s in Status}
    due = counts[Status.DONE_ON_TIME] + counts[Status.DONE_LATE] + counts[Status.OVERDUE]
    assert counts[Status.DONE_ON_TIME] / due >= 0.85, counts
    assert 3 <= counts[Status.OVERDUE] <= 30 and counts[Status.DONE_LATE] > 0, counts
    assert sum(f.total for f in figures["by_sector_type"].values()) >= len(statuses)

    # No long-term obligation due on a rest day; the plan's deadlines: communities by 6-30,
    # affiliated units by 8-10, schools by Saturday 10-10 (an adjusted working day in 2026).
    overrides = current_overrides()
    dues = list(Obligation.objects.filter(kind=Kind.LONG_TERM).values_list("due_date", flat=True))
    assert dues and all(d is not None and workdays.is_working_day(d, overrides) for d in dues)
    by_org = dict(
        Obligation.objects.filter(kind=Kind.LONG_TERM, org__code__in=["JLJD-SXA", "JLJD-WS", "JLJD-ZX"])
        .values_list("org__code", "due_date")
        .distinct()
    )
    assert {k: v.isoformat() for k, v in by_org.items()} == {
        "JLJD-SXA": "2026-06-30",
        "JLJD-WS": "2026-08-10",
        "JLJD-ZX": "2026-10-10",
    }
