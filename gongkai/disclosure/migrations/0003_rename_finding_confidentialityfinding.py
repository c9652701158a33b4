from django.db import migrations


class Migration(migrations.Migration):
    """Two models were called Finding; this one is the confidentiality check's (R13)."""

    dependencies = [
        ("disclosure", "0002_item_moment_indexes"),
    ]

    operations = [
        migrations.RenameModel(old_name="Finding", new_name="ConfidentialityFinding"),
        migrations.AlterModelOptions(
            name="confidentialityfinding",
            options={
                "ordering": ["attachment_id", "start"],
                "verbose_name": "保密检查发现",
                "verbose_name_plural": "保密检查发现",
            },
        ),
    ]
