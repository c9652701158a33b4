"""On SQLite too, triggers refuse UPDATE and DELETE on the audit table, whatever the client. As on
PostgreSQL one kind of DELETE gets through: `audit_purge`, which inserts a permit row in its own
transaction, and only for entries older than 180 days."""

from django.db import migrations

CREATE = [
    "CREATE TABLE IF NOT EXISTS audit_purge_permit (id integer PRIMARY KEY CHECK (id = 1))",
    """CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit_auditentry
       WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permit) OR OLD.at >= datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
]
DROP = [
    "DROP TRIGGER IF EXISTS audit_append_only_update",
    "DROP TRIGGER IF EXISTS audit_append_only_delete",
    "DROP TABLE IF EXISTS audit_purge_permit",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_purge_in_trigger")]
    operations = [migrations.RunPython(forwards, backwards)]
