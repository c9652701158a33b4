"""Issue 14: the catalogue owner revises the catalogue through the API — a draft, its items, the
difference, publication with an effective date — and nobody else reaches it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongkai.audit.models import AuditEntry
from gongkai.catalogue.models import Catalogue, CatalogueItem, CatalogueVersion, current_version_for
from gongkai.conftest import UserFactory, bearer, grant
from gongkai.disclosure.tests.factories import make_catalogue
from gongkai.orgs.models import Role

pytestmark = pytest.mark.django_db

API = "/api/v1/setup/catalogues"
NEW_ITEM = {
    "category": 6,
    "title": "村级“三资”管理情况",
    "description": "集体资金、资产、资源的管理使用情况。",
    "sector_types": ["village"],
    "target_scope": "public",
    "duration": "long",
    "timing": "periodic",
    "cadence": "half_yearly",
    "due_rule": "fixed_day",
    "due_month": 1,
    "due_day": 10,
    "due_next_period": True,
    "retention": "10y",
    "required_carrier": "board",
}


@pytest.fixture
def owner(tree):
    return grant(UserFactory(), tree.committee, Role.CATALOGUE_OWNER)


def call(client, method, url, user, body=None):
    send = getattr(client, method)
    if method in ("get", "delete"):
        return send(url, **bearer(user))
    return send(url, body or {}, content_type="application/json", **bearer(user))


def test_owner_opens_a_draft_edits_sees_the_difference_and_publishes(client, tree, owner):
    catalogue = make_catalogue(tree.committee)
    [listed] = call(client, "get", API, owner).json()
    assert listed["id"] == catalogue.pk and [v["number"] for v in listed["versions"]] == [1]

    r = call(client, "post", f"{API}/{catalogue.pk}/versions", owner)
    assert r.status_code == 201
    draft = r.json()
    assert draft["is_draft"] and draft["number"] == 2 and draft["item_count"] == 4
    v = f"{API}/versions/{draft['id']}"

    r = call(client, "post", f"{v}/items", owner, NEW_ITEM)
    assert r.status_code == 201, r.json()
    added = r.json()
    assert added["number"] == 5 and added["sector_types"] == ["village"]
    assert added["timing_text"] == "每半年，下一期第1个月10日前" and added["required_carrier"] == "board"

    fees = next(i for i in draft["items"] if i["title"] == "党费收缴、管理和使用情况")
    r = call(
        client, "patch", f"{v}/items/{fees['id']}", owner, {"due_offset": 5, "target_scope": "all_members"}
    )
    assert r.status_code == 200 and r.json()["due_offset"] == 5 and r.json()["cadence"] == "quarterly"
    staged = next(i for i in draft["items"] if i["timing"] == "staged")
    stages = [{"name": "确定发展对象", "days": 7}, {"name": "接收预备党员", "days": 5}]
    r = call(client, "patch", f"{v}/items/{staged['id']}", owner, {"stages": stages})
    assert r.status_code == 200 and r.json()["stages"] == stages
    leaders = next(i for i in draft["items"] if i["title"] == "领导班子分工")
    assert call(client, "delete", f"{v}/items/{leaders['id']}", owner).status_code == 204

    changes = call(client, "get", f"{v}/diff", owner).json()
    assert changes["base"]["number"] == 1
    kinds = {(c["kind"], c["title"]) for c in changes["changes"]}
    assert kinds == {
        ("added", "村级“三资”管理情况"),
        ("changed", "党费收缴、管理和使用情况"),
        ("changed", "发展党员"),
        ("removed", "领导班子分工"),
    }
    fee_change = next(c for c in changes["changes"] if c["title"] == "党费收缴、管理和使用情况")
    assert {(f["field"], f["old"], f["new"]) for f in fee_change["fields"]} == {
        ("due_offset", 10, 5),
        ("target_scope", "public", "all_members"),
    }
    assert {f["label"] for f in fee_change["fields"]} == {"时限（工作日）", "公开范围"}

    later = timezone.localdate() + timedelta(days=7)
    r = call(client, "post", f"{v}/publish", owner, {"effective_from": later.isoformat(), "note": "增加三资"})
    assert r.status_code == 200, r.json()
    assert not r.json()["is_draft"] and r.json()["effective_from"] == later.isoformat()
    # R5: in force from the effective date; until then the organisations keep version 1.
    assert current_version_for(tree.a).number == 1 and current_version_for(tree.a, on=later).number == 2
    assert AuditEntry.objects.filter(action="catalogue.publish", actor=owner).exists()

    # A published version never changes again: every write is refused with the reason.
    for method, url, body in [
        ("patch", f"{v}/items/{fees['id']}", {"title": "改"}),
        ("post", f"{v}/items", NEW_ITEM),
        ("delete", f"{v}/items/{fees['id']}", None),
        ("post", f"{v}/publish", {"effective_from": later.isoformat()}),
        ("delete", v, None),
    ]:
        r = call(client, method, url, owner, body)
        assert r.status_code == 400 and "已发布的目录版本不能修改" in r.json()["detail"], (method, url)
    assert CatalogueItem.objects.get(pk=fees["id"]).due_offset == 5
    assert [x["number"] for x in call(client, "get", f"{API}/{catalogue.pk}/versions", owner).json()] == [
        2,
        1,
    ]


def test_a_new_catalogue_and_a_discarded_draft(client, tree, owner):
    r = call(
        client,
        "post",
        API,
        owner,
        {"owner_code": "TC", "name": "街道党务公开目录", "filing_body": "领导小组"},
    )
    assert r.status_code == 201 and r.json()["versions"] == []
    catalogue = r.json()["id"]
    draft = call(client, "post", f"{API}/{catalogue}/versions", owner).json()
    assert draft["number"] == 1 and draft["items"] == []
    v = f"{API}/versions/{draft['id']}"
    r = call(client, "post", f"{v}/publish", owner, {"effective_from": timezone.localdate().isoformat()})
    assert r.status_code == 400 and r.json()["detail"] == "目录版本至少应有一个事项。"
    r = call(client, "post", f"{API}/{catalogue}/versions", owner)
    assert r.status_code == 400 and "已有一个修订草稿" in r.json()["detail"]
    assert call(client, "delete", v, owner).status_code == 204
    assert not CatalogueVersion.objects.filter(catalogue_id=catalogue).exists()
    # An organisation outside the user's own subtree: as if it did not exist.
    other = call(client, "post", API, owner, {"owner_code": "NOPE", "name": "x"})
    assert other.status_code == 404


def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(client, tree, owner):
    catalogue = make_catalogue(tree.committee)
    draft = call(client, "post", f"{API}/{catalogue.pk}/versions", owner).json()
    v = f"{API}/versions/{draft['id']}"
    first = draft["items"][0]
    cases = [
        ({**NEW_ITEM, "category": 9}, "目录类别"),
        ({**NEW_ITEM, "target_scope": "everyone"}, "公开范围"),
        ({**NEW_ITEM, "sector_types": ["village", "moon"]}, "适用组织类型无效：moon"),
        ({**NEW_ITEM, "title": "  "}, "公开事项"),
        ({**NEW_ITEM, "cadence": None}, "定期公开须选择公开周期"),
        ({**NEW_ITEM, "due_rule": "after_event"}, "该公开时间不能使用此时限规则"),
        ({**NEW_ITEM, "due_day": 40}, "请填写 1 至 31 日"),
        ({**NEW_ITEM, "timing": "staged", "stages": [{"name": "公示", "days": 99}]}, "阶段时限应为 0 至 60"),
        ({**NEW_ITEM, "number": first["number"]}, "已被本版本的其他事项使用"),
    ]
    for body, message in cases:
        r = call(client, "post", f"{v}/items", owner, body)
        assert r.status_code == 400, (body, r.json())
        assert message in r.json()["detail"], (message, r.json()["detail"])
    r = call(client, "patch", f"{v}/items/{first['id']}", owner, {"title": None})
    assert r.status_code == 400 and "公开事项" in r.json()["detail"]
    r = call(client, "post", f"{v}/publish", owner, {"effective_from": "2000-01-01"})
    assert r.status_code == 400 and r.json()["detail"] == "施行日期不能早于今天。"
    r = call(client, "post", f"{v}/publish", owner, {"effective_from": "not a date"})
    assert r.status_code == 422 and r.json()["detail"] == "请求参数有误。"
    assert CatalogueVersion.objects.get(pk=draft["id"]).items.count() == 4
    assert CatalogueItem.objects.get(pk=first["id"]).title == first["title"]
    assert CatalogueVersion.objects.get(pk=draft["id"]).published_at is None


def test_nobody_but_the_owner_reaches_the_catalogue(client, tree, owner, people):
    catalogue = make_catalogue(tree.committee)
    draft = call(client, "post", f"{API}/{catalogue.pk}/versions", owner).json()
    v = f"{API}/versions/{draft['id']}"
    item = draft["items"][0]["id"]
    # staff of the organisations under the catalogue, members, someone with no role at all
    for user in (people.secretary_a, people.inspector_c, people.clerk_a, people.member_a, people.outsider):
        assert call(client, "get", API, user).json() == []
        for method, url, body in [
            ("get", f"{API}/{catalogue.pk}/versions", None),
            ("post", f"{API}/{catalogue.pk}/versions", None),
            ("get", v, None),
            ("get", f"{v}/diff", None),
            ("post", f"{v}/items", NEW_ITEM),
            ("patch", f"{v}/items/{item}", {"title": "改"}),
            ("delete", f"{v}/items/{item}", None),
            ("post", f"{v}/publish", {"effective_from": timezone.localdate().isoformat()}),
            ("delete", v, None),
        ]:
            r = call(client, method, url, user, body)
            assert r.status_code == 404 and r.json() == {"detail": "未找到。"}, (user, method, url)
        r = call(client, "post", API, user, {"owner_code": "TC", "name": "另一目录"})
        assert r.status_code == 404
    # Another committee's catalogue owner does not reach this one either.
    other_owner = grant(UserFactory(), make_catalogue_owner_org(), Role.CATALOGUE_OWNER)
    assert call(client, "get", v, other_owner).status_code == 404
    # Without a token: 401, never the data.
    assert client.get(API).status_code == 401 and client.get(v).status_code == 401
    assert client.post(f"{v}/publish", {}, content_type="application/json").status_code == 401
    assert Catalogue.objects.count() == 1 and CatalogueVersion.objects.get(pk=draft["id"]).items.count() == 4
    # An item of another version is not this draft's.
    v1_item = catalogue.versions.get(number=1).items.first()
    assert call(client, "patch", f"{v}/items/{v1_item.pk}", owner, {"title": "改"}).status_code == 404


def make_catalogue_owner_org():
    from gongkai.conftest import make_org
    from gongkai.orgs.models import Level

    return make_org(level=Level.COMMITTEE, code="OTHER", name="另一党委")
