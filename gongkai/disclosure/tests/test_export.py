"""R34: a staff member's export of the items list holds exactly the rows their list shows."""

import csv
import io

import pytest
from openpyxl import load_workbook

from gongkai.conftest import UserFactory, grant
from gongkai.disclosure.tests.factories import make_catalogue, make_item, published_item
from gongkai.orgs.models import Role

pytestmark = pytest.mark.django_db


def listed(client):
    return {i.pk for i in client.get("/work/items/").context["items"]}


def exported_csv(client):
    r = client.get("/work/items/?format=csv")
    assert r["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def test_items_export_matches_the_list_for_clerk_sibling_and_inspector(client, tree, people):
    make_catalogue(tree.committee)
    a = published_item(tree.a, title="甲支部公开事项")
    a1 = make_item(tree.a1, title="甲一支部草稿")
    b = published_item(tree.b, title="乙支部公开事项")
    clerk_b = grant(UserFactory(), tree.b, Role.CLERK)
    for user, expected in [
        (people.clerk_a, {a.pk, a1.pk}),
        (clerk_b, {b.pk}),
        (people.inspector_c, {a.pk, a1.pk, b.pk}),
    ]:
        client.force_login(user)
        assert listed(client) >= expected
        header, rows = exported_csv(client)
        titles = {r[header.index("标题")] for r in rows}
        from gongkai.disclosure.models import DisclosureItem

        assert titles == set(
            DisclosureItem.objects.filter(pk__in=listed(client)).values_list("title", flat=True)
        )
        assert len(rows) == len(listed(client))
    client.force_login(clerk_b)
    wb = load_workbook(io.BytesIO(client.get("/work/items/?format=xlsx").content))
    values = [c.value for row in wb.active.iter_rows() for c in row]
    assert "乙支部公开事项" in values and "甲支部公开事项" not in values


def test_formula_text_in_a_title_stays_text(client, tree, people):
    make_catalogue(tree.committee)
    make_item(tree.a, title='=HYPERLINK("http://x")')
    client.force_login(people.clerk_a)
    _header, rows = exported_csv(client)
    assert any(r[4].startswith("'=") for r in rows)
