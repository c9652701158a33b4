"""Backup and restore: the database (SQLite online backup API, or pg_dump) plus the files, and the
checks a restore drill needs (migrations, row counts, audit chain, fixity; security bar 23)."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from gongkai.audit.log import record
from gongkai.audit.models import ChainHead
from gongkai.lib.private_files import make_private

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def counts(using: str = "default") -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.using(using).count()
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy
    }


def _pg_env(db: dict) -> dict:
    env = {
        **os.environ,
        "PGDATABASE": db["NAME"],
        "PGUSER": db.get("USER") or "",
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(directory: Path, using: str = "default") -> dict:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"目标目录 {directory} 不是空目录。")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    record(action="system.backup")  # before the copy, so the backup holds its own entry
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(directory / "db.sqlite3")
        with target:
            connection.connection.backup(target)  # consistent while the site keeps writing
        target.close()
        db_file = directory / "db.sqlite3"
    else:
        db_file = directory / "db.dump"
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={db_file}"],
            _pg_env(connection.settings_dict),
        )
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.copytree(media, directory / "files")
    head = ChainHead.objects.using(using).filter(pk=1).first()
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database": db_file.name,
        "database_sha256": _sha256(db_file),
        "counts": counts(using),
        "audit_head": {"sequence": head.sequence, "hash": head.hash} if head else None,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    make_private(directory)  # personal data and key material: the service account only
    return manifest


def _run(cmd, env):
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"找不到 {cmd[0]}，请安装 PostgreSQL 客户端工具。") from None
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} 失败：{done.stderr.strip()[:500]}")


def _is_empty(using: str) -> bool:
    with connections[using].cursor() as cursor:
        return not connections[using].introspection.table_names(cursor)


def restore(directory: Path, using: str = "default", force: bool = False) -> dict:
    """Restore into a clean database and an empty file folder (refused otherwise, unless `force`)."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{directory} 不是有效的备份目录（缺少 {MANIFEST}）。") from None
    db_file = directory / manifest["database"]
    if _sha256(db_file) != manifest["database_sha256"]:
        raise BackupError("备份的数据库文件与清单摘要不符，拒绝恢复。")
    connection = connections[using]
    if connection.vendor != manifest["vendor"]:
        raise BackupError(f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}。")
    if not force and not _is_empty(using):
        raise BackupError("目标数据库不是空库；请恢复到新建的空数据库（或使用 --force 覆盖）。")
    media = Path(settings.MEDIA_ROOT)
    if not force and media.exists() and any(media.iterdir()):
        raise BackupError(f"文件目录 {media} 不是空目录（或使用 --force 覆盖）。")
    if connection.vendor == "sqlite":
        connection.close()
        source = sqlite3.connect(db_file)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--clean",
                "--if-exists",
                f"--dbname={connection.settings_dict['NAME']}",
                str(db_file),
            ],
            _pg_env(connection.settings_dict),
        )
    if (directory / "files").exists():
        shutil.copytree(directory / "files", media, dirs_exist_ok=True)
    return manifest


def drill_checks(manifest: dict, using: str = "default") -> list[str]:
    """What must hold after a restore; returns the problems found (none = the drill passed)."""
    from gongkai.archive.fixity import check
    from gongkai.audit.chain import verify

    problems = []
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        problems.append("有未应用的数据库迁移（请运行 gongkai migrate）。")
    now = counts(using)
    for label, n in manifest["counts"].items():
        if now.get(label) != n:
            problems.append(f"{label} 行数不符：备份 {n}，恢复后 {now.get(label)}。")
    verdict = verify(using=using)
    if not verdict.ok:
        problems.append(f"审计链校验失败：{verdict.problem}")
    report = check(using=using)
    if not report.ok:
        problems.append(f"完整性检查未通过：{report.summary()}")
    return problems
