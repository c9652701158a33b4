"""R24: archive an immutable snapshot, in the transaction of the publication, change or revocation."""

import hashlib
import json
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gongkai.audit.log import record
from gongkai.catalogue.models import Category, Retention
from gongkai.numbering.models import next_number

from .models import Snapshot, SnapshotFile

PREFIX = "archive"


def canonical_json(payload: dict) -> bytes:
    """One fixed encoding, so the same version always gives the same bytes and digest."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, indent=1, default=str).encode()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _put(path: str, data: bytes) -> None:
    """Write at exactly `path`. A rolled-back snapshot gives its code back, and the next one with that
    code overwrites what it left, so no orphan outlives the next archiving."""
    if default_storage.exists(path):
        default_storage.delete(path)
    saved = default_storage.save(path, ContentFile(data))
    if saved != path:  # pragma: no cover - a storage that renames would break fixity
        raise RuntimeError(f"archive storage renamed {path} to {saved}")


def _iso(value):
    return value.isoformat() if value else None


@transaction.atomic
def archive_record(
    *,
    org,
    category: int,
    retention: str,
    title: str,
    event: str,
    payload: dict,
    files,
    by,
    obj=None,
    item=None,
    now=None,
) -> Snapshot:
    """Archive any published thing: `payload` as canonical JSON plus `files` [(name, bytes, suffix)].
    The code is `{org code}-{year}-{category}-{sequence}`, gap-free per organisation, year and category
    (the counter row is locked in the caller's transaction)."""
    now = now or timezone.now()
    year = timezone.localtime(now).year
    sequence = next_number(f"archive:{org.code}:{year}:{category}")
    code = f"{org.code}-{year}-{category:02d}-{sequence:04d}"
    folder = PurePosixPath(PREFIX, org.code, str(year), code)
    snapshot = Snapshot.objects.create(
        code=code,
        org=org,
        org_path=org.path,
        year=year,
        category=category,
        sequence=sequence,
        event=event,
        title=title[:200],
        retention=retention or Retention.Y30,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        item=item,
        archived_at=now,
        archived_by=by if by is not None and by.is_authenticated else None,
    )
    parts = []
    for n, (name, data, suffix) in enumerate(files, start=1):
        parts.append((SnapshotFile.Kind.ATTACHMENT, name, str(folder / f"{n:02d}{suffix}"), data))
    listing = [
        {"name": name, "file": PurePosixPath(path).name, "sha256": sha256_of(data), "size": len(data)}
        for _kind, name, path, data in parts
    ]
    content = canonical_json(
        {"code": code, "event": event, "archived_at": now.isoformat(), "content": payload, "files": listing}
    )
    parts.insert(0, (SnapshotFile.Kind.CONTENT, "content.json", str(folder / "content.json"), content))
    for *_meta, path, data in parts:
        _put(path, data)
    SnapshotFile.objects.bulk_create(
        SnapshotFile(
            snapshot=snapshot, kind=kind, name=name[:200], path=path, size=len(data), sha256=sha256_of(data)
        )
        for kind, name, path, data in parts
    )
    record(action="archive.snapshot", obj=snapshot, actor=by, data={"code": code, "event": event})
    return snapshot


def item_payload(item) -> dict:
    """The item version as readers got it (masked body), with its metadata (R27 table)."""
    return {
        "item_id": item.pk,
        "version": item.version,
        "supersedes": item.supersedes_id,
        "index_number": item.index_number,
        "org": {"code": item.org.code, "name": item.org.name},
        "catalogue_item": str(item.catalogue_item) if item.catalogue_item_id else None,
        "category": item.category,
        "category_label": str(Category(item.category).label),
        "title": item.title,
        "doc_number": item.doc_number,
        "body": item.reader_body(),
        "scope": item.scope,
        "state": item.state,
        "event_date": _iso(item.event_date),
        "period_label": item.period_label,
        "stage": item.stage,
        "published_at": _iso(item.published_at),
        "public_from": _iso(item.public_from),
        "expires_at": _iso(item.expires_at),
        "ended_at": _iso(item.ended_at),
        "notice": item.notice,
    }


def archive_item(item, *, event: str, by, now=None) -> Snapshot:
    """Snapshot a disclosure item and copies of its attachments (R24). Call inside the action."""
    files = []
    for attachment in item.attachments.all():
        with default_storage.open(attachment.stored_name, "rb") as fh:
            data = fh.read()
        files.append((attachment.original_name, data, PurePosixPath(attachment.stored_name).suffix))
    retention = item.catalogue_item.retention if item.catalogue_item_id else Retention.Y30
    return archive_record(
        org=item.org,
        category=item.category,
        retention=retention,
        title=item.title,
        event=event,
        payload=item_payload(item),
        files=files,
        by=by,
        obj=item,
        item=item,
        now=now,
    )
