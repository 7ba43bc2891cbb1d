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

`Report.stat_keys` holds, the same way, the figures the statistics add up
(reports/statistics.py), as a JSON object of key to number:

    "se:KR"        events held in KR ("se:" those with no country)
    "sP:KR:about"  people of its participants from KR counted "about" (sM: their
                   local governments, sR: the rows, sW: the rows with people)
    "sf"           1 when any participant has a number of people
    "sl:131016"    1 per linked local government of Japan
    "sa:17"        1 per linked partner abroad

so the figures of every public report are kept summed (reports/key_totals.py).

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
  UPDATE reports_report r
     SET facet_keys = COALESCE(g.keys, '[]'), stat_keys = COALESCE(s.keys, '{}')
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
    LEFT JOIN (
      SELECT report_id, json_object_agg(k, n ORDER BY k)::text AS keys FROM (
        SELECT report_id, 'se:' || country AS k, count(*) AS n FROM reports_event
         WHERE report_id IN (SELECT unnest(ids)) GROUP BY report_id, country
        UNION ALL SELECT report_id, 'sl:' || localgovernment_id, 1
          FROM reports_report_local_governments WHERE report_id IN (SELECT unnest(ids))
        UNION ALL SELECT report_id, 'sa:' || partner_id, 1 FROM reports_report_partners
         WHERE report_id IN (SELECT unnest(ids))
        UNION ALL SELECT report_id, v.kind || country || ':' || qualifier, v.n FROM (
          SELECT report_id, country, qualifier, sum(people) AS people,
                 sum(municipalities) AS municipalities, count(*) AS rows,
                 count(people) AS with_people
            FROM reports_participant WHERE report_id IN (SELECT unnest(ids))
           GROUP BY report_id, country, qualifier
        ) p CROSS JOIN LATERAL (VALUES ('sP:', p.people), ('sM:', p.municipalities),
                                       ('sR:', p.rows), ('sW:', p.with_people)) v (kind, n)
        UNION ALL SELECT DISTINCT report_id, 'sf', 1 FROM reports_participant
         WHERE report_id IN (SELECT unnest(ids)) AND people IS NOT NULL
      ) keys WHERE n <> 0 GROUP BY report_id
    ) s ON s.report_id = a.id
   WHERE r.id = a.id AND (r.facet_keys IS DISTINCT FROM COALESCE(g.keys, '[]')
      OR r.stat_keys IS DISTINCT FROM COALESCE(s.keys, '{}'));
  SELECT set_config('clair.facet_keys', '', true);
$$;
-- A save from Django writes every column, facet_keys with it, from an instance that
-- may have been loaded before its links changed: only the refresh above writes keys.
CREATE OR REPLACE FUNCTION clair_keep_facet_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('clair.facet_keys', true), '') <> 'refresh' THEN
    NEW.facet_keys := CASE WHEN TG_OP = 'INSERT' THEN '[]' ELSE OLD.facet_keys END;
    NEW.stat_keys := CASE WHEN TG_OP = 'INSERT' THEN '{}' ELSE OLD.stat_keys END;
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
    FOR EACH ROW WHEN (NEW.facet_keys IS DISTINCT FROM OLD.facet_keys
      OR NEW.stat_keys IS DISTINCT FROM OLD.stat_keys)
    EXECUTE FUNCTION clair_keep_facet_keys()""",
    """CREATE OR REPLACE TRIGGER clair_facet_keys_new BEFORE INSERT ON reports_report
    FOR EACH ROW WHEN (NEW.facet_keys <> '[]' OR NEW.stat_keys <> '{}')
    EXECUTE FUNCTION clair_keep_facet_keys()""",
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
SQLITE_STAT_KEYS = """(
  SELECT COALESCE(json_group_object(k, n), '{{}}') FROM (
    SELECT k, n FROM (
      SELECT 'se:' || country AS k, count(*) AS n FROM reports_event
       WHERE report_id = {report} GROUP BY country
      UNION ALL SELECT 'sl:' || localgovernment_id, 1 FROM reports_report_local_governments
       WHERE report_id = {report}
      UNION ALL SELECT 'sa:' || partner_id, 1 FROM reports_report_partners
       WHERE report_id = {report}
      UNION ALL SELECT 'sP:' || country || ':' || qualifier, sum(people)
        FROM reports_participant WHERE report_id = {report} GROUP BY country, qualifier
      UNION ALL SELECT 'sM:' || country || ':' || qualifier, sum(municipalities)
        FROM reports_participant WHERE report_id = {report} GROUP BY country, qualifier
      UNION ALL SELECT 'sR:' || country || ':' || qualifier, count(*)
        FROM reports_participant WHERE report_id = {report} GROUP BY country, qualifier
      UNION ALL SELECT 'sW:' || country || ':' || qualifier, count(people)
        FROM reports_participant WHERE report_id = {report} GROUP BY country, qualifier
      UNION ALL SELECT 'sf', 1 WHERE EXISTS (
        SELECT 1 FROM reports_participant WHERE report_id = {report} AND people IS NOT NULL)
    ) WHERE n <> 0 ORDER BY k
  )
)"""
SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS clair_facet_keys_{table}_{event}_{row}
AFTER {event} ON {table}
BEGIN
  UPDATE reports_report SET facet_keys = {keys}, stat_keys = {stats} WHERE id = {row}.report_id;
END
"""
# A save from Django writes facet_keys too, maybe from an instance loaded before its
# links changed: whatever it wrote, the row gets its keys back (SQLite runs no trigger
# from a trigger's own UPDATE unless recursive_triggers is on).
SQLITE_KEEP_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS clair_facet_keys_kept
    AFTER UPDATE OF facet_keys, stat_keys ON reports_report
    WHEN NEW.facet_keys IS NOT {keys} OR NEW.stat_keys IS NOT {stats}
    BEGIN UPDATE reports_report SET facet_keys = {keys}, stat_keys = {stats}
     WHERE id = NEW.id; END""",
    """CREATE TRIGGER IF NOT EXISTS clair_facet_keys_new
    AFTER INSERT ON reports_report
    WHEN NEW.facet_keys IS NOT {keys} OR NEW.stat_keys IS NOT {stats}
    BEGIN UPDATE reports_report SET facet_keys = {keys}, stat_keys = {stats}
     WHERE id = NEW.id; END""",
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
    "reports_participant",  # the statistics' keys only
]


def install_triggers(using: str = "default", **kwargs) -> None:
    """Create (or replace) the triggers; connected to post_migrate, so always current."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if "reports_report" not in existing or not set(LINK_TABLES) <= existing:
        return  # before the migrations that create the tables
    if not key_totals.columns_ready(connection):
        return  # before the migrations that add the columns
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
                        report = f"{row}.report_id"
                        cursor.execute(
                            SQLITE_TRIGGER.format(
                                table=table,
                                event=event,
                                row=row,
                                keys=SQLITE_KEYS.format(report=report),
                                stats=SQLITE_STAT_KEYS.format(report=report),
                            )
                        )
            cursor.execute(
                SQLITE_PARTNER_TRIGGER.format(keys=SQLITE_KEYS.format(report="reports_report.id"))
            )
            for trigger in SQLITE_KEEP_TRIGGERS:
                cursor.execute(
                    trigger.format(
                        keys=SQLITE_KEYS.format(report="NEW.id"),
                        stats=SQLITE_STAT_KEYS.format(report="NEW.id"),
                    )
                )


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
    if not key_totals.columns_ready(connection):
        return  # before the migration that adds the columns (it refreshes them then)
    with key_totals.recounted_after(using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clair_refresh_facet_keys(ARRAY(SELECT id FROM reports_report))")
        else:
            keys = SQLITE_KEYS.format(report="reports_report.id")
            stats = SQLITE_STAT_KEYS.format(report="reports_report.id")
            cursor.execute(f"UPDATE reports_report SET facet_keys = {keys}, stat_keys = {stats}")  # noqa: S608
