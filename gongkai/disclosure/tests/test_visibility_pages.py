"""R9 on the page surfaces (board, detail URL, attachment download), every scope × viewer."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.catalogue.models import Scope
from gongkai.disclosure import actions, board_cache
from gongkai.disclosure.models import State
from gongkai.disclosure.tests.factories import make_item, published_item, staff
from gongkai.lib.tests.test_extract import make_pdf
from gongkai.orgs.models import Role

VIEWERS = ["anonymous", "member_org", "member_sibling", "member_child", "staff_ancestor"]
# Expected readers of a current published item of branch A, per scope (R9), after the internal period.
EXPECTED = {
    Scope.PUBLIC: {"anonymous", "member_org", "member_sibling", "member_child", "staff_ancestor"},
    Scope.ALL_MEMBERS: {"member_org", "member_sibling", "member_child", "staff_ancestor"},
    Scope.ORG_TREE: {"member_org", "member_child", "staff_ancestor"},
    Scope.ORG_MEMBERS: {"member_org", "staff_ancestor"},
    Scope.COMMITTEE: {"staff_ancestor"},
}


def viewer(people, name):
    return {
        "anonymous": None,
        "member_org": people.member_a,
        "member_sibling": people.member_b,
        "member_child": people.member_a1,
        "staff_ancestor": people.inspector_c,
    }[name]


def pdf_bytes(text="meeting minutes"):
    return make_pdf([text])


def item_with_attachment(org, scope, **kw):
    item = make_item(org, scope, state=State.DRAFT, min_internal_days=0, **kw)
    clerk = item.author
    upload = SimpleUploadedFile("会议纪要.pdf", pdf_bytes(), content_type="application/pdf")
    attachment = actions.add_attachment(item, upload, by=clerk)
    actions.submit_item(item, by=clerk)
    actions.review_item(item, by=staff(org, Role.REVIEWER))
    actions.approve_item(item, by=staff(org, Role.SECRETARY))
    actions.publish_item(item, by=clerk)
    item.refresh_from_db()
    return item, attachment


def surfaces(client, item, attachment):
    board = client.get(f"/orgs/{item.org.code}/board/").content.decode()
    return {
        "board": item.title in board,
        "detail": client.get(f"/items/{item.pk}/").status_code == 200,
        "download": client.get(f"/items/{item.pk}/files/{attachment.pk}/").status_code == 200,
    }


@pytest.mark.parametrize("scope", list(EXPECTED))
def test_every_scope_and_viewer_agree_with_r9_on_every_page_surface(client, tree, people, scope):
    item, attachment = item_with_attachment(tree.a, scope)
    for name in VIEWERS:
        client.logout()
        user = viewer(people, name)
        if user is not None:
            client.force_login(user)
        seen = surfaces(client, item, attachment)
        expected = name in EXPECTED[scope]
        assert seen == {"board": expected, "detail": expected, "download": expected}, (scope, name, seen)
    if scope == Scope.COMMITTEE:
        client.force_login(people.committee_a)
        assert surfaces(client, item, attachment) == {"board": True, "detail": True, "download": True}


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.APPROVED, State.REVOKED])
def test_unpublished_and_revoked_items_reach_only_staff_of_the_org_and_above(client, tree, people, state):
    item = make_item(tree.a, Scope.PUBLIC, state=state, min_internal_days=0)
    for user in (None, people.member_a, people.member_b, people.committee_a):
        client.logout()
        if user:
            client.force_login(user)
        page = client.get(f"/items/{item.pk}/")
        if state == State.REVOKED:  # issue 16.2: its audience keeps the link, which says why it ended
            assert page.status_code == 200 and "内容有误，予以撤销。" in page.content.decode()
            assert item.body not in page.content.decode()
        else:
            assert page.status_code == 404
        assert f"/items/{item.pk}/" not in client.get("/orgs/TA/board/").content.decode()
    for user in (people.clerk_a, people.inspector_c):
        client.force_login(user)
        assert client.get(f"/items/{item.pk}/").status_code == 200
    if state == State.REVOKED:
        client.logout()
        notice = client.get("/orgs/TA/board/").content.decode()
        assert "已撤销：内容有误，予以撤销。" in notice, "R11: the board explains the revocation"
    clerk_b = staff(tree.b, Role.CLERK)
    client.force_login(clerk_b)
    page = client.get(f"/items/{item.pk}/")
    if state == State.REVOKED:  # a public item's notice is public: the sibling reads it, not the content
        assert item.body not in page.content.decode()
    else:
        assert page.status_code == 404, "a sibling's staff sees nothing"


def test_public_item_goes_public_only_after_its_internal_period(client, tree, people):
    start = timezone.now()
    item = published_item(tree.a, Scope.PUBLIC, min_internal_days=5, now=start)
    with time_machine.travel(item.public_from - timedelta(hours=1), tick=False):
        assert client.get(f"/items/{item.pk}/").status_code == 404
        assert item.title not in client.get("/orgs/TA/board/").content.decode()
        client.force_login(people.member_b)
        assert client.get(f"/items/{item.pk}/").status_code == 200, "members read it inside first"
        client.logout()
    with time_machine.travel(item.public_from + timedelta(seconds=1), tick=False):
        assert client.get(f"/items/{item.pk}/").status_code == 200
        assert item.title in client.get("/orgs/TA/board/").content.decode()
        assert actions.settle_visibility() == (1, 0)
        item.refresh_from_db()
        assert item.went_public_at == item.public_from


def test_anonymous_board_cache_never_outlives_the_moment_an_item_goes_public(client, tree):
    start = timezone.now()
    item = published_item(tree.a, Scope.PUBLIC, min_internal_days=1, now=start)
    with time_machine.travel(item.public_from - timedelta(seconds=30), tick=False):
        assert item.title not in client.get("/orgs/TA/board/").content.decode()
    with time_machine.travel(item.public_from + timedelta(seconds=1), tick=False):
        assert item.title in client.get("/orgs/TA/board/").content.decode()


def test_publication_invalidates_the_anonymous_board_cache(client, tree):
    published_item(tree.a, Scope.PUBLIC, min_internal_days=0, title="第一条公开事项")
    assert "第一条公开事项" in client.get("/orgs/TA/board/").content.decode()
    published_item(tree.a, Scope.PUBLIC, min_internal_days=0, title="第二条公开事项")
    assert "第二条公开事项" in client.get("/orgs/TA/board/").content.decode()


def test_short_term_item_expires_off_the_board_and_stays_for_staff(client, tree, people):
    start = timezone.now()
    item = published_item(tree.a, Scope.ALL_MEMBERS, now=start, expires_at=start + timedelta(days=7))
    client.force_login(people.member_a)
    assert item.title in client.get("/orgs/TA/board/").content.decode()
    with time_machine.travel(start + timedelta(days=8), tick=False):
        assert item.title not in client.get("/orgs/TA/board/").content.decode()
        assert client.get(f"/items/{item.pk}/").status_code == 404
        client.force_login(people.clerk_a)
        page = client.get(f"/items/{item.pk}/").content.decode()
        assert "公开期已满" in page


def test_kept_inside_attachment_is_hidden_from_outsiders_while_the_item_goes_wider(client, tree, people):
    item, attachment = item_with_attachment(tree.a, Scope.PUBLIC)
    attachment.keep_inside = True
    attachment.save(update_fields=["keep_inside"])
    assert client.get(f"/items/{item.pk}/").status_code == 200
    assert "会议纪要.pdf" not in client.get(f"/items/{item.pk}/").content.decode()
    assert client.get(f"/items/{item.pk}/files/{attachment.pk}/").status_code == 404
    client.force_login(people.member_a)
    response = client.get(f"/items/{item.pk}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_board_renders_in_constant_queries(client, tree, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def board_queries():
        client.get("/orgs/TA/board/")  # warm the shared caches (roles, demo flag, to-do counts)
        board_cache.invalidate(tree.a.pk)  # count building the body, not serving it from the cache
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/orgs/TA/board/").content.decode()
        return len(ctx), body

    client.force_login(people.member_a)
    for n in range(2):
        published_item(tree.a, Scope.ALL_MEMBERS, title=f"事项{n}")
    few, _ = board_queries()
    for n in range(2, 12):
        published_item(tree.a, Scope.ALL_MEMBERS, title=f"事项{n}")
    many, body = board_queries()
    assert "事项11" in body
    assert many == few <= 12
    with CaptureQueriesContext(connection) as ctx:  # the next member gets the body from the cache
        assert "事项11" in client.get("/orgs/TA/board/").content.decode()
    assert len(ctx) < few


def test_print_board_has_a_qr_code_per_item(client, tree):
    published_item(tree.a, Scope.PUBLIC, min_internal_days=0, title="换届选举结果公告")
    body = client.get("/orgs/TA/board/print/").content.decode()
    assert "换届选举结果公告" in body
    assert body.count("<svg") == 1 and "/items/" in body


def test_member_area_lists_internal_items_only(client, tree, people):
    published_item(tree.a, Scope.ORG_MEMBERS, title="支部内部通报")
    published_item(tree.a, Scope.PUBLIC, min_internal_days=0, title="已社会公开的事项")
    client.force_login(people.member_a)
    body = client.get("/member/").content.decode()
    assert "支部内部通报" in body and "已社会公开的事项" not in body
    client.logout()
    assert client.get("/member/").status_code == 302


def test_anonymous_item_page_cache_follows_revocation(client, tree, people):
    from gongkai.disclosure.models import ChangeRequest
    from gongkai.disclosure.tests.factories import owner_of_catalogue

    item = published_item(tree.a, Scope.PUBLIC, min_internal_days=0, by_clerk=people.clerk_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(f"/items/{item.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/items/{item.pk}/").status_code == 200
    assert len(ctx) == 0, "served from the cache"
    request = actions.request_change(item, by=people.clerk_a, kind=ChangeRequest.Kind.REVOKE, reason="撤销")
    actions.decide_change(request, by=owner_of_catalogue(tree.a), approve=True)
    page = client.get(f"/items/{item.pk}/").content.decode()  # the revocation notice, not the cached content
    assert "本事项当前状态：已撤销" in page and item.body not in page


def test_anonymous_items_api_cache_never_outlives_going_public(client, tree):
    start = timezone.now()
    item = published_item(tree.a, Scope.PUBLIC, min_internal_days=1, now=start)

    def titles():
        return {row["title"] for row in client.get("/api/v1/items").json()["items"]}

    with time_machine.travel(item.public_from - timedelta(seconds=30), tick=False):
        assert item.title not in titles()
    with time_machine.travel(item.public_from + timedelta(seconds=1), tick=False):
        assert item.title in titles()
    other = published_item(tree.b, Scope.PUBLIC, min_internal_days=0, title="乙支部新公开事项")
    assert other.title in titles(), "a publication anywhere invalidates the cached list"


def test_hiding_an_organisation_drops_its_cached_board(client, tree):
    published_item(tree.a, Scope.PUBLIC, min_internal_days=0)
    assert client.get("/orgs/TA/board/").status_code == 200
    tree.a.is_public = False
    tree.a.save(update_fields=["is_public"])
    assert client.get("/orgs/TA/board/").status_code == 404
