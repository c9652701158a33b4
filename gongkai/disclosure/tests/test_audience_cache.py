"""Issue 17.2: board and item bodies are shared within an audience class, never across classes; the
roles and the user behind a session are read from the shared cache and follow every change at once."""

import pytest
from django.core.cache import caches
from django.test import Client

from gongkai import access
from gongkai.catalogue.models import Scope
from gongkai.disclosure.tests.factories import published_item
from gongkai.orgs import actions as org_actions
from gongkai.orgs.models import Membership, Role

pytestmark = pytest.mark.django_db

INSIDE = "本支部党员内部事项"


def _page(user, url) -> tuple[int, str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def _cached_bodies() -> int:
    return sum(1 for key in caches["pages"]._cache if ":body:" in key)


def test_a_sibling_member_never_gets_the_body_cached_for_the_organisations_members(tree, people):
    item = published_item(tree.a, Scope.ORG_MEMBERS, title=INSIDE)
    board, detail = "/orgs/TA/board/", f"/items/{item.pk}/"

    # Members of TA fill the cache for their class; the second of them is served from it.
    assert INSIDE in _page(people.member_a, board)[1]
    assert INSIDE in _page(people.member_a, detail)[1]
    filled = _cached_bodies()
    assert filled == 2
    second_member = UserFactory_in(tree.a)
    assert INSIDE in _page(second_member, board)[1]
    assert _cached_bodies() == filled  # shared: nothing new was built

    # A member of the sibling branch, a member below, the public and a stranger: their own bodies.
    for reader in (people.member_b, people.member_a1, None, people.outsider):
        status, html = _page(reader, board)
        assert status == 200 and INSIDE not in html
        assert _page(reader, detail)[0] == 404
    assert access.audience(people.member_b, tree.a) != access.audience(people.member_a, tree.a)


def test_readers_of_one_class_share_a_body_and_staff_see_the_drafts_class(tree, people):
    published_item(tree.a, Scope.PUBLIC, title="社会公开事项", min_internal_days=0)
    assert access.audience(None, tree.a) == access.audience(people.outsider, tree.a) == "public"
    assert access.audience(people.member_a, tree.a) == access.audience(UserFactory_in(tree.a), tree.a)
    assert access.audience(people.clerk_a, tree.a) == access.audience(people.reviewer_c, tree.a) == "staff"
    assert access.audience(people.committee_a, tree.a) != access.audience(people.member_a, tree.a)


def test_a_revoked_role_takes_effect_on_the_next_request(tree, people):
    item = published_item(tree.a, Scope.ORG_MEMBERS, title=INSIDE)
    member = UserFactory_in(tree.a)
    client = Client()
    client.force_login(member)
    assert client.get(f"/items/{item.pk}/").status_code == 200  # roles now in the shared cache
    membership = Membership.objects.get(user=member, org=tree.a, role=Role.MEMBER)
    admin = _org_admin(tree)
    org_actions.revoke_role(membership, by=admin)
    assert client.get(f"/items/{item.pk}/").status_code == 404
    assert INSIDE not in client.get("/orgs/TA/board/").content.decode()


def test_a_deactivated_account_is_signed_out_at_once(tree, people):
    member = UserFactory_in(tree.a)
    client = Client()
    client.force_login(member)
    assert client.get("/member/").status_code == 200  # the user now in the shared cache
    org_actions.deactivate_account(member, by=_org_admin(tree))
    response = client.get("/member/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def UserFactory_in(org):  # noqa: N802  (reads like the factory it wraps)
    from gongkai.conftest import UserFactory, grant

    return grant(UserFactory(), org, Role.MEMBER)


def _org_admin(tree):
    from gongkai.conftest import UserFactory, grant

    return grant(UserFactory(), tree.committee, Role.SECRETARY)


def test_the_cached_page_chrome_follows_each_readers_roles(tree, people):
    """base.html caches the navigation per language and kind of reader: never one reader's for another."""
    staff_nav = '<a href="/work/">'
    assert staff_nav in _page(people.clerk_a, "/orgs/TA/board/")[1]  # cached for staff first
    member = _page(people.member_a, "/orgs/TA/board/")[1]
    assert staff_nav not in member and "党员专区" in member
    anonymous = _page(None, "/orgs/TA/board/")[1]
    assert staff_nav not in anonymous and "党员专区" not in anonymous
    assert staff_nav in _page(people.clerk_a, "/orgs/TA/board/")[1]


def test_a_second_reader_of_the_class_gets_the_item_page_without_the_check_and_a_revocation_ends_it(
    tree, people
):
    """The body already built for the class is the check's own answer (board_cache.cached_body): the
    next reader of the class is served without reading the item; any state change ends that answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.disclosure import actions
    from gongkai.disclosure.models import ChangeRequest
    from gongkai.disclosure.tests.factories import owner_of_catalogue

    item = published_item(tree.a, Scope.ORG_MEMBERS, title=INSIDE)
    detail = f"/items/{item.pk}/"
    assert INSIDE in _page(people.member_a, detail)[1]
    second = Client()
    second.force_login(UserFactory_in(tree.a))
    second.get("/member/")  # the session, the user and the roles now in the shared cache
    with CaptureQueriesContext(connection) as queries:
        html = second.get(detail).content.decode()
    assert INSIDE in html
    assert not [q for q in queries.captured_queries if "disclosure_disclosureitem" in q["sql"]]

    change = actions.request_change(item, by=item.author, kind=ChangeRequest.Kind.REVOKE, reason="内容有误。")
    actions.decide_change(change, by=owner_of_catalogue(tree.a), approve=True)
    html = second.get(detail).content.decode()
    assert "已撤销" in html and "本期党费收缴情况" not in html
