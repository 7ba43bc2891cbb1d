"""PostgreSQL: a GIN index of the bigrams of each report's normalised text.

Japanese has no spaces between words, and the common query words are two
characters long (交流, 韓国), which pg_trgm's trigrams cannot serve. Indexing
every two-character substring lets `clair_bigrams(search_text) @>
clair_bigrams(term)` find candidate rows through the index for any term of two
or more characters; LIKE '%term%' then confirms the exact substring. Only
built-in features are used (an SQL function and GIN on text[]). SQLite has no
such index and uses LIKE alone, with the same results.
"""

from django.db import migrations

CREATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION clair_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}')
  FROM (SELECT substr(t, i, 2) AS g FROM generate_series(1, char_length(t) - 1) AS i) AS grams
  WHERE g !~ '\s'
$$
"""
CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS report_search_bigram_idx "
    "ON reports_report USING gin (clair_bigrams(search_text))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(CREATE_INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS report_search_bigram_idx")
    schema_editor.execute("DROP FUNCTION IF EXISTS clair_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_add_search_title")]
    operations = [migrations.RunPython(forwards, backwards)]
