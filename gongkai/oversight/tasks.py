"""Background jobs (Huey). Idempotent: escalation marks each order and notifies with a unique key."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .actions import escalate_overdue


@db_periodic_task(crontab(hour="8", minute="5"))
@lock_task("oversight-escalate")
def escalate_overdue_rectifications():
    return escalate_overdue()
