"""Background jobs (Huey). Each is idempotent and safe to run twice at once."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .actions import generate_obligations, recheck_flagged_deadlines
from .status import today


@db_periodic_task(crontab(hour="1", minute="10"))
@lock_task("obligations-generate")
def generate_current_year():
    """The year's long-term and periodic obligations; in December the next year's as well."""
    on = today()
    n = generate_obligations(on.year)
    if on.month == 12:
        n += generate_obligations(on.year + 1)
    return n


@db_periodic_task(crontab(hour="0", minute="2"))
@lock_task("obligations-summary")
def refresh_compliance_summary():
    """Day change: the summary rows whose overdue / due-soon counts moved with the date (reads
    correct themselves too, so a missed run costs only the first page view of the day)."""
    from .summary import refresh_stale

    return refresh_stale()


@db_periodic_task(crontab(hour="1", minute="30"))
@lock_task("calendar-recheck")
def recheck_calendar_coverage():
    """R15: after an upgrade of the chinese-calendar package, the deadlines it now covers get a date."""
    return recheck_flagged_deadlines()
