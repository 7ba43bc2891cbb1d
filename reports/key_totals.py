"""The public reports per key, kept by the database: the counts of every report.

Counting all public reports is what the unfiltered list, the office and theme
pages and half of each single-filter list pay after a change of the counts: a
prefecture's own facet counts every report but its prefecture filter. Read from
the reports, that is a reading of every public report's keys (about 150 ms at
100,000 reports, 1.5 s at 1,000,000). `KeyTotal` (reports/models/totals.py)
keeps the same numbers, one row per key:

    "t12", "p13", "cKR"   a facet key (reports/facet_keys.py)
    "g3:2024", "g3:"      office 3's reports of fiscal year 2024, of no fiscal year

counting every report whose status is published, scheduled ones too: their
publication time passes without a write, so the few reports still scheduled are
taken off when the totals are read (combine()).

Row triggers keep the rows, whatever writes the reports (the admin, imports, the
facet key triggers, SQL by hand), only for writes that change a published
report's status, office, fiscal year or keys. On PostgreSQL each write adds its
changes in one statement sorted by key, so concurrent writers lock the rows they
share in the same order. Like the other triggers, they are (re)installed after
every migrate, which also recounts the rows from the reports.
"""

import contextlib
import dataclasses
import json

from django.db import connections, router, transaction
from django.utils import timezone

from .models import KeyTotal, Report

TABLE = KeyTotal._meta.db_table
COUNTED = ["status", "office_id", "fiscal_year", "facet_keys", "stat_keys"]

# A report row's keys and what each adds (1 but for the statistics' sums), for `{row}`
# (NEW, OLD or a table's alias), spelt for each database.
POSTGRESQL_KEYS = """
  SELECT json_array_elements_text({row}.facet_keys::json) AS key, 1 AS n
  UNION ALL SELECT 'g' || {row}.office_id || ':' || coalesce({row}.fiscal_year::text, ''), 1
  UNION ALL SELECT key, value::bigint FROM json_each_text({row}.stat_keys::json)"""
SQLITE_KEYS = """
  SELECT value AS key, 1 AS n FROM json_each({row}.facet_keys)
  UNION ALL SELECT 'g' || {row}.office_id || ':' || coalesce({row}.fiscal_year, ''), 1
  UNION ALL SELECT key, value FROM json_each({row}.stat_keys)"""

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION clair_key_totals_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- A rewrite of every report (facet_keys.refresh_all) recounts once at its end.
  IF coalesce(current_setting('clair.key_totals', true), '') = 'recount' THEN
    RETURN NULL;
  END IF;
  INSERT INTO {TABLE} AS t (key, reports)
  SELECT key, sum(n)::bigint FROM (
    SELECT key, n FROM ({POSTGRESQL_KEYS.format(row="NEW")}) k
     WHERE TG_OP <> 'DELETE' AND NEW.status = 'published'
    UNION ALL
    SELECT key, -n FROM ({POSTGRESQL_KEYS.format(row="OLD")}) k
     WHERE TG_OP <> 'INSERT' AND OLD.status = 'published'
  ) changes GROUP BY key HAVING sum(n) <> 0 ORDER BY key
  ON CONFLICT (key) DO UPDATE SET reports = t.reports + excluded.reports;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION clair_key_totals_cleared() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {TABLE};
  RETURN NULL;
END $$;
"""
_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COUNTED)
POSTGRESQL_TRIGGERS = [
    """CREATE OR REPLACE TRIGGER clair_key_totals_insert AFTER INSERT ON reports_report
    FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION clair_key_totals_changed()""",
    """CREATE OR REPLACE TRIGGER clair_key_totals_delete AFTER DELETE ON reports_report
    FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION clair_key_totals_changed()""",
    f"""CREATE OR REPLACE TRIGGER clair_key_totals_update AFTER UPDATE ON reports_report
    FOR EACH ROW WHEN ((OLD.status = 'published' OR NEW.status = 'published') AND
      ({_CHANGED}))
    EXECUTE FUNCTION clair_key_totals_changed()""",
    """CREATE OR REPLACE TRIGGER clair_key_totals_truncate AFTER TRUNCATE ON reports_report
    FOR EACH STATEMENT EXECUTE FUNCTION clair_key_totals_cleared()""",
]
POSTGRESQL_TRIGGER_NAMES = ["insert", "delete", "update", "truncate"]

# SQLite has one writer at a time. Taking off only updates rows that exist: a flush
# that empties this table before the reports leaves it empty, not negative.
SQLITE_ADD = f"""
  INSERT INTO {TABLE} (key, reports) SELECT key, n FROM ({SQLITE_KEYS.format(row="NEW")})
   WHERE NEW.status = 'published'
  ON CONFLICT (key) DO UPDATE SET reports = reports + excluded.reports;"""
SQLITE_TAKE_OFF = f"""
  UPDATE {TABLE} SET reports = reports - (
    SELECT k.n FROM ({SQLITE_KEYS.format(row="OLD")}) k WHERE k.key = {TABLE}.key)
   WHERE OLD.status = 'published'
     AND key IN (SELECT k.key FROM ({SQLITE_KEYS.format(row="OLD")}) k);"""
SQLITE_TRIGGERS = {
    "INSERT": ("INSERT", "NEW.status = 'published'", SQLITE_ADD),
    "DELETE": ("DELETE", "OLD.status = 'published'", SQLITE_TAKE_OFF),
    "UPDATE": (
        f"UPDATE OF {', '.join(COUNTED)}",
        "(OLD.status = 'published' OR NEW.status = 'published') AND ({changed})".format(
            changed=" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COUNTED)
        ),
        SQLITE_TAKE_OFF + SQLITE_ADD,
    ),
}
SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS clair_key_totals_{name} AFTER {event} ON reports_report
WHEN {when}
BEGIN {body} END
"""

RECOUNT = {
    "postgresql": f"""
INSERT INTO {TABLE} (key, reports)
SELECT key, SUM(n) FROM (
  SELECT json_array_elements_text(r.facet_keys::json) AS key, 1 AS n
    FROM reports_report r WHERE r.status = 'published'
  UNION ALL SELECT 'g' || r.office_id || ':' || coalesce(r.fiscal_year::text, ''), 1
    FROM reports_report r WHERE r.status = 'published'
  UNION ALL SELECT s.key, s.value::bigint
    FROM reports_report r CROSS JOIN json_each_text(r.stat_keys::json) AS s
   WHERE r.status = 'published'
) k GROUP BY key""",
    "sqlite": f"""
INSERT INTO {TABLE} (key, reports)
SELECT key, SUM(n) FROM (
  SELECT k.value AS key, 1 AS n FROM reports_report r CROSS JOIN json_each(r.facet_keys) AS k
   WHERE r.status = 'published'
  UNION ALL SELECT 'g' || r.office_id || ':' || coalesce(r.fiscal_year, ''), 1
    FROM reports_report r WHERE r.status = 'published'
  UNION ALL SELECT s.key, s.value FROM reports_report r CROSS JOIN json_each(r.stat_keys) AS s
   WHERE r.status = 'published'
) GROUP BY key""",
}


def install_triggers(using: str = "default", **kwargs) -> None:
    """Create (or replace) the triggers and recount; connected to post_migrate."""
    connection = connections[using]
    if not columns_ready(connection):
        return  # before the migrations that create what they read
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Writers wait while the triggers go in and the rows are recounted.
            cursor.execute("LOCK TABLE reports_report IN SHARE MODE")
            cursor.execute(POSTGRESQL_FUNCTION)
            for trigger in POSTGRESQL_TRIGGERS:
                cursor.execute(trigger)
        elif connection.vendor == "sqlite":
            for name, (event, when, body) in SQLITE_TRIGGERS.items():
                cursor.execute(
                    SQLITE_TRIGGER.format(name=name.lower(), event=event, when=when, body=body)
                )
        else:
            return
    recount(using)


def remove_triggers(using: str = "default") -> None:
    """Drop the triggers and functions: when the migration that adds the table is undone."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in POSTGRESQL_TRIGGER_NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS clair_key_totals_{name} ON reports_report")
            cursor.execute("DROP FUNCTION IF EXISTS clair_key_totals_changed()")
            cursor.execute("DROP FUNCTION IF EXISTS clair_key_totals_cleared()")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS clair_key_totals_{name.lower()}")


def recount(using: str = "default") -> None:
    """Count every key again from the reports: after migrate, after a load that ran
    without triggers, or to repair by hand."""
    connection = connections[using]
    if not columns_ready(connection):
        return  # before the migrations that create what it reads
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE reports_report IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(RECOUNT[connection.vendor])


def columns_ready(connection) -> bool:
    """Whether the tables and the report columns the triggers read exist yet."""
    existing = set(connection.introspection.table_names())
    if TABLE not in existing or "reports_report" not in existing:
        return False
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(cursor, "reports_report")
        }
    return {"facet_keys", "stat_keys"} <= columns


@contextlib.contextmanager
def recounted_after(using: str = "default"):
    """A transaction that rewrites many reports: the triggers add nothing row by row
    (at 1,000,000 reports that would be a million upserts of the same rows), and the
    totals are counted once at its end."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('clair.key_totals', 'recount', true)")
        yield
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('clair.key_totals', '', true)")
        recount(using)


@dataclasses.dataclass(frozen=True)
class Totals:
    grid: dict  # (office id, fiscal year or None) -> public reports
    keys: dict  # facet key ("t12", "p13", "cKR") -> public reports

    @property
    def total(self) -> int:
        return sum(self.grid.values())


# What totals are read from, in two parts that a caller may also add to a statement of
# its own (reports/facets.py does): the kept rows, and the reports they count that
# are still scheduled (few, found by the index the list uses), taken off by combine().
KEPT_SQL = f"SELECT key, reports FROM {TABLE} WHERE reports <> 0 AND substr(key, 1, 1) <> 's'"  # noqa: S608
# How many reports the totals count, scheduled ones too (each is in one "g" key).
REPORTS_SQL = f"SELECT COALESCE(SUM(reports), 0) FROM {TABLE} WHERE key >= 'g' AND key < 'h'"  # noqa: S608


def scheduled(now=None) -> tuple[str, list]:
    """SQL and parameters of the published reports whose time has not come: (office
    id, fiscal year, facet keys)."""
    rows = Report.objects.filter(
        status=Report.Status.PUBLISHED, published_at__gt=now or timezone.now()
    ).order_by()
    sql, params = rows.values_list("office_id", "fiscal_year", "facet_keys").query.sql_with_params()
    return sql, list(params)


def combine(kept, scheduled) -> Totals:
    """Totals from the rows of KEPT_SQL, (key, reports), less those of scheduled(),
    (office id, fiscal year, facet keys)."""
    counted: dict[str, int] = dict(kept)
    for office_id, year, keys in scheduled:
        for key in [*_keys(keys), f"g{office_id}:{'' if year is None else year}"]:
            counted[key] = counted.get(key, 0) - 1
    grid: dict[tuple, int] = {}
    keys: dict[str, int] = {}
    for key, n in counted.items():
        if n <= 0:
            continue
        if key.startswith("g"):
            office, _, year = key[1:].partition(":")
            grid[int(office), int(year) if year else None] = n
        else:
            keys[key] = n
    return Totals(grid=grid, keys=keys)


def _keys(text: str) -> list[str]:
    try:
        keys = json.loads(text or "[]")
    except ValueError:
        return []
    return [key for key in keys if isinstance(key, str)]


# The statistics' sums ("s..." keys, reports/facet_keys.py) over every published report.
STATS_SQL = f"SELECT key, reports FROM {TABLE} WHERE substr(key, 1, 1) = 's' AND reports <> 0"  # noqa: S608


def stat_totals(now=None) -> dict[str, int]:
    """The statistics' sums over every public report: the kept sums less those of the
    published reports whose time has not come."""
    connection = connections[router.db_for_read(Report)]
    with connection.cursor() as cursor:
        cursor.execute(STATS_SQL)
        summed: dict[str, int] = dict(cursor.fetchall())
    waiting = Report.objects.filter(
        status=Report.Status.PUBLISHED, published_at__gt=now or timezone.now()
    ).values_list("stat_keys", flat=True)
    for text in waiting.order_by():
        for key, n in _weights(text).items():
            summed[key] = summed.get(key, 0) - n
    return {key: n for key, n in summed.items() if n}


def _weights(text: str) -> dict[str, int]:
    try:
        weights = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(weights, dict):
        return {}
    return {key: n for key, n in weights.items() if isinstance(n, int)}
