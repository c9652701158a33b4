"""Issue 12.7 and 12.8: application and feedback deadlines as the rules say, worked out by hand from the
State Council's 2026 notice (中秋节 9月25日至27日、国庆节 10月1日至7日放假，10月10日（周六）上班)."""

from datetime import date

import pytest
import time_machine

from gongkai.applications import actions
from gongkai.applications.models import Application, Pause, Status
from gongkai.applications.tasks import remind
from gongkai.audit.models import AuditEntry
from gongkai.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _apply(org, user):
    return actions.submit_application(
        org, by=user, title="2026年党费使用情况", description="请公开本支部2026年党费收缴和使用明细。"
    )


def test_r16_an_application_received_on_a_rest_day_counts_from_the_next_working_day(tree, people):
    with time_machine.travel("2026-10-03 15:00 +08:00", tick=False):  # Saturday, National Day
        a = _apply(tree.a, people.member_a)
    # Received as of Thursday 10-08 (the first working day after the holiday); 20 working days after
    # it: 10-9, 10-10 (worked Saturday) (2), 10-12..16 (7), 10-19..23 (12), 10-26..30 (17), 11-2..4 (20).
    assert a.due_date == date(2026, 11, 4)
    with time_machine.travel("2026-10-09 15:00 +08:00", tick=False):  # a working Friday is the receipt day
        b = _apply(tree.a, people.member_a)
    assert b.due_date == date(2026, 11, 5)  # 10-10 (1), 10-12..16 (6), … 10-26..30 (16), 11-2..5 (20)


def test_r16_a_resume_date_in_the_future_is_refused(tree, people):
    with time_machine.travel("2026-11-02 10:00 +08:00", tick=False):
        a = _apply(tree.a, people.member_a)
        a = actions.pause_application(a, by=people.clerk_a, kind=Pause.Kind.THIRD_PARTY, note="征求意见")
        with pytest.raises(actions.ActionError, match="不能晚于今天"):
            actions.resume_application(a, by=people.clerk_a, on=date(2026, 11, 9))
    a.refresh_from_db()
    assert a.status == Status.CONSULTING and a.due_date is None


def test_r16_the_applicant_supplies_the_supplement_online_and_the_clock_restarts(
    client, tree, people, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-11-02 10:00 +08:00", tick=False):  # Monday
        a = _apply(tree.a, people.member_a)
        assert a.due_date == date(2026, 11, 30)  # 20 working days, no holiday in November
        actions.pause_application(a, by=people.clerk_a, kind=Pause.Kind.SUPPLEMENT, note="请写明所需年度")
    with time_machine.travel("2026-11-04 10:00 +08:00", tick=False):  # Wednesday
        client.force_login(people.member_b)
        assert client.post(f"/apply/{a.pk}/supplement/", {"text": "x"}).status_code == 404
        client.force_login(people.member_a)
        page = client.get(f"/apply/{a.pk}/").content.decode()
        assert "提交补正" in page and "请写明所需年度" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/apply/{a.pk}/supplement/", {"text": "所需为2026年1至10月的明细。"}, follow=True
            )
        assert "已提交补正" in response.content.decode()
    a.refresh_from_db()
    pause = a.pauses.get()
    # Stopped 11-02, resumed 11-04: two working days (11-03, 11-04) added to 11-30 → Wednesday 12-02.
    assert (a.status, pause.end, pause.supplement) == (
        Status.PROCESSING,
        date(2026, 11, 4),
        "所需为2026年1至10月的明细。",
    )
    assert a.due_date == date(2026, 12, 2)
    assert Notification.objects.filter(user=people.clerk_a, title__contains="申请人已补正").exists()
    assert AuditEntry.objects.filter(action="application.supplement", object_id=str(a.pk)).exists()
    with pytest.raises(actions.ActionError, match="不需要补正"):
        actions.supply_supplement(a, by=people.member_a, text="再补一次")


def test_reminders_look_three_working_days_ahead_not_a_calendar_week(
    tree, people, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-09-28 10:00 +08:00", tick=False):
        soon, later = _apply(tree.a, people.member_a), _apply(tree.a, people.member_a)
    # On Tuesday 9-29 the next three working days are 9-30, 10-8 and 10-9 (10-1..7 is the holiday):
    # due Friday 10-9 is reminded; due Saturday 10-10 (a working day, the fourth) is not yet.
    Application.objects.filter(pk=soon.pk).update(due_date=date(2026, 10, 9))
    Application.objects.filter(pk=later.pk).update(due_date=date(2026, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(today=date(2026, 9, 29)) == 1
    notes = Notification.objects.filter(user=people.clerk_a)
    assert [n.title for n in notes] == [f"依申请公开即将到期：{soon.number}"]
