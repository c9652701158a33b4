import pytest
from django.contrib.auth.models import AnonymousUser

from gongkai import access
from gongkai.accounts.models import ApiToken
from gongkai.conftest import grant, make_org
from gongkai.orgs.models import Role, SectorType


def test_branch_clerk_has_no_staff_rights_in_a_sibling(tree, people):
    clerk = people.clerk_a
    assert access.reads_cases_at(clerk, tree.a)
    assert access.reads_cases_at(clerk, tree.a1), "a staff role is inherited by descendants"
    assert not access.reads_cases_at(clerk, tree.b)
    assert not access.reads_cases_at(clerk, tree.committee), "a staff role never climbs up the tree"
    assert not access.has_role(clerk, Role.CLERK, tree.b)


def test_committee_inspector_is_staff_in_every_descendant(tree, people):
    for org in (tree.committee, tree.a, tree.b, tree.a1):
        assert access.has_role(people.inspector_c, Role.INSPECTOR, org)
    assert set(access.orgs_where(people.inspector_c, "read_cases")) == {
        tree.committee,
        tree.a,
        tree.b,
        tree.a1,
    }


def test_member_role_is_not_inherited(tree, people):
    assert access.has_role(people.member_a, Role.MEMBER, tree.a)
    assert not access.has_role(people.member_a, Role.MEMBER, tree.a1)
    assert not access.reads_cases_at(people.member_a, tree.a)
    assert list(access.orgs_where(people.member_a, "read_cases")) == []


def test_hidden_org_is_seen_only_by_its_members_and_staff_above(tree, people):
    hidden = make_org(
        tree.a, name="暂不对外党组织", code="HID", is_public=False, sector_type=SectorType.SOCIAL
    )
    insider = grant(people.outsider, hidden, Role.MEMBER)
    assert hidden in access.visible_orgs(insider)
    assert hidden in access.visible_orgs(people.clerk_a)
    assert hidden in access.visible_orgs(people.inspector_c)
    assert hidden not in access.visible_orgs(people.member_a)
    assert hidden not in access.visible_orgs(AnonymousUser())
    assert hidden not in access.visible_orgs(None)


@pytest.mark.parametrize("code", ["HID", "NOPE"])
def test_unknown_and_forbidden_org_answer_the_same_404_on_page_and_api(client, tree, people, code):
    make_org(tree.a, code="HID", is_public=False)
    client.force_login(people.member_b)
    page = client.get(f"/orgs/{code}/")
    assert page.status_code == 404
    assert "页面不存在" in page.content.decode()
    token = ApiToken.issue(people.member_b)
    api = client.get(f"/api/v1/orgs/{code}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 404
    assert api.json() == {"detail": "未找到。"}


def test_hidden_org_detail_is_served_to_staff_above(client, tree, people):
    make_org(tree.a, code="HID", name="暂不对外党组织", is_public=False)
    client.force_login(people.clerk_a)
    assert "暂不对外党组织" in client.get("/orgs/HID/").content.decode()


def test_can_manage_org_follows_staff_roles(tree, people):
    assert access.can(people.secretary_a, "org.manage", tree.a1)
    assert not access.can(people.secretary_a, "org.manage", tree.b)
    assert not access.can(people.member_a, "org.manage", tree.a)
    assert not access.can(people.auditor_c, "org.manage", tree.a), "an auditor changes nothing"
    with pytest.raises(ValueError):
        access.can(people.member_a, "no.such.action", tree.a)
