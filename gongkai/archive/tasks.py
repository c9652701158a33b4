from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .fixity import check_and_record


@db_periodic_task(crontab(day_of_week="0", hour="18", minute="30"))
def weekly_fixity_check():
    """R25: weekly (Monday 02:30 Beijing time); a mismatch becomes a `fixity.mismatch` audit entry,
    which the auditors' audit page shows (filter by action)."""
    return check_and_record().summary()
