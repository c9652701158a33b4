"""R25: re-hash every archived file (and every live attachment) against the digest taken at ingest."""

import hashlib
from dataclasses import dataclass, field

from django.core.files.storage import default_storage

from gongkai.audit.log import record

from .actions import PREFIX
from .models import SnapshotFile

ATTACHMENTS = "attachments"  # where disclosure.actions stores uploads


@dataclass
class Report:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    untracked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.untracked)

    def summary(self) -> dict:
        return {
            "checked": self.checked,
            "changed": len(self.changed),
            "missing": len(self.missing),
            "untracked": len(self.untracked),
            "first": (self.changed + self.missing + self.untracked)[:5],
        }


def file_sha256(storage, path: str) -> str:
    digest = hashlib.sha256()
    with storage.open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(storage, folder: str):
    if not storage.exists(folder):
        return
    dirs, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for name in dirs:
        yield from _walk(storage, f"{folder}/{name}")


def _compare(storage, report: Report, path: str, expected: str, label: str) -> None:
    report.checked += 1
    if not storage.exists(path):
        report.missing.append(f"{path}（{label}）")
    elif file_sha256(storage, path) != expected:
        report.changed.append(f"{path}（{label}）")


def check(storage=None, using: str = "default") -> Report:
    from gongkai.disclosure.models import Attachment

    storage = storage or default_storage
    report = Report()
    tracked = set()
    rows = SnapshotFile.objects.using(using).order_by("pk").values_list("path", "sha256", "snapshot__code")
    for path, sha256, code in rows.iterator():
        tracked.add(path)
        _compare(storage, report, path, sha256, f"档号 {code}")
    live = Attachment.objects.using(using).exclude(sha256="").order_by("pk")
    for path, sha256, name in live.values_list("stored_name", "sha256", "original_name").iterator():
        _compare(storage, report, path, sha256, f"附件 {name}")
    attached = set(Attachment.objects.using(using).values_list("stored_name", flat=True).iterator())
    report.untracked = sorted(
        [f"{p}（未登记）" for p in _walk(storage, PREFIX) if p not in tracked]
        + [f"{p}（未登记附件）" for p in _walk(storage, ATTACHMENTS) if p not in attached]
    )
    return report


def check_and_record(storage=None) -> Report:
    """Run the check and put its outcome in the audit chain, where the auditors see it (fixity.mismatch)."""
    report = check(storage)
    if report.ok:
        record(action="fixity.check", data={"checked": report.checked})
    else:
        record(action="fixity.mismatch", result="failed", data=report.summary())
    return report
