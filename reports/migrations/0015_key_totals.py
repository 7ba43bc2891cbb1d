"""The public reports per key, kept by triggers (reports/key_totals.py): the counts of
every report without reading every report. The triggers are installed, and the rows
counted, after migrate."""

from django.db import migrations, models


def remove_triggers(apps, schema_editor):
    from reports import key_totals

    key_totals.remove_triggers(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0014_count_and_search_revisions"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeyTotal",
            fields=[
                (
                    "key",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="キー"
                    ),
                ),
                ("reports", models.IntegerField(default=0, verbose_name="報告数")),
            ],
            options={
                "verbose_name": "キーごとの公開報告数",
                "verbose_name_plural": "キーごとの公開報告数",
            },
        ),
        # Undone first when migrating back: the triggers name the table.
        migrations.RunPython(migrations.RunPython.noop, remove_triggers),
    ]
