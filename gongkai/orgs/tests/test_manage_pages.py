"""Issue 14: the management pages, as a superuser, a secretary and an outsider use them."""

import re

import pytest

from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory
from gongkai.orgs.models import LeadingGroupMember, Membership, Organisation, Role

pytestmark = pytest.mark.django_db


def test_superuser_sets_up_an_office_through_pages(client):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    assert client.get("/manage/").status_code == 200
    r = client.post(
        "/manage/new/", {"code": "XJ", "name": "新街道党工委", "level": "committee", "is_public": "on"}
    )
    assert r.status_code == 302 and r["Location"] == "/manage/XJ/"
    for code, name in [("XJ-A", "甲村党支部"), ("XJ-B", "乙村党支部")]:
        r = client.post(
            "/manage/XJ/new/",
            {"code": code, "name": name, "level": "branch", "sector_type": "village", "is_public": "on"},
        )
        assert r.status_code == 302
    page = client.get("/manage/XJ/").content.decode()
    assert "甲村党支部" in page and "乙村党支部" in page
    r = client.post(
        "/manage/XJ-A/people/new/",
        {"display_name": "周联络", "username": "zhou", "roles": ["member", "clerk"], "member_code": "A001"},
    )
    person = Membership.objects.get(org__code="XJ-A", role=Role.CLERK).user
    assert r["Location"] == f"/manage/people/{person.pk}/"
    client.post(f"/manage/people/{person.pk}/status/", {"op": "link"})
    page = client.get(f"/manage/people/{person.pk}/").content.decode()
    link = re.search(r'value="(http://testserver/accounts/setup/[^"]+)"', page).group(1)
    assert "一次性" in page
    assert link not in client.get(f"/manage/people/{person.pk}/").content.decode()  # shown once
    r = client.post("/manage/XJ-B/move/", {"parent": "XJ-A"})
    assert Organisation.objects.get(code="XJ-B").path.startswith(Organisation.objects.get(code="XJ-A").path)
    r = client.post(
        "/manage/XJ/leading-group/",
        {"name": "王书记", "title": "党工委书记", "position": "leader", "order": 1},
    )
    assert LeadingGroupMember.objects.filter(committee__code="XJ", name="王书记").exists()
    assert (
        AuditEntry.objects.filter(
            action__in=["org.create", "account.create", "org.move", "leading_group.add"]
        ).count()
        == 6
    )


def test_form_errors_are_shown_in_chinese_and_nothing_is_saved(client, tree, people):
    client.force_login(people.secretary_a)
    r = client.post(
        "/manage/TA/new/", {"code": "TA", "name": "", "level": "branch", "sector_type": "community"}
    )
    assert r.status_code == 200
    assert "这个字段是必填项" in r.content.decode() or "请填写" in r.content.decode()
    r = client.post(
        "/manage/TA/new/", {"code": "TA", "name": "重名", "level": "branch", "sector_type": "community"}
    )
    assert "已被使用" in r.content.decode()
    assert Organisation.objects.count() == 4


def test_outsiders_and_other_branches_get_404(client, tree, people):
    client.force_login(people.secretary_a)
    assert client.get("/manage/TB/").status_code == 404
    assert client.post("/manage/TB/new/", {"code": "X", "name": "x", "level": "branch"}).status_code == 404
    assert client.get(f"/manage/people/{people.inspector_c.pk}/").status_code == 404
    assert client.get("/manage/TA1/").status_code == 200
    client.force_login(people.clerk_a)
    assert client.get("/manage/").status_code == 404
    assert client.get("/manage/TA/").status_code == 404
    client.force_login(people.outsider)
    assert client.get("/manage/").status_code == 404


def test_secretary_is_offered_only_roles_they_may_grant(client, tree, people):
    client.force_login(people.secretary_a)
    page = client.get("/manage/TA/").content.decode()
    assert 'value="clerk"' in page and 'value="inspector"' not in page
    r = client.post(
        "/manage/TA/people/new/", {"display_name": "越权", "username": "yq", "roles": ["inspector"]}
    )
    assert r.status_code == 302
    assert not Membership.objects.filter(user__username="yq").exists()
    messages = [str(m) for m in client.get("/manage/TA/").context["messages"]]
    assert any("超出自己权限" in m or "角色" in m for m in messages)


def test_leading_group_page_only_for_the_office(client, tree, people):
    client.force_login(people.secretary_a)
    assert client.get("/manage/TC/leading-group/").status_code == 404
    client.force_login(people.inspector_c)
    assert client.get("/manage/TC/leading-group/").status_code == 200
    # R3: a branch has no leading group: its page is not there, for the office either
    assert client.get("/manage/TA/leading-group/").status_code == 404


def test_exports_list_what_the_pages_list_and_reimport_unchanged(client, tree, people):
    client.force_login(people.secretary_a)
    text = client.get("/manage/?format=csv").content.decode("utf-8-sig")
    assert "TA1" in text and "TB" not in text.split()
    client.post(
        "/manage/TA/people/new/",
        {"display_name": "导出人", "username": "dc", "roles": ["member"], "member_code": "E1"},
    )
    members = client.get("/manage/TA/?format=csv").content.decode("utf-8-sig")
    assert "E1" in members and "导出人" in members
    # The members export has the import's columns: uploaded again, nothing changes.
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        "/manage/import/", {"kind": "members", "file": SimpleUploadedFile("m.csv", members.encode())}
    )
    plan = client.get(r["Location"]).context["plan"]
    assert plan.counts()["create"] == 0 and plan.counts()["unchanged"] >= 1
