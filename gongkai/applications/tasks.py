"""Daily reminders: open applications due within three working days, or overdue."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from gongkai.notifications import notices
from gongkai.obligations import calendar

from .models import Application, Status


def remind(today=None) -> int:
    """Tell the handlers of each open application due within three working days, or overdue."""
    today = today or timezone.localdate()

    def describe(a, late):
        title = _("依申请公开已超期：%(number)s") if late else _("依申请公开即将到期：%(number)s")
        body = _("“%(title)s”答复期限 %(due)s。") % {"title": a.title, "due": f"{a.due_date:%Y-%m-%d}"}
        return (
            title % {"number": a.number},
            body,
            reverse("applications:detail", args=[a.pk]),
            f"ysq-due:{a.pk}",
        )

    return notices.remind_handlers(
        Application.objects.exclude(status=Status.ANSWERED),
        today,
        describe,
        horizon=calendar.reminder_horizon(today),
    )


@db_periodic_task(crontab(hour="8", minute="5"))
def daily_reminders():
    remind()


@db_periodic_task(crontab(hour="2", minute="50"))
@lock_task("applications-erase-personal-data")
def erase_personal_data_daily():
    """SECURITY 17: daily; safe to rerun (erased applications are skipped)."""
    from .retention import erase_expired_personal_data

    return erase_expired_personal_data()
