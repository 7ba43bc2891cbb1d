"""The count and search revisions: counts cached under them survive edits that change
no count (reports/count_revision.py). Their triggers are installed after migrate."""

from django.db import migrations, models


def remove_triggers(apps, schema_editor):
    from reports import count_revision

    count_revision.remove_triggers(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0013_report_facet_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="contentrevision",
            name="counts_number",
            field=models.PositiveBigIntegerField(
                db_default=0, default=0, verbose_name="集計の番号"
            ),
        ),
        migrations.AddField(
            model_name="contentrevision",
            name="search_number",
            field=models.PositiveBigIntegerField(
                db_default=0, default=0, verbose_name="検索の番号"
            ),
        ),
        # Undone first when migrating back: the triggers name the columns.
        migrations.RunPython(migrations.RunPython.noop, remove_triggers),
    ]
