"""Issue 16: every hand-off between people notifies the next one, in-app and by e-mail, after commit."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from gongkai.applications import actions as applications
from gongkai.applications.models import Pause
from gongkai.catalogue.models import Category
from gongkai.conftest import UserFactory, grant
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure.models import ChangeRequest, State, Withholding
from gongkai.disclosure.tests.factories import catalogue_item_for, make_item, owner_of_catalogue, staff
from gongkai.feedback import actions as feedback
from gongkai.lib.errors import NotAllowed
from gongkai.notifications.models import Notification
from gongkai.orgs.models import Role
from gongkai.oversight import actions as oversight

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commit_after_each_action(monkeypatch, django_capture_on_commit_callbacks):
    """Each action commits as it would outside the test's transaction: its on-commit work runs as it
    returns (and only if it returns)."""

    def committing(module, name):
        action = getattr(module, name)

        def run(*args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return action(*args, **kwargs)

        monkeypatch.setattr(module, name, run)

    for module in (disclosure, oversight, applications, feedback):
        for name in dir(module):
            fn = getattr(module, name)
            if callable(fn) and getattr(fn, "__module__", "") == module.__name__ and not name.startswith("_"):
                if not isinstance(fn, type):
                    committing(module, name)


def told(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


@pytest.fixture
def team(tree, people):
    """The branch's own reviewer and secretary besides the people fixture's clerk."""
    for u in (people.clerk_a, people.secretary_a):
        u.email = f"{u.username}@example.org"
        u.save(update_fields=["email"])
    return type("Team", (), {"reviewer": staff(tree.a, Role.REVIEWER), "secretary": people.secretary_a})


def test_submit_tells_the_branchs_reviewer_not_the_author_or_the_committees(tree, people, team):
    item = make_item(tree.a, state=State.SUBMITTED, by_clerk=people.clerk_a)
    assert told(team.reviewer) == [f"待审核：{item.title}"]
    assert told(people.reviewer_c) == [], "the nearest reviewer, not every reviewer above"
    assert told(people.clerk_a) == []


def test_the_committees_reviewer_is_told_when_the_branch_has_none(tree, people):
    item = make_item(tree.b, state=State.SUBMITTED)
    assert told(people.reviewer_c) == [f"待审核：{item.title}"]


def test_review_tells_the_approver_and_approval_tells_the_author(tree, people, team):
    item = make_item(tree.a, state=State.REVIEWED, by_clerk=people.clerk_a, reviewer=team.reviewer)
    assert told(team.secretary) == [f"待审批：{item.title}"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [team.secretary.email]
    disclosure.approve_item(item, by=team.secretary)
    assert told(people.clerk_a) == [f"已审批，可以公开：{item.title}"]


def test_send_back_tells_the_author_with_the_reason(tree, people, team):
    item = make_item(tree.a, state=State.SUBMITTED, by_clerk=people.clerk_a)
    disclosure.send_back_item(item, by=team.reviewer, reason="缺少支出明细。")
    note = Notification.objects.get(user=people.clerk_a)
    assert note.title == f"被退回修改：{item.title}" and "缺少支出明细。" in note.body
    assert note.url == f"/work/items/{item.pk}/"


def test_publish_tells_the_author(tree, people, team):
    item = make_item(tree.a, state=State.APPROVED, by_clerk=people.clerk_a, secretary=team.secretary)
    disclosure.publish_item(item, by=team.secretary)
    assert told(people.clerk_a)[-1] == f"已公开：{item.title}"


def test_a_refused_action_tells_nobody(tree, people, team):
    item = make_item(tree.a, state=State.SUBMITTED, by_clerk=people.clerk_a)
    before = Notification.objects.count()
    with pytest.raises(NotAllowed):
        disclosure.review_item(item, by=people.clerk_a)  # four eyes
    assert Notification.objects.count() == before


def test_change_request_goes_to_the_catalogue_owner_and_the_decision_back(tree, people):
    item = make_item(tree.a, state=State.PUBLISHED, by_clerk=people.clerk_a)
    owner = owner_of_catalogue(tree.a)
    request = disclosure.request_change(
        item, by=people.clerk_a, kind=ChangeRequest.Kind.REVOKE, reason="误发"
    )
    assert told(owner) == [f"待批准的撤销申请：{item.title}"]
    disclosure.decide_change(request, by=owner, approve=False)
    assert told(people.clerk_a)[-1] == f"撤销申请未获批准：{item.title}"


def test_work_plan_goes_to_the_catalogue_owner_and_the_decision_back(tree, people):
    catalogue_item_for(tree.a)
    owner = owner_of_catalogue(tree.a)
    plan = disclosure.submit_work_plan(
        tree.a,
        by=people.clerk_a,
        title="志愿服务积分公开方案",
        body="每季度公开。",
        category=Category.SERVICE,
    )
    assert told(owner) == ["待审核的工作方案：志愿服务积分公开方案"]
    disclosure.decide_work_plan(plan, by=owner, approve=True, note="同意")
    assert told(people.clerk_a) == ["工作方案已同意：志愿服务积分公开方案"]


def test_withholding_goes_to_the_upper_organisation_and_the_decision_back(tree, people):
    row = catalogue_item_for(tree.a)
    upper = staff(tree.committee, Role.SECRETARY)
    withholding = disclosure.file_withholding(
        tree.a, row, by=people.clerk_a, reason=Withholding.Reason.PRIVACY, explanation="涉及个人隐私。"
    )
    assert told(upper) == [f"待审核的不予公开备案：{tree.a.name} {row.title}"]
    assert told(people.secretary_a) == [], "the branch's own secretary does not decide its filing"
    disclosure.decide_withholding(withholding, by=upper, accept=True)
    assert told(people.clerk_a) == [f"不予公开备案已接受：{row.title}"]


def test_rectification_order_tells_the_branchs_clerk_and_secretary(tree, people):
    inspection = oversight.create_inspection(
        tree.a, by=people.inspector_c, on=timezone.localdate(), summary="检查公开栏。"
    )
    oversight.add_finding(
        inspection,
        by=people.inspector_c,
        text="党费使用未公开。",
        rectification_required=True,
        deadline_days=5,
    )
    for user in (people.clerk_a, people.secretary_a):
        assert len(told(user)) == 1 and told(user)[0].startswith(f"整改通知：{tree.a.name}")
    assert told(people.member_a) == []


def test_an_evaluation_tells_the_members_who_may_evaluate(tree, people):
    start = timezone.now() + timedelta(days=1)
    oversight.create_campaign(
        tree.committee, by=people.inspector_c, title="2026年度党务公开民主评议",
        opens_at=start, closes_at=start + timedelta(days=7), orgs=[tree.a],
    )  # fmt: skip
    assert told(people.member_a) == ["民主评议：2026年度党务公开民主评议"]
    assert told(people.member_b) == [] and told(people.clerk_a) == []


def test_supplement_request_tells_the_applicant(tree, people):
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        application = applications.submit_application(
            tree.a, by=people.member_a, title="2024年度党费收缴使用情况", description="请公开明细。"
        )
        applications.pause_application(
            application, by=people.clerk_a, kind=Pause.Kind.SUPPLEMENT, note="请写明年度"
        )
    assert any("补正" in t for t in told(people.member_a))


def test_a_reply_reaches_the_submitters_account_and_e_mail_contact(tree, people):
    member = grant(UserFactory(), tree.a, Role.MEMBER)
    case = feedback.submit_online(
        tree.a, user=member, subject="公开栏更新太慢", content="请及时更新。", contact="zhang@example.org"
    )
    mail.outbox.clear()
    feedback.reply_case(case, by=people.clerk_a, text="已安排每周更新。")
    note = Notification.objects.get(user=member)
    assert note.url == f"/feedback/track/?code={case.code}"
    assert [m.to for m in mail.outbox] == [["zhang@example.org"]]
    assert "已安排每周更新" not in mail.outbox[0].body, "the reply itself is read on the tracking page"


def test_a_reply_to_a_phone_contact_sends_no_mail(tree, people):
    case = feedback.submit_online(tree.a, subject="建议", content="请公开党费。", contact="13800138000")
    mail.outbox.clear()
    feedback.reply_case(case, by=people.clerk_a, text="已公开。")
    assert mail.outbox == []
