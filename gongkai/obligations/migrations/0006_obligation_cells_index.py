"""Issue 17: the covering index of compliance.compute()'s GROUP BY replaces the index on `year` alone.

The old index is dropped by name (the name Django gave it, the same on SQLite and PostgreSQL): an
AlterField would make SQLite copy the whole table only to lose one index."""

from django.db import migrations, models

YEAR_INDEX = "obligations_obligation_year_441da9f3"


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0005_obligation_counting"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="obligation",
                    name="year",
                    field=models.PositiveSmallIntegerField(verbose_name="年度"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{YEAR_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{YEAR_INDEX}" ON "obligations_obligation" ("year")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                fields=["year", "org", "category", "sector_type", "org_path", "fulfilled_on", "due_date"],
                name="obligation_cells",
            ),
        ),
    ]
