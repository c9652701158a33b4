"""Recording an offline feedback case (R18) on its staff page: saved with its tracking code and due
date, refused to an outsider (404), audited."""

from django.urls import reverse

from gongkai.audit.models import AuditEntry
from gongkai.feedback.models import FeedbackCase

CASE = {"org": "TA", "channel": "hotline", "subject": "楼道灯不亮", "content": "三单元楼道灯坏了一周。"}


def test_a_clerk_records_a_hotline_case(client, people):
    client.force_login(people.clerk_a)
    page = client.post(
        reverse("feedback:record"), {**CASE, "name": "王芳", "contact": "13800138000"}, follow=True
    )
    case = FeedbackCase.objects.get()
    assert case.channel == "hotline" and case.recorded_by == people.clerk_a and case.due_date
    assert case.code_display in page.content.decode()
    assert AuditEntry.objects.filter(
        action="feedback.create", object_id=str(case.pk), actor=people.clerk_a
    ).exists()


def test_bad_input_is_explained_and_nothing_saved(client, people):
    client.force_login(people.clerk_a)
    page = client.post(reverse("feedback:record"), {**CASE, "channel": "online"})
    assert page.status_code == 200 and "请选择收到反馈的渠道。" in page.content.decode()
    assert not FeedbackCase.objects.exists()


def test_an_outsider_gets_404(client, people):
    client.force_login(people.outsider)
    assert client.get(reverse("feedback:record")).status_code == 404
    assert client.post(reverse("feedback:record"), CASE).status_code == 404
    assert not FeedbackCase.objects.exists()


def test_handlers_are_reminded_once_of_a_case_due_soon(people, django_capture_on_commit_callbacks):
    from gongkai.feedback import actions
    from gongkai.feedback.tasks import remind
    from gongkai.notifications.models import Notification

    case = actions.record_offline(
        people.clerk_a.memberships.get().org,
        by=people.clerk_a,
        channel="letter",
        subject="路灯",
        content="不亮",
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            remind(today=case.due_date)
    sent = Notification.objects.filter(user=people.clerk_a, title="意见反馈即将到期：路灯")
    assert sent.count() == 1
    assert not Notification.objects.filter(user=people.member_a).exists()
