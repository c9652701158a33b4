"""R4–R5: the catalogue owner edits a draft, sees the difference, publishes with an effective date."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongkai.audit.models import AuditEntry
from gongkai.catalogue import actions
from gongkai.catalogue.models import CatalogueItem, current_version_for
from gongkai.conftest import UserFactory, grant
from gongkai.disclosure.tests.factories import make_catalogue
from gongkai.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(tree):
    return grant(UserFactory(), tree.committee, Role.CATALOGUE_OWNER)


def test_draft_diff_publish_and_the_published_version_never_changes(tree, owner, people):
    catalogue = make_catalogue(tree.committee)
    v1 = catalogue.current_version()
    draft = actions.start_draft(catalogue, by=owner)
    assert draft.items.count() == v1.items.count()
    first = draft.items.order_by("number").first()
    actions.save_item(draft, item=first, title="党费收缴、管理和使用情况（修订）", by=owner)
    actions.save_item(
        draft,
        category=8,
        title="新增事项",
        target_scope="org_members",
        duration="long",
        timing="none",
        by=owner,
    )
    last = draft.items.order_by("-number").exclude(title="新增事项").first()
    actions.remove_item(last, by=owner)
    kinds = {(c.kind, c.title) for c in actions.diff(draft, v1)}
    assert ("changed", "党费收缴、管理和使用情况（修订）") in kinds and ("added", "新增事项") in kinds
    assert ("removed", last.title) in kinds
    with pytest.raises(ValidationError, match="目录制定单位"):
        actions.save_item(draft, item=first, title="x", by=people.inspector_c)
    later = timezone.localdate() + timedelta(days=10)
    actions.publish_version(draft, effective_from=later, by=owner)
    # Not yet in force: the organisations keep v1 until the effective date.
    assert current_version_for(tree.a) == v1
    assert current_version_for(tree.a, on=later) == draft
    with pytest.raises(ValidationError, match="已发布"):
        actions.save_item(draft, item=first, title="改", by=owner)
    assert CatalogueItem.objects.get(pk=first.pk).title == "党费收缴、管理和使用情况（修订）"
    assert AuditEntry.objects.filter(action="catalogue.publish").exists()


def test_pages_show_the_difference_and_refuse_outsiders(client, tree, owner, people):
    catalogue = make_catalogue(tree.committee)
    client.force_login(owner)
    draft_url = client.post(f"/catalogue/manage/{catalogue.pk}/")["Location"]
    page = client.get(draft_url).content.decode()
    assert "与第 1 版相比" in page and "与现行版本相同" in page
    r = client.post(
        draft_url,
        {
            "category": "8",
            "title": "",
            "target_scope": "public",
            "duration": "long",
            "timing": "none",
            "due_offset": "0",
            "min_internal_days": "0",
            "retention": "30y",
            "stages": "[]",
        },
    )
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    client.force_login(people.secretary_a)
    assert client.get(draft_url).status_code == 404
    assert client.get("/catalogue/manage/").status_code == 404


def test_obligations_follow_the_effective_date_and_earlier_periods_keep_their_version(tree, owner):
    from datetime import date

    import time_machine

    from gongkai.obligations.actions import generate_obligations
    from gongkai.obligations.models import Obligation

    with time_machine.travel(date(2026, 1, 5), tick=False):
        catalogue = make_catalogue(tree.committee)
        v1 = catalogue.current_version()
        generate_obligations(2026)
        quarterly = v1.items.get(cadence="quarterly")
        assert Obligation.objects.filter(org=tree.a, catalogue_item=quarterly).count() == 4
    with time_machine.travel(date(2026, 6, 15), tick=False):
        draft = actions.start_draft(catalogue, by=owner)
        new_item = draft.items.get(number=quarterly.number)
        actions.save_item(draft, item=new_item, due_offset=5, by=owner)
        actions.publish_version(draft, effective_from=date(2026, 7, 1), by=owner)
    rows = Obligation.objects.filter(org=tree.a, key__startswith="2026-Q").order_by("period_start")
    by_quarter = {o.period_label or o.key: o.catalogue_item.version_id for o in rows}
    assert len(rows) == 4, by_quarter
    assert [o.catalogue_item.version_id for o in rows] == [v1.pk, v1.pk, draft.pk, draft.pk]


def test_stages_are_written_one_a_line_and_the_editor_is_in_the_owners_navigation(
    client, tree, owner, people
):
    catalogue = make_catalogue(tree.committee)
    client.force_login(owner)
    assert 'href="/catalogue/manage/"' in client.get("/").content.decode()
    draft_url = client.post(f"/catalogue/manage/{catalogue.pk}/")["Location"]
    staged = draft_items(draft_url).get(timing="staged")
    page = client.get(f"{draft_url}?item={staged.pk}").content.decode()
    assert "确定发展对象 5" in page and "[{" not in page  # the stored list, shown a line per stage
    form = {
        "category": "3",
        "title": "发展党员",
        "target_scope": "public",
        "duration": "short",
        "period_days": "7",
        "timing": "staged",
        "due_offset": "0",
        "min_internal_days": "0",
        "retention": "30y",
    }
    r = client.post(
        f"{draft_url}?item={staged.pk}", {**form, "stages": "确定入党积极分子 5\n\n确定发展对象，7个工作日"}
    )
    assert r.status_code == 302
    staged.refresh_from_db()
    assert staged.stages == [{"name": "确定入党积极分子", "days": 5}, {"name": "确定发展对象", "days": 7}]
    r = client.post(f"{draft_url}?item={staged.pk}", {**form, "stages": "确定发展对象 五天"})
    assert r.status_code == 200 and "公开阶段第 1 行应为" in r.content.decode()
    # the difference reads as the form does, not as stored codes
    fees = draft_items(draft_url).get(title="党费收缴、管理和使用情况")
    client.post(
        f"{draft_url}?item={fees.pk}",
        {**form, "title": fees.title, "category": "3", "duration": "long", "period_days": "",
         "timing": "periodic", "cadence": "quarterly", "due_offset": "10", "target_scope": "all_members",
         "min_internal_days": "5", "stages": ""},
    )  # fmt: skip
    page = client.get(draft_url).content.decode()
    assert "<del>社会公开</del> → <ins>全体党员</ins>" in page
    assert (
        "<del>入党申请人 5 个工作日；" in page
        and "<ins>确定入党积极分子 5 个工作日；确定发展对象 7 个工作日</ins>" in page
    )
    client.force_login(people.secretary_a)
    assert 'href="/catalogue/manage/"' not in client.get("/").content.decode()


def draft_items(draft_url):
    from gongkai.catalogue.models import CatalogueVersion

    return CatalogueVersion.objects.get(pk=int(draft_url.rstrip("/").rsplit("/", 1)[1])).items
