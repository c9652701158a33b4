"""Catalogue read API: catalogues with their current version, and the items applying to one organisation."""

from django.utils import timezone

from gongkai.accounts.models import ApiToken
from gongkai.catalogue.models import CatalogueVersion, Scope
from gongkai.conftest import make_org
from gongkai.disclosure.tests.factories import STANDARD_ITEMS, make_catalogue
from gongkai.orgs.models import Level, SectorType

VILLAGE_ONLY = {
    "category": 6,
    "title": "村级“三资”管理情况",
    "sector_types": ",village,",
    "target_scope": Scope.PUBLIC,
    "duration": "long",
    "timing": "periodic",
    "cadence": "half_yearly",
    "due_offset": 10,
}


def test_catalogue_list_shows_the_current_published_version(client, tree):
    catalogue = make_catalogue(tree.committee, items=[*STANDARD_ITEMS, VILLAGE_ONLY])
    CatalogueVersion.objects.create(catalogue=catalogue, number=2)  # a draft revision: not current
    rows = client.get("/api/v1/catalogue").json()
    assert [(r["name"], r["owner_code"], r["current_version"]["number"]) for r in rows] == [
        ("测试街道党工委党务公开目录", "TC", 1)
    ]
    CatalogueVersion.objects.filter(catalogue=catalogue, number=2).update(published_at=timezone.now())
    assert client.get("/api/v1/catalogue").json()[0]["current_version"]["number"] == 2


def test_org_catalogue_lists_only_items_that_apply_with_every_field_labelled(client, tree):
    make_catalogue(tree.committee, items=[*STANDARD_ITEMS, VILLAGE_ONLY])
    village = make_org(tree.committee, sector_type=SectorType.VILLAGE, code="TV")
    community = client.get("/api/v1/catalogue/TA").json()
    titles = {i["title"] for i in community["items"]}
    assert "村级“三资”管理情况" not in titles and "党费收缴、管理和使用情况" in titles
    assert "村级“三资”管理情况" in {
        i["title"] for i in client.get(f"/api/v1/catalogue/{village.code}").json()["items"]
    }
    fee = next(i for i in community["items"] if i["title"] == "党费收缴、管理和使用情况")
    assert fee["target_scope_label"] == "社会公开"
    assert fee["timing_text"] == "每季度，期满后 10 个工作日内"
    assert (fee["cadence_label"], fee["min_internal_days"], fee["duration_label"]) == (
        "每季度",
        5,
        "长期公开",
    )
    staged = next(i for i in community["items"] if i["timing"] == "staged")
    assert staged["stages"][0] == {"name": "入党申请人", "days": 5} and staged["period_days"] == 7
    assert community["catalogue"]["owner_code"] == "TC"


def test_a_nearer_catalogue_replaces_the_one_above(client, tree):
    make_catalogue(tree.committee)
    make_catalogue(tree.a, items=[STANDARD_ITEMS[1]])
    assert [i["title"] for i in client.get("/api/v1/catalogue/TA1").json()["items"]] == ["领导班子分工"]
    assert len(client.get("/api/v1/catalogue/TB").json()["items"]) == len(STANDARD_ITEMS)


def test_org_without_catalogue_and_hidden_org(client, tree, people):
    empty = client.get("/api/v1/catalogue/TA").json()
    assert empty["catalogue"] is None and empty["items"] == []
    hidden = make_org(tree.committee, level=Level.BRANCH, code="HID", is_public=False)
    make_catalogue(hidden)
    assert client.get("/api/v1/catalogue/HID").status_code == 404
    assert client.get("/api/v1/catalogue/NOPE").json()["detail"]
    assert "HID" not in {r["owner_code"] for r in client.get("/api/v1/catalogue").json()}
    # Its staff (through the committee) see it.
    token = ApiToken.issue(people.reviewer_c)
    seen = client.get("/api/v1/catalogue/HID", headers={"Authorization": f"Bearer {token}"})
    assert seen.status_code == 200 and seen.json()["catalogue"]["owner_code"] == "HID"
