"""Issue 13.5: with several worker processes on the embedded default (no Redis), a withdrawn item is
gone from every worker's answer at once: the page cache is shared, not kept per process."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache

from gongkai.catalogue.models import Scope
from gongkai.disclosure import actions, board_cache
from gongkai.disclosure.models import ChangeRequest
from gongkai.disclosure.tests.factories import owner_of_catalogue, published_item

ROOT = Path(__file__).resolve().parents[3]


def invalidate_in_another_process(org_id, tmp_path) -> None:
    """What a second gunicorn worker does when the withdrawal goes through it: a separate Python
    process with the project's settings and the same (embedded default) cache location."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="gongkai.settings",
        GONGKAI_VAR_DIR=str(tmp_path),
        GONGKAI_CACHE_DIR=settings.CACHES["default"]["LOCATION"],
        PYTHONPATH=str(ROOT),
    )
    code = (
        "import django; django.setup()\n"
        "from gongkai.disclosure import board_cache\n"
        f"board_cache.invalidate({org_id})\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)


def test_the_embedded_default_cache_is_shared_by_worker_processes():
    assert not settings.REDIS_URL or settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    if not settings.REDIS_URL:
        assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"


def test_a_withdrawal_through_another_worker_is_seen_at_once(client, tree, monkeypatch, tmp_path):
    item = published_item(tree.a, Scope.PUBLIC, min_internal_days=0, title="党费收缴情况（第三季度）")
    board = f"/orgs/{tree.a.code}/board/"
    assert item.title in client.get(board).content.decode()  # now cached
    assert client.get(f"/items/{item.pk}/").status_code == 200

    # The withdrawal goes through the other worker: the row changes in the shared database, and the
    # invalidation runs in that worker's process, not in this one.
    monkeypatch.setattr(board_cache, "invalidate", lambda org_id: None)
    change = actions.request_change(item, by=item.author, kind=ChangeRequest.Kind.REVOKE, reason="内容有误。")
    actions.decide_change(change, by=owner_of_catalogue(tree.a), approve=True)
    stale = client.get(board).content.decode()
    assert "已撤销" not in stale and item.title in stale  # this worker was told nothing yet
    assert "已撤销" not in client.get(f"/items/{item.pk}/").content.decode()
    monkeypatch.undo()

    invalidate_in_another_process(item.org_id, tmp_path)
    fresh = client.get(board).content.decode()
    assert f"《{item.title}》已撤销：内容有误。" in fresh  # R11: the board now shows the notice instead
    assert "已撤销" in client.get(f"/items/{item.pk}/").content.decode()  # the old link says so


def test_two_cache_instances_on_one_location_see_each_others_generation(tmp_path):
    first, second = (FileBasedCache(str(tmp_path), {}) for _ in range(2))
    first.set("board:gen:all", "a1", None)
    assert second.get("board:gen:all") == "a1"
    second.set("board:gen:all", "b2", None)
    assert first.get("board:gen:all") == "b2"


def test_an_evicted_generation_never_comes_back_to_an_old_value():
    seen = {board_cache._generation(board_cache.ALL)}
    for _ in range(5):
        board_cache.invalidate(1)
        seen.add(board_cache._generation(board_cache.ALL))
        cache.delete(f"board:gen:{board_cache.ALL}")  # evicted (culled, or the cache was cleared)
        seen.add(board_cache._generation(board_cache.ALL))
    assert len(seen) == 11
