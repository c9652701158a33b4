"""Issue 16: the workbench's shortcuts lead only to areas the user's roles open, and an author's drafts
(not only those sent back) wait on their workbench."""

import re

import pytest

from gongkai.conftest import UserFactory, grant
from gongkai.disclosure import actions as disclosure
from gongkai.disclosure.models import State
from gongkai.disclosure.tests.factories import make_item, staff
from gongkai.orgs.models import Role
from gongkai.oversight import actions as oversight
from gongkai.portal.workbench import todos_for

pytestmark = pytest.mark.django_db

ALL = {
    "/work/items/": "公开事项",
    "/work/requests/": "报批与备案",
    "/work/applications/": "公开申请",
    "/work/feedback/": "意见反馈",
    "/work/obligations/": "公开义务",
    "/work/obligations/compliance/": "完成情况",
    "/oversight/commitments/": "公开承诺",
    "/notifications/": "消息",
}
CASES = {"/work/items/", "/work/applications/", "/work/feedback/", "/work/obligations/",
         "/work/obligations/compliance/", "/notifications/"}  # fmt: skip


def _shortcuts(html: str) -> set[str]:
    nav = re.search(r'<nav class="actions" aria-label="工作入口">(.*?)</nav>', html, re.S).group(1)
    return set(re.findall(r'href="([^"]+)"', nav))


def test_shortcuts_follow_the_roles_and_each_one_opens(client, tree, people):
    supervisor = grant(UserFactory(), tree.committee, Role.SUPERVISOR)
    oversight.assign_supervisor(supervisor, tree.a, by=people.inspector_c)
    expected = {
        people.clerk_a: set(ALL),
        people.secretary_a: set(ALL),
        people.reviewer_c: CASES,
        people.auditor_c: CASES,
        people.inspector_c: CASES | {"/work/requests/"},  # decides withholding filings (R12)
        grant(UserFactory(), tree.committee, Role.CATALOGUE_OWNER): {"/work/requests/", "/notifications/"},
        supervisor: {"/work/obligations/", "/work/obligations/compliance/", "/notifications/"},
    }
    for user, urls in expected.items():
        client.force_login(user)
        shown = _shortcuts(client.get("/work/").content.decode())
        assert shown == urls, user
        for url in shown:
            assert client.get(url).status_code == 200, (user, url)


def test_an_authors_draft_waits_on_their_workbench_until_submitted(client, tree, people):
    draft = make_item(tree.a, by_clerk=people.clerk_a, title="第三季度党费收缴情况（草稿）")
    mine = [t for t in todos_for(people.clerk_a) if t.title == draft.title]
    assert [(t.kind, t.url, t.decision) for t in mine] == [("我的草稿", f"/work/items/{draft.pk}/", False)]
    client.force_login(people.clerk_a)
    html = client.get("/work/").content.decode()
    assert "我的草稿" in html and f'href="/work/items/{draft.pk}/"' in html
    assert draft.title not in [t.title for t in todos_for(people.secretary_a)], "another handler's draft"
    disclosure.submit_item(draft, by=people.clerk_a)
    assert draft.title not in [t.title for t in todos_for(people.clerk_a)]
    # Sent back, it is a decision again (退回待修改), listed once.
    disclosure.send_back_item(draft, by=staff(tree.a, Role.REVIEWER), reason="请补充。")
    back = [t for t in todos_for(people.clerk_a) if t.title == draft.title]
    assert [(t.kind, t.decision) for t in back] == [("退回待修改", True)]


def test_a_published_item_is_no_draft_of_anyone(tree, people):
    item = make_item(tree.a, state=State.PUBLISHED, by_clerk=people.clerk_a, title="已公开的事项")
    assert item.title not in [t.title for t in todos_for(people.clerk_a)]
