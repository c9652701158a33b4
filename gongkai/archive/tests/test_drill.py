"""Security bar 22–23: the restore drill, and 50 simultaneous publications on PostgreSQL."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections

from gongkai.archive.models import Snapshot
from gongkai.audit.chain import verify
from gongkai.disclosure.actions import publish_item

from .factories import approved_item, catalogue_item, published_item

GONGKAI = str(Path(sys.executable).parent / "gongkai")


def _gongkai(*args, env):
    return subprocess.run([GONGKAI, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the PostgreSQL drill needs a second database")
def test_restore_drill(transactional_db, people, tree, tmp_path):
    rule = catalogue_item(tree.committee)
    for _ in range(3):
        published_item(tree.a, people.clerk_a, rule, with_attachment=True)
    call_command("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup", str(tmp_path / "backup"))

    fresh = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "fresh-files"),
        "GONGKAI_VAR_DIR": str(tmp_path / "var"),
    }
    done = _gongkai("restore", str(tmp_path / "backup"), env=fresh)
    assert done.returncode == 0, done.stderr
    assert "全部通过" in done.stdout
    verified = _gongkai("audit_verify", env=fresh)
    assert verified.returncode == 0 and "审计链完好" in verified.stdout
    assert _gongkai("fixity_check", env=fresh).returncode == 0

    again = _gongkai("restore", str(tmp_path / "backup"), env=fresh)
    assert again.returncode != 0 and "不是空库" in again.stderr


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are what is tested")
def test_fifty_simultaneous_publications_get_consecutive_codes(transactional_db, people, tree):
    rule = catalogue_item(tree.committee)
    items = [approved_item(tree.a, people.clerk_a, rule, title=f"事项{n}") for n in range(50)]
    start = threading.Barrier(len(items))
    errors = []

    def publish(item):
        try:
            start.wait()
            publish_item(item, by=people.clerk_a)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sequences = sorted(Snapshot.objects.filter(org=tree.a).values_list("sequence", flat=True))
    assert sequences == list(range(1, 51))
    assert Snapshot.objects.values("code").distinct().count() == 50
    verdict = verify()
    assert verdict.ok, verdict.problem
    assert connection.vendor == "postgresql" and settings.DATABASES["default"]["NAME"]
