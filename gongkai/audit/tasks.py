from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .chain import compute_daily_heads


@db_periodic_task(crontab(minute="10"))
def daily_chain_heads():
    """Hourly, so yesterday's head is published soon after midnight whatever the clock zone (R26)."""
    return compute_daily_heads()
