"""What the counts depend on: the triggers that bump the count and search revisions.

Every write bumps the content revision (reports/content_revision.py): pages show
titles, photos and drafts' absence, so any of them can change a page. Most
writes change no count, though: staff fix a summary, add a photo or a caption,
save a draft again. Counting is what a page costs after a change (hundreds of
milliseconds at 100,000 reports, seconds at 1,000,000), so the counts are cached
under narrower numbers of the same row (ContentRevision):

- counts_number: a public report is added, removed, published, withdrawn or
  rescheduled, or changes office, fiscal year or dates; or a row of a
  table the filters or statistics read is written (events, participants, themes
  and their links, offices, local governments, partners and their links);
- search_number: a public report's search text changes (its title, summary, body,
  venues or participants' names).

A selection without words is counted under counts_number, a search under both
(content_revision.current()). Like the content revision's, the triggers run in
the writing transaction, whatever writes (the admin, imports, SQL by hand), and
are (re)installed after every migrate.
"""

from django.db import connections

# Any write to these can change what a selection selects or what the statistics sum.
COUNTED_TABLES = [
    "reports_event",
    "reports_participant",
    "reports_report_themes",
    "reports_theme",
    "offices_office",
    "reports_report_local_governments",
    "reports_report_partners",
    "municipalities_partner",
    "municipalities_localgovernment",
]
# The columns of a report that selections and counts read (search text aside; its
# facet keys change only with the links above, whose writes bump the number anyway).
COUNTED_COLUMNS = [
    "status",
    "published_at",
    "office_id",
    "fiscal_year",
    "first_date",
    "last_date",
]
SEARCHED_COLUMNS = ["search_text", "search_title"]

POSTGRESQL_FUNCTIONS = """
CREATE OR REPLACE FUNCTION clair_counts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reports_contentrevision SET counts_number = counts_number + 1 WHERE id = 1;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION clair_report_counts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  counted boolean := true;  -- TRUNCATE
BEGIN
  -- One branch per event: each names only the transition table its trigger has.
  IF TG_OP = 'INSERT' THEN
    counted := EXISTS (SELECT 1 FROM new_rows WHERE status = 'published');
  ELSIF TG_OP = 'DELETE' THEN
    counted := EXISTS (SELECT 1 FROM old_rows WHERE status = 'published');
  END IF;
  IF counted THEN
    UPDATE reports_contentrevision SET counts_number = counts_number + 1 WHERE id = 1;
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION clair_report_search_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reports_contentrevision SET search_number = search_number + 1 WHERE id = 1;
  RETURN NULL;
END $$;
"""
# AFTER triggers: the content revision's BEFORE trigger of the same statement has
# created and locked the row already.
POSTGRESQL_TABLE_TRIGGER = """
CREATE OR REPLACE TRIGGER clair_counts_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION clair_counts_changed()
"""
# Inserts and deletes per statement (a bulk load bumps once). Updates per row, with a
# condition PostgreSQL tests before queueing anything: a statement that rewrites every
# report's keys (facet_keys.refresh_all) or text queues nothing it need not, where
# transition tables would have copied every row twice.
PUBLISHED = "(OLD.status = 'published' OR NEW.status = 'published')"


def changed(columns) -> str:
    # One flat OR, not a row comparison: PostgreSQL stores (a, b) IS DISTINCT FROM (c, d)
    # as nested ORs that pg_dump prints and a restore flattens, so a restored schema
    # would differ from the one it came from.
    return " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)


POSTGRESQL_REPORT_TRIGGERS = [
    """CREATE OR REPLACE TRIGGER clair_counts_changed_insert AFTER INSERT ON reports_report
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION clair_report_counts_changed()""",
    """CREATE OR REPLACE TRIGGER clair_counts_changed_delete AFTER DELETE ON reports_report
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION clair_report_counts_changed()""",
    """CREATE OR REPLACE TRIGGER clair_counts_changed_truncate AFTER TRUNCATE ON reports_report
    FOR EACH STATEMENT EXECUTE FUNCTION clair_report_counts_changed()""",
    f"""CREATE OR REPLACE TRIGGER clair_counts_changed_update AFTER UPDATE ON reports_report
    FOR EACH ROW WHEN ({PUBLISHED} AND
      ({changed(COUNTED_COLUMNS)}))
    EXECUTE FUNCTION clair_counts_changed()""",
    f"""CREATE OR REPLACE TRIGGER clair_search_changed_update AFTER UPDATE ON reports_report
    FOR EACH ROW WHEN ({PUBLISHED} AND
      ({changed(SEARCHED_COLUMNS)}))
    EXECUTE FUNCTION clair_report_search_changed()""",
]
POSTGRESQL_REPORT_TRIGGER_NAMES = [
    "clair_counts_changed_insert",
    "clair_counts_changed_delete",
    "clair_counts_changed_truncate",
    "clair_counts_changed_update",
    "clair_search_changed_update",
]

SQLITE_BUMP = """
  INSERT OR IGNORE INTO reports_contentrevision
    (id, number, changed_at, counts_number, search_number)
    VALUES (1, 0, strftime('%Y-%m-%d %H:%M:%f', 'now'), 0, 0);
  UPDATE reports_contentrevision SET {changes} WHERE id = 1;
"""
SQLITE_TABLE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS clair_counts_changed_{table}_{event}
AFTER {event} ON {table}
BEGIN {bump} END
"""
SQLITE_REPORT_TRIGGERS = {
    "INSERT": ("NEW.status = 'published'", "counts_number = counts_number + 1"),
    "DELETE": ("OLD.status = 'published'", "counts_number = counts_number + 1"),
    "UPDATE": (
        "OLD.status = 'published' OR NEW.status = 'published'",
        "counts_number = counts_number + ({counted}), search_number = search_number + ({searched})".format(
            counted=" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COUNTED_COLUMNS),
            searched=" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in SEARCHED_COLUMNS),
        ),
    ),
}
SQLITE_REPORT_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS clair_counts_changed_reports_report_{event}
AFTER {event} ON reports_report WHEN {when}
BEGIN {bump} END
"""


def install_triggers(using: str = "default", **kwargs) -> None:
    """Create (or replace) the triggers; connected to post_migrate, so always current."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if "reports_contentrevision" not in existing or "reports_report" not in existing:
        return
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, "reports_contentrevision"
            )
        }
        reports = {
            column.name
            for column in connection.introspection.get_table_description(cursor, "reports_report")
        }
        if "search_number" not in columns or "facet_keys" not in reports:
            return  # before the migrations that add the columns
        tables = [table for table in COUNTED_TABLES if table in existing]
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTIONS)
            for table in tables:
                cursor.execute(POSTGRESQL_TABLE_TRIGGER.format(table=table))
            for trigger in POSTGRESQL_REPORT_TRIGGERS:
                cursor.execute(trigger)
        elif connection.vendor == "sqlite":
            bump = SQLITE_BUMP.format(changes="counts_number = counts_number + 1")
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(SQLITE_TABLE_TRIGGER.format(table=table, event=event, bump=bump))
            for event, (when, changes) in SQLITE_REPORT_TRIGGERS.items():
                cursor.execute(
                    SQLITE_REPORT_TRIGGER.format(
                        event=event, when=when, bump=SQLITE_BUMP.format(changes=changes)
                    )
                )


def remove_triggers(using: str = "default") -> None:
    """Drop the triggers and functions: when the migration that adds the numbers is undone."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in [t for t in COUNTED_TABLES if t in existing]:
                cursor.execute(f"DROP TRIGGER IF EXISTS clair_counts_changed ON {table}")
            for name in POSTGRESQL_REPORT_TRIGGER_NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON reports_report")
            for function in ("counts_changed", "report_counts_changed", "report_search_changed"):
                cursor.execute(f"DROP FUNCTION IF EXISTS clair_{function}()")
        elif connection.vendor == "sqlite":
            for table in COUNTED_TABLES:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS clair_counts_changed_{table}_{event}")
            for event in SQLITE_REPORT_TRIGGERS:
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS clair_counts_changed_reports_report_{event}"
                )
