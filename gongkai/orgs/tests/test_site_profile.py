"""Issue 14: the site's identity (name, host organisation, organiser, the host's address and phone) is
data the superuser sets on /manage/site/, never settings: a new office's database names no one."""

import pytest
from django.core.exceptions import ValidationError

from gongkai.audit.log import collect_denials
from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, make_org
from gongkai.disclosure.tests.factories import published_item
from gongkai.lib.errors import NotAllowed
from gongkai.orgs import actions, site
from gongkai.orgs.models import Level, SiteProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True)


def _header_and_footer(html: str) -> tuple[str, str]:
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    footer = html[html.index('<footer class="site-footer">') : html.index("</footer>")]
    return header, footer


def test_a_new_database_names_no_host_anywhere(client, tree, admin):
    published_item(tree.a, min_internal_days=0)
    for url in ("/", "/guide/", "/orgs/TA/board/"):
        html = client.get(url).content.decode()
        assert "集里" not in html and "0731" not in html, url
        header, footer = _header_and_footer(html)
        assert "党务公开网" in header and "主办" not in header
        assert "主办单位" not in footer and "地址" not in footer and "联系电话" not in footer
    client.force_login(admin)
    for url in ("/", "/manage/"):
        html = client.get(url).content.decode()
        assert "尚未设置网站信息" in html and 'href="/manage/site/"' in html, url
        assert "集里" not in html


def test_the_superuser_sets_the_site_up_and_every_page_shows_it_at_once(client, tree, admin):
    published_item(tree.a, min_internal_days=0)
    reader = client.__class__()
    before = reader.get("/orgs/TA/board/").content.decode()  # cached for anonymous readers
    assert "新街道党务公开网" not in before
    assert reader.get("/orgs/TA/board/").content.decode() == before  # served from the page cache

    client.force_login(admin)
    tree.committee.address, tree.committee.phone = "某省某市新街道1号", "010-12345678"
    tree.committee.save(update_fields=["address", "phone"])
    r = client.post(
        "/manage/site/", {"host": "TC", "name": "新街道党务公开网", "organiser": "新街道党务公开办公室"}
    )
    assert r.status_code == 302 and r["Location"] == "/manage/site/"
    profile = SiteProfile.objects.get()
    assert (profile.host, profile.name, profile.organiser) == (
        tree.committee,
        "新街道党务公开网",
        "新街道党务公开办公室",
    )
    assert AuditEntry.objects.filter(action="site.create", actor=admin).count() == 1

    for c in (reader, client):
        for url in ("/orgs/TA/board/", "/"):
            html = c.get(url).content.decode()
            header, footer = _header_and_footer(html)
            assert "新街道党务公开网" in header and "测试街道党工委 主办" in header, url
            assert "主办单位：测试街道党工委" in footer and "承办：新街道党务公开办公室" in footer
            assert "地址：某省某市新街道1号" in footer and "联系电话：010-12345678" in footer
            assert "<title>" in html and "- 新街道党务公开网</title>" in html
    assert "尚未设置网站信息" not in client.get("/manage/").content.decode()

    # The host's own address changes on its organisation page: the next page shows it.
    r = client.post(
        "/manage/TC/edit/",
        {
            "name": "测试街道党工委",
            "level": "committee",
            "is_public": "on",
            "address": "新地址2号",
            "phone": "",
        },
    )
    assert r.status_code == 302
    _, footer = _header_and_footer(reader.get("/orgs/TA/board/").content.decode())
    assert "地址：新地址2号" in footer and "联系电话" not in footer

    # A blank name is made from the host's short name (or name).
    client.post("/manage/site/", {"host": "TC", "name": "", "organiser": ""})
    header, footer = _header_and_footer(reader.get("/orgs/TA/board/").content.decode())
    assert "测试街道党工委党务公开网" in header and "承办" not in footer
    assert AuditEntry.objects.filter(action="site.update").count() == 1


def test_the_form_keeps_what_was_typed_and_saves_nothing_on_bad_input(client, tree, admin):
    client.force_login(admin)
    page = client.get("/manage/site/").content.decode()
    assert "测试街道党工委" in page and "甲社区党支部" not in page  # only committees may host
    too_long = "很长的网站名称" * 10
    r = client.post("/manage/site/", {"host": "TC", "name": too_long, "organiser": "某办公室"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "50" in html and "errorlist" in html and too_long in html and "某办公室" in html
    r = client.post("/manage/site/", {"host": "TA", "name": "甲网", "organiser": ""})  # a branch
    assert r.status_code == 200 and "errorlist" in r.content.decode() and "甲网" in r.content.decode()
    r = client.post("/manage/site/", {"host": "", "name": "无主办"})
    assert r.status_code == 200 and "这个字段是必填项" in r.content.decode()
    assert not SiteProfile.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="site.").exists()


def test_the_action_refuses_a_branch_a_closed_committee_and_anyone_but_the_superuser(tree, people, admin):
    with pytest.raises(ValidationError, match="主办单位须为党委"):
        actions.save_site_profile(tree.a, name="甲网", by=admin)
    closed = make_org(tree.committee, level=Level.COMMITTEE, name="已撤销党工委")
    actions.close_org(closed, reason="合并", by=admin)
    with pytest.raises(ValidationError, match="已撤销"):
        actions.save_site_profile(closed, by=admin)
    with pytest.raises(ValidationError, match="不能换行"):
        actions.save_site_profile(tree.committee, organiser="甲\n乙", by=admin)
    for user in (people.inspector_c, people.secretary_a):
        with collect_denials(), pytest.raises(NotAllowed):
            actions.save_site_profile(tree.committee, name="越权", by=user)
    assert not SiteProfile.objects.exists()
    assert AuditEntry.objects.filter(action="site.edit", result="denied").count() == 2


def test_only_the_superuser_opens_the_page(client, tree, people, admin):
    assert client.get("/manage/site/")["Location"].startswith("/accounts/login/")
    for user in (people.inspector_c, people.secretary_a, people.member_a):
        client.force_login(user)
        assert client.get("/manage/site/").status_code == 404
        assert client.post("/manage/site/", {"host": "TC", "name": "越权网"}).status_code == 404
        assert 'href="/manage/site/"' not in client.get("/manage/").content.decode()
    assert not SiteProfile.objects.exists()
    client.force_login(admin)
    assert client.get("/manage/site/").status_code == 200


def test_reading_the_profile_costs_no_query_once_cached(tree, admin, client, django_assert_num_queries):
    actions.save_site_profile(tree.committee, name="测试网", by=admin)
    assert site.info()["host_name"] == "测试街道党工委"
    with django_assert_num_queries(0):
        assert site.name() == "测试网"
    client.get("/guide/")
    with django_assert_num_queries(0):  # the guide page reads nothing else from the database
        assert "测试网" in client.get("/guide/").content.decode()


def test_email_subjects_and_the_authenticator_use_the_sites_name(tree, admin, settings):
    assert settings.OTP_TOTP_ISSUER(None) == "党务公开网"
    actions.save_site_profile(tree.committee, name="测试网", by=admin)
    assert settings.OTP_TOTP_ISSUER(None) == "测试网"


def test_the_set_up_pages_addresses_are_no_organisation_code(tree, admin):
    for code in ("site", "new", "import", "people"):
        with pytest.raises(ValidationError, match="保留"):
            actions.create_org(
                tree.committee, code=code, name="某支部", level="branch", sector_type="village", by=admin
            )


def test_the_demo_looks_as_before_and_loads_twice(client, db):
    from gongkai.orgs import demo

    demo.load()
    demo.load()
    assert AuditEntry.objects.filter(action="site.create").count() == 1
    assert not AuditEntry.objects.filter(action="site.update").exists()
    header, footer = _header_and_footer(client.get("/").content.decode())
    assert "集里街道党务公开网" in header and "中共集里街道工作委员会 主办" in header
    assert "主办单位：中共集里街道工作委员会　承办：集里街道党务公开工作领导小组办公室" in footer
    assert "地址：湖南省长沙市浏阳市集里街道　联系电话：0731-83000000" in footer
