"""The full-text structures, per database: FTS5 over search_searchdoc on SQLite (external content,
kept in step by triggers), a generated tsvector with a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_tokens, body_tokens,
        content='search_searchdoc', content_rowid='item_id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_doc_ai AFTER INSERT ON search_searchdoc BEGIN
        INSERT INTO search_fts(rowid, title_tokens, body_tokens)
        VALUES (new.item_id, new.title_tokens, new.body_tokens);
    END""",
    """CREATE TRIGGER search_doc_ad AFTER DELETE ON search_searchdoc BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens)
        VALUES ('delete', old.item_id, old.title_tokens, old.body_tokens);
    END""",
    """CREATE TRIGGER search_doc_au AFTER UPDATE ON search_searchdoc BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens)
        VALUES ('delete', old.item_id, old.title_tokens, old.body_tokens);
        INSERT INTO search_fts(rowid, title_tokens, body_tokens)
        VALUES (new.item_id, new.title_tokens, new.body_tokens);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES = [
    # 'simple': no stemming or stop words, the tokens are already segmented. Title weight A, body D.
    """ALTER TABLE search_searchdoc ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') ||
        setweight(to_tsvector('simple'::regconfig, body_tokens), 'D')) STORED""",
    "CREATE INDEX search_doc_document ON search_searchdoc USING gin (document)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_doc_document",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS document",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
