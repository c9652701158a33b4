"""R36: the board on a screen. The members' screen is reached only with a display token its
organisation's staff set up; an internal item never reaches anyone else, and a revoked token opens
nothing."""

import re

import pytest

from gongkai.catalogue.models import CarrierKind, Scope
from gongkai.disclosure.tests.factories import published_item
from gongkai.reports import actions
from gongkai.reports.models import BoardScreen, Carrier

from .test_annual_report import at


@pytest.fixture
def items(tree, people):
    with at(2026, 5, 4):
        return {
            "public": published_item(
                tree.a,
                Scope.PUBLIC,
                min_internal_days=0,
                title="社区服务公开",
                body="每周二为党员服务日。",
                by_clerk=people.clerk_a,
            ),  # fmt: skip
            "inside": published_item(
                tree.a, Scope.ORG_MEMBERS, title="党费收缴内部通报", by_clerk=people.clerk_a
            ),
            "committee": published_item(
                tree.a, Scope.COMMITTEE, title="班子分工酝酿", by_clerk=people.clerk_a
            ),
            "other_org": published_item(tree.b, Scope.ORG_MEMBERS, title="乙支部内部事项"),
        }


def test_public_screen_needs_no_login_and_shows_public_items_only(client, items):
    with at(2026, 5, 6):
        response = client.get("/orgs/TA/board/screen/")
    body = response.content.decode()
    assert "社区服务公开" in body and "每周二为党员服务日。" in body and "<svg" in body
    assert "党费收缴内部通报" not in body and "班子分工酝酿" not in body
    assert 'class="site-nav' not in body and "<script>" not in body  # no chrome, no inline script
    assert response["Cache-Control"] == "no-store"


def test_members_screen_through_its_token_only(client, tree, people, items):
    with at(2026, 5, 6):
        client.force_login(people.clerk_a)
        page = client.post(
            "/work/reports/orgs/TA/screens/", {"name": "党员活动室电视", "audience": "members"}
        )
        url = re.search(r"http://testserver(/screen/[^<\s]+/)", page.content.decode()).group(1)
        assert BoardScreen.objects.get().token_hash not in url  # the token is not its stored digest
        client.logout()
        body = client.get(url).content.decode()
        assert "党费收缴内部通报" in body and "社区服务公开" in body
        assert "班子分工酝酿" not in body and "乙支部内部事项" not in body
        assert client.get(url[:-5] + "abcd/").status_code == 404  # a guessed token
        assert client.get("/orgs/TA/board/screen/?audience=members").content.decode().count("党费收缴") == 0
        # Revoked: the same address opens nothing from now on.
        client.force_login(people.clerk_a)
        screen = BoardScreen.objects.get()
        client.post(f"/work/reports/orgs/TA/screens/{screen.pk}/revoke/")
        client.logout()
        assert client.get(url).status_code == 404


def test_only_the_organisations_staff_set_up_screens(client, people, items):
    for who in (
        people.member_a,
        people.clerk_a.__class__.objects.get(pk=people.member_b.pk),
        people.inspector_c,
    ):
        client.force_login(who)
        assert (
            client.post("/work/reports/orgs/TA/screens/", {"name": "x", "audience": "members"}).status_code
            == 404
        )
    assert not BoardScreen.objects.exists()


def test_showing_on_a_screen_is_recorded_as_a_carrier(tree, people, items):
    with at(2026, 5, 6):
        screen, _token = actions.create_screen(
            tree.a, by=people.clerk_a, name="服务大厅屏幕", audience="public"
        )
        from datetime import date

        assert actions.record_screen_showing(screen, by=people.clerk_a, on=date(2026, 5, 6)) == 1
    assert list(Carrier.objects.values_list("item_id", "kind")) == [(items["public"].pk, CarrierKind.SCREEN)]
