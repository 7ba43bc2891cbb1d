from django.db import migrations

# A search's counts read each match's office, year, keys and title (its rank): with the
# title in the index the counts read, they come from the index alone. At 100,000
# reports reading them from the table took 78 ms of 交流's 400, from the index 21 ms.
KEYS_INDEX = (
    "CREATE INDEX IF NOT EXISTS report_public_keys_idx ON reports_report (published_at) "
    "INCLUDE (id, office_id, fiscal_year, facet_keys{title}) WHERE status = 'published'"
)

# The long texts (body, summaries, search text) are kept apart, in the table's TOAST
# relation, and the short columns on the row: the scans that find a search's matches
# then read a table a third as large (157 -> 55 MB at 100,000 reports). Rows move as
# they are written; VACUUM FULL reports_report moves them all (docs/performance.md).
SHORT_COLUMNS = [
    "external_id",
    "title",
    "title_en",
    "slug",
    "status",
    "source",
    "search_title",
    "facet_keys",
]


def _replace_keys_index(schema_editor, *, title: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS report_public_keys_idx")
    schema_editor.execute(KEYS_INDEX.format(title=", search_title" if title else ""))


def _layout(schema_editor, *, narrow: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    storage = "MAIN" if narrow else "EXTENDED"
    columns = ", ".join(f"ALTER COLUMN {name} SET STORAGE {storage}" for name in SHORT_COLUMNS)
    target = "SET (toast_tuple_target = 128)" if narrow else "RESET (toast_tuple_target)"
    schema_editor.execute(f"ALTER TABLE reports_report {target}")
    schema_editor.execute(f"ALTER TABLE reports_report {columns}")


def forwards(apps, schema_editor):
    _replace_keys_index(schema_editor, title=True)
    _layout(schema_editor, narrow=True)


def backwards(apps, schema_editor):
    _layout(schema_editor, narrow=False)
    _replace_keys_index(schema_editor, title=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0015_key_totals"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
