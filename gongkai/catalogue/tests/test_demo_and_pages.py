import pytest
from django.urls import reverse

from gongkai.catalogue import demo
from gongkai.catalogue.models import Cadence, Catalogue, CatalogueItem, DueRule, Duration, Scope, Timing
from gongkai.conftest import UserFactory, grant, make_org
from gongkai.orgs import demo as orgs_demo
from gongkai.orgs.models import Level, Organisation, Role, SectorType


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The orgs demo creates ~170 logins; Argon2 for each would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_catalogue(db):
    orgs_demo.load()
    demo.load()
    return Catalogue.objects.get(name=demo.NAME)


def items_by_title(catalogue):
    return {i.title: i for i in CatalogueItem.objects.filter(version__catalogue=catalogue)}


def test_demo_catalogue_holds_all_reference_items_faithfully(demo_catalogue):
    assert demo_catalogue.owner.code == "LYSW"
    assert demo_catalogue.filing_body == "长沙市党务公开工作领导小组"
    version = demo_catalogue.current_version()
    assert version.number == 1 and version.is_published
    items = items_by_title(demo_catalogue)
    assert len(items) == 40
    assert sorted(i.number for i in items.values()) == list(range(1, 41))

    fees = items["党费收缴、管理和使用情况"]
    assert (fees.target_scope, fees.timing, fees.cadence, fees.due_rule, fees.due_offset) == (
        Scope.ORG_MEMBERS,
        Timing.PERIODIC,
        Cadence.QUARTERLY,
        DueRule.AFTER_PERIOD,
        10,
    )
    assert fees.duration == Duration.SHORT and fees.period_days == 90

    division = items["领导班子成员职责分工"]
    assert (division.target_scope, division.duration, division.timing) == (Scope.PUBLIC, "long", "none")

    # R14: "发展党员" is one item whose stages are a list, each with its allowance; its 公示 windows
    # are "不少于5个工作日", so they are stated in working days, after five working days inside.
    membership = items["发展党员"]
    assert membership.target_scope == Scope.PUBLIC and membership.min_internal_days == 5
    assert (
        membership.timing == Timing.STAGED and membership.notice_days == 5 and membership.period_days is None
    )
    assert membership.stages == [
        {"name": "确定入党积极分子", "days": 5},
        {"name": "确定发展对象", "days": 5},
        {"name": "接收预备党员", "days": 5},
        {"name": "预备党员转正", "days": 5},
    ]

    # The catalogue's words, as rules: 每年2月底前 · 每月5日前 · 每年1月31日前 (for the year before).
    plan, day, report = items["年度工作计划"], items["主题党日活动安排"], items["党务公开工作年度报告"]
    assert (plan.due_rule, plan.due_month, plan.due_day, plan.due_next_period) == (
        DueRule.FIXED_DAY,
        2,
        31,
        False,
    )
    assert (day.due_rule, day.cadence, day.due_day, day.due_next_period) == (
        DueRule.FIXED_DAY,
        "monthly",
        5,
        False,
    )
    assert (report.due_month, report.due_day, report.due_next_period) == (1, 31, True)
    assert str(plan.timing_text()) == "每年，每年2月底前"
    assert str(day.timing_text()) == "每月，每月5日前"
    assert str(report.timing_text()) == "每年，次年1月31日前"
    for item in items.values():
        item.clean()  # every row is a consistent rule

    assert [s["name"] for s in items["“四议两公开”：决议公开、实施结果公开"].stages] == [
        "决议公开",
        "实施结果公开",
    ]
    assert items["“四议两公开”：决议公开、实施结果公开"].sector_types == ",village,community,"
    assert items["“三公”经费使用情况"].sector_types == ",organ,"
    assert items["违纪党员处理情况"].target_scope == Scope.COMMITTEE
    assert items["党组织换届选举情况"].timing == Timing.TIMELY
    assert items["民主评议党员结果"].cadence == Cadence.YEARLY


def test_demo_catalogue_is_idempotent(demo_catalogue):
    demo.load()
    assert Catalogue.objects.count() == 1
    assert CatalogueItem.objects.count() == 40


def test_catalogue_applies_by_sector_type(demo_catalogue):
    village = Organisation.objects.get(code="JLJD-XK")
    organ = Organisation.objects.get(code="JLJD-JG1")
    village_titles = set(CatalogueItem.objects.for_org(village).values_list("title", flat=True))
    organ_titles = set(CatalogueItem.objects.for_org(organ).values_list("title", flat=True))
    assert "村（居）“三资”管理情况（资产、资金、资源）" in village_titles
    assert "村（居）“三资”管理情况（资产、资金、资源）" not in organ_titles
    assert "“三公”经费使用情况" in organ_titles and "“三公”经费使用情况" not in village_titles


def test_org_catalogue_page_shows_obligations_by_category(
    client, demo_catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalogue:org", args=["JLJD-SXA"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "神仙坳社区党支部公开目录" in html
    assert "浏阳市基层党组织党务公开目录" in html
    assert "长沙市党务公开工作领导小组" in html
    assert "党费收缴、管理和使用情况" in html
    assert "每季度，期满后 10 个工作日内" in html
    assert "分阶段：决议公开后 5 个工作日内、实施结果公开后 5 个工作日内" in html
    assert "先在党内公开 5 天" in html
    assert "“三公”经费使用情况" not in html  # organs only
    assert html.index("决议决定及执行") < html.index("思想建设") < html.index("其他")


def test_org_catalogue_page_queries_do_not_grow(client, demo_catalogue, django_assert_max_num_queries):
    version = demo_catalogue.current_version()
    CatalogueItem.objects.bulk_create(
        CatalogueItem(
            version=version,
            number=100 + n,
            category=n % 8 + 1,
            title=f"补充事项{n}",
            target_scope=Scope.PUBLIC,
            duration=Duration.LONG,
            timing=Timing.NONE,
        )
        for n in range(40)
    )
    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalogue:org", args=["JLJD-SXA"]))
    assert "补充事项39" in response.content.decode()


def test_hidden_org_catalogue_is_404_for_outsiders_but_shown_to_members(client, db):
    root = make_org(level=Level.COMMITTEE, code="ROOT")
    hidden = make_org(root, code="HID", is_public=False)
    assert client.get(reverse("catalogue:org", args=["HID"])).status_code == 404
    assert client.get(reverse("catalogue:org", args=["NOPE"])).status_code == 404
    member = grant(UserFactory(), hidden, Role.MEMBER)
    client.force_login(member)
    response = client.get(reverse("catalogue:org", args=["HID"]))
    assert response.status_code == 200
    assert "尚未发布公开目录" in response.content.decode()


def test_index_lists_catalogue_and_filters(client, demo_catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalogue:index"))
    html = response.content.decode()
    assert "浏阳市基层党组织党务公开目录" in html and "第 1 版" in html
    assert "共 40 项" in html

    html = client.get(
        reverse("catalogue:index"), {"category": "6", "type": SectorType.VILLAGE}
    ).content.decode()
    assert "“四议两公开”：决议公开、实施结果公开" in html
    assert "党费收缴、管理和使用情况" not in html  # category 3
    assert "干部任前公示" not in html

    html = client.get(reverse("catalogue:index"), {"type": SectorType.ORGAN}).content.decode()
    assert "“三公”经费使用情况" in html and "矛盾纠纷排查化解情况" not in html


@pytest.mark.parametrize(
    "params", [{"category": "x"}, {"category": "99"}, {"type": "<script>"}, {"version": "abc"}]
)
def test_index_bad_filters_get_a_message_not_an_error(client, demo_catalogue, params):
    response = client.get(reverse("catalogue:index"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "无效" in html or "不存在" in html
    assert "<script>" not in html
    assert "共 40 项" in html


def test_nav_and_org_page_link_to_the_catalogue(client, demo_catalogue):
    html = client.get(reverse("portal:org", args=["JLJD-SXA"])).content.decode()
    assert reverse("catalogue:org", args=["JLJD-SXA"]) in html
    assert reverse("catalogue:index") in html


def test_org_table_cache_is_per_sector_type(client, demo_catalogue):
    organ = client.get(reverse("catalogue:org", args=["JLJD-JG1"])).content.decode()
    village = client.get(reverse("catalogue:org", args=["JLJD-XK"])).content.decode()
    again = client.get(reverse("catalogue:org", args=["JLJD-JG1"])).content.decode()
    assert "“三公”经费使用情况" in organ and "“三公”经费使用情况" in again
    assert "“三公”经费使用情况" not in village
    assert "村（居）“三资”管理情况" in village and "村（居）“三资”管理情况" not in organ
    assert "新开村党支部公开目录" in village
