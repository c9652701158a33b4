"""SECURITY.md 10: denied reads of existing objects and logins reach the auditors who should see them."""

from gongkai import access
from gongkai.archive.tests.factories import approved_item, catalogue_item
from gongkai.audit.models import AuditEntry
from gongkai.conftest import PASSWORD, UserFactory, grant
from gongkai.orgs.models import Role


def test_reading_an_existing_object_one_may_not_see_is_audited_like_a_404(people, tree, client):
    item = approved_item(tree.a, people.clerk_a, catalogue_item(tree.committee))
    client.force_login(people.member_b)
    hidden = client.get(f"/items/{item.pk}/")
    missing = client.get("/items/999999/")
    assert hidden.status_code == missing.status_code == 404
    denial = AuditEntry.objects.get(result="denied")
    assert (denial.action, denial.object_id, denial.actor_id) == (
        "disclosureitem.read",
        str(item.pk),
        people.member_b.pk,
    )
    assert denial.org_path == tree.a.path


def test_a_denied_api_read_is_audited_too(people, tree, client):
    from gongkai.accounts.models import ApiToken

    item = approved_item(tree.a, people.clerk_a, catalogue_item(tree.committee))
    raw = ApiToken.issue(people.member_b)
    response = client.get(f"/api/v1/items/{item.pk}", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 404
    assert AuditEntry.objects.filter(result="denied", object_id=str(item.pk), actor=people.member_b).exists()


def test_logins_are_visible_to_the_auditors_of_the_users_organisations(tree, client):
    branch_auditor = grant(UserFactory(), tree.a, Role.AUDITOR)
    own = grant(UserFactory(), tree.a1, Role.MEMBER)
    other = grant(UserFactory(), tree.b, Role.MEMBER)
    for user in (own, other):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        client.post("/accounts/logout/")
    seen = access.visible_audit_entries(branch_auditor).filter(action__startswith="auth.")
    assert sorted(seen.values_list("action", flat=True)) == ["auth.login", "auth.login_failed", "auth.logout"]
    assert {e.object_id or str(e.actor_id) for e in seen} == {str(own.pk)}


def test_every_export_is_an_audit_entry_for_the_organisation_concerned(tree, people, client):
    from django.urls import reverse

    client.force_login(people.inspector_c)
    for fmt in ("csv", "xlsx"):
        response = client.get(
            reverse("reports:stats"), {"org": "TC", "from": "2025-01-01", "to": "2025-12-31", "format": fmt}
        )
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    entries = list(AuditEntry.objects.filter(action="export.download").order_by("sequence"))
    assert [e.data["file"].rsplit(".", 1)[1] for e in entries] == ["csv", "xlsx"]
    assert all(e.actor_id == people.inspector_c.pk and e.org_path == tree.committee.path for e in entries)
    assert entries[0].data["path"] == reverse("reports:stats") and "format=csv" in entries[0].data["query"]
    assert entries[0].data["rows"] > 0
    client.get(reverse("reports:stats"), {"org": "TC", "from": "2025-01-01", "to": "2025-12-31"})
    assert AuditEntry.objects.filter(action="export.download").count() == 2, "viewing the page is no export"
