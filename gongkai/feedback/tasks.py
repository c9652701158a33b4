from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from gongkai.notifications import notices

from .actions import erase_expired_personal_data
from .models import FeedbackCase, Status

# Calendar days that cover three working days.
HORIZON_DAYS = 7


@db_periodic_task(crontab(hour="2", minute="40"))
@lock_task("feedback-erase-personal-data")
def erase_personal_data_daily():
    """SECURITY 17: daily; safe to rerun (erased cases are skipped)."""
    return erase_expired_personal_data()


def remind(today=None) -> int:
    """Open cases due within three working days, or overdue: each handler told once per due date."""
    today = today or timezone.localdate()
    count = 0
    cases = (
        FeedbackCase.objects.exclude(status=Status.REPLIED)
        .filter(due_date__lte=today + timedelta(days=HORIZON_DAYS))
        .select_related("org")
    )
    for c in cases:
        late = c.due_date < today
        title = (_("意见反馈已超期：%(subject)s") if late else _("意见反馈即将到期：%(subject)s")) % {
            "subject": c.subject
        }
        notices.send(
            notices.handlers(c.org),
            title,
            _("办理期限 %(due)s。") % {"due": f"{c.due_date:%Y-%m-%d}"},
            reverse("feedback:case", args=[c.pk]),
            key=f"fk-due:{c.pk}:{c.due_date}:{late}",
        )
        count += 1
    return count


@db_periodic_task(crontab(hour="8", minute="5"))
def feedback_reminders_daily():
    remind()
