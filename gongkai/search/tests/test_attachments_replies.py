"""R30 + R13 + R18: attachments' text and published feedback replies are searchable; an attachment kept
inside never makes an item findable (nor gives snippet text) to a viewer who may not read it, and a
reply is findable only while it is published, never by the submitter's own words or personal data."""

import io
import re

import docx
import pytest
import time_machine

from gongkai import access
from gongkai.catalogue.models import Scope
from gongkai.disclosure import actions
from gongkai.disclosure.models import DisclosureItem, State
from gongkai.disclosure.tests.factories import make_item, staff
from gongkai.feedback import actions as feedback_actions
from gongkai.feedback.models import Channel
from gongkai.orgs.models import Role
from gongkai.search import engine
from gongkai.search.models import SearchDoc, SearchReply

from .test_visibility import _encoded, _without

SHARED = "滨河绿道养护合同"  # only in an attachment that goes with the item
INSIDE = "拆迁安置补偿名册"  # only in an attachment kept inside the organisation
NOWHERE = "青龙峡谷探险活动"  # nowhere; the same length


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def item(tree, media):
    """A public item of branch A with one shared and one inside attachment."""
    return make_item(
        tree.a,
        Scope.PUBLIC,
        state=State.PUBLISHED,
        min_internal_days=0,
        title="社区绿化工作情况",
        body="本季度完成绿化养护。",
        attachments=[
            ("合同.docx", docx_bytes(f"附件一：{SHARED}的主要条款。"), False),
            ("名册.docx", docx_bytes(f"附件二：{INSIDE}（内部）。"), True),
        ],
    )


def found(user, q):
    return {h.item_id for h in engine.search(user, q).hits}


def test_shared_attachment_text_is_found_by_everyone_who_sees_the_item(client, item, people):
    for user in (None, people.outsider, people.member_b, people.member_a, people.clerk_a):
        assert found(user, SHARED) == {item.pk}
    body = client.get("/search/", {"q": SHARED}).content.decode()
    assert "社区绿化工作情况" in body and f"<mark>{SHARED}</mark>" in body  # the snippet is the attachment's


def test_inside_attachment_text_is_found_only_by_its_readers(item, people):
    assert found(people.member_a, INSIDE) == {item.pk}  # members of the organisation
    assert found(people.clerk_a, INSIDE) == {item.pk}  # its case readers
    assert found(people.inspector_c, INSIDE) == {item.pk}  # and those above
    for user in (None, people.outsider, people.member_b, people.member_a1):
        assert found(user, INSIDE) == set()
    # A word of the item itself plus the inside word: only its readers match both.
    assert found(None, f"绿化 {INSIDE}") == set()
    assert found(people.member_a, f"绿化 {INSIDE}") == {item.pk}


def _page(body: str, word: str) -> str:
    """The page without the typed word and the per-request form token (the logout form's)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", _without(body, word, *_encoded(word)))


def test_outsider_searching_an_inside_word_gets_the_page_of_a_word_that_exists_nowhere(client, item, people):
    for user in (None, people.outsider, people.member_b):
        if user is not None:
            client.force_login(user)
        secret = client.get("/search/", {"q": INSIDE}).content.decode()
        nothing = client.get("/search/", {"q": NOWHERE}).content.decode()
        assert "共找到 0 条结果" in secret and "社区绿化工作情况" not in secret
        assert _page(secret, INSIDE) == _page(nothing, NOWHERE)
        api_secret = client.get("/api/v1/search", {"q": INSIDE}).json()
        api_nothing = client.get("/api/v1/search", {"q": NOWHERE}).json()
        for d in (api_secret, api_nothing):
            d.pop("q"), d.pop("terms")
        assert api_secret == api_nothing
        client.logout()


def test_inside_text_never_becomes_an_outsiders_snippet(client, tree, media, people):
    """The item is found by a word it shows everyone; the inside attachment holds the same word next to
    text the outsider may not read: the snippet comes from what they may read."""
    make_item(
        tree.a,
        Scope.PUBLIC,
        state=State.PUBLISHED,
        min_internal_days=0,
        title="绿道养护情况",
        body="",
        attachments=[("名册.docx", docx_bytes(f"绿道养护：{INSIDE}"), True)],
    )
    body = client.get("/search/", {"q": "绿道"}).content.decode()
    assert "养护情况</a>" in body and INSIDE not in body
    client.force_login(people.member_a)
    assert INSIDE in client.get("/search/", {"q": "绿道"}).content.decode()


def test_keeping_an_attachment_inside_before_publication_reaches_the_index(tree, media, people):
    item = make_item(
        tree.a,
        Scope.PUBLIC,
        min_internal_days=0,
        title="绿化合同公示",
        attachments=[("合同.docx", docx_bytes(SHARED), False)],
    )
    clerk = item.author
    actions.set_keep_inside(item.attachments.get(), True, by=clerk)
    actions.submit_item(item, by=clerk)
    actions.review_item(item, by=staff(tree.a, Role.REVIEWER))
    actions.approve_item(item, by=staff(tree.a, Role.SECRETARY))
    actions.publish_item(item, by=clerk)
    doc = SearchDoc.objects.get(item=item)
    assert doc.attach_tokens == "" and "养护 合同" in doc.inside_tokens and access.AUDIENCE_INSIDE in doc.tags
    assert found(None, SHARED) == set() and found(people.member_a, SHARED) == {item.pk}


def test_audience_tokens_never_narrow_away_a_visible_item(tree, people, media):
    """Every item visible_items(user) yields carries one of search_audience(user) (and of
    inside_attachment_audience for inside_attachment_items): the narrowing is safe by construction."""
    orgs = (tree.a, tree.a1, tree.b, tree.committee)
    for org in orgs:
        for scope in Scope.values:
            make_item(org, scope, state=State.PUBLISHED, min_internal_days=0, title=f"{org.name}{scope}")
        make_item(org, Scope.PUBLIC, state=State.REVOKED, min_internal_days=0, title=f"{org.name}撤销")
    tags = {pk: set(t.split()) for pk, t in SearchDoc.objects.values_list("item_id", "tags")}
    assert len(tags) == DisclosureItem.objects.count()
    for user in [None, *(getattr(people, n) for n in dir(people) if not n.startswith("_"))]:
        tokens = set(access.search_audience(user))
        visible = set(access.visible_items(user).values_list("pk", flat=True))
        assert visible and all(tags[pk] & tokens for pk in visible), user
        inside_tokens = access.inside_attachment_audience(user)
        for pk in access.inside_attachment_items(user).values_list("pk", flat=True):
            assert tags[pk] & set(inside_tokens), user


# ---- Published feedback replies -----------------------------------------------------------------

NAME, PHONE = "欧阳明远", "13812345678"


@pytest.fixture
def case(tree, people):
    with time_machine.travel("2025-03-03 10:00 +08:00", tick=False):
        case = feedback_actions.record_offline(
            tree.a,
            by=people.clerk_a,
            channel=Channel.HOTLINE,
            subject=f"{NAME}询问路灯维修进度",
            content="我家门口的路灯坏了三个月，电话13812345678。",
            name=NAME,
            contact=PHONE,
        )
    return feedback_actions.reply_case(case, by=people.clerk_a, text="经核实，路灯已于本周修复。")


def reply_hits(user, q):
    return [h.pk for h in engine.search(user, q).hits if h.kind == engine.REPLY]


def test_unpublished_reply_is_not_indexed(case, people):
    assert not SearchReply.objects.exists()
    assert reply_hits(None, "路灯") == [] and reply_hits(people.clerk_a, "路灯") == []


def test_published_reply_is_found_and_links_to_its_public_page(client, case, people):
    feedback_actions.publish_reply(case, by=people.clerk_a)
    assert reply_hits(None, "路灯") == [case.pk] and reply_hits(people.member_b, "修复") == [case.pk]
    body = client.get("/search/", {"q": "路灯修复"}).content.decode()
    url = f"/feedback/replies/{case.pk}/"
    assert f'href="{url}"' in body and "公开答复" in body and "<mark>路灯</mark>" in body
    page = client.get(url)
    assert page.status_code == 200 and "路灯已于本周修复" in page.content.decode()
    api = client.get("/api/v1/search", {"q": "路灯"}).json()
    assert [(r["kind"], r["url"]) for r in api["results"]] == [("reply", url)]
    assert api["facets"]["category"] == [] and api["facets"]["org"][0]["count"] == 1
    # A category or scope filter is about items: replies have neither.
    assert client.get("/api/v1/search", {"q": "路灯", "scope": "public"}).json()["total"] == 0


def test_withdrawn_reply_leaves_the_index_in_the_same_transaction(client, case, people):
    feedback_actions.publish_reply(case, by=people.clerk_a)
    feedback_actions.unpublish_reply(case, by=people.clerk_a)
    assert not SearchReply.objects.exists() and reply_hits(None, "路灯") == []
    assert client.get(f"/feedback/replies/{case.pk}/").status_code == 404


def test_submitter_text_and_personal_data_are_never_indexed(case, people):
    feedback_actions.publish_reply(case, by=people.clerk_a)
    doc = SearchReply.objects.get()
    stored = " ".join([doc.title_text, doc.title_tokens, doc.body_tokens]).replace(" ", "")
    assert "欧阳" not in stored and PHONE not in stored and "三个月" not in stored
    for q in (NAME, PHONE, "三个月", "门口"):
        assert reply_hits(people.clerk_a, q) == [], q


def test_replies_of_an_unlisted_organisation_are_not_found(case, people, tree):
    feedback_actions.publish_reply(case, by=people.clerk_a)
    tree.a.__class__.objects.filter(pk=tree.a.pk).update(is_public=False)
    assert reply_hits(None, "路灯") == [] and reply_hits(people.member_a, "路灯") == []
