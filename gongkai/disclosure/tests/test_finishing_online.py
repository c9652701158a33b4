"""Issue 16, finishing online: drafts deletable by their author, the new-item form starts from the
catalogue, work plans decided with their content shown and followed by their requester."""

import re

import pytest

from gongkai.audit.models import AuditEntry
from gongkai.catalogue.models import Category
from gongkai.disclosure import actions
from gongkai.disclosure.models import DisclosureItem, State, WorkPlan
from gongkai.disclosure.tests.factories import PNG, catalogue_item_for, make_item, owner_of_catalogue, staff
from gongkai.lib.errors import ActionError
from gongkai.orgs.models import Role


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_author_deletes_a_draft_with_its_files(
    client, tree, people, tmp_path, django_capture_on_commit_callbacks
):
    item = make_item(tree.a, by_clerk=people.clerk_a, attachments=[("表.png", PNG, False)])
    stored = tmp_path / item.attachments.get().stored_name
    assert stored.exists()
    client.force_login(people.secretary_a)  # may edit, is not the author
    assert "删除草稿" not in client.get(f"/work/items/{item.pk}/").content.decode()
    client.post(f"/work/items/{item.pk}/delete/")
    assert DisclosureItem.objects.filter(pk=item.pk).exists()
    assert AuditEntry.objects.filter(action="item.delete", result="denied").exists()
    client.force_login(people.clerk_a)
    assert "删除草稿" in client.get(f"/work/items/{item.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/work/items/{item.pk}/delete/", follow=True)
    assert "草稿已删除" in response.content.decode()
    assert not DisclosureItem.objects.filter(pk=item.pk).exists() and not stored.exists()
    assert AuditEntry.objects.filter(action="item.delete_draft", actor=people.clerk_a).exists()
    client.force_login(staff(tree.b, Role.CLERK))
    assert client.post(f"/work/items/{item.pk}/delete/").status_code == 404


def test_a_draft_that_went_through_review_is_kept(tree, people):
    item = make_item(tree.a, state=State.SUBMITTED, by_clerk=people.clerk_a)
    actions.send_back_item(item, by=staff(tree.a, Role.REVIEWER), reason="请补充。")
    with pytest.raises(ActionError, match="不能删除"):
        actions.delete_draft(item, by=people.clerk_a)


def test_the_new_item_form_starts_from_the_catalogue_grouped_by_category(client, tree, people):
    row = catalogue_item_for(tree.a)
    client.force_login(people.clerk_a)
    html = client.get(f"/work/items/new/?org={tree.a.code}&catalogue_item={row.pk}").content.decode()
    select = re.search(r'<select name="catalogue_item".*?</select>', html, re.S).group(0)
    assert "目录外事项" not in select and "请选择目录事项" in select
    assert f'<optgroup label="{Category(row.category).label}">' in select
    assert re.search(rf'<option value="{row.pk}" selected>', select)
    assert 'name="work_plan"' not in html, "no approved work plan: the catalogue only"


def test_work_plans_are_decided_with_their_content_and_followed_by_the_requester(client, tree, people):
    catalogue_item_for(tree.a)
    plan = actions.submit_work_plan(
        tree.a, by=people.clerk_a, title="志愿服务积分公开方案", body="每季度在公开栏公开积分兑换明细。",
        category=Category.SERVICE,
    )  # fmt: skip
    client.force_login(people.clerk_a)
    mine = client.get("/work/requests/").content.decode()
    assert "本组织报批的工作方案" in mine and "志愿服务积分公开方案" in mine and "待审核" in mine
    owner = owner_of_catalogue(tree.a)
    client.force_login(owner)
    page = client.get("/work/requests/").content.decode()
    assert "每季度在公开栏公开积分兑换明细。" in page
    client.post(f"/work/requests/plan/{plan.pk}/approve/", {"note": "同意，按季度公开。"})
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED and plan.decision_note == "同意，按季度公开。"
