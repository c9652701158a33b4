import csv
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from gongkai.archive.fixity import check
from gongkai.audit.models import AuditEntry

from .factories import catalogue_item, published_item


@pytest.fixture
def snaps(people, tree):
    rule = catalogue_item(tree.committee)
    return [
        published_item(tree.a, people.clerk_a, rule, with_attachment=True).snapshots.get() for _ in range(2)
    ]


def _path(part):
    return Path(settings.MEDIA_ROOT) / part.path


def test_fixity_passes_on_a_sound_archive(snaps, capsys):
    call_command("fixity_check")
    assert "完整性检查通过" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="fixity.check").exists()


def test_one_changed_byte_is_named(snaps, capsys):
    part = snaps[1].files.get(kind="attachment")
    data = bytearray(_path(part).read_bytes())
    data[-1] ^= 0x01
    _path(part).write_bytes(bytes(data))
    with pytest.raises(CommandError, match="改动 1 个"):
        call_command("fixity_check")
    out = capsys.readouterr().out
    assert f"已改动：{part.path}（档号 {snaps[1].code}）" in out
    entry = AuditEntry.objects.get(action="fixity.mismatch")
    assert entry.result == "failed" and entry.data["changed"] == 1


def test_missing_and_untracked_files_are_reported(snaps):
    content = snaps[0].files.get(kind="content")
    _path(content).unlink()
    stray = _path(content).parent / "stray.txt"
    stray.write_text("x")
    report = check()
    assert [p.split("（")[0] for p in report.missing] == [content.path]
    assert report.untracked == [f"{content.path.rsplit('/', 1)[0]}/stray.txt（未登记）"]


def test_export_writes_a_valid_bag_with_a_chinese_index(snaps, tmp_path):
    target = tmp_path / "bag"
    call_command("archive_export", "--org", "TA", "--year", str(snaps[0].year), str(target))
    bag = bagit.Bag(str(target))
    bag.validate()
    with open(target / "data" / "index.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4 and {r["档号"] for r in rows} == {s.code for s in snaps}
    assert rows[0]["目录类别"] == "组织管理" and rows[0]["保管期限"] == "永久"
    assert "党务公开档案目录" in (target / "data" / "index.html").read_text(encoding="utf-8")
    assert AuditEntry.objects.filter(action="archive.export").exists()

    script = Path(sys.executable).parent / "bagit.py"
    if script.exists():
        done = subprocess.run([sys.executable, str(script), "--validate", str(target)], capture_output=True)
        assert done.returncode == 0, done.stderr

    (target / "data" / snaps[0].code / "content.json").write_text("{}")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(target)).validate()


def test_export_refuses_a_corrupt_archive_and_unknown_org(snaps, tmp_path):
    part = snaps[0].files.get(kind="attachment")
    _path(part).write_bytes(b"changed")
    with pytest.raises(CommandError, match="与归档摘要不符"):
        call_command("archive_export", "--org", "TA", "--year", str(snaps[0].year), str(tmp_path / "b"))
    with pytest.raises(CommandError, match="没有代码为"):
        call_command("archive_export", "--org", "NOPE", "--year", "2026", str(tmp_path / "c"))
    shutil.rmtree(tmp_path / "b", ignore_errors=True)


def test_weekly_job_tells_the_auditors_through_the_audit_log(snaps, people, client):
    from gongkai.archive.tasks import weekly_fixity_check

    _path(snaps[0].files.get(kind="content")).unlink()
    summary = weekly_fixity_check.call_local()
    assert summary["missing"] == 1
    client.force_login(people.auditor_c)
    page = client.get("/audit/", {"action": "fixity.mismatch"})
    assert page.context["page"].paginator.count == 1
