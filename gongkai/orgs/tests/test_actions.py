"""Issue 14 part 1–2: organisations, accounts and roles managed through their actions."""

import pytest
from django.core.exceptions import ValidationError

from gongkai import access
from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD, UserFactory, grant
from gongkai.disclosure.tests.factories import make_catalogue, published_item
from gongkai.obligations.actions import generate_obligations
from gongkai.obligations.models import Obligation
from gongkai.orgs import actions
from gongkai.orgs.models import Level, Membership, Organisation, PathChange, Role, SectorType

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, username="root")


def test_superuser_creates_a_committee_and_branches_appended_in_creation_order(admin):
    committee = actions.create_org(None, code="NEW", name="新街道党工委", level=Level.COMMITTEE, by=admin)
    z = actions.create_org(
        committee, code="Z1", name="后建支部", level=Level.BRANCH, sector_type=SectorType.VILLAGE, by=admin
    )
    a = actions.create_org(
        committee, code="A1", name="先排支部", level=Level.BRANCH, sector_type=SectorType.SCHOOL, by=admin
    )
    z.refresh_from_db()
    # A code sorting first must not renumber the existing sibling (paths are copied into the audit chain).
    assert z.path < a.path and z.path.startswith(committee.path)
    committee.refresh_from_db()
    assert committee.numchild == 2
    assert committee.sector_type == ""
    assert AuditEntry.objects.filter(action="org.create").count() == 3


def test_creation_refuses_bad_and_duplicate_codes_and_outsiders(tree, people, admin):
    with pytest.raises(ValidationError, match="已被使用"):
        actions.create_org(
            tree.committee, code="ta", name="重复", level=Level.BRANCH, sector_type="village", by=admin
        )
    with pytest.raises(ValidationError, match="组织代码"):
        actions.create_org(
            tree.committee, code="=cmd|x", name="坏", level=Level.BRANCH, sector_type="village", by=admin
        )
    with pytest.raises(ValidationError, match="无权"):
        actions.create_org(
            tree.committee,
            code="OK1",
            name="支部",
            level=Level.BRANCH,
            sector_type="village",
            by=people.clerk_a,
        )
    with pytest.raises(ValidationError, match="系统管理员"):
        actions.create_org(None, code="ROOT2", name="根", level=Level.COMMITTEE, by=people.inspector_c)
    assert not Organisation.objects.filter(code="OK1").exists()


def test_secretary_manages_only_their_subtree(tree, people):
    assert access.can(people.secretary_a, "org.administer", tree.a1)
    assert not access.can(people.secretary_a, "org.administer", tree.b)
    assert set(access.managed_orgs(people.secretary_a)) == {tree.a, tree.a1}
    assert not access.managed_orgs(people.clerk_a).exists()
    org = actions.update_org(
        tree.a1, name="甲社区改名支部", level=Level.BRANCH, sector_type="community", by=people.secretary_a
    )
    assert org.name == "甲社区改名支部"
    with pytest.raises(ValidationError):
        actions.update_org(
            tree.b, name="x", level=Level.BRANCH, sector_type="community", by=people.secretary_a
        )


def test_moving_a_branch_moves_what_its_staff_and_the_new_parents_staff_see(tree, people):
    make_catalogue(tree.committee)
    item = published_item(tree.a1)
    generate_obligations(2026)
    clerk_b = grant(UserFactory(), tree.b, Role.CLERK)
    auditor_b = grant(UserFactory(), tree.b, Role.AUDITOR)
    assert not access.staff_items(clerk_b).filter(pk=item.pk).exists()
    before = access.visible_audit_entries(auditor_b).count()

    actions.move_org(tree.a1, tree.b, by=people.inspector_c)

    tree.a1.refresh_from_db()
    item.refresh_from_db()
    assert tree.a1.path.startswith(tree.b.path)
    assert item.org_path == tree.a1.path
    assert set(Obligation.objects.filter(org=tree.a1).values_list("org_path", flat=True)) == {tree.a1.path}
    for user in (clerk_b, people.clerk_a, people.inspector_c):
        access.forget(user)
    assert access.staff_items(clerk_b).filter(pk=item.pk).exists()
    assert not access.staff_items(people.clerk_a).filter(pk=item.pk).exists()
    assert access.staff_items(people.inspector_c).filter(pk=item.pk).exists()
    assert access.visible_obligations(clerk_b).filter(org=tree.a1).exists()
    # The audit chain is never rewritten: the item's old entries reach the new parent's auditor by history.
    assert AuditEntry.objects.filter(
        object_id=str(item.pk), org_path__startswith=PathChange.objects.get().old_path
    ).exists()
    assert (
        access.visible_audit_entries(auditor_b)
        .filter(object_type="disclosure.disclosureitem", object_id=str(item.pk))
        .exists()
    )
    assert access.visible_audit_entries(auditor_b).count() > before
    tree.a.refresh_from_db()
    assert tree.a.numchild == 0


def test_a_moved_branchs_old_path_is_never_handed_out_again(tree, people):
    old = tree.a1.path
    actions.move_org(tree.a1, tree.b, by=people.inspector_c)
    fresh = actions.create_org(
        tree.a, code="NEW1", name="新支部", level=Level.BRANCH, sector_type="community", by=people.inspector_c
    )
    assert fresh.path != old
    auditor_new = grant(UserFactory(), fresh, Role.AUDITOR)
    assert not access.visible_audit_entries(auditor_new).filter(org_path__startswith=old).exists()


def test_move_refuses_into_own_subtree_and_without_both_sides(tree, people):
    with pytest.raises(ValidationError, match="自身或其下级"):
        actions.move_org(tree.a, tree.a1, by=people.inspector_c)
    with pytest.raises(ValidationError, match="同时管理"):
        actions.move_org(tree.a1, tree.b, by=people.secretary_a)
    assert not PathChange.objects.exists()


def test_closed_branch_leaves_the_directory_and_owes_nothing_new(client, tree, people):
    make_catalogue(tree.committee)
    with pytest.raises(ValidationError, match="下级"):
        actions.close_org(tree.a, reason="合并", by=people.inspector_c)
    actions.close_org(tree.a1, reason="并入乙支部", by=people.inspector_c)
    generate_obligations(2027)
    assert not Obligation.objects.filter(org=tree.a1, year=2027).exists()
    assert Obligation.objects.filter(org=tree.b, year=2027).exists()
    page = client.get("/orgs/").content.decode()
    assert tree.b.name in page and tree.a1.name not in page
    board = client.get(f"/orgs/{tree.a1.code}/")
    assert "已于" in board.content.decode()
    assert AuditEntry.objects.filter(action="org.close").exists()


def test_never_grant_a_role_wider_than_ones_own(tree, people):
    person = UserFactory()
    actions.grant_role(person, tree.a1, Role.CLERK, by=people.secretary_a)
    with pytest.raises(ValidationError, match="超出自己权限"):
        actions.grant_role(person, tree.a1, Role.INSPECTOR, by=people.secretary_a)
    with pytest.raises(ValidationError, match="超出自己权限"):
        actions.grant_role(person, tree.b, Role.CLERK, by=people.secretary_a)
    with pytest.raises(ValidationError, match="超出自己权限"):
        actions.grant_role(person, tree.a, Role.SECRETARY, by=people.inspector_c)
    actions.grant_role(person, tree.a, Role.AUDITOR, by=people.inspector_c)
    assert set(Membership.objects.filter(user=person).values_list("role", flat=True)) == {
        Role.CLERK,
        Role.AUDITOR,
    }
    m = Membership.objects.get(user=person, role=Role.AUDITOR)
    with pytest.raises(ValidationError):
        actions.revoke_role(m, by=people.secretary_a)
    actions.revoke_role(m, by=people.inspector_c)
    assert AuditEntry.objects.filter(action="role.revoke").exists()


def test_account_with_one_time_link_then_deactivation_ends_the_session(client, tree, people):
    user = actions.create_account(
        tree.a,
        username="xiaoli",
        display_name="小李",
        member_code="M001",
        roles=[Role.MEMBER],
        by=people.secretary_a,
    )
    assert not user.has_usable_password()
    link = actions.issue_setup_link(user, by=people.secretary_a)
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)
    assert done.status_code == 200
    assert client.get(link, follow=True).context["validlink"] is False  # used once
    client.post("/accounts/login/", {"username": "xiaoli", "password": PASSWORD})
    assert client.get("/member/").status_code == 200
    actions.deactivate_account(user, by=people.secretary_a)
    assert client.get("/member/").status_code == 302  # the session is gone: back to the login page
    with pytest.raises(ValidationError, match="本组织已有党员编号"):
        actions.create_account(
            tree.a, username="other", display_name="他", member_code="M001", by=people.secretary_a
        )


def test_branch_secretary_cannot_touch_an_account_that_also_serves_above(tree, people):
    both = grant(UserFactory(), tree.a, Role.MEMBER)
    grant(both, tree.committee, Role.INSPECTOR)
    with pytest.raises(ValidationError, match="无权"):
        actions.deactivate_account(both, by=people.secretary_a)
    assert not access.can(people.secretary_a, "account.manage", both)


def test_leading_group_is_edited_as_data_and_shown_publicly(client, tree, people):
    m = actions.save_leading_group_member(
        tree.committee, name="王组长", title="党工委书记", position="leader", by=people.inspector_c
    )
    actions.save_leading_group_member(
        tree.committee,
        name="王组长",
        title="党工委书记（兼）",
        position="leader",
        member=m,
        by=people.inspector_c,
    )
    assert "党工委书记（兼）" in client.get("/leading-group/").content.decode()
    with pytest.raises(ValidationError):
        actions.save_leading_group_member(
            tree.committee, name="x", title="", position="leader", by=people.secretary_a
        )
    actions.remove_leading_group_member(m, by=people.inspector_c)
    assert "王组长" not in client.get("/leading-group/").content.decode()


def test_refusals_are_audited(tree, people):
    from gongkai.audit.log import collect_denials
    from gongkai.lib.errors import NotAllowed

    with collect_denials():
        with pytest.raises(NotAllowed):
            actions.create_org(
                tree.b,
                code="X9",
                name="越权",
                level=Level.BRANCH,
                sector_type="village",
                by=people.secretary_a,
            )
    with collect_denials():
        with pytest.raises(NotAllowed):
            actions.grant_role(UserFactory(), tree.a, Role.INSPECTOR, by=people.secretary_a)
    denied = set(AuditEntry.objects.filter(result="denied").values_list("action", "org_path"))
    assert denied == {("org.administer", tree.b.path), ("role.grant", tree.a.path)}
