"""What each report is counted under beside the list, kept on its own row.

The counts beside the filters (reports/facets.py) group reports by theme,
prefecture and country. Read from where they live, that is a join of every
report-theme, report-municipality, event and partner row with the selected
reports: three hash joins of 100,000-170,000 rows each at 100,000 reports, and a
sort for the prefectures. `Report.facet_keys` holds the same keys on the report
row, as a JSON array of distinct strings:

    "t12"   theme id 12
    "p32"   prefecture 32 (the first two digits of a linked local government's code)
    "cKR"   country KR (an event held there, or a partner abroad from there)

so the counts read the selected reports once and unnest their keys.

Database triggers keep it current, whatever writes the links (the admin, imports,
`link_municipalities`, the Forum drafts, bulk loads, SQL by hand): on PostgreSQL
statement-level triggers with transition tables, one UPDATE per statement; on
SQLite row triggers. Like the content revision's triggers, they are (re)installed
after every migrate, since SQLite drops a table's triggers when a migration
rebuilds it.
"""

from django.db import connections

from . import key_totals

# The keys of a set of reports, recomputed in one statement on PostgreSQL: hash joins
# whatever the number of reports a statement touched (a bulk load links thousands).
POSTGRESQL_FUNCTIONS = """
CREATE OR REPLACE FUNCTION clair_refresh_facet_keys(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  SELECT set_config('clair.facet_keys', 'refresh', true);
  UPDATE reports_report r SET facet_keys = COALESCE(g.keys, '[]')
    FROM (SELECT DISTINCT unnest(ids) AS id) a
    LEFT JOIN (
      SELECT report_id, json_agg(k ORDER BY k)::text AS keys FROM (
        SELECT report_id, 't' || theme_id AS k FROM reports_report_themes
         WHERE report_id IN (SELECT unnest(ids))
        UNION SELECT report_id, 'p' || substr(localgovernment_id, 1, 2)
          FROM reports_report_local_governments WHERE report_id IN (SELECT unnest(ids))
        UNION SELECT report_id, 'c' || country FROM reports_event
         WHERE report_id IN (SELECT unnest(ids)) AND country <> ''
        UNION SELECT l.report_id, 'c' || p.country FROM reports_report_partners l
          JOIN municipalities_partner p ON p.id = l.partner_id
         WHERE l.report_id IN (SELECT unnest(ids)) AND p.country <> ''
      ) keys GROUP BY report_id
    ) g ON g.report_id = a.id
   WHERE r.id = a.id AND r.facet_keys IS DISTINCT FROM COALESCE(g.keys, '[]');
  SELECT set_config('clair.facet_keys', '', true);
$$;
-- A save from Django writes every column, facet_keys with it, from an instance that
-- may have been loaded before its links changed: only the refresh above writes keys.
CREATE OR REPLACE FUNCTION clair_keep_facet_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('clair.facet_keys', true), '') <> 'refresh' THEN
    NEW.facet_keys := CASE WHEN TG_OP = 'INSERT' THEN '[]' ELSE OLD.facet_keys END;
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION clair_facet_keys_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    PERFORM clair_refresh_facet_keys(ARRAY(SELECT report_id FROM new_rows));
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM clair_refresh_facet_keys(ARRAY(SELECT report_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION clair_partner_country_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM clair_refresh_facet_keys(ARRAY(
    SELECT l.report_id FROM reports_report_partners l
     WHERE l.partner_id IN (SELECT id FROM new_rows)));
  RETURN NULL;
END $$;
"""
# Transition tables allow one event per trigger: three triggers per table.
POSTGRESQL_TRIGGERS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}
POSTGRESQL_TRIGGER = """
CREATE OR REPLACE TRIGGER clair_facet_keys_{event}
AFTER {event} ON {table} {referencing}
FOR EACH STATEMENT EXECUTE FUNCTION clair_facet_keys_changed()
"""
POSTGRESQL_KEEP_TRIGGERS = [
    """CREATE OR REPLACE TRIGGER clair_facet_keys_kept BEFORE UPDATE ON reports_report
    FOR EACH ROW WHEN (NEW.facet_keys IS DISTINCT FROM OLD.facet_keys)
    EXECUTE FUNCTION clair_keep_facet_keys()""",
    """CREATE OR REPLACE TRIGGER clair_facet_keys_new BEFORE INSERT ON reports_report
    FOR EACH ROW WHEN (NEW.facet_keys <> '[]') EXECUTE FUNCTION clair_keep_facet_keys()""",
]
POSTGRESQL_PARTNER_TRIGGER = """
CREATE OR REPLACE TRIGGER clair_facet_keys_country
AFTER UPDATE ON municipalities_partner REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION clair_partner_country_changed()
"""

# The same keys on SQLite, for the report whose id replaces {report}.
SQLITE_KEYS = """(
  SELECT COALESCE(json_group_array(k), '[]') FROM (
    SELECT k FROM (
      SELECT 't' || theme_id AS k FROM reports_report_themes WHERE report_id = {report}
      UNION SELECT 'p' || substr(localgovernment_id, 1, 2)
        FROM reports_report_local_governments WHERE report_id = {report}
      UNION SELECT 'c' || country FROM reports_event WHERE report_id = {report} AND country <> ''
      UNION SELECT 'c' || p.country FROM reports_report_partners l
        JOIN municipalities_partner p ON p.id = l.partner_id
       WHERE l.report_id = {report} AND p.country <> ''
    ) ORDER BY k
  )
)"""
SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS clair_facet_keys_{table}_{event}_{row}
AFTER {event} ON {table}
BEGIN
  UPDATE reports_report SET facet_keys = {keys} WHERE id = {row}.report_id;
END
"""
# A save from Django writes facet_keys too, maybe from an instance loaded before its
# links changed: whatever it wrote, the row gets its keys back (SQLite runs no trigger
# from a trigger's own UPDATE unless recursive_triggers is on).
SQLITE_KEEP_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS clair_facet_keys_kept
    AFTER UPDATE OF facet_keys ON reports_report WHEN NEW.facet_keys IS NOT {keys}
    BEGIN UPDATE reports_report SET facet_keys = {keys} WHERE id = NEW.id; END""",
    """CREATE TRIGGER IF NOT EXISTS clair_facet_keys_new
    AFTER INSERT ON reports_report WHEN NEW.facet_keys IS NOT {keys}
    BEGIN UPDATE reports_report SET facet_keys = {keys} WHERE id = NEW.id; END""",
]
SQLITE_PARTNER_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS clair_facet_keys_partner_country
AFTER UPDATE OF country ON municipalities_partner
BEGIN
  UPDATE reports_report SET facet_keys = {keys}
   WHERE id IN (SELECT report_id FROM reports_report_partners WHERE partner_id = NEW.id);
END
"""

LINK_TABLES = [
    "reports_report_themes",
    "reports_report_local_governments",
    "reports_event",
    "reports_report_partners",
]


def install_triggers(using: str = "default", **kwargs) -> None:
    """Create (or replace) the triggers; connected to post_migrate, so always current."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if "reports_report" not in existing or not set(LINK_TABLES) <= existing:
        return  # before the migrations that create the tables
    if "facet_keys" not in {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "reports_report"
        )
    }:
        return  # before the migration that adds the column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTIONS)
            for table in LINK_TABLES:
                for event, referencing in POSTGRESQL_TRIGGERS.items():
                    cursor.execute(
                        POSTGRESQL_TRIGGER.format(event=event, table=table, referencing=referencing)
                    )
            cursor.execute(POSTGRESQL_PARTNER_TRIGGER)
            for trigger in POSTGRESQL_KEEP_TRIGGERS:
                cursor.execute(trigger)
        elif connection.vendor == "sqlite":
            for table in LINK_TABLES:
                for event, rows in (
                    ("INSERT", ["NEW"]),
                    ("DELETE", ["OLD"]),
                    ("UPDATE", ["OLD", "NEW"]),
                ):
                    for row in rows:
                        keys = SQLITE_KEYS.format(report=f"{row}.report_id")
                        cursor.execute(
                            SQLITE_TRIGGER.format(table=table, event=event, row=row, keys=keys)
                        )
            cursor.execute(
                SQLITE_PARTNER_TRIGGER.format(keys=SQLITE_KEYS.format(report="reports_report.id"))
            )
            for trigger in SQLITE_KEEP_TRIGGERS:
                cursor.execute(trigger.format(keys=SQLITE_KEYS.format(report="NEW.id")))


def remove_triggers(using: str = "default") -> None:
    """Drop the triggers and functions: when the migration that adds the column is undone."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in LINK_TABLES:
                for event in POSTGRESQL_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS clair_facet_keys_{event} ON {table}")
            cursor.execute(
                "DROP TRIGGER IF EXISTS clair_facet_keys_country ON municipalities_partner"
            )
            cursor.execute("DROP TRIGGER IF EXISTS clair_facet_keys_kept ON reports_report")
            cursor.execute("DROP TRIGGER IF EXISTS clair_facet_keys_new ON reports_report")
            cursor.execute("DROP FUNCTION IF EXISTS clair_keep_facet_keys()")
            cursor.execute("DROP FUNCTION IF EXISTS clair_facet_keys_changed()")
            cursor.execute("DROP FUNCTION IF EXISTS clair_partner_country_changed()")
            cursor.execute("DROP FUNCTION IF EXISTS clair_refresh_facet_keys(bigint[])")
        elif connection.vendor == "sqlite":
            for table in LINK_TABLES:
                for event, row in (
                    ("INSERT", "NEW"),
                    ("DELETE", "OLD"),
                    ("UPDATE", "OLD"),
                    ("UPDATE", "NEW"),
                ):
                    cursor.execute(f"DROP TRIGGER IF EXISTS clair_facet_keys_{table}_{event}_{row}")
            cursor.execute("DROP TRIGGER IF EXISTS clair_facet_keys_partner_country")
            cursor.execute("DROP TRIGGER IF EXISTS clair_facet_keys_kept")
            cursor.execute("DROP TRIGGER IF EXISTS clair_facet_keys_new")


def refresh_all(using: str = "default") -> None:
    """Recompute every report's keys: after adding the column, or to repair by hand;
    the public reports per key (reports/key_totals.py) are counted again after."""
    connection = connections[using]
    with key_totals.recounted_after(using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clair_refresh_facet_keys(ARRAY(SELECT id FROM reports_report))")
        else:
            keys = SQLITE_KEYS.format(report="reports_report.id")
            cursor.execute(f"UPDATE reports_report SET facet_keys = {keys}")  # noqa: S608
