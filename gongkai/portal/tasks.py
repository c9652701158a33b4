"""The portal's periodic job: the daily digest of every staff user's workbench."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .digest import send_digest


@db_periodic_task(crontab(hour="7", minute="30"))
@lock_task("portal-digest")
def daily_digest():
    return send_digest()
