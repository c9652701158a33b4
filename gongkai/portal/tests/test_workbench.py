"""R29 / issue 11.4: the workbench from one provider per app; this user's decisions first, then
overdue, then due soon; applications and feedback with their due dates; grouped and paged."""

import re
from datetime import timedelta

import pytest
import time_machine

from gongkai.applications import actions as applications
from gongkai.catalogue.models import Category
from gongkai.conftest import UserFactory, grant, make_org
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure import todos as disclosure_todos
from gongkai.disclosure.models import ChangeRequest, State
from gongkai.disclosure.tests.factories import catalogue_item_for, make_item, owner_of_catalogue, staff
from gongkai.feedback import actions as feedback
from gongkai.orgs.models import Role
from gongkai.portal.workbench import todos_for

pytestmark = pytest.mark.django_db
MONDAY = "2025-03-03 10:00 +08:00"


def _titles(html: str) -> list[str]:
    return re.findall(r'<span class="wb-main">.*?<a href="[^"]*">([^<]+)</a>', html)


def test_applications_and_feedback_appear_with_their_due_dates(client, tree, people):
    with time_machine.travel(MONDAY, tick=False):
        application = applications.submit_application(
            tree.a, by=people.member_a, title="2024年度党费收缴使用情况", description="请公开明细。"
        )
        case = feedback.submit_online(tree.a, subject="公开栏更新太慢", content="请及时更新。")
        client.force_login(people.clerk_a)
        html = client.get("/work/").content.decode()
    assert f"{application.number} 2024年度党费收缴使用情况" in html and "公开栏更新太慢" in html
    assert application.due_date.isoformat() in html and case.due_date.isoformat() in html
    client.force_login(people.member_a)
    assert client.get("/work/").status_code == 404


def test_decisions_first_then_overdue_then_due_soon(client, tree, people):
    with time_machine.travel(MONDAY, tick=False):
        late = feedback.submit_online(tree.a, subject="早前的反馈", content="请答复。")
    with time_machine.travel("2025-03-25 10:00 +08:00", tick=False):
        soon = feedback.submit_online(tree.a, subject="新近的反馈", content="请答复。")
    sent_back = make_item(tree.a, state=State.SUBMITTED, by_clerk=people.clerk_a, title="被退回的公开事项")
    disclosure.send_back_item(sent_back, by=staff(tree.a, Role.REVIEWER), reason="请补充。")
    with time_machine.travel(soon.due_date - timedelta(days=2), tick=False):
        rows = todos_for(people.clerk_a)
        client.force_login(people.clerk_a)
        html = client.get("/work/").content.decode()
    titles = [t.title for t in rows]
    assert titles.index("被退回的公开事项") < titles.index("早前的反馈") < titles.index("新近的反馈")
    assert late.due_date < soon.due_date
    assert html.index("待我处理") < html.index("已逾期") < html.index("即将到期")
    assert _titles(html)[:3] == ["被退回的公开事项", "早前的反馈", "新近的反馈"]


def test_the_catalogue_owner_sees_pending_change_requests_and_work_plans(client, tree, people):
    item = make_item(tree.a, state=State.PUBLISHED, by_clerk=people.clerk_a, title="三季度党费公开")
    disclosure.request_change(item, by=people.clerk_a, kind=ChangeRequest.Kind.REVOKE, reason="误发")
    disclosure.submit_work_plan(
        tree.a,
        by=people.clerk_a,
        title="志愿服务积分公开方案",
        body="每季度公开。",
        category=Category.SERVICE,
    )
    owner = owner_of_catalogue(tree.a)
    client.force_login(owner)
    html = client.get("/work/").content.decode()
    assert "待办事项（2 项）" in html
    assert "撤销：三季度党费公开" in html and "志愿服务积分公开方案" in html
    client.force_login(people.secretary_a)
    assert "志愿服务积分公开方案" not in client.get("/work/").content.decode()


def test_an_owners_queue_is_filtered_before_it_is_cut(tree, people, monkeypatch):
    monkeypatch.setattr(disclosure_todos, "LIMIT", 3)
    catalogue_item_for(tree.a)
    elsewhere = make_org(level="committee", name="另一街道党工委", code="TZ")  # sorts after the tree
    other_branch = make_org(elsewhere)
    catalogue_item_for(other_branch)
    clerk_x = staff(other_branch, Role.CLERK)
    for n in range(4):  # more than the slice, pending with another owner
        disclosure.submit_work_plan(other_branch, by=clerk_x, title=f"别处方案{n}", body="内容", category=1)
    disclosure.submit_work_plan(tree.a, by=people.clerk_a, title="本处方案", body="内容", category=1)
    owner = owner_of_catalogue(tree.a)
    assert [t.title for t in todos_for(owner)] == ["本处方案"]


def test_long_lists_are_paged_and_filtered_by_kind(client, tree, people):
    with time_machine.travel(MONDAY, tick=False):
        for n in range(30):
            feedback.submit_online(tree.a, subject=f"反馈{n:02d}", content="请答复。")
        make_item(tree.a, state=State.SUBMITTED, title="待审核的事项")
        boss = grant(UserFactory(), tree.a, Role.CLERK, Role.REVIEWER)
        client.force_login(boss)
        first = client.get("/work/").content.decode()
        second = client.get("/work/?page=2").content.decode()
        only = client.get("/work/?kind=待审核").content.decode()
    assert "待办事项（31 项）" in first and len(_titles(first)) == 25 and len(_titles(second)) == 6
    assert _titles(first)[0] == "待审核的事项"
    assert "kind=%E6%84%8F%E8%A7%81%E5%8F%8D%E9%A6%88" in first  # the chip of 意见反馈
    assert _titles(only) == ["待审核的事项"]


def test_the_commitments_page_is_reachable_from_the_org_page_and_the_workbench(client, tree, people):
    client.force_login(people.clerk_a)
    assert (
        f'href="/oversight/commitments/?org={tree.a.code}"'
        in client.get(f"/orgs/{tree.a.code}/").content.decode()
    )
    assert 'href="/oversight/commitments/"' in client.get("/work/").content.decode()
    client.force_login(people.member_a)
    assert "/oversight/commitments/" not in client.get(f"/orgs/{tree.a.code}/").content.decode()


def test_the_workbench_and_its_badge_follow_an_action_at_once(client, tree, people):
    """Issue 17: the to-do list is kept between reads, never past the next action."""
    from gongkai.disclosure import actions as item_actions
    from gongkai.disclosure.models import State
    from gongkai.disclosure.tests.factories import make_item

    client.force_login(people.reviewer_c)
    before = client.get("/work/").content.decode()  # kept now
    item = make_item(tree.a, title="第三季度党费收缴情况待审核", state=State.DRAFT, by_clerk=people.clerk_a)
    assert item.title not in before
    item_actions.submit_item(item, by=people.clerk_a)
    page = client.get("/work/").content.decode()
    assert item.title in page
    assert 'class="badge todo-count"' in page
