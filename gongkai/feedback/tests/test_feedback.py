import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, grant
from gongkai.feedback import actions
from gongkai.feedback.models import CODE_ALPHABET, Channel, FeedbackCase, Kind, Status, new_code
from gongkai.orgs.models import Role

PHONE = "13812345678"


def _form(**kw):
    return {
        "org": "TA",
        "kind": "suggestion",
        "subject": "公开栏更新不及时",
        "content": "甲社区公开栏三月份未更新。",
        **kw,
    }


@pytest.fixture
def case(people, tree):
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        return actions.record_offline(
            tree.a,
            by=people.clerk_a,
            channel=Channel.HOTLINE,
            subject="党费公开询问",
            content="想了解党费使用公开情况。",
            name="张三丰",
            contact=PHONE,
        )


def test_codes_are_unguessable_and_unambiguous():
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == 12 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01ILO") & set(CODE_ALPHABET)


def test_online_form_without_login(client, tree):
    r = client.post(reverse("feedback:new"), _form(name="李四", contact=PHONE))
    case = FeedbackCase.objects.get()
    assert r.status_code == 200 and case.code_display in r.content.decode()
    assert (case.channel, case.org, case.status) == (Channel.ONLINE, tree.a, Status.RECEIVED)
    assert case.due_date is not None or case.calendar_not_covered
    assert AuditEntry.objects.filter(action="feedback.create").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_form(subject=""), "请填写标题"),
        (_form(content="长" * 2001), "内容不能超过 2000 个字"),
        (_form(org="NOPE"), "请选择受理的党组织"),
        (_form(kind="inquiry"), "问询须由党员登录后提出"),
        (_form(website="http://spam.example"), "提交失败"),
    ],
)
def test_online_form_refuses_bad_input_and_saves_nothing(client, tree, data, message):
    r = client.post(reverse("feedback:new"), data)
    assert r.status_code == 200 and message in r.content.decode()
    assert not FeedbackCase.objects.exists()


def test_member_inquiry_is_a_kind(client, people, tree):
    client.force_login(people.member_a)
    client.post(reverse("feedback:new"), _form(kind="inquiry"))
    case = FeedbackCase.objects.get()
    assert case.kind == Kind.INQUIRY and case.submitter == people.member_a


def test_rate_limit_per_address(client, tree):
    for _ in range(5):
        assert client.post(reverse("feedback:new"), _form(), REMOTE_ADDR="10.0.0.7").status_code == 200
    r = client.post(reverse("feedback:new"), _form(), REMOTE_ADDR="10.0.0.7")
    assert r.status_code == 429 and "提交过于频繁" in r.content.decode()
    assert client.post(reverse("feedback:new"), _form(), REMOTE_ADDR="10.0.0.8").status_code == 200
    assert FeedbackCase.objects.count() == 6
    r = client.post("/api/v1/feedback", _form(), content_type="application/json", REMOTE_ADDR="10.0.0.7")
    assert r.status_code == 429


def test_rate_limit_window_expires(client, tree):
    with time_machine.travel("2025-03-03 10:00 +08:00") as traveller:
        for _ in range(6):
            client.post(reverse("feedback:new"), _form(), REMOTE_ADDR="10.0.0.9")
        assert FeedbackCase.objects.count() == 5
        traveller.shift(3601)
        assert client.post(reverse("feedback:new"), _form(), REMOTE_ADDR="10.0.0.9").status_code == 200
    assert FeedbackCase.objects.count() == 6


@pytest.mark.parametrize(
    "code", ["ABCDEFGHJKMN", "abc", "0000-0000-0000", "' OR 1=1 --", "Ｘ" * 12, "A" * 5000]
)
def test_unknown_or_malformed_code_is_not_found(client, db, code):
    r = client.get(reverse("feedback:track"), {"code": code})
    assert r.status_code == 404 and "未找到" in r.content.decode()
    r = client.get(f"/api/v1/feedback/track/{code}")
    assert r.status_code == 404 and r.json() == {"detail": "未找到。"}


def test_track_shows_status_and_reply_without_personal_data(client, case, people):
    actions.reply_case(case, by=people.clerk_a, text="已于3月5日公开。")
    r = client.get(reverse("feedback:track"), {"code": case.code_display.lower()})
    body = r.content.decode()
    assert r.status_code == 200 and "已答复" in body and "已于3月5日公开。" in body
    assert PHONE not in body and "张三丰" not in body
    assert client.get(f"/api/v1/feedback/track/{case.code}").json()["status"] == "replied"


def test_published_reply_never_shows_contact(client, case, people, tree):
    actions.reply_case(case, by=people.clerk_a, text=f"张三丰同志（{PHONE}）：党费使用情况已在公开栏公布。")
    with pytest.raises(actions.ActionError, match="保密审查"):
        actions.publish_reply(case, by=people.clerk_a, text="请联系 13900001111 了解。")
    case.refresh_from_db()
    assert case.published_at is None
    actions.publish_reply(case, by=people.clerk_a)
    case.refresh_from_db()
    assert PHONE not in case.published_reply and "张三丰" not in case.published_reply
    for url in (
        reverse("feedback:replies"),
        reverse("feedback:replies") + "?org=TA",
        "/api/v1/feedback/replies",
    ):
        r = client.get(url)
        body = str(r.json()) if url.startswith("/api/") else r.content.decode()
        assert "党费使用情况已在公开栏公布" in body
        assert PHONE not in body and "张三丰" not in body


def test_hits_are_masked_or_acknowledged_before_publication(case, people):
    actions.reply_case(case, by=people.clerk_a, text="经办人电话 13900001111，欢迎来电。")
    with pytest.raises(actions.ActionError):
        actions.publish_reply(case, by=people.clerk_a)
    actions.publish_reply(case, by=people.clerk_a, resolution="mask")
    case.refresh_from_db()
    assert "13900001111" not in case.published_reply and "139****1111" in case.published_reply


def test_personal_data_only_for_routed_handlers_and_each_read_audited(client, case, people, tree):
    client.force_login(people.clerk_a)
    body = client.get(reverse("feedback:case", args=[case.pk])).content.decode()
    assert PHONE not in body and "138****5678" in body
    assert not AuditEntry.objects.filter(action="feedback.read_personal_data").exists()
    body = client.get(reverse("feedback:case", args=[case.pk]), {"show": "personal"}).content.decode()
    assert PHONE in body and "张三丰" in body
    entry = AuditEntry.objects.get(action="feedback.read_personal_data")
    assert entry.actor == people.clerk_a and entry.object_id == str(case.pk)
    # the inspector above sees the case, masked, and cannot unmask
    client.force_login(people.inspector_c)
    body = client.get(reverse("feedback:case", args=[case.pk]), {"show": "personal"}).content.decode()
    assert PHONE not in body and "张**" in body
    assert AuditEntry.objects.filter(action="feedback.read_personal_data").count() == 1


def test_staff_list_masks_and_outsiders_get_404(client, case, people, tree):
    client.force_login(people.inspector_c)
    body = client.get(reverse("feedback:work")).content.decode()
    assert "党费公开询问" in body and "张三丰" not in body
    sibling = grant(UserFactory(), tree.b, Role.SECRETARY)
    for user in (sibling, people.member_a):
        client.force_login(user)
        assert client.get(reverse("feedback:case", args=[case.pk])).status_code == 404
        assert client.post(reverse("feedback:reply", args=[case.pk]), {"text": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_route_note_reply_through_pages(client, case, people, tree):
    secretary_c = grant(UserFactory(), tree.committee, Role.SECRETARY)
    client.force_login(secretary_c)
    client.post(reverse("feedback:route", args=[case.pk]), {"org": "TA1"})
    case.refresh_from_db()
    assert case.org == tree.a1
    client.post(reverse("feedback:note", args=[case.pk]), {"text": "已电话联系反馈人。"})
    client.post(reverse("feedback:reply", args=[case.pk]), {"text": "已答复。"})
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.notes.count() == 1


def test_late_reply_counts_late(case, people, tree):
    from datetime import date

    from gongkai.reports import stats

    with time_machine.travel("2025-04-30 10:00 +08:00", tick=False):
        actions.reply_case(case, by=people.clerk_a, text="答复")
    case.refresh_from_db()
    assert case.replied_late is True
    result = stats.compute(tree.committee, date(2025, 1, 1), date(2025, 12, 31))["feedback"]
    assert result["late"] == 1 and result["by_channel"]["hotline"] == 1


def test_record_offline_refuses_non_handler_and_online_channel(people, tree):
    with pytest.raises(actions.ActionError):
        actions.record_offline(tree.a, by=people.member_a, channel="letter", subject="x", content="y")
    with pytest.raises(actions.ActionError):
        actions.record_offline(tree.a, by=people.clerk_a, channel="online", subject="x", content="y")
    with pytest.raises(ValidationError):
        actions.record_offline(tree.a, by=people.clerk_a, channel="letter", subject="", content="y")
    assert not FeedbackCase.objects.exists()


def test_public_pages_render(client, db):
    for name in (
        "feedback:index",
        "feedback:new",
        "feedback:track",
        "feedback:replies",
        "applications:guide",
    ):
        assert client.get(reverse(name)).status_code == 200


def test_work_list_constant_queries(client, people, tree, django_assert_max_num_queries):
    for i in range(6):
        actions.record_offline(
            tree.a, by=people.clerk_a, channel="letter", subject=f"来信{i}", content="内容"
        )
    client.force_login(people.inspector_c)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("feedback:work")).content.decode()
    assert body.count("来信") >= 6
