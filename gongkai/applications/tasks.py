"""Daily reminders: open applications due within three working days, or overdue."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongkai.notifications import notices

from .models import Application, Status

# Calendar days that cover three working days.
HORIZON_DAYS = 7


def remind(today=None) -> int:
    """Notify each handler once per application and due date; returns how many were considered."""
    today = today or timezone.localdate()
    count = 0
    apps = (
        Application.objects.exclude(status=Status.ANSWERED)
        .filter(due_date__lte=today + timedelta(days=HORIZON_DAYS))
        .select_related("org")
    )
    for a in apps:
        late = a.due_date < today
        title = (_("依申请公开已超期：%(number)s") if late else _("依申请公开即将到期：%(number)s")) % {
            "number": a.number
        }
        body = _("“%(title)s”答复期限 %(due)s。") % {"title": a.title, "due": f"{a.due_date:%Y-%m-%d}"}
        url = reverse("applications:detail", args=[a.pk])
        notices.send(notices.handlers(a.org), title, body, url, key=f"ysq-due:{a.pk}:{a.due_date}:{late}")
        count += 1
    return count


@db_periodic_task(crontab(hour="8", minute="5"))
def daily_reminders():
    remind()
