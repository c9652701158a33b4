"""R30/R32: results, counts, facets and snippets cover only what access.visible_items lets the viewer
read; a word found only in an internal item gives an anonymous viewer nothing, not even a hint."""

from datetime import timedelta

import pytest

from gongkai.accounts.models import ApiToken
from gongkai.catalogue.models import Scope
from gongkai.search import engine

SECRET = "滨江片区拆迁补偿"  # appears only in internal items
NONSENSE = "青龙峡谷探险活动"  # appears nowhere; same length


@pytest.fixture
def items(tree, publish):
    return {
        "public": publish("社区党员大会决议公示", "会议审议通过了年度工作计划。"),
        "members": publish("全体党员学习通知", f"学习{SECRET}政策。", scope=Scope.ALL_MEMBERS),
        "org_members": publish("本支部党员会议纪要", f"讨论{SECRET}方案。", scope=Scope.ORG_MEMBERS),
        "committee": publish("支委会议纪要", f"研究{SECRET}分歧。", scope=Scope.COMMITTEE),
        "b_members": publish("乙支部内部通报", f"通报{SECRET}情况。", scope=Scope.ORG_MEMBERS, org=tree.b),
    }


def found(user, q):
    return {h.item_id for h in engine.search(user, q).hits}


def test_each_viewer_finds_exactly_what_they_may_read(items, people):
    pk = {k: v.pk for k, v in items.items()}
    assert found(None, SECRET) == set()
    assert found(people.outsider, SECRET) == set()
    assert found(people.member_b, SECRET) == {pk["members"], pk["b_members"]}
    assert found(people.member_a, SECRET) == {pk["members"], pk["org_members"]}
    assert found(people.committee_a, SECRET) == {pk["members"], pk["org_members"], pk["committee"]}
    assert found(people.secretary_a, SECRET) == {pk["members"], pk["org_members"], pk["committee"]}
    assert found(people.inspector_c, SECRET) == {
        pk["members"],
        pk["org_members"],
        pk["committee"],
        pk["b_members"],
    }


def test_public_item_is_internal_until_its_internal_period_ends(tree, publish, people):
    from gongkai.disclosure.tests.factories import catalogue_item_for

    rule = catalogue_item_for(tree.a, min_internal_days=5)
    item = publish("党员先行公开的事项", "先党内后党外。", catalogue_item=rule)
    assert found(None, "先行公开") == set()
    assert found(people.member_b, "先行公开") == {item.pk}
    assert found(None, "先行公开") == set()
    assert item.pk in {
        h.item_id for h in engine.search(None, "先行公开", now=item.public_from + timedelta(seconds=1)).hits
    }


def _without(text: str, *words) -> str:
    for w in words:
        text = text.replace(w, "")
    return text


def test_anonymous_page_shows_no_hint_of_internal_items(client, items):
    secret = client.get("/search/", {"q": SECRET})
    nothing = client.get("/search/", {"q": NONSENSE})
    assert secret.status_code == nothing.status_code == 200
    body = secret.content.decode()
    assert "共找到 0 条结果" in body and "纪要" not in body and "通报" not in body and "<mark>" not in body
    # Byte for byte what a search for a word that exists nowhere shows.
    assert _without(body, SECRET, *_encoded(SECRET)) == _without(
        nothing.content.decode(), NONSENSE, *_encoded(NONSENSE)
    )


def _encoded(word):
    from urllib.parse import quote

    return [quote(word), quote(quote(word)), quote(quote(quote(word)))]


def test_anonymous_api_shows_no_hint_of_internal_items(client, items):
    secret = client.get("/api/v1/search", {"q": SECRET}).json()
    nothing = client.get("/api/v1/search", {"q": NONSENSE}).json()
    assert (
        secret["total"] == 0 and secret["results"] == [] and all(v == [] for v in secret["facets"].values())
    )
    for d in (secret, nothing):
        d.pop("q"), d.pop("terms")
    assert secret == nothing


def test_member_page_and_api_show_their_items(client, items, people):
    client.force_login(people.member_a)
    body = client.get("/search/", {"q": SECRET}).content.decode()
    assert "共找到 2 条结果" in body and "本支部党员会议纪要" in body and "乙支部内部通报" not in body
    assert "<mark>滨江片区拆迁补偿</mark>" in body
    client.logout()
    token = ApiToken.issue(people.member_a)
    data = client.get("/api/v1/search", {"q": SECRET}, headers={"Authorization": f"Bearer {token}"}).json()
    assert data["total"] == 2
    assert {r["title"] for r in data["results"]} == {"全体党员学习通知", "本支部党员会议纪要"}
    assert sum(f["count"] for f in data["facets"]["scope"]) == 2


def test_filter_by_an_organisation_the_viewer_cannot_see_reads_like_a_missing_one(client, tree, items):
    tree.b.__class__.objects.filter(pk=tree.b.pk).update(is_public=False)
    hidden = client.get("/search/", {"q": "纪要", "org": tree.b.code}).content.decode()
    missing = client.get("/search/", {"q": "纪要", "org": "NOPE"}).content.decode()
    assert "所选组织不存在。" in hidden
    assert hidden.replace(tree.b.code, "NOPE") == missing
    assert (
        client.get("/api/v1/search", {"q": "纪要", "org": tree.b.code}).json()
        == client.get("/api/v1/search", {"q": "纪要", "org": "NOPE"}).json()
    )


def test_narrowing_for_public_only_viewers_never_changes_their_results(items, people, publish, monkeypatch):
    """Anonymous and grant-less users are narrowed to public docs inside the index; switching the
    narrowing off gives the same answers (visible_items decides either way)."""
    from gongkai import access

    publish("公开的纪要摘要", "纪要要点。")
    narrowed = {u: found(u, "纪要") for u in (None, people.outsider)}
    monkeypatch.setattr(access, "reads_public_items_only", lambda user: False)
    assert {u: found(u, "纪要") for u in (None, people.outsider)} == narrowed
    assert len(narrowed[None]) == 1
