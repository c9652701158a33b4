import pytest

from gongkai.audit.models import AuditEntry
from gongkai.conftest import UserFactory, grant
from gongkai.orgs.models import Role

from .factories import PNG, catalogue_item, published_item


@pytest.fixture
def snap(people, tree):
    rule = catalogue_item(tree.committee)
    return published_item(tree.a, people.clerk_a, rule, with_attachment=True).snapshots.get()


def test_staff_of_the_org_or_above_and_auditors_see_the_archive(people, tree, snap, client):
    for user in (people.clerk_a, people.secretary_a, people.auditor_c, people.inspector_c):
        client.force_login(user)
        listing = client.get("/archive/")
        assert snap.code in listing.content.decode()
        detail = client.get(f"/archive/{snap.code}/")
        assert detail.status_code == 200 and snap.files.first().sha256 in detail.content.decode()


def test_others_get_404_like_missing(people, tree, snap, client):
    clerk_b = grant(UserFactory(), tree.b, Role.CLERK)
    for user in (people.member_a, people.outsider, clerk_b):
        client.force_login(user)
        assert client.get(f"/archive/{snap.code}/").status_code == 404
        assert client.get(f"/archive/{snap.code}/files/{snap.files.first().pk}/").status_code == 404
    assert client.get("/archive/NOPE-2026-01-0001/").status_code == 404
    client.force_login(clerk_b)
    assert snap.code not in client.get("/archive/").content.decode()
    client.force_login(people.member_a)
    assert client.get("/archive/").status_code == 404
    client.logout()
    assert client.get("/archive/").status_code == 404


def test_download_is_an_attachment_and_audited(people, snap, client):
    client.force_login(people.auditor_c)
    attachment = snap.files.get(kind="attachment")
    response = client.get(f"/archive/{snap.code}/files/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="archive.download", actor=people.auditor_c).exists()


def test_browse_filters_and_constant_queries(people, tree, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rule = catalogue_item(tree.committee, category=4)
    published_item(tree.a, people.clerk_a, rule)
    client.force_login(people.auditor_c)
    with CaptureQueriesContext(connection) as few:
        client.get("/archive/")
    for _ in range(12):
        published_item(tree.a, people.clerk_a, rule)
    with django_assert_max_num_queries(len(few)):
        page = client.get("/archive/", {"category": 4, "org": "TA"})
    assert page.context["page"].paginator.count == 13
    assert client.get("/archive/", {"category": 7}).context["page"].paginator.count == 0
    bad = client.get("/archive/", {"year": "abc"})
    assert bad.status_code == 200 and bad.context["page"].paginator.count == 0
