"""Issue 14: the Django admin lists every model for the superuser, read-only where actions rule."""

import pytest
from django.contrib import admin

from gongkai.conftest import UserFactory
from gongkai.disclosure.tests.factories import make_catalogue, published_item

pytestmark = pytest.mark.django_db


def test_every_project_model_is_registered_and_lists(client, tree, people):
    make_catalogue(tree.committee)
    item = published_item(tree.a)
    client.force_login(UserFactory(is_superuser=True))
    models = [m for m in admin.site._registry if m.__module__.startswith("gongkai.")]
    assert len(models) > 40
    for model in models:
        url = f"/django-admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
    page = client.get(f"/django-admin/disclosure/disclosureitem/{item.pk}/change/")
    assert page.status_code == 200 and item.title in page.content.decode()
    r = client.post(f"/django-admin/disclosure/disclosureitem/{item.pk}/change/", {"title": "改"})
    assert r.status_code == 403
    assert client.get("/django-admin/audit/auditentry/add/").status_code == 403
    assert client.get("/django-admin/catalogue/catalogue/add/").status_code == 200


def test_only_the_superuser_enters(client, people):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/django-admin/").status_code == 302
    client.force_login(people.inspector_c)
    assert client.get("/django-admin/").status_code == 302
