"""SECURITY 18, 20: downloads named and typed by their checked content, never served as HTML; stray
files under attachments/ reported; the database, backups and the key file readable by the owner only."""

import os
import stat
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from gongkai.archive.fixity import check
from gongkai.archive.models import SnapshotFile
from gongkai.disclosure.models import Attachment
from gongkai.lib.private_files import create_private, sqlite_files_private

from .factories import PNG, catalogue_item, published_item


def _published_with_attachment_named(tree, people, name):
    item = published_item(tree.a, people.clerk_a, catalogue_item(tree.committee), with_attachment=True)
    Attachment.objects.filter(item=item).update(original_name=name)
    SnapshotFile.objects.filter(snapshot__item=item, kind="attachment").update(name=name)  # as ingested then
    return item


def test_an_html_named_png_downloads_as_png(people, tree, client):
    item = _published_with_attachment_named(tree, people, "x.html")
    attachment = item.attachments.get()
    client.force_login(people.member_a)
    response = client.get(f"/items/{item.pk}/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert 'filename="x.png"' in response["Content-Disposition"]


def test_archived_copies_are_never_served_as_html(people, tree, client):
    item = _published_with_attachment_named(tree, people, "x.html")
    snapshot = item.snapshots.get()
    client.force_login(people.auditor_c)
    for part in snapshot.files.all():
        response = client.get(f"/archive/{snapshot.code}/files/{part.pk}/")
        assert response.status_code == 200
        assert "html" not in response["Content-Type"] and ".html" not in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
    png = snapshot.files.get(kind="attachment")
    response = client.get(f"/archive/{snapshot.code}/files/{png.pk}/")
    assert response["Content-Type"] == "image/png" and b"".join(response.streaming_content) == PNG


def test_fixity_reports_files_under_attachments_nobody_registered(people, tree):
    published_item(tree.a, people.clerk_a, catalogue_item(tree.committee), with_attachment=True)
    assert check().ok
    stray = default_storage.save("attachments/planted.html", ContentFile(b"<script>x</script>"))
    report = check()
    assert report.untracked == [f"{stray}（未登记附件）"]


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backups_are_for_the_owner_only(transactional_db, people, tree, tmp_path):
    published_item(tree.a, people.clerk_a, catalogue_item(tree.committee), with_attachment=True)
    old = os.umask(0o022)
    try:
        call_command("backup", str(tmp_path / "backup"))
    finally:
        os.umask(old)
    assert _mode(tmp_path / "backup") == 0o700
    files = [p for p in (tmp_path / "backup").rglob("*") if p.is_file()]
    assert files and {_mode(p) for p in files} == {0o600}


def test_sqlite_files_and_the_key_file_are_created_for_the_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        db = tmp_path / "gongkai.sqlite3"
        for suffix in ("", "-wal"):
            Path(f"{db}{suffix}").write_bytes(b"")
        fake = type("C", (), {"vendor": "sqlite", "settings_dict": {"NAME": str(db)}})()
        sqlite_files_private(None, fake)
        create_private(tmp_path / "secret_key", "k")
    finally:
        os.umask(old)
    assert _mode(db) == _mode(f"{db}-wal") == _mode(tmp_path / "secret_key") == 0o600
