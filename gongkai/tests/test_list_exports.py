"""R34: staff lists export CSV/XLSX of exactly their rows, through the one spreadsheet helper."""

import csv
import io

import pytest
from django.urls import reverse

from gongkai.conftest import UserFactory, grant
from gongkai.disclosure.tests.factories import make_catalogue
from gongkai.obligations.actions import generate_obligations
from gongkai.orgs.models import Role

pytestmark = pytest.mark.django_db


def rows_of(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


def test_obligations_export_is_the_whole_filtered_list(client, tree, people):
    make_catalogue(tree.committee)
    generate_obligations(2026)
    client.force_login(people.clerk_a)
    page = client.get("/work/obligations/?year=2026")
    rows = rows_of(client.get("/work/obligations/?year=2026&format=csv"))
    assert len(rows) == page.context["page"].paginator.count > 0
    assert {r[0] for r in rows} <= {tree.a.name, tree.a1.name}
    clerk_b = grant(UserFactory(), tree.b, Role.CLERK)
    client.force_login(clerk_b)
    assert {r[0] for r in rows_of(client.get("/work/obligations/?year=2026&format=csv"))} == {tree.b.name}


def test_applications_and_feedback_exports_follow_visibility(client, tree, people):
    from gongkai.applications.actions import submit_application
    from gongkai.feedback.actions import record_offline

    submit_application(tree.a, by=people.member_a, title="党费使用明细", description="2026年")
    record_offline(tree.a, by=people.clerk_a, channel="hotline", subject="路灯不亮", content="东门")
    client.force_login(people.clerk_a)
    apps = rows_of(client.get(reverse("applications:work") + "?format=csv"))
    cases = rows_of(client.get(reverse("feedback:work") + "?format=csv"))
    assert [r[2] for r in apps] == ["党费使用明细"] and [r[4] for r in cases] == ["路灯不亮"]
    client.force_login(grant(UserFactory(), tree.b, Role.CLERK))
    assert rows_of(client.get(reverse("applications:work") + "?format=csv")) == []
    assert rows_of(client.get(reverse("feedback:work") + "?format=csv")) == []


def test_inspections_and_audit_exports_follow_visibility(client, tree, people):
    from datetime import date

    from gongkai.oversight.actions import create_inspection

    create_inspection(tree.a, by=people.inspector_c, on=date(2026, 3, 1), summary="甲支部检查")
    client.force_login(people.inspector_c)
    assert [r[2] for r in rows_of(client.get("/oversight/inspections/?format=csv"))] == ["甲支部检查"]
    audit = rows_of(client.get("/audit/?format=csv"))
    assert "oversight.inspect" in {r[4] for r in audit}
    auditor_b = grant(UserFactory(), tree.b, Role.AUDITOR)
    client.force_login(auditor_b)
    assert "oversight.inspect" not in {r[4] for r in rows_of(client.get("/audit/?format=csv"))}
    assert client.get("/audit/?format=xlsx").status_code == 200
    client.force_login(grant(UserFactory(), tree.b, Role.CLERK))
    assert rows_of(client.get("/oversight/inspections/?format=csv")) == []
