"""Issue 13 leaks 1–3 and issue 11.2's decision queues: each role reaches exactly what R2/R20 give it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from gongkai import access
from gongkai.accounts.models import ApiToken
from gongkai.applications import actions as application_actions
from gongkai.audit.models import AuditEntry
from gongkai.catalogue.models import Scope
from gongkai.conftest import UserFactory, grant, make_org
from gongkai.disclosure import actions as item_actions
from gongkai.disclosure.models import ChangeRequest, State
from gongkai.disclosure.tests.factories import make_catalogue, make_item, published_item, staff
from gongkai.feedback import actions as feedback_actions
from gongkai.feedback.models import Channel
from gongkai.orgs.models import Level, Role, SectorType
from gongkai.oversight import actions as oversight_actions


@pytest.fixture
def world(tree, people, settings, tmp_path):
    """The tree with a catalogue at the committee, a supervisor assigned to branch B only, a
    catalogue owner at the committee, and in branch A: a draft, a committee-only published item,
    an application and a feedback case."""
    settings.MEDIA_ROOT = str(tmp_path)
    make_catalogue(tree.committee)
    supervisor = grant(UserFactory(display_name="彭卫东"), tree.committee, Role.SUPERVISOR)
    oversight_actions.assign_supervisor(supervisor, tree.b, by=people.inspector_c, note="")
    applicant = grant(UserFactory(display_name="李明华"), tree.a, Role.MEMBER)
    return type(
        "World",
        (),
        {
            "supervisor": supervisor,
            "owner": grant(UserFactory(), tree.committee, Role.CATALOGUE_OWNER),
            "draft": make_item(tree.a, by_clerk=people.clerk_a, title="甲支部草稿事项"),
            "committee_only": published_item(tree.a, Scope.COMMITTEE, by_clerk=people.clerk_a),
            "published_b": published_item(tree.b, Scope.ORG_MEMBERS, title="乙支部党内事项"),
            "draft_b": make_item(tree.b, title="乙支部草稿事项"),
            "application": application_actions.submit_application(
                tree.a, by=applicant, title="申请公开党费使用情况", description="请公开2025年党费使用情况。"
            ),
            "case": feedback_actions.record_offline(
                tree.a,
                by=people.clerk_a,
                channel=Channel.HOTLINE,
                subject="询问",
                content="党费公开。",
                name="张三丰",
                contact="13800138000",
            ),
        },
    )


def _get(client, user, url):
    if url.startswith("/api/"):
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)}").status_code
    client.force_login(user)
    return client.get(url).status_code


def _objects(world):
    return {
        "draft page": reverse("disclosure:work_item", args=[world.draft.pk]),
        "draft (public page)": reverse("disclosure:detail", args=[world.draft.pk]),
        "draft via API": f"/api/v1/items/{world.draft.pk}",
        "committee-only item": reverse("disclosure:detail", args=[world.committee_only.pk]),
        "application": reverse("applications:detail", args=[world.application.pk]),
        "application via API": f"/api/v1/applications/{world.application.pk}",
        "feedback case": reverse("feedback:case", args=[world.case.pk]),
    }


def test_supervisor_reaches_nothing_of_an_organisation_not_assigned(client, world, tree):
    # Leak 1: 404 on every object of branch A, which is not in the supervisor's assignments.
    for name, url in _objects(world).items():
        assert _get(client, world.supervisor, url) == 404, name
    obligations = reverse("obligations:list") + f"?org={tree.a.code}"
    assert _get(client, world.supervisor, obligations) == 404


def test_supervisor_reads_published_items_and_obligations_of_assigned_organisations_only(client, world, tree):
    s = world.supervisor
    assert _get(client, s, reverse("disclosure:detail", args=[world.published_b.pk])) == 200
    assert _get(client, s, reverse("obligations:list") + f"?org={tree.b.code}") == 200
    # never drafts' bodies, nor a draft of the assigned organisation through the API
    assert _get(client, s, reverse("disclosure:work_item", args=[world.draft_b.pk])) == 404
    assert _get(client, s, f"/api/v1/items/{world.draft_b.pk}") == 404
    assert world.draft_b not in access.visible_items(s)


def test_supervisor_never_reads_what_only_the_committee_reads(client, world, tree, people):
    # A 班子成员 item (disciplinary, personnel) of an assigned organisation stays with its committee.
    committee_b = published_item(tree.b, Scope.COMMITTEE, title="乙支部班子事项")
    s = world.supervisor
    assert _get(client, s, reverse("disclosure:detail", args=[committee_b.pk])) == 404
    assert _get(client, s, f"/api/v1/items/{committee_b.pk}") == 404
    assert committee_b not in access.visible_items(s)


def test_catalogue_owner_reads_no_cases(client, world):
    for name, url in _objects(world).items():
        if name != "committee-only item":
            assert _get(client, world.owner, url) == 404, name


def test_catalogue_owner_sees_change_requests_of_the_catalogue(client, world, tree, people):
    item = published_item(tree.a, by_clerk=people.clerk_a, title="需撤销的事项")
    item_actions.request_change(item, by=people.clerk_a, kind=ChangeRequest.Kind.REVOKE, reason="有误。")
    client.force_login(world.owner)
    assert "需撤销的事项" in client.get(reverse("disclosure:requests")).content.decode()


def test_case_roles_still_read_their_subtree(client, world, people):
    for user in (people.clerk_a, people.secretary_a, people.reviewer_c, people.inspector_c, people.auditor_c):
        assert _get(client, user, reverse("disclosure:work_item", args=[world.draft.pk])) == 200
        assert _get(client, user, reverse("applications:detail", args=[world.application.pk])) == 200


# ---- Leak 2: a hidden organisation's items ------------------------------------------------------


@pytest.fixture
def hidden_item(tree, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    hidden = make_org(tree.committee, code="HID", name="暂不对外党支部", sector_type=SectorType.SOCIAL)
    make_catalogue(tree.committee)
    item = published_item(hidden, Scope.PUBLIC, title="隐藏组织公开事项", min_internal_days=0)
    hidden.is_public = False
    hidden.save(update_fields=["is_public"])
    return item


def test_hidden_organisation_items_reach_no_anonymous_surface(client, hidden_item):
    assert client.get(reverse("disclosure:detail", args=[hidden_item.pk])).status_code == 404
    assert client.get(f"/api/v1/items/{hidden_item.pk}").status_code == 404
    assert hidden_item.pk not in [i["id"] for i in client.get("/api/v1/items").json()["items"]]
    assert "隐藏组织公开事项" not in client.get(reverse("portal:home")).content.decode()
    page = client.get(reverse("search:search"), {"q": "隐藏组织"}).content.decode()
    assert "隐藏组织公开事项" not in page and "暂不对外党支部" not in page  # hit and publisher facet
    api = client.get("/api/v1/search", {"q": "隐藏组织"}).json()
    assert api["total"] == 0 and "暂不对外党支部" not in str(api["facets"])
    assert hidden_item not in access.visible_items(AnonymousUser())


def test_hidden_organisation_items_still_reach_its_members(hidden_item):
    member = grant(UserFactory(), hidden_item.org, Role.MEMBER)
    assert hidden_item in access.visible_items(member)


# ---- Leak 3: applicants' names -----------------------------------------------------------------


def test_applicant_name_masked_for_every_role_but_the_handlers(client, world, people):
    detail = reverse("applications:detail", args=[world.application.pk])
    for user in (people.reviewer_c, people.inspector_c, people.auditor_c):
        client.force_login(user)
        for url in (reverse("applications:work"), detail, detail + "?show=personal"):
            page = client.get(url).content.decode()
            assert "李明华" not in page and "李*" in page, (user, url)
    assert not AuditEntry.objects.filter(action="application.read_personal_data").exists()


def test_handler_reads_the_applicant_unmasked_audited_and_uncached(client, world, people):
    detail = reverse("applications:detail", args=[world.application.pk])
    client.force_login(people.clerk_a)
    assert "李明华" not in client.get(reverse("applications:work")).content.decode()
    assert "李明华" not in client.get(detail).content.decode()
    response = client.get(detail + "?show=personal")
    assert "李明华" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="application.read_personal_data")
    assert entry.actor_id == people.clerk_a.pk


def test_applicant_reads_their_own_name_unaudited(client, world):
    client.force_login(world.application.applicant)
    assert (
        "李明华" in client.get(reverse("applications:detail", args=[world.application.pk])).content.decode()
    )
    assert not AuditEntry.objects.filter(action="application.read_personal_data").exists()


# ---- Issue 11.2: decision queues filtered before they are sliced ----------------------------------


def test_requests_page_keeps_an_owners_decisions_behind_more_than_the_slice_elsewhere(
    db, client, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    city_a = make_org(level=Level.COMMITTEE, code="CA", name="甲市委")
    city_b = make_org(level=Level.COMMITTEE, code="CB", name="乙市委")
    branch_a = make_org(city_a, code="CA1", name="甲支部")
    branch_b = make_org(city_b, code="CB1", name="乙支部")
    make_catalogue(city_a)
    make_catalogue(city_b)
    clerk_b = staff(branch_b, Role.CLERK)
    for n in range(201):  # older pending plans of another catalogue owner's organisations
        item_actions.submit_work_plan(branch_b, by=clerk_b, title=f"乙方案{n}", body="内容。", category=8)
    item_actions.submit_work_plan(
        branch_a, by=staff(branch_a, Role.CLERK), title="甲支部方案", body="内容。", category=8
    )
    owner_a = staff(city_a, Role.CATALOGUE_OWNER)
    client.force_login(owner_a)
    page = client.get(reverse("disclosure:requests")).content.decode()
    assert "甲支部方案" in page and "乙方案" not in page
    assert list(access.work_plans_to_decide(owner_a).values_list("title", flat=True)) == ["甲支部方案"]


def test_work_list_waiting_is_filtered_before_the_slice(client, tree, people, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    make_catalogue(tree.committee)
    waiting = make_item(tree.a1, state=State.SUBMITTED, title="等待审核的事项")
    reviewer_a1 = staff(tree.a1, Role.REVIEWER)
    # a list filtered to drafts (or cut at 200 rows) must not drop what waits for this reviewer
    item_actions.create_item(
        tree.a1,
        by=staff(tree.a1, Role.CLERK),
        title="草稿",
        body="正文。",
        catalogue_item=waiting.catalogue_item,
    )
    assert list(access.items_awaiting(reviewer_a1)) == [waiting]
    client.force_login(reviewer_a1)
    assert "等待审核的事项" in client.get(reverse("disclosure:work_list") + "?state=draft").content.decode()
