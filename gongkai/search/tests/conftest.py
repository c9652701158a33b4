import pytest

from gongkai.catalogue.models import Category, Scope
from gongkai.disclosure.tests.factories import catalogue_item_for, published_item, staff
from gongkai.orgs.models import Role


@pytest.fixture
def publish(tree):
    """publish(title, body, scope=public, org=tree.a, category=…): a published item, public at once."""
    clerks: dict = {}
    rules: dict = {}

    def make(title, body="", scope=Scope.PUBLIC, org=None, category=Category.ORGANISATION, **kw):
        org = org or tree.a
        if org.pk not in clerks:
            clerks[org.pk] = (staff(org, Role.CLERK), staff(org, Role.REVIEWER), staff(org, Role.SECRETARY))
        key = (org.pk, category)
        if key not in rules:
            rules[key] = catalogue_item_for(org, min_internal_days=0, category=category)
        clerk, reviewer, secretary = clerks[org.pk]
        kw.setdefault("catalogue_item", rules[key])
        return published_item(
            org,
            scope,
            title=title,
            body=body,
            by_clerk=clerk,
            reviewer=reviewer,
            secretary=secretary,
            **kw,
        )

    return make
