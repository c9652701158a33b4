"""R8 work plans, R11 change/revocation with versions and notices, R12 withholding filings."""

import pytest
from django.core.exceptions import ValidationError

from gongkai.audit.models import AuditEntry
from gongkai.catalogue.models import Category, Scope, current_version_for
from gongkai.disclosure import actions
from gongkai.disclosure.models import ChangeRequest, DisclosureItem, State, Withholding, WorkPlan
from gongkai.disclosure.tests.factories import catalogue_item_for, published_item, staff
from gongkai.lib.errors import NotAllowed
from gongkai.orgs.models import Role


def owner_of(org):
    return staff(current_version_for(org).catalogue.owner, Role.CATALOGUE_OWNER)


def test_off_catalogue_item_needs_a_work_plan_approved_by_the_catalogue_owner(tree, people):
    catalogue_item_for(tree.a)
    with pytest.raises(ValidationError, match="目录外事项须先报批工作方案"):
        actions.create_item(tree.a, by=people.clerk_a, title="社区志愿服务积分兑换情况")
    plan = actions.submit_work_plan(
        tree.a,
        by=people.clerk_a,
        title="志愿服务积分公开方案",
        body="每季度公开积分兑换。",
        category=Category.SERVICE,
    )
    with pytest.raises(ValidationError, match="须先经目录制定单位同意"):
        actions.create_item(tree.a, by=people.clerk_a, title="积分兑换情况", work_plan=plan)
    with pytest.raises(NotAllowed):
        actions.decide_work_plan(plan, by=people.secretary_a, approve=True)
    actions.decide_work_plan(plan, by=owner_of(tree.a), approve=True, note="同意")
    item = actions.create_item(tree.a, by=people.clerk_a, title="积分兑换情况", work_plan=plan)
    assert item.category == Category.SERVICE and item.catalogue_item is None
    with pytest.raises(ValidationError, match="已处理"):
        actions.decide_work_plan(plan, by=owner_of(tree.a), approve=False)
    assert WorkPlan.objects.get(pk=plan.pk).status == WorkPlan.Status.APPROVED


def test_approved_change_opens_a_new_version_that_replaces_the_old_with_a_notice(client, tree, people):
    old = published_item(
        tree.a, Scope.PUBLIC, min_internal_days=0, title="2026年第三季度党费收缴情况", by_clerk=people.clerk_a
    )
    request = actions.request_change(
        old, by=people.clerk_a, kind=ChangeRequest.Kind.CHANGE, reason="实交人数统计有误，予以更正。",
        new_title="2026年第三季度党费收缴情况（更正）", new_body="应交 12 人，实交 11 人。",
    )  # fmt: skip
    with pytest.raises(NotAllowed):
        actions.decide_change(request, by=people.inspector_c, approve=True)
    new = actions.decide_change(request, by=owner_of(tree.a), approve=True)
    assert new.state == State.DRAFT and new.version == 2 and new.supersedes_id == old.pk
    assert DisclosureItem.objects.get(pk=old.pk).state == State.PUBLISHED, (
        "the old stays until the new is out"
    )
    actions.submit_item(new, by=people.clerk_a)
    actions.review_item(new, by=staff(tree.a, Role.REVIEWER))
    actions.approve_item(new, by=staff(tree.a, Role.SECRETARY))
    actions.publish_item(new, by=people.clerk_a)
    old.refresh_from_db()
    assert old.state == State.SUPERSEDED and old.notice == "实交人数统计有误，予以更正。"
    board = client.get("/orgs/TA/board/").content.decode()
    assert "（更正）" in board and "实交人数统计有误，予以更正。" in board
    old_page = client.get(f"/items/{old.pk}/").content.decode()  # issue 16.2: printed links keep working
    assert "已更正，见新版本" in old_page and f'href="/items/{new.pk}/"' in old_page
    assert ChangeRequest.objects.get(pk=request.pk).filed_with == "党务公开工作领导小组"


def test_one_pending_change_request_at_a_time(tree, people):
    item = published_item(tree.a, Scope.ORG_MEMBERS, by_clerk=people.clerk_a)
    actions.request_change(item, by=people.clerk_a, kind=ChangeRequest.Kind.TERMINATE, reason="工作已结束")
    with pytest.raises(ValidationError, match="已有待批准的申请"):
        actions.request_change(item, by=people.clerk_a, kind=ChangeRequest.Kind.REVOKE, reason="重复")


def test_withholding_is_filed_upward_and_decided_by_the_upper_organisation(tree, people):
    rule = catalogue_item_for(tree.a)
    with pytest.raises(ValidationError, match="暂缓至哪一天"):
        actions.file_withholding(tree.a, rule, by=people.clerk_a, reason="temporary", explanation="换届期间")
    filing = actions.file_withholding(
        tree.a,
        rule,
        by=people.clerk_a,
        reason="privacy",
        explanation="涉及困难党员个人隐私",
        period_label="2026年第三季度",
    )
    with pytest.raises(NotAllowed):
        actions.decide_withholding(filing, by=people.secretary_a, accept=True)  # not their own filing
    actions.decide_withholding(filing, by=people.inspector_c, accept=False, note="可隐去姓名后公开")
    filing.refresh_from_db()
    assert filing.status == Withholding.Status.OVERRULED and filing.decision_note == "可隐去姓名后公开"
    assert AuditEntry.objects.filter(action="withholding.decide", object_id=str(filing.pk)).exists()
