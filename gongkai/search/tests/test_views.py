"""The search page and GET /api/v1/search: messages, filters, facets, snippets, paging, query counts."""

import pytest
from django.db.models import Q

from gongkai.catalogue.models import Category, Scope
from gongkai.disclosure.models import DisclosureItem
from gongkai.lib.zhtext import normalize
from gongkai.search import engine
from gongkai.search.engine import PAGE_SIZE


def test_every_page_has_the_search_box(client, tree):
    body = client.get("/").content.decode()
    assert 'role="search"' in body and 'action="/search/"' in body


def test_empty_page_shows_the_form_without_a_message(client, db):
    r = client.get("/search/")
    assert (
        r.status_code == 200 and "站内检索" in r.content.decode() and "请输入检索词" not in r.content.decode()
    )


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "请输入检索词"),
        ("，。！", "请输入检索词"),
        ("党" * 51, "检索词过长"),
        ("党费 换届 选举 评议 公示 通知 分工 转正 述职", "检索词过长"),
    ],
)
def test_empty_or_too_long_queries_get_a_clear_message(client, db, q, message):
    r = client.get("/search/", {"q": q})
    assert r.status_code == 200 and message in r.content.decode()
    api = client.get("/api/v1/search", {"q": q})
    assert api.status_code == 400 and message in api.json()["detail"]


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("category", "9", "目录类别无效"),
        ("category", "x", "目录类别无效"),
        ("year", "abc", "年份无效"),
        ("scope", "secret", "公开范围无效"),
        ("org", "NOPE", "所选组织不存在"),
    ],
)
def test_bad_filters_are_refused_with_a_message(client, tree, publish, param, value, message):
    publish("党费收缴情况", "应交12人。")
    r = client.get("/search/", {"q": "党费", param: value})
    assert r.status_code == 200 and message in r.content.decode() and "党费收缴情况" not in r.content.decode()
    api = client.get("/api/v1/search", {"q": "党费", param: value})
    assert api.status_code == 400 and message in api.json()["detail"]


def test_snippets_escape_text_then_mark_matches(client, tree, publish):
    publish("党费<b>收缴</b>情况", "正文含 <script>alert(1)</script> 与党费字样。")
    body = client.get("/search/", {"q": "党费"}).content.decode()
    assert "<script>alert" not in body and "<b>收缴" not in body
    assert "&lt;b&gt;" in body and "<mark>党费</mark>" in body
    data = client.get("/api/v1/search", {"q": "党费"}).json()
    assert data["results"][0]["title_html"].startswith("<mark>党费</mark>&lt;b&gt;")


def test_traditional_text_is_marked_for_a_simplified_query(client, tree, publish):
    publish("黨費收繳情況", "本期黨費已收齊。")
    body = client.get("/search/", {"q": "党费"}).content.decode()
    assert "<mark>黨費</mark>收繳情況" in body and "本期<mark>黨費</mark>已收齊" in body


def test_filters_and_facets(client, tree, publish):
    publish("甲支部党费公示", "党费", org=tree.a, category=Category.ORGANISATION)
    publish("乙支部党费公示", "党费", org=tree.b, category=Category.INTEGRITY)
    publish("乙支部党费说明", "党费", org=tree.b, category=Category.INTEGRITY, scope=Scope.ALL_MEMBERS)
    data = client.get("/api/v1/search", {"q": "党费"}).json()
    assert data["total"] == 2
    assert {f["value"]: f["count"] for f in data["facets"]["org"]} == {"TA": 1, "TB": 1}
    assert {f["value"]: f["count"] for f in data["facets"]["category"]} == {"3": 1, "7": 1}
    assert [
        r["title"] for r in client.get("/api/v1/search", {"q": "党费", "org": "TB"}).json()["results"]
    ] == ["乙支部党费公示"]
    assert (
        client.get("/api/v1/search", {"q": "党费", "org": "TC"}).json()["total"] == 2
    )  # an ancestor covers its tree
    assert client.get("/api/v1/search", {"q": "党费", "category": "7"}).json()["total"] == 1
    assert client.get("/api/v1/search", {"q": "党费", "year": "1999"}).json()["total"] == 0
    assert client.get("/api/v1/search", {"q": "党费", "scope": "all_members"}).json()["total"] == 0
    page = client.get("/search/", {"q": "党费", "org": "TB"}).content.decode()
    assert "乙支部<mark>党费</mark>公示" in page and "甲支部" not in page and "不限" in page


def test_pagination_in_constant_queries(client, tree, publish, django_assert_max_num_queries):
    for n in range(PAGE_SIZE + 5):
        publish(f"第{n + 1}期党费公示", "党费")
    with django_assert_max_num_queries(14):  # fixed: + published replies, + attachments for snippets
        first = client.get("/search/", {"q": "党费"}).content.decode()
    assert "共找到 25 条结果" in first and "第 1 页，共 2 页" in first and 'rel="next"' in first
    with django_assert_max_num_queries(14):  # fixed: + published replies, + attachments for snippets
        second = client.get("/search/", {"q": "党费", "page": "2"}).content.decode()
    assert second.count("<li>\n        \n        <h3>") == 5 and 'rel="prev"' in second
    assert "第 2 页，共 2 页" in client.get("/search/", {"q": "党费", "page": "3"}).content.decode()
    assert "第 1 页，共 2 页" in client.get("/search/", {"q": "党费", "page": "999"}).content.decode()
    assert client.get("/api/v1/search", {"q": "党费", "page": "2"}).json()["page"] == 2
    assert client.get("/search/", {"q": "党费", "page": "x"}).status_code == 200


def test_many_hits_rank_within_a_bounded_candidate_set(tree, publish, monkeypatch):
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    made = [publish(f"第{n}期党费公示", "党费") for n in range(5)]
    results = engine.search(None, "党费")
    assert results.truncated and results.total == 3
    assert {h.item_id for h in results.hits} == {i.pk for i in made[-3:]}  # the newest ones


SENTENCES = [
    "按时交党费收据已入账",
    "各支部委员会议定换届选举时间",
    "本社区党员大会通过了决议",
    "民主评议党员工作开展情况",
    "发展对象政治审查结论",
    "村务监督委员会公开三资台账",
    "黨務公開欄每季度更新",
    "主题党日活动组织得力",
]


def test_recall_equals_like_on_two_and_four_character_queries(tree, publish):
    """On the database: every 2- and 4-character substring finds exactly (2) or at least (4) the items a
    LIKE '%…%' scan over the normalised text finds."""
    for n, s in enumerate(SENTENCES):
        publish(f"公示{n}", s)
    texts = {i.pk: normalize(i.title + "\n" + i.published_body) for i in DisclosureItem.objects.all()}
    checked = 0
    for size in (2, 4):
        for s in SENTENCES:
            norm = normalize(s)
            for q in {norm[i : i + size] for i in range(len(norm) - size + 1)}:
                like = {pk for pk, t in texts.items() if q in t}
                got = {h.item_id for h in engine.search(None, q).hits}
                assert like <= got, (q, like - got)
                if size == 2:
                    assert got == like, q
                checked += 1
    assert checked > 100
    # The raw-script LIKE agrees for simplified text (sanity check of the ground truth itself).
    assert DisclosureItem.objects.filter(Q(published_body__contains="党费收据")).count() == 1


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'",
        "*",
        "党费*",
        "AND OR NOT",
        "NEAR(党费 换届)",
        "title_tokens:党费",
        "-党费",
        "^党费",
        '党费"',
        "\\",
        "a'b",
        "(",
        "：；",
        "ｖ２．１",
    ],
)
def test_query_syntax_characters_are_plain_text(client, tree, publish, q):
    publish("党费收缴情况", "title_tokens NEAR AND v2.1")
    assert client.get("/search/", {"q": q}).status_code == 200
    assert client.get("/api/v1/search", {"q": q}).status_code in (200, 400)


def test_postgres_finds_the_same_newest_visible_matches_through_id_windows(tree, publish, monkeypatch):
    """PostgreSQL, a common word: the candidates come from windows of the newest ids, widened until one
    holds enough visible matches; they are exactly the newest visible matches of the whole index."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the id windows are PostgreSQL's path")
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    made = [
        publish(f"第{n}期党费公示", "党费", scope=Scope.PUBLIC if n % 3 else Scope.ORG_MEMBERS)
        for n in range(12)
    ]
    public = [i.pk for i in made if i.scope == Scope.PUBLIC]
    whole = engine.search(None, "党费")
    assert {h.item_id for h in whole.hits} == set(public[-3:])

    windows = []
    windowed = engine._pg_gin_candidates

    def spy(matching, *args, **kwargs):
        windows.append(kwargs.get("windowed", False))
        return windowed(matching, *args, **kwargs)

    monkeypatch.setattr(engine, "_pg_gin_candidates", spy)
    monkeypatch.setattr(engine, "WINDOW_ABOVE", -1)
    monkeypatch.setattr(engine, "WALK_ABOVE", 1e9)
    monkeypatch.setattr(engine, "WINDOW_SPAN", 0.2)  # a first window of a few ids: it must widen
    results = engine.search(None, "党费")
    assert {h.item_id for h in results.hits} == set(public[-3:]) and results.total == whole.total
    assert windows[0] is True and len(windows) >= 2
