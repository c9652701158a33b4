"""The items API: R9 visibility per scope and viewer, writes through the actions, errors never 500."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from gongkai.accounts.models import ApiToken
from gongkai.catalogue.models import Scope
from gongkai.conftest import grant, make_org
from gongkai.disclosure.models import DisclosureItem, State
from gongkai.disclosure.tests.factories import (
    PNG,
    catalogue_item_for,
    make_item,
    published_item,
    staff,
)
from gongkai.orgs.models import Role

T0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Beijing

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
ID17 = "11010519491231002"
ID_NUMBER = ID17 + "10X98765432"[sum(int(d) * w for d, w in zip(ID17, WEIGHTS, strict=True)) % 11]


class Api:
    """The test client speaking as a user through a bearer token (None: anonymous)."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}

    def _headers(self, user):
        if user is None:
            return {}
        if user.pk not in self.tokens:
            self.tokens[user.pk] = ApiToken.issue(user)
        return {"Authorization": f"Bearer {self.tokens[user.pk]}"}

    def get(self, user, url, **params):
        return self.client.get(f"/api/v1{url}", params, headers=self._headers(user))

    def post(self, user, url, data=None):
        body = "" if data is None else json.dumps(data)
        return self.client.post(
            f"/api/v1{url}", body, content_type="application/json", headers=self._headers(user)
        )

    def patch(self, user, url, data):
        return self.client.patch(
            f"/api/v1{url}", json.dumps(data), content_type="application/json", headers=self._headers(user)
        )

    def listed_ids(self, user, **params):
        response = self.get(user, "/items", limit=100, **params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    def sees(self, user, item) -> bool:
        """Both surfaces must agree: listed in /items exactly when the detail answers 200."""
        detail = self.get(user, f"/items/{item.pk}")
        assert detail.status_code in (200, 404), detail.content
        listed = item.pk in self.listed_ids(user)
        assert listed == (detail.status_code == 200), f"list and detail disagree for {item}"
        return listed


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


VIEWERS = ["anonymous", "member_a", "member_b", "member_a1", "committee_a", "reviewer_c"]

# R9 for an item of branch TA once published (public items after their internal period).
EXPECTED = {
    Scope.PUBLIC: {"anonymous", "member_a", "member_b", "member_a1", "committee_a", "reviewer_c"},
    Scope.ALL_MEMBERS: {"member_a", "member_b", "member_a1", "committee_a", "reviewer_c"},
    Scope.ORG_TREE: {"member_a", "member_a1", "committee_a", "reviewer_c"},
    Scope.ORG_MEMBERS: {"member_a", "committee_a", "reviewer_c"},
    Scope.COMMITTEE: {"committee_a", "reviewer_c"},
}


def viewer(people, name):
    return None if name == "anonymous" else getattr(people, name)


@pytest.mark.parametrize("scope", list(EXPECTED))
def test_scope_matrix_on_list_and_detail(api, tree, people, scope):
    with time_machine.travel(T0, tick=False):
        item = published_item(tree.a, scope, min_internal_days=5)
    # Five working days inside (Tue 03-04 … Mon 03-10), public from Tuesday 2025-03-11.
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        seen = {name for name in VIEWERS if api.sees(viewer(people, name), item)}
    assert seen == EXPECTED[scope]


def test_public_item_goes_public_only_after_its_internal_period(api, tree, people):
    with time_machine.travel(T0, tick=False):
        item = published_item(tree.a, Scope.PUBLIC, min_internal_days=5)
        assert not api.sees(None, item)
        row = api.get(people.member_b, f"/items/{item.pk}").json()
        assert (row["scope"], row["target_scope"]) == ("all_members", "public")
        assert api.listed_ids(people.member_b, scope="all_members") == {item.pk}
        assert api.listed_ids(people.member_b, scope="public") == set()
    # R9 in working days: published Monday 2025-03-03 10:00, inside for the five working days after
    # it (03-04, 03-05, 03-06, 03-07, 03-10 — the weekend does not count), public from 03-11 00:00.
    assert timezone.localtime(item.public_from).isoformat() == "2025-03-11T00:00:00+08:00"
    with time_machine.travel(T0 + timedelta(days=7, hours=13, minutes=59), tick=False):
        assert not api.sees(None, item)
        assert api.sees(people.member_b, item)
    with time_machine.travel(T0 + timedelta(days=7, hours=14, minutes=1), tick=False):
        assert api.sees(None, item)
        assert api.get(None, f"/items/{item.pk}").json()["scope"] == "public"
        assert api.listed_ids(None, scope="public") == {item.pk}
        assert api.listed_ids(people.member_b, scope="all_members") == set()


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.APPROVED, State.REVOKED])
def test_unpublished_and_revoked_items_reach_only_staff_of_the_org_and_above(api, tree, people, state):
    item = make_item(tree.a, Scope.PUBLIC, state=state, min_internal_days=0)
    staff_b = staff(tree.b, Role.SECRETARY)
    clerk_a1 = staff(tree.a1, Role.CLERK)
    for name in VIEWERS:
        assert api.sees(viewer(people, name), item) == (name == "reviewer_c"), name
    assert api.sees(people.clerk_a, item)
    assert api.sees(people.auditor_c, item)
    assert not api.sees(staff_b, item)
    assert not api.sees(clerk_a1, item)


def test_detail_shows_body_history_and_findings_to_staff_only(api, tree, people):
    item = published_item(tree.a, Scope.ALL_MEMBERS)
    member = api.get(people.member_b, f"/items/{item.pk}").json()
    assert member["reader_body"].startswith("本期党费")
    assert member["body"] is None and member["history"] is None and member["findings"] is None
    clerk = api.get(people.clerk_a, f"/items/{item.pk}").json()
    assert [e["action"] for e in clerk["history"]] == ["create", "submit", "review", "approve", "publish"]
    assert clerk["body"].startswith("本期党费")
    assert clerk["url"] == f"/items/{item.pk}/"


def test_kept_inside_attachment_is_listed_only_to_those_who_may_download_it(api, tree, people):
    item = published_item(
        tree.a,
        Scope.ORG_TREE,
        attachments=[("公示.png", PNG, False), ("名单.png", PNG, True)],
    )
    names = {
        who: [a["name"] for a in api.get(getattr(people, who), f"/items/{item.pk}").json()["attachments"]]
        for who in ("member_a", "member_a1", "reviewer_c")
    }
    assert names == {
        "member_a": ["公示.png", "名单.png"],
        "member_a1": ["公示.png"],
        "reviewer_c": ["公示.png", "名单.png"],
    }
    first = api.get(people.member_a1, f"/items/{item.pk}").json()["attachments"][0]
    assert first["download_url"] == f"/items/{item.pk}/files/{first['id']}/"


def test_list_filters(api, tree, people):
    with time_machine.travel(datetime(2024, 6, 1, 2, tzinfo=UTC), tick=False):
        old = published_item(tree.a, Scope.ALL_MEMBERS)
    with time_machine.travel(T0, tick=False):
        in_a1 = published_item(tree.a1, Scope.ALL_MEMBERS)
        in_b = published_item(tree.b, Scope.ALL_MEMBERS)
        other_cat = published_item(
            tree.a, Scope.ALL_MEMBERS, catalogue_item=catalogue_item_for(tree.a, category=7)
        )
        draft = make_item(tree.a, Scope.ALL_MEMBERS)
    who = people.reviewer_c
    assert api.listed_ids(who, org="TA") == {old.pk, other_cat.pk, draft.pk}
    assert api.listed_ids(who, under="TA") == {old.pk, other_cat.pk, draft.pk, in_a1.pk}
    assert api.listed_ids(who, year=2024) == {old.pk}
    assert api.listed_ids(who, category=7) == {other_cat.pk}
    assert api.listed_ids(who, state="draft") == {draft.pk}
    # Filters narrow what the viewer may see; they never widen it.
    assert api.listed_ids(people.member_b, state="draft") == set()
    assert api.listed_ids(people.member_b, org="TB") == {in_b.pk}
    assert api.get(None, "/items", org="NOPE").status_code == 404


def test_list_is_newest_first_and_paginated(api, tree, people):
    items = []
    for day in range(5):
        with time_machine.travel(T0 + timedelta(days=day), tick=False):
            items.append(published_item(tree.a, Scope.ALL_MEMBERS))
    first = api.get(people.member_a, "/items", limit=2).json()
    assert [r["id"] for r in first["items"]] == [items[4].pk, items[3].pk]
    assert first["next_offset"] == 2
    last = api.get(people.member_a, "/items", limit=2, offset=4).json()
    assert [r["id"] for r in last["items"]] == [items[0].pk] and last["next_offset"] is None
    assert api.get(people.member_a, "/items", limit=101).status_code == 422


@pytest.mark.parametrize("who", ["anonymous", "reviewer_c"])
def test_list_runs_in_a_constant_number_of_queries(api, tree, people, who, django_assert_max_num_queries):
    user = viewer(people, who)
    for org in (tree.a, tree.b, tree.a1):
        published_item(org, Scope.PUBLIC, min_internal_days=0)
    api.get(user, "/items")  # token issued and last_used_at written outside the measured calls
    with django_assert_max_num_queries(4) as few:
        assert len(api.get(user, "/items", under="TC").json()["items"]) == 3
    few = len(few)  # now: the query log is a bounded deque, its indices shift once it is full
    for _ in range(3):
        for org in (tree.a, tree.b, tree.a1):
            published_item(org, Scope.PUBLIC, min_internal_days=0)
    api.get(user, "/items")  # the new authors' roles changed the roles cache: warm it again, as above
    with django_assert_max_num_queries(few):
        assert len(api.get(user, "/items", under="TC").json()["items"]) == 12


# ---- Writes ----------------------------------------------------------------------------------


def _new(api, user, tree, **fields):
    data = {
        "org": "TA",
        "catalogue_item": catalogue_item_for(tree.a).pk,
        "title": "2025年第一季度党费收缴情况",
    }
    return api.post(user, "/items", {**data, **fields})


def test_the_whole_workflow_through_the_api(api, tree, people):
    reviewer = staff(tree.a, Role.REVIEWER)
    created = _new(api, people.clerk_a, tree, body="应交 12 人，实交 12 人。", scope="org_members")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["state"] == "draft"
    assert api.patch(people.clerk_a, f"/items/{pk}", {"title": "党费收缴情况（修订）"}).status_code == 200
    assert api.post(people.clerk_a, f"/items/{pk}/submit").json()["state"] == "submitted"
    assert api.post(reviewer, f"/items/{pk}/review", {"note": "同意"}).json()["state"] == "reviewed"
    assert api.post(people.secretary_a, f"/items/{pk}/approve").json()["state"] == "approved"
    assert not api.sees(people.member_a, DisclosureItem(pk=pk))
    published = api.post(people.clerk_a, f"/items/{pk}/publish").json()
    assert published["state"] == "published" and published["index_number"].startswith("TA-")
    row = api.get(people.member_a, f"/items/{pk}").json()
    assert (row["title"], row["reader_body"]) == ("党费收缴情况（修订）", "应交 12 人，实交 12 人。")


def test_send_back_needs_a_reason_and_returns_the_item_to_draft(api, tree, people):
    item = make_item(tree.a, Scope.ORG_MEMBERS, state=State.SUBMITTED)
    assert api.post(people.reviewer_c, f"/items/{item.pk}/send-back").status_code == 422
    empty = api.post(people.reviewer_c, f"/items/{item.pk}/send-back", {"reason": "  "})
    assert empty.status_code == 400 and "退回理由" in empty.json()["detail"]
    back = api.post(people.reviewer_c, f"/items/{item.pk}/send-back", {"reason": "数据有误，请核对。"})
    assert back.status_code == 200 and back.json()["state"] == "draft"
    assert back.json()["history"][-1]["note"] == "数据有误，请核对。"


def test_findings_block_approval_until_masked_and_readers_see_the_mask(api, tree, people):
    item = make_item(tree.a, Scope.ALL_MEMBERS, state=State.REVIEWED, body=f"联系人身份证号 {ID_NUMBER}。")
    blocked = api.post(people.secretary_a, f"/items/{item.pk}/approve")
    assert blocked.status_code == 400 and "保密检查" in blocked.json()["detail"]
    assert DisclosureItem.objects.get(pk=item.pk).state == State.REVIEWED
    finding = api.get(people.secretary_a, f"/items/{item.pk}").json()["findings"][0]
    url = f"/items/{item.pk}/findings/{finding['id']}"
    assert api.post(people.secretary_a, f"{url}/acknowledge", {"reason": ""}).status_code == 400
    masked = api.post(people.secretary_a, f"{url}/mask")
    assert masked.json()["findings"][0]["status"] == "masked"
    assert api.post(people.secretary_a, f"/items/{item.pk}/approve").status_code == 200
    api.post(people.clerk_a, f"/items/{item.pk}/publish")
    body = api.get(people.member_b, f"/items/{item.pk}").json()["reader_body"]
    assert ID_NUMBER not in body and "身份证号" in body
    assert api.post(people.secretary_a, f"/items/{item.pk}/findings/999999/mask").status_code == 404


def test_refusals_are_403_on_visible_items_and_404_on_invisible_ones(api, tree, people):
    published = published_item(tree.a, Scope.ALL_MEMBERS)
    draft = make_item(tree.a, Scope.ORG_MEMBERS, by_clerk=people.clerk_a)
    r = api.patch(people.member_a, f"/items/{published.pk}", {"title": "改"})
    assert (r.status_code, r.json()["detail"]) == (403, "您无权执行此操作。")
    assert api.post(people.member_a, f"/items/{draft.pk}/submit").status_code == 404
    assert api.post(people.member_b, f"/items/{draft.pk}/publish").status_code == 404
    # Four eyes: the author, even holding the reviewer role, cannot review their own item.
    grant(people.clerk_a, tree.a, Role.REVIEWER)
    api.post(people.clerk_a, f"/items/{draft.pk}/submit")
    assert api.post(people.clerk_a, f"/items/{draft.pk}/review").status_code == 403
    wrong_state = api.post(people.clerk_a, f"/items/{draft.pk}/publish")
    assert wrong_state.status_code == 400 and "不能执行此操作" in wrong_state.json()["detail"]
    assert DisclosureItem.objects.get(pk=draft.pk).state == State.SUBMITTED


def test_writes_need_a_bearer_token(api, client, tree, people):
    item = make_item(tree.a, Scope.ORG_MEMBERS)
    assert _new(api, None, tree).status_code == 401
    assert api.post(None, f"/items/{item.pk}/submit").status_code == 401
    assert api.patch(None, f"/items/{item.pk}", {"title": "x"}).status_code == 401
    client.force_login(people.clerk_a)  # a session cookie is not a token
    assert client.post(f"/api/v1/items/{item.pk}/submit", content_type="application/json").status_code == 401
    bad = client.get("/api/v1/items", headers={"Authorization": "Bearer gk_nope"})
    assert bad.status_code == 401 and bad.json()["detail"]
    assert DisclosureItem.objects.get(pk=item.pk).state == State.DRAFT


def test_create_refuses_bad_input_and_saves_nothing(api, tree, people):
    clerk = people.clerk_a
    before = DisclosureItem.objects.count()
    unknown = _new(api, clerk, tree, catalogue_item=999999)
    assert unknown.status_code == 400 and "目录事项不存在" in unknown.json()["detail"]
    village_only = catalogue_item_for(tree.a, sector_types=",village,", title="村级“三资”管理")
    r = _new(api, clerk, tree, catalogue_item=village_only.pk)
    assert r.status_code == 400 and "不适用于本组织" in r.json()["detail"]
    r = _new(api, clerk, tree, catalogue_item=None)
    assert r.status_code == 400 and "目录事项" in r.json()["detail"]
    r = _new(api, clerk, tree, title="")
    assert r.status_code == 400 and "标题" in r.json()["detail"]
    narrow = catalogue_item_for(tree.a, target_scope=Scope.ORG_MEMBERS)
    r = _new(api, clerk, tree, catalogue_item=narrow.pk, scope="public")
    assert r.status_code == 400 and "公开范围不能宽于" in r.json()["detail"]
    assert _new(api, clerk, tree, work_plan=123).status_code == 400
    assert _new(api, people.member_a, tree).status_code == 403
    hidden = make_org(tree.b, code="HID", is_public=False)
    assert _new(api, clerk, tree, org=hidden.code).status_code == 404
    assert DisclosureItem.objects.count() == before


@pytest.mark.parametrize(
    "forged", [{"state": "published"}, {"org_path": "0001"}, {"published_at": "2020-01-01T00:00:00Z"}]
)
def test_forged_fields_are_refused(api, tree, people, forged):
    r = _new(api, people.clerk_a, tree, **forged)
    assert r.status_code == 422 and r.json()["detail"]
    item = make_item(tree.a, Scope.ORG_MEMBERS, by_clerk=people.clerk_a)
    assert api.patch(people.clerk_a, f"/items/{item.pk}", forged).status_code == 422
    item.refresh_from_db()
    assert (item.state, item.org_path, item.published_at) == (State.DRAFT, tree.a.path, None)
    assert DisclosureItem.objects.count() == 1


def test_bad_json_and_wrong_types_are_422_never_500(api, client, tree, people):
    headers = api._headers(people.clerk_a)
    for body in ("{bad", "[1, 2]", '"text"', "null"):
        r = client.post("/api/v1/items", body, content_type="application/json", headers=headers)
        assert r.status_code in (400, 422) and r.json()["detail"], (body, r.content)
    assert (
        client.post("/api/v1/items", "{bad", content_type="application/json", headers=headers).status_code
        == 422
    )
    assert _new(api, people.clerk_a, tree, title=["x"]).status_code == 422
    assert _new(api, people.clerk_a, tree, catalogue_item="abc").status_code == 422
    assert _new(api, people.clerk_a, tree, event_date="2025-13-45").status_code == 422
    for params in ({"year": "abc"}, {"scope": "everyone"}, {"state": "x"}, {"offset": -1}, {"category": 9}):
        r = api.get(None, "/items", **params)
        assert r.status_code == 422 and r.json()["detail"] == "请求参数有误。", params
    assert api.get(None, "/items/abc").status_code == 404
    assert DisclosureItem.objects.count() == 0


def test_committee_member_of_the_org_is_not_staff(api, tree, people):
    item = published_item(tree.a, Scope.COMMITTEE)
    row = api.get(people.committee_a, f"/items/{item.pk}").json()
    assert row["history"] is None and row["body"] is None


def test_openapi_documents_every_route(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for action in ("submit", "review", "approve", "publish", "send-back"):
        assert f"/api/v1/items/{{item_id}}/{action}" in paths
    assert {"/api/v1/items", "/api/v1/catalogue/{org_code}"} <= set(paths)
