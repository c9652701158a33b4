import threading
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from gongkai.accounts.models import ApiToken
from gongkai.applications import actions
from gongkai.applications.models import AnswerType, Application, ApplicationPolicy, Pause, Status
from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, grant
from gongkai.disclosure.models import DisclosureItem
from gongkai.disclosure.tests.factories import catalogue_item_for
from gongkai.lib import workdays
from gongkai.orgs.models import Role
from gongkai.reports import stats

MONDAY = "2025-03-03 10:00 +08:00"  # no holiday in the following four weeks


def _apply(org, user, title="2024年度党费收缴使用情况"):
    return actions.submit_application(
        org, by=user, title=title, description="请公开本支部2024年度党费收缴和使用明细。"
    )


@pytest.fixture
def filed(people, tree):
    with time_machine.travel(MONDAY, tick=False):
        return _apply(tree.a, people.member_a)


def _auth(user):
    return {"Authorization": f"Bearer {ApiToken.issue(user)}"}


@time_machine.travel(MONDAY, tick=False)
def test_submit_numbers_and_default_due_date(people, tree):
    a = _apply(tree.a, people.member_a)
    b = _apply(tree.a, people.member_a, "第二件")
    assert (a.number, b.number) == ("TA-YSQ-2025-0001", "TA-YSQ-2025-0002")
    assert a.days == 20 and a.due_date == date(2025, 3, 31)
    assert AuditEntry.objects.filter(action="application.submit", object_id=str(a.pk)).exists()


@time_machine.travel(MONDAY, tick=False)
def test_member_may_apply_to_ancestor_but_not_to_sibling(people, tree):
    assert _apply(tree.committee, people.member_a1).org == tree.committee
    with pytest.raises(actions.ActionError):
        _apply(tree.b, people.member_a)
    with pytest.raises(actions.ActionError):
        _apply(tree.a, people.outsider)
    assert Application.objects.count() == 1


@time_machine.travel(MONDAY, tick=False)
def test_policy_of_catalogue_owner_sets_days(people, tree):
    ApplicationPolicy.objects.create(owner=tree.committee, days=13)
    a = _apply(tree.a1, people.member_a1)
    assert a.days == 13 and a.due_date == workdays.add_working_days(date(2025, 3, 3), 13)


def test_blank_title_saves_nothing(people, tree):
    with pytest.raises(ValidationError) as exc:
        actions.submit_application(tree.a, by=people.member_a, title="  ", description="x")
    assert "请填写" in exc.value.messages[0]
    assert not Application.objects.exists()


def test_extension_once_with_reason(filed, people):
    a = actions.extend_application(filed, by=people.clerk_a, days=20, reason="涉及多个年度档案，需调阅")
    assert a.due_date == workdays.add_working_days(date(2025, 3, 3), 40)
    with pytest.raises(actions.ActionError, match="只能延期一次"):
        actions.extend_application(a, by=people.clerk_a, days=5, reason="再延")
    with pytest.raises(actions.ActionError):
        actions.extend_application(a, by=people.member_a, days=5, reason="非经办人")


def test_supplement_of_five_working_days_moves_due_date_by_five(filed, people):
    before = filed.due_date
    a = actions.pause_application(filed, by=people.clerk_a, kind=Pause.Kind.SUPPLEMENT, on=date(2025, 3, 5))
    assert a.status == Status.SUPPLEMENT and a.due_date is None
    with pytest.raises(actions.ActionError, match="恢复计时"):
        actions.answer_application(a, by=people.clerk_a, answer_type=AnswerType.DISCLOSED, text="x")
    a = actions.resume_application(a, by=people.clerk_a, on=date(2025, 3, 12))
    assert workdays.working_days_between(date(2025, 3, 5), date(2025, 3, 12)) == 5
    assert a.status == Status.PROCESSING
    assert workdays.working_days_between(before, a.due_date) == 5
    assert a.due_date == date(2025, 4, 8)  # 4-6 April 2025 is the Qingming holiday


def test_third_party_consultation_stops_the_clock(filed, people):
    actions.pause_application(filed, by=people.clerk_a, kind=Pause.Kind.THIRD_PARTY, on=date(2025, 3, 10))
    a = actions.resume_application(filed, by=people.clerk_a, on=date(2025, 3, 11))
    assert a.due_date == workdays.add_working_days(date(2025, 3, 31), 1)


def test_uncovered_year_is_flagged_not_guessed(people, tree):
    with time_machine.travel("2031-03-03 10:00 +08:00", tick=False):
        a = _apply(tree.a, people.member_a)
    assert a.due_date is None and a.calendar_not_covered


def test_late_answer_counts_late_and_on_time_counts_on_time(filed, people, tree):
    with time_machine.travel("2025-03-20 10:00 +08:00", tick=False):
        on_time = _apply(tree.a, people.member_a, "按期")
    with time_machine.travel("2025-04-01 10:00 +08:00", tick=False):
        late = actions.answer_application(
            filed,
            by=people.clerk_a,
            answer_type=AnswerType.REFUSED,
            reason="internal",
            text="属于内部事务信息。",
        )
        actions.answer_application(
            on_time, by=people.clerk_a, answer_type=AnswerType.DISCLOSED, text="见附件。"
        )
    assert late.answered_late is True
    result = stats.compute(tree.committee, date(2025, 1, 1), date(2025, 12, 31))["applications"]
    assert (result["received"], result["on_time"], result["late"]) == (2, 1, 1)
    assert result["by_answer_type"]["refused"] == 1 and result["by_answer_type"]["disclosed"] == 1


def test_answer_types_require_their_reasons(filed, people):
    with pytest.raises(actions.ActionError, match="理由"):
        actions.answer_application(filed, by=people.clerk_a, answer_type=AnswerType.UNAVAILABLE, text="x")
    with pytest.raises(actions.ActionError, match="暂缓"):
        actions.answer_application(filed, by=people.clerk_a, answer_type=AnswerType.DEFERRED, text="x")
    filed.refresh_from_db()
    assert filed.status == Status.PROCESSING
    a = actions.answer_application(
        filed, by=people.clerk_a, answer_type=AnswerType.UNAVAILABLE, reason="not_held", text="本组织不掌握。"
    )
    assert a.answer_reason_label() == "本机关不掌握相关信息"
    with pytest.raises(actions.ActionError, match="已答复"):
        actions.answer_application(a, by=people.clerk_a, answer_type=AnswerType.OTHER, text="again")


def test_disclosed_within_scope_creates_draft_item(filed, people, tree):
    ci = catalogue_item_for(tree.a)
    a = actions.answer_application(
        filed,
        by=people.clerk_a,
        answer_type=AnswerType.DISCLOSED,
        text="党费收缴使用情况已在本支部党员范围内公开。",
        item_scope="org_members",
        catalogue_item=ci,
    )
    item = DisclosureItem.objects.get(pk=a.created_item_id)
    assert (item.org, item.title, item.state, item.scope) == (tree.a, filed.title, "draft", "org_members")


# ---- who sees what (pages and API) ------------------------------------------------------------


@pytest.fixture
def staff_b(tree):
    return grant(UserFactory(), tree.b, Role.SECRETARY)


@pytest.mark.parametrize(
    ("who", "status"),
    [("member_a", 200), ("clerk_a", 200), ("inspector_c", 200), ("member_b", 404), ("committee_a", 404)],
)
def test_detail_page_and_api_access(client, filed, people, who, status):
    user = getattr(people, who)
    client.force_login(user)
    assert client.get(reverse("applications:detail", args=[filed.pk])).status_code == status
    r = client.get(f"/api/v1/applications/{filed.pk}", headers=_auth(user))
    assert r.status_code == status
    if status == 404:
        assert r.json() == {"detail": "未找到。"}


def test_sibling_org_staff_cannot_see(client, filed, staff_b):
    client.force_login(staff_b)
    assert client.get(reverse("applications:detail", args=[filed.pk])).status_code == 404
    assert client.get(f"/api/v1/applications/{filed.pk}", headers=_auth(staff_b)).status_code == 404
    assert client.get("/api/v1/applications", headers=_auth(staff_b)).json() == []
    r = client.get(reverse("applications:work"))
    assert filed.number not in r.content.decode()


def test_upper_org_sees_every_application_and_its_handling(client, filed, people, tree):
    actions.extend_application(filed, by=people.clerk_a, days=10, reason="需调阅档案")
    client.force_login(people.inspector_c)
    body = client.get(reverse("applications:detail", args=[filed.pk])).content.decode()
    assert "需调阅档案" in body and "答复期限" in body
    assert "提交答复" not in body  # the inspector sees, the branch's clerk handles
    body = client.get(reverse("applications:work")).content.decode()
    assert filed.number in body


def test_anonymous_is_sent_to_login_and_api_refuses(client, filed):
    r = client.get(reverse("applications:detail", args=[filed.pk]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get(f"/api/v1/applications/{filed.pk}").status_code == 401


@time_machine.travel(MONDAY, tick=False)
def test_apply_page_and_mine(client, people, tree):
    client.force_login(people.member_a)
    r = client.post(
        reverse("applications:new"), {"org": "TA", "title": "", "description": "x", "delivery": "online"}
    )
    assert r.status_code == 200 and "请填写" in r.content.decode()
    r = client.post(
        reverse("applications:new"),
        {"org": "TA", "title": "党费", "description": "明细", "delivery": "online"},
    )
    a = Application.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("applications:detail", args=[a.pk])
    body = client.get(reverse("applications:mine")).content.decode()
    assert a.number in body and "2025-03-31" in body
    # forged org the member may not apply to
    r = client.post(reverse("applications:new"), {"org": "TB", "title": "x", "description": "y"})
    assert "请选择受理申请的党组织" in r.content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_api_submit(client, people, tree):
    r = client.post(
        "/api/v1/applications",
        {"org": "TC", "title": "党委会议纪要", "description": "2024年第三季度"},
        content_type="application/json",
        headers=_auth(people.member_a),
    )
    assert r.status_code == 201 and r.json()["number"] == "TC-YSQ-2025-0001"
    r = client.post(
        "/api/v1/applications",
        {"org": "TB", "title": "x", "description": "y"},
        content_type="application/json",
        headers=_auth(people.member_a),
    )
    assert r.status_code == 403 and r.json()["detail"] == "您无权执行此操作。"
    denial = AuditEntry.objects.get(result="denied")
    assert denial.action == "application.create" and denial.actor_id == people.member_a.pk


def test_staff_handles_through_pages(client, filed, people):
    client.force_login(people.clerk_a)
    url = reverse("applications:pause", args=[filed.pk])
    client.post(url, {"kind": "supplement", "on": "2025-03-05", "note": "请补充年度"})
    filed.refresh_from_db()
    assert filed.status == Status.SUPPLEMENT
    client.post(reverse("applications:resume", args=[filed.pk]), {"on": "bad-date"})
    filed.refresh_from_db()
    assert filed.status == Status.SUPPLEMENT
    client.post(reverse("applications:resume", args=[filed.pk]), {"on": "2025-03-12"})
    r = client.post(
        reverse("applications:answer", args=[filed.pk]),
        {"answer_type": "refused", "reason_refused": "process", "text": "属于过程性信息。"},
    )
    filed.refresh_from_db()
    assert r.status_code == 302 and filed.answer_type == "refused" and filed.answer_reason == "process"
    client.force_login(people.member_a)
    body = client.get(reverse("applications:detail", args=[filed.pk])).content.decode()
    assert "属于四类过程性信息" in body and "属于过程性信息。" in body


def test_outsider_cannot_post_handling(client, filed, people):
    client.force_login(people.member_a)
    r = client.post(reverse("applications:extend", args=[filed.pk]), {"days": 5, "reason": "x"})
    assert r.status_code == 404


def test_work_list_constant_queries(client, people, tree, django_assert_max_num_queries):
    with time_machine.travel(MONDAY, tick=False):
        for i in range(8):
            _apply(tree.a, people.member_a, f"申请{i}")
    client.force_login(people.inspector_c)
    # 14: the header badge asks every to-do provider (the workbench counts applications and filings too)
    with django_assert_max_num_queries(14):
        r = client.get(reverse("applications:work"))
    assert r.content.decode().count("TA-YSQ-2025-") == 8


def test_stats_exports(client, filed, people):
    client.force_login(people.inspector_c)
    r = client.get(
        reverse("reports:stats"),
        {"org": "TC", "from": "2025-01-01", "to": "2025-12-31", "format": "csv"},
    )
    text = r.content.decode("utf-8-sig")
    assert r["Content-Type"].startswith("text/csv") and "收到申请,1" in text
    r = client.get(
        reverse("reports:stats"),
        {"org": "TC", "from": "2025-01-01", "to": "2025-12-31", "format": "xlsx"},
    )
    assert r.content[:2] == b"PK"
    r = client.get(reverse("reports:stats"), {"org": "TC", "from": "2025-13-01"})
    assert r.status_code == 200 and "日期格式" in r.content.decode()
    r = client.get(
        "/api/v1/applications/stats", {"org": "TC", "start": "2025-01-01"}, headers=_auth(people.inspector_c)
    )
    assert r.json()["applications"]["received"] == 1
    client.force_login(people.member_a)
    assert client.get(reverse("reports:stats"), {"org": "TC"}).status_code == 404
    assert (
        client.get("/api/v1/applications/stats", {"org": "TC"}, headers=_auth(people.member_a)).status_code
        == 404
    )


# ---- concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_applications_get_consecutive_numbers(tree):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    users = [grant(UserFactory(), tree.a, Role.MEMBER) for _ in range(20)]
    barrier = threading.Barrier(20)
    numbers, errors = [], []

    def work(user):
        try:
            barrier.wait(timeout=30)
            numbers.append(_apply(tree.a, user).number)
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = Application.objects.first().received_at.year
    assert sorted(numbers) == [f"TA-YSQ-{year}-{n:04d}" for n in range(1, 21)]


def test_reminders_notify_handlers_once(filed, people, django_capture_on_commit_callbacks):
    from gongkai.applications.tasks import remind
    from gongkai.notifications.models import Notification as notification

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            remind(today=date(2025, 3, 27))
    sent = notification.objects.filter(user=people.clerk_a, title__startswith="依申请公开即将到期")
    assert sent.count() == 1 and filed.number in sent.get().title
    assert not notification.objects.filter(user=people.inspector_c).exists()
