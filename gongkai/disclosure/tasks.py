from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .actions import settle_visibility


@db_periodic_task(crontab(minute="*/5"))
def settle_item_visibility():
    """R9/R10: record items that went public or expired (pages compute it on read anyway)."""
    return settle_visibility()
