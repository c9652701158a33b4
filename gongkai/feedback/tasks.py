from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .actions import erase_expired_personal_data


@db_periodic_task(crontab(hour="2", minute="40"))
@lock_task("feedback-erase-personal-data")
def erase_personal_data_daily():
    """SECURITY 17: daily; safe to rerun (erased cases are skipped)."""
    return erase_expired_personal_data()
