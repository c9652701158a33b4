"""Background jobs (Huey). Each is idempotent and safe to run twice at once."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .actions import generate_obligations
from .digest import send_digest
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


@db_periodic_task(crontab(hour="7", minute="30"))
@lock_task("obligations-digest")
def daily_digest():
    return send_digest()
