"""R25: an organisation's archive for one year as a BagIt bag (RFC 8493) with a Chinese index."""

import hashlib
from html import escape
from pathlib import Path, PurePosixPath

import bagit
from django.core.files.storage import default_storage
from django.utils import timezone

from gongkai.audit.log import record
from gongkai.lib import spreadsheet

from .models import Snapshot

COLUMNS = [
    "档号",
    "题名",
    "立档组织",
    "年度",
    "目录类别",
    "归档原因",
    "保管期限",
    "归档时间",
    "文件名",
    "包内路径",
    "大小（字节）",
    "SHA-256",
]


class ExportError(Exception):
    pass


def _rows(snapshots, target: Path):
    """Copy each file into the bag, checking its digest on the way; yield one index row per file."""
    for snap in snapshots:
        for part in snap.files.all():
            relative = PurePosixPath(snap.code, PurePosixPath(part.path).name)
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            try:
                with default_storage.open(part.path, "rb") as src, open(destination, "wb") as out:
                    for chunk in iter(lambda: src.read(1 << 20), b""):  # noqa: B023
                        digest.update(chunk)
                        out.write(chunk)
            except FileNotFoundError:
                raise ExportError(f"{part.path} 缺失（档号 {snap.code}），请先运行 fixity_check。") from None
            if digest.hexdigest() != part.sha256:
                raise ExportError(f"{part.path} 与归档摘要不符（档号 {snap.code}），请先运行 fixity_check。")
            yield [
                snap.code,
                snap.title,
                snap.org.name,
                snap.year,
                snap.get_category_display(),
                snap.get_event_display(),
                snap.get_retention_display(),
                timezone.localtime(snap.archived_at).strftime("%Y-%m-%d %H:%M:%S"),
                part.name,
                f"data/{relative}",
                part.size,
                part.sha256,
            ]


def _html(org, year, rows) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in COLUMNS)
    body = "\n".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    title = escape(f"{org.name} {year} 年度党务公开档案目录")
    return (
        f'<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8"><title>{title}</title></head>\n'
        f"<body><h1>{title}</h1><p>共 {len(rows)} 个文件。每个文件的 SHA-256 摘要见下表，"
        f"整个档案包可用 bagit.py --validate 校验。</p>\n"
        f'<table border="1"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></body></html>\n'
    )


def export_bag(org, year: int, directory: Path, *, include_descendants=False) -> tuple[bagit.Bag, int]:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise ExportError(f"目标目录 {directory} 不是空目录。")
    directory.mkdir(parents=True, exist_ok=True)
    snapshots = Snapshot.objects.filter(year=year).select_related("org").prefetch_related("files")
    snapshots = (
        snapshots.filter(org.subtree_q("org_path")) if include_descendants else snapshots.filter(org=org)
    )
    rows = list(_rows(snapshots.order_by("code"), directory))
    with open(directory / "index.csv", "w", newline="", encoding="utf-8-sig") as fh:  # BOM: opens in Excel
        spreadsheet.write_csv(fh, [COLUMNS, *rows])
    (directory / "index.html").write_text(_html(org, year, rows), encoding="utf-8")
    bag = bagit.make_bag(
        str(directory),
        bag_info={
            "Source-Organization": org.name,
            "Organization-Address": org.address or org.code,
            "External-Identifier": f"{org.code}-{year}",
            "External-Description": f"{org.name} {year} 年度党务公开归档件（共 {len(rows)} 个文件）",
        },
        checksums=["sha256", "sha512"],
    )
    record(action="archive.export", obj=org, data={"year": year, "files": len(rows)})
    return bag, len(rows)
