"""The core staff pages as staff use them: the item's action views (one per button), the decision queue,
the withholding and work-plan forms. Each: the happy path, an outsider answered 404, the audit entry."""

import pytest
from django.urls import reverse

from gongkai.audit.models import AuditEntry
from gongkai.catalogue.models import Category
from gongkai.disclosure.models import ChangeRequest, DisclosureItem, State, Withholding, WorkPlan
from gongkai.disclosure.tests.factories import catalogue_item_for, make_item, owner_of_catalogue, staff
from gongkai.orgs.models import Role


def _post(client, user, name, obj_pk, data=None):
    client.force_login(user)
    return client.post(reverse(name, args=[obj_pk]), data or {}, follow=True)


def _audited(action, obj) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk), result="ok").exists()


def test_an_item_goes_from_draft_to_published_through_its_action_views(client, tree):
    clerk, reviewer, secretary = (staff(tree.a, role) for role in (Role.CLERK, Role.REVIEWER, Role.SECRETARY))
    item = make_item(tree.a, by_clerk=clerk)
    steps = [
        (clerk, "disclosure:item_submit", State.SUBMITTED, "已提交审核。"),
        (reviewer, "disclosure:item_review", State.REVIEWED, "已审核通过。"),
        (secretary, "disclosure:item_approve", State.APPROVED, "已审批通过。"),
        (clerk, "disclosure:item_publish", State.PUBLISHED, "已公开。"),
    ]
    for user, name, state, message in steps:
        page = _post(client, user, name, item.pk).content.decode()
        item.refresh_from_db()
        assert item.state == state and message in page
        assert _audited(f"item.{name.split('_', 1)[1]}", item)


def test_send_back_and_a_bad_edit_show_their_message_and_save_nothing(client, tree):
    clerk, reviewer = staff(tree.a, Role.CLERK), staff(tree.a, Role.REVIEWER)
    item = make_item(tree.a, state=State.SUBMITTED, by_clerk=clerk)
    page = _post(client, reviewer, "disclosure:item_send_back", item.pk, {"reason": "请补充附件。"})
    item.refresh_from_db()
    assert item.state == State.DRAFT and "已退回。" in page.content.decode()
    assert _audited("item.send_back", item)
    page = _post(client, clerk, "disclosure:item_edit", item.pk, {"title": "", "body": "x", "scope": ""})
    item.refresh_from_db()
    assert item.title and "这个字段是必填项" in page.content.decode()


@pytest.mark.parametrize(
    "name",
    ["disclosure:item_submit", "disclosure:item_edit", "disclosure:item_publish", "disclosure:work_item"],
)
def test_an_outsider_gets_404_from_every_item_view(client, tree, people, name):
    item = make_item(tree.a)
    client.force_login(people.outsider)
    response = client.post(reverse(name, args=[item.pk])) if name != "disclosure:work_item" else None
    response = response or client.get(reverse(name, args=[item.pk]))
    assert response.status_code == 404
    assert DisclosureItem.objects.get(pk=item.pk).state == State.DRAFT


def test_a_change_request_waits_in_the_owners_queue_and_is_decided_there(client, tree, people):
    clerk = staff(tree.a, Role.CLERK)
    item = make_item(tree.a, state=State.PUBLISHED, by_clerk=clerk)
    _post(
        client, clerk, "disclosure:item_request_change", item.pk, {"kind": "revoke", "reason": "内容有误。"}
    )
    change = ChangeRequest.objects.get(item=item, status=ChangeRequest.Status.PENDING)
    owner = owner_of_catalogue(tree.a)
    client.force_login(owner)
    assert item.title in client.get(reverse("disclosure:requests")).content.decode()
    client.force_login(people.outsider)
    assert item.title not in client.get(reverse("disclosure:requests")).content.decode()
    decide = reverse("disclosure:decide_request", args=["change", change.pk, "approve"])
    assert client.post(decide).status_code == 404
    client.force_login(owner)
    assert "已处理。" in client.post(decide, follow=True).content.decode()
    item.refresh_from_db()
    assert item.state == State.REVOKED and _audited("item.approve_change", item)


def test_a_work_plan_is_filed_by_page_and_approved_in_the_queue(client, tree, people):
    clerk = staff(tree.a, Role.CLERK)
    catalogue_item_for(tree.a)  # the catalogue whose owner decides
    client.force_login(clerk)
    data = {"title": "主题党日活动方案", "category": Category.OTHER, "body": "每月一次。"}
    page = client.post(reverse("disclosure:new_work_plan") + "?org=TA", {**data, "org": "TA"}, follow=True)
    plan = WorkPlan.objects.get(org=tree.a)
    assert "工作方案已报送" in page.content.decode() and _audited("workplan.submit", plan)
    client.force_login(people.outsider)
    assert client.get(reverse("disclosure:new_work_plan") + "?org=TA").status_code == 404
    assert (
        client.post(reverse("disclosure:decide_request", args=["plan", plan.pk, "approve"])).status_code
        == 404
    )
    client.force_login(owner_of_catalogue(tree.a))
    client.post(reverse("disclosure:decide_request", args=["plan", plan.pk, "approve"]), {"note": "同意"})
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED and _audited("workplan.decide", plan)


def test_a_withholding_is_filed_by_page_and_accepted_upstairs(client, tree, people):
    clerk = staff(tree.a, Role.CLERK)
    rule = catalogue_item_for(tree.a)
    client.force_login(clerk)
    data = {"org": "TA", "catalogue_item": rule.pk, "reason": "privacy", "explanation": "涉及个人隐私。"}
    page = client.post(reverse("disclosure:new_withholding") + "?org=TA", data, follow=True)
    filing = Withholding.objects.get(org=tree.a)
    assert "已向上级党组织报备。" in page.content.decode() and _audited("withholding.file", filing)
    client.force_login(people.outsider)
    assert client.get(reverse("disclosure:new_withholding") + "?org=TA").status_code == 404
    decide = reverse("disclosure:decide_request", args=["withholding", filing.pk, "approve"])
    assert client.post(decide).status_code == 404
    client.force_login(staff(tree.committee, Role.SECRETARY))
    client.post(decide, {"note": "同意"})
    filing.refresh_from_db()
    assert filing.status == Withholding.Status.ACCEPTED and _audited("withholding.decide", filing)
