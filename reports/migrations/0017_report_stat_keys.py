"""Each report's figures as the statistics add them up (Report.stat_keys), kept by the
facet keys' triggers, and their sums over every published report kept with the
public reports per key (reports/facet_keys.py, reports/key_totals.py)."""

from django.db import migrations, models


def reinstall(apps, schema_editor):
    # SQLite keeps a trigger of the same name as it was: replaced, not kept.
    from reports import facet_keys, key_totals

    using = schema_editor.connection.alias
    remove(apps, schema_editor)
    facet_keys.install_triggers(using)
    key_totals.install_triggers(using)
    facet_keys.refresh_all(using)  # every report's keys, then the totals recounted


def remove(apps, schema_editor):
    # Undone first when migrating back: the triggers read the column. The older
    # code's migrate installs its own again.
    from reports import facet_keys, key_totals

    facet_keys.remove_triggers(schema_editor.connection.alias)
    key_totals.remove_triggers(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0016_narrow_report_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="stat_keys",
            field=models.TextField(default="{}", editable=False, verbose_name="統計用の数"),
        ),
        migrations.AlterField(
            model_name="keytotal",
            name="reports",
            field=models.BigIntegerField(default=0, verbose_name="報告数"),
        ),
        migrations.RunPython(reinstall, remove),
    ]
