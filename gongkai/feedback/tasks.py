from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from gongkai.notifications import notices
from gongkai.obligations import calendar

from .actions import erase_expired_personal_data
from .models import FeedbackCase, Status


@db_periodic_task(crontab(hour="2", minute="40"))
@lock_task("feedback-erase-personal-data")
def erase_personal_data_daily():
    """SECURITY 17: daily; safe to rerun (erased cases are skipped)."""
    return erase_expired_personal_data()


def remind(today=None) -> int:
    """Tell the handlers of each open case due within three working days, or overdue."""
    today = today or timezone.localdate()

    def describe(c, late):
        title = _("意见反馈已超期：%(subject)s") if late else _("意见反馈即将到期：%(subject)s")
        body = _("办理期限 %(due)s。") % {"due": f"{c.due_date:%Y-%m-%d}"}
        return title % {"subject": c.subject}, body, reverse("feedback:case", args=[c.pk]), f"fk-due:{c.pk}"

    return notices.remind_handlers(
        FeedbackCase.objects.exclude(status=Status.REPLIED),
        today,
        describe,
        horizon=calendar.reminder_horizon(today),
    )


@db_periodic_task(crontab(hour="8", minute="5"))
def feedback_reminders_daily():
    remind()
