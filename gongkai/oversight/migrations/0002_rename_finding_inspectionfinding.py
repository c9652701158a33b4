from django.db import migrations


class Migration(migrations.Migration):
    """Two models were called Finding; this one is the inspection's (R21)."""

    dependencies = [
        ("oversight", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(old_name="Finding", new_name="InspectionFinding"),
    ]
