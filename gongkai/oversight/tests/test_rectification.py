"""R21: inspections, rectification in working days, respond/verify, overdue escalation."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gongkai.audit.models import AuditEntry
from gongkai.conftest import at
from gongkai.notifications.models import Notification
from gongkai.oversight import actions
from gongkai.oversight.models import FindingStatus, InspectionFinding
from gongkai.portal.workbench import todos_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(tree, people):
    """An inspection of tree.a on Monday 2 November 2026 ordering rectification within 5 working days."""
    with at(2026, 11, 2):
        inspection = actions.create_inspection(
            tree.a, by=people.inspector_c, on=date(2026, 11, 2), summary="检查公开栏。"
        )
        return actions.add_finding(
            inspection,
            by=people.inspector_c,
            text="党费使用情况未按季度公开。",
            rectification_required=True,
            deadline_days=5,
        )


def test_deadline_counts_working_days(order):
    assert order.due_date == date(2026, 11, 9)  # Mon 2 Nov + 5 working days, the weekend skipped
    assert order.status == FindingStatus.OPEN


def test_deadline_skips_the_national_day_holiday(tree, people):
    with at(2026, 9, 30):
        inspection = actions.create_inspection(
            tree.a, by=people.inspector_c, on=date(2026, 9, 30), summary="检查"
        )
        f = actions.add_finding(
            inspection, by=people.inspector_c, text="问题", rectification_required=True, deadline_days=1
        )
    assert f.due_date > date(2026, 10, 7)  # 1–7 October is the National Day holiday


def test_only_the_office_inspects_and_bad_input_saves_nothing(tree, people, order):
    with at(2026, 11, 3):
        with pytest.raises(actions.ActionError):
            actions.create_inspection(tree.a, by=people.clerk_a, on=date(2026, 11, 3), summary="x")
        with pytest.raises(actions.ActionError, match="1 至 120"):
            actions.add_finding(
                order.inspection,
                by=people.inspector_c,
                text="x",
                rectification_required=True,
                deadline_days=0,
            )
        with pytest.raises(actions.ActionError, match="晚于今天"):
            actions.create_inspection(tree.a, by=people.inspector_c, on=date(2026, 12, 1), summary="x")
    assert InspectionFinding.objects.count() == 1


def test_respond_then_close_or_send_back(client, tree, people, order):
    with at(2026, 11, 4):
        with pytest.raises(actions.ActionError, match="尚未反馈"):
            actions.verify_finding(order, by=people.inspector_c, close=True)
        with pytest.raises(actions.ActionError):
            actions.respond_finding(order, by=people.member_a, text="x")
        client.force_login(people.clerk_a)
        page = client.get(f"/oversight/inspections/{order.inspection_id}/").content.decode()
        assert "反馈整改情况" in page
        client.post(f"/oversight/findings/{order.pk}/respond/", {"response": "已在公开栏补充公开。"})
    order.refresh_from_db()
    assert order.status == FindingStatus.RESPONDED and order.responded_by == people.clerk_a
    assert Notification.objects.filter(user=people.inspector_c, title__contains="待核验").exists()
    with at(2026, 11, 5):
        # Sending back needs a reason.
        with pytest.raises(ValidationError, match="请填写核验意见"):
            actions.verify_finding(order, by=people.inspector_c, close=False, note="")
        client.force_login(people.inspector_c)
        client.post(
            f"/oversight/findings/{order.pk}/verify/",
            {"decision": "back", "note": "台账未补"},
        )
    order.refresh_from_db()
    assert order.status == FindingStatus.SENT_BACK and order.due_date == date(2026, 11, 12)
    with at(2026, 11, 6):
        actions.respond_finding(order, by=people.secretary_a, text="台账已补。")
        actions.verify_finding(order, by=people.inspector_c, close=True)
    order.refresh_from_db()
    assert order.status == FindingStatus.CLOSED
    actions_logged = list(
        AuditEntry.objects.filter(object_type="oversight.inspectionfinding").values_list("action", flat=True)
    )
    assert actions_logged.count("oversight.verify") == 2 and actions_logged.count("oversight.respond") == 2


def test_overdue_order_escalates_once_and_flags_the_dashboard(client, tree, people, order):
    with at(2026, 11, 9):
        assert actions.escalate_overdue() == 0  # due today: not yet overdue
    with at(2026, 11, 10):
        assert actions.escalate_overdue() == 1
        assert actions.escalate_overdue() == 0  # once only
        client.force_login(people.inspector_c)
        html = client.get("/oversight/").content.decode()
        todos = todos_for(people.clerk_a)
    notes = Notification.objects.filter(user=people.inspector_c, title__contains="整改逾期")
    assert notes.count() == 1 and "甲社区党支部" in notes.get().title
    assert not Notification.objects.filter(user=people.clerk_a, title__contains="整改逾期").exists()
    assert "逾期未整改" in html and "已上报领导小组办公室" in html
    assert any(t.status == "已逾期" and t.css == "bad" for t in todos)
    order.refresh_from_db()
    assert order.escalated_at is not None


def test_overdue_flag_on_the_rollout_row(client, tree, people, order):
    from gongkai.oversight import demo

    phases, deadlines = demo.plan_dates(2026)
    with at(2026, 11, 10):
        actions.set_plan(
            tree.committee, 2026, title="计划", phases=phases, deadlines=deadlines, by=people.inspector_c
        )
        actions.escalate_overdue()
        client.force_login(people.inspector_c)
        html = client.get("/oversight/").content.decode()
    row = html.split('id="lagging-table"')[1].split("甲社区党支部</a>")[1].split("</tr>")[0]
    assert "整改逾期 1 项" in row and "已上报" in row


def test_inspections_are_hidden_outside_the_scope(client, tree, people, order):
    for user in (people.member_a, people.outsider, people.reviewer_c):
        client.force_login(user)
        assert client.get(f"/oversight/inspections/{order.inspection_id}/").status_code == 404
        assert client.post(f"/oversight/findings/{order.pk}/respond/", {}).status_code == 404
    client.force_login(people.clerk_a)
    assert client.post(f"/oversight/findings/{order.pk}/verify/", {}).status_code == 404


def test_a_second_response_keeps_the_first_and_the_return_note_in_order(client, order, people):
    from gongkai.oversight.models import RectificationStep

    with at(2026, 11, 3):
        actions.respond_finding(order, by=people.clerk_a, text="已补充公开第三季度党费使用情况。")
    with at(2026, 11, 4):
        actions.verify_finding(order, by=people.inspector_c, close=False, note="缺少支出明细，请补充。")
    with at(2026, 11, 5):
        actions.respond_finding(order, by=people.clerk_a, text="已补充支出明细表。")
    steps = list(RectificationStep.objects.filter(finding=order).values_list("kind", "text"))
    assert steps == [
        ("response", "已补充公开第三季度党费使用情况。"),
        ("sent_back", "缺少支出明细，请补充。"),
        ("response", "已补充支出明细表。"),
    ]
    client.force_login(people.clerk_a)
    page = client.get(f"/oversight/inspections/{order.inspection_id}/").content.decode()
    first, note, second = (
        page.index(t) for t in ("第三季度党费使用情况", "缺少支出明细", "已补充支出明细表")
    )
    assert first < note < second
