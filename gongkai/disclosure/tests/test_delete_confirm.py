"""Issue 16: deleting a draft asks for confirmation first (no script: a page), and asking deletes
nothing."""

import pytest

from gongkai.disclosure.models import DisclosureItem
from gongkai.disclosure.tests.factories import PNG, make_item


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_delete_button_asks_first_and_asking_deletes_nothing(client, tree, people):
    item = make_item(
        tree.a, by_clerk=people.clerk_a, title="待删除的草稿", attachments=[("表.png", PNG, False)]
    )
    client.force_login(people.clerk_a)
    work = client.get(f"/work/items/{item.pk}/").content.decode()
    assert f'<a class="button secondary" href="/work/items/{item.pk}/delete/">删除草稿</a>' in work
    page = client.get(f"/work/items/{item.pk}/delete/")
    html = page.content.decode()
    assert page.status_code == 200 and "确认删除草稿" in html
    assert "待删除的草稿" in html and "表.png" in html and "甲社区党支部" in html
    assert '<button type="submit" class="primary">确认删除</button>' in html
    assert f'href="/work/items/{item.pk}/">取消</a>' in html
    assert DisclosureItem.objects.filter(pk=item.pk).exists() and item.attachments.count() == 1
    response = client.post(f"/work/items/{item.pk}/delete/", follow=True)
    assert "草稿已删除" in response.content.decode()
    assert not DisclosureItem.objects.filter(pk=item.pk).exists()


def test_only_the_author_is_asked(client, tree, people):
    item = make_item(tree.a, by_clerk=people.clerk_a)
    client.force_login(people.secretary_a)  # reads and edits the draft, did not write it
    page = client.get(f"/work/items/{item.pk}/delete/", follow=True)
    assert "确认删除" not in page.content.decode() and "只有草稿的拟稿人可以删除" in page.content.decode()
    assert DisclosureItem.objects.filter(pk=item.pk).exists()
    client.force_login(people.member_a)
    assert client.get(f"/work/items/{item.pk}/delete/").status_code == 404
