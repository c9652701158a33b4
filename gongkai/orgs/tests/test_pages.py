from gongkai.conftest import make_org
from gongkai.orgs.models import Level


def test_directory_of_200_orgs_renders_in_constant_queries(client, db, django_assert_max_num_queries):
    root = make_org(level=Level.COMMITTEE, name="根党委", code="ROOT")
    parents = [make_org(root, level=Level.GENERAL_BRANCH, name=f"第{i}党总支") for i in range(10)]
    for p in parents:
        for j in range(19):
            make_org(p, name=f"{p.name}第{j}支部")
    with django_assert_max_num_queries(3):
        response = client.get("/orgs/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "共 201 个党组织" in body
    assert "第9党总支第18支部" in body


def test_org_page_shows_breadcrumb_and_children(client, tree):
    body = client.get("/orgs/TA/").content.decode()
    assert "测试街道党工委" in body and "甲社区第一党小组支部" in body


def test_guide_is_served_in_chinese_by_default(client, db):
    body = client.get("/").content.decode()
    assert 'lang="zh-Hans"' in body
    assert "公开指南" in body
    guide = client.get("/guide/").content.decode()
    for heading in ("公开内容", "公开范围", "依申请公开", "意见反馈"):
        assert heading in guide


def test_traditional_site_converts_content_too(client, tree):
    client.cookies["django_language"] = "zh-hant"
    body = client.get("/orgs/TA/").content.decode()
    assert 'lang="zh-Hant"' in body
    assert "測試街道黨工委" in body, "organisation names are shown in Traditional characters"


def test_english_site_translates_labels(client, db):
    client.cookies["django_language"] = "en"
    body = client.get("/guide/").content.decode()
    assert 'lang="en"' in body
    assert "Disclosure guide" in body


def test_leading_group_page_lists_the_plan(client, db):
    from gongkai.orgs import demo

    demo.load()
    body = client.get("/leading-group/").content.decode()
    for name in (
        "阳主任",
        "高主任",
        "张主任",
        "黄科长",
        "胡主任",
        "肖副主任",
        "陈主任",
        "吴书记",
        "刘科长",
        "唐主任",
    ):
        assert name in body
    assert "领导小组办公室设在集里街道纪工委（党风廉政办）党支部" in body


def test_security_headers_are_sent(client, db):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_traditional_site_leaves_form_values_as_typed():
    from gongkai.portal.middleware import convert_outside_form_values

    html = '<label>党务</label><input name="t" value="党费收缴"><textarea name="b">发展党员\n公示</textarea><p>党费</p>'
    out = convert_outside_form_values(html)
    assert (
        out
        == '<label>黨務</label><input name="t" value="党费收缴"><textarea name="b">发展党员\n公示</textarea><p>黨費</p>'
    )
