"""The board on paper: full texts for its audience, A4/A3, posting recorded as a carrier (R27, R36)."""

import pytest

from gongkai.catalogue.models import CarrierKind, Scope
from gongkai.disclosure.models import State
from gongkai.disclosure.tests.factories import make_item, published_item
from gongkai.reports.models import Carrier

from .test_annual_report import at


@pytest.fixture
def board(tree, people):
    with at(2026, 5, 4):
        public = published_item(tree.a, Scope.PUBLIC, min_internal_days=0, title="换届选举结果公告",
                                body="经选举，产生新一届支部委员会。\n\n委员五名，名单如下。", by_clerk=people.clerk_a)  # fmt: skip
        inside = published_item(tree.a, Scope.ORG_MEMBERS, title="支部党费收缴情况",
                                body="本季度应交党费 12 人，实交 12 人。", by_clerk=people.clerk_a)  # fmt: skip
        committee = published_item(
            tree.a, Scope.COMMITTEE, title="班子内部分工讨论稿", by_clerk=people.clerk_a
        )
        make_item(tree.a, Scope.PUBLIC, state=State.REVOKED, title="已撤销的决定", by_clerk=people.clerk_a,
                  min_internal_days=0)  # fmt: skip
    return type("Board", (), {"public": public, "inside": inside, "committee": committee})


def test_public_board_prints_full_texts_of_public_items_only(client, board, people):
    with at(2026, 5, 6):
        for who in (None, people.member_a, people.clerk_a):
            if who:
                client.force_login(who)
            body = client.get("/orgs/TA/board/print/?size=A3").content.decode()
            assert "换届选举结果公告" in body and "委员五名，名单如下。" in body  # the full text
            assert "支部党费收缴情况" not in body and "班子内部分工讨论稿" not in body
            assert "已撤销的决定" in body and "内容有误，予以撤销。" in body  # the notice
            assert "board-A3.css" in body and "<script>" not in body  # CSP: no inline script


def test_members_board_for_the_organisations_staff_only(client, board, people):
    with at(2026, 5, 6):
        client.force_login(people.clerk_a)
        body = client.get("/orgs/TA/board/print/?audience=members").content.decode()
        assert "支部党费收缴情况" in body and "本季度应交党费 12 人" in body and "换届选举结果公告" in body
        assert "班子内部分工讨论稿" not in body  # committee-only never goes on a board
        for who in (people.member_a, people.member_b, people.outsider):
            client.force_login(who)
            assert client.get("/orgs/TA/board/print/?audience=members").status_code == 404
        client.logout()
        assert client.get("/orgs/TA/board/print/?audience=members").status_code == 404
        assert client.get("/orgs/TA/board/print/?size=B5").status_code == 404


def test_posting_the_printed_board_is_recorded_as_a_carrier(client, board, people):
    with at(2026, 5, 6):
        client.force_login(people.clerk_a)
        response = client.post("/orgs/TA/board/print/posted/?size=A4&audience=members", {"on": "2026-05-06"})
        assert response.status_code == 302
        posted = set(Carrier.objects.filter(kind=CarrierKind.BOARD).values_list("item_id", flat=True))
        assert posted == {board.public.pk, board.inside.pk}
        client.force_login(people.member_a)
        assert client.post("/orgs/TA/board/print/posted/", {"on": "2026-05-06"}).status_code == 404
    assert Carrier.objects.count() == 2
