"""The trigger lets one kind of DELETE through: `audit_purge` setting gongkai.audit_purge, and only
for entries older than 180 days, so even the purge command cannot remove a younger entry."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION gongkai_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('gongkai.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
"""
OLD = """
CREATE OR REPLACE FUNCTION gongkai_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_anchor_daily_heads")]
    operations = [migrations.RunPython(forwards, backwards)]
