"""Japan's prefectures and municipalities (reference data) from data/municipalities.csv.

A later change of the file ships with a migration like this one (or is applied by
`manage.py load_municipalities`): loading is idempotent and deletes nothing.
"""

from django.db import migrations


def load(apps, schema_editor):
    from municipalities.loading import load_local_governments

    load_local_governments(
        model=apps.get_model("municipalities", "LocalGovernment"),
        using=schema_editor.connection.alias,  # the database being migrated
    )


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_local_governments_and_partners")]
    # Going back leaves the rows: 0001's reversal drops the table anyway.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
