"""Daily reminders: open applications and feedback due within three working days, or overdue."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import notices
from .models import Application, Status

SOON = 3


def remind(today=None) -> int:
    """Notify each handler once per application and due date; returns how many were considered."""
    from gongkai.feedback.models import FeedbackCase
    from gongkai.feedback.models import Status as CaseStatus

    today = today or timezone.localdate()
    horizon = today + timedelta(days=SOON + 4)  # calendar days covering three working days
    count = 0
    apps = (
        Application.objects.exclude(status=Status.ANSWERED)
        .filter(due_date__lte=horizon)
        .select_related("org")
    )
    for a in apps:
        late = a.due_date < today
        title = f"依申请公开{'已超期' if late else '即将到期'}：{a.number}"
        body = f"“{a.title}”答复期限 {a.due_date:%Y-%m-%d}。"
        url = reverse("applications:detail", args=[a.pk])
        notices.send(notices.handlers(a.org), title, body, url, key=f"ysq-due:{a.pk}:{a.due_date}:{late}")
        count += 1
    cases = (
        FeedbackCase.objects.exclude(status=CaseStatus.REPLIED)
        .filter(due_date__lte=horizon)
        .select_related("org")
    )
    for c in cases:
        late = c.due_date < today
        title = f"意见反馈{'已超期' if late else '即将到期'}：{c.subject}"
        url = reverse("feedback:case", args=[c.pk])
        notices.send(
            notices.handlers(c.org),
            title,
            f"办理期限 {c.due_date:%Y-%m-%d}。",
            url,
            key=f"fk-due:{c.pk}:{c.due_date}:{late}",
        )
        count += 1
    return count


@db_periodic_task(crontab(hour="8", minute="5"))
def daily_reminders():
    remind()
