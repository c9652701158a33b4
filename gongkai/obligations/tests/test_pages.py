"""The calendar admin page, event registration, the workbench with its header badge, the digest."""

import pytest
from django.core import mail
from django.core.cache import caches

from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, at, grant, make_org
from gongkai.disclosure.models import State
from gongkai.disclosure.tests.factories import make_item
from gongkai.notifications.models import Notification
from gongkai.obligations import actions
from gongkai.obligations.models import CalendarYear, Obligation
from gongkai.orgs.models import Role
from gongkai.oversight.models import SupervisorAssignment
from gongkai.portal.digest import send_digest

from .factories import catalogue, d

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(tree):
    return catalogue(tree.committee)


def test_calendar_page_enters_a_year_and_recomputes(client, tree, people, cat):
    clerk = people.clerk_a
    with at(2026, 12, 18):
        o = actions.register_event(tree.a, cat.timely, by=clerk, event_date=d("2026-12-18"), note="决定")
        client.force_login(clerk)
        assert client.get("/work/obligations/calendar/").status_code == 404
        client.force_login(people.inspector_c)  # inspector at the root of the test tree
        page = client.get("/work/obligations/calendar/").content.decode()
        assert "2027 年的官方放假安排尚未录入" in page
        bad = client.post(
            "/work/obligations/calendar/",
            {"y-year": "2027", "y-holidays": "2027-01-01 到 2027-13-03 元旦", "y-workdays": ""},
        )
        assert bad.status_code == 200 and "不存在" in bad.content.decode()
        assert not CalendarYear.objects.exists()
        ok = client.post(
            "/work/obligations/calendar/",
            {"y-year": "2027", "y-holidays": "2027-01-01 至 2027-01-03 元旦", "y-workdays": ""},
            follow=True,
        )
        assert "已录入" in ok.content.decode()
    o.refresh_from_db()
    assert o.due_date == d("2027-01-18") and not o.calendar_not_covered


def test_uncovered_deadline_is_shown_as_such_on_the_list(client, tree, people, cat):
    actions.generate_obligations(2026)
    client.force_login(people.clerk_a)
    with at(2026, 11, 29):
        html = client.get(f"/work/obligations/?org={tree.a.code}&year=2026").content.decode()
    assert "工作日历未覆盖" in html


def test_register_event_page(client, tree, people, cat):
    with at(2026, 11, 20):
        client.force_login(people.member_a)
        assert client.get("/work/obligations/events/new/").status_code == 404
        client.force_login(people.clerk_a)
        form = client.get("/work/obligations/events/new/").content.decode()
        assert "重大事项决策" in form and "乙社区党支部" not in form
        bad = client.post(
            "/work/obligations/events/new/",
            {"org": tree.a.code, "catalogue_item": cat.timely.pk, "event_date": "2026-12-01", "note": "决定"},
        )
        assert "不能晚于今天" in bad.content.decode()
        forged = client.post(
            "/work/obligations/events/new/",
            {"org": tree.b.code, "catalogue_item": cat.timely.pk, "event_date": "2026-11-19", "note": "决定"},
        )
        assert forged.status_code == 200 and not Obligation.objects.exists()
        ok = client.post(
            "/work/obligations/events/new/",
            {"org": tree.a.code, "catalogue_item": cat.timely.pk, "event_date": "2026-11-19", "note": "决定"},
            follow=True,
        )
    assert "已登记" in ok.content.decode()
    o = Obligation.objects.get()
    assert o.org == tree.a and o.registered_by == people.clerk_a
    assert AuditEntry.objects.filter(action="obligation.register_event").exists()


def test_workbench_lists_todos_by_due_date_with_a_badge(client, tree, people, cat):
    actions.generate_obligations(2026)
    with at(2026, 10, 14):
        make_item(tree.a, state=State.SUBMITTED, catalogue_item=cat.quarterly, title="三季度党费公开")
        client.force_login(people.clerk_a)
        html = client.get("/work/").content.decode()
        assert "已逾期" in html and "即将到期" in html and "2026年第三季度" in html
        assert html.index("2026-04-15") < html.index("2026-10-20")  # ordered by due date
        assert 'class="badge todo-count"' in html
        client.force_login(people.reviewer_c)
        html = client.get("/work/").content.decode()
        assert "三季度党费公开" in html and "待审核" in html
        client.force_login(people.member_a)
        assert client.get("/work/").status_code == 404


def test_workbench_query_count_is_constant(client, tree, people, cat, django_assert_max_num_queries):
    actions.generate_obligations(2026)
    boss = grant(UserFactory(), tree.committee, Role.CLERK, Role.SECRETARY, Role.REVIEWER)
    client.force_login(boss)

    def build():  # the to-do list built, not served from the page's cache; roles warm
        client.get("/work/")
        caches["pages"].clear()

    with at(2026, 11, 29):
        build()
        with django_assert_max_num_queries(20) as first:
            client.get("/work/")
        first = len(first)
        for _ in range(5):
            org = make_org(tree.committee)
            make_item(org, state=State.REVIEWED, catalogue_item=cat.quarterly)
        actions.generate_obligations(2026)
        build()
        with django_assert_max_num_queries(first):
            html = client.get("/work/").content.decode()
    assert html.count("待审批") >= 5


def test_daily_digest_reaches_clerks_secretaries_and_escalates_overdue(tree, people, cat, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people.clerk_a.email = "clerk@example.com"
    people.clerk_a.save()
    supervisor = grant(UserFactory(), tree.committee, Role.SUPERVISOR)
    SupervisorAssignment.objects.create(supervisor=supervisor, org=tree.a)  # R20: theirs only
    actions.generate_obligations(2026)
    with at(2026, 10, 14):
        sent = send_digest()
        assert send_digest() == 0  # once per user per day
    clerk_note = Notification.objects.get(user=people.clerk_a)
    assert "甲社区党支部" in clerk_note.body and "即将到期" in clerk_note.body and "已逾期" in clerk_note.body
    assert Notification.objects.filter(user=people.secretary_a).exists()
    escalated = Notification.objects.get(user=supervisor)
    assert "已逾期" in escalated.body and "即将到期" not in escalated.body
    assert not Notification.objects.filter(user=people.member_a).exists()
    assert sent >= 3


def test_notifications_inbox(client, people):
    from gongkai.notifications.actions import notify

    n = notify(people.member_a, "评议结果已公布", "请查看。", "/work/")
    notify(people.member_b, "别人的消息")
    client.force_login(people.member_a)
    html = client.get("/notifications/").content.decode()
    assert "评议结果已公布" in html and "别人的消息" not in html and "未读 1 条" in html
    other = Notification.objects.get(user=people.member_b)
    assert client.post(f"/notifications/{other.pk}/open/").status_code == 404
    response = client.post(f"/notifications/{n.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/work/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_notify_sends_email_on_commit(people, settings, django_capture_on_commit_callbacks):
    from gongkai.notifications.actions import notify

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people.member_a.email = "m@example.com"
    people.member_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(people.member_a, "提醒", "正文", "/notifications/")
    assert len(mail.outbox) == 1 and "提醒" in mail.outbox[0].subject
    assert "/notifications/" in mail.outbox[0].body
