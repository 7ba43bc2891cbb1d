"""Migrations run forward from zero, back to zero and forward again (SQLite and PostgreSQL).

In a database of its own (alias "scratch": a file, or a new PostgreSQL database),
so the suite's test database, and the order of the tests, are not affected.
"""

import contextlib
import secrets

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from offices.models import Office
from reports.content_revision import CONTENT_TABLES
from reports.models import ContentRevision, Event, Photo, Report, Theme

ALIAS = "scratch"
OUR_APPS = ["reports", "offices"]  # reports depends on offices: unapplied first


def schema(alias: str) -> list:
    """Every table, index, trigger (and on PostgreSQL, function) as the database declares it."""
    with connections[alias].cursor() as cursor:
        if connections[alias].vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
            )
            return cursor.fetchall()
        queries = [
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public'",
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace",
            "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE NOT tgisinternal",
            "SELECT proname, pg_get_functiondef(oid) FROM pg_proc "
            "WHERE pronamespace = 'public'::regnamespace",
        ]
        result = []
        for query in queries:
            cursor.execute(query)
            result.append(sorted(cursor.fetchall(), key=repr))
        return result


def tables_with_triggers(alias: str) -> set[str]:
    with connections[alias].cursor() as cursor:
        if connections[alias].vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'clair_content_changed_%'"
            )
        else:
            cursor.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger "
                "WHERE tgname = 'clair_content_changed'"
            )
        return {row[0] for row in cursor.fetchall()}


def ours(alias: str) -> dict[str, list]:
    """What of our apps is left in the database: tables, functions, applied migrations."""
    introspection = connections[alias].introspection
    tables = sorted(
        name for name in introspection.table_names() if name.startswith(("reports_", "offices_"))
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT app, name FROM django_migrations WHERE app IN ('reports', 'offices')"
        )
        migrations = cursor.fetchall()
        functions = []
        if connections[alias].vendor == "postgresql":
            cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'clair_%'")
            functions = cursor.fetchall()
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            functions = cursor.fetchall()  # triggers: SQLite's only code
    return {"tables": tables, "migrations": migrations, "code": functions}


def reference_data(alias: str) -> dict[str, list]:
    """The rows the data migrations load, without their ids."""
    return {
        "offices": list(Office.objects.using(alias).order_by("code").values(*OFFICE_FIELDS)),
        "themes": list(Theme.objects.using(alias).order_by("slug").values(*THEME_FIELDS)),
        "groups": sorted(
            (group.name, sorted(group.permissions.values_list("codename", flat=True)))
            for group in Group.objects.using(alias).all()
        ),
    }


OFFICE_FIELDS = [f.name for f in Office._meta.concrete_fields if f.name != "id"]
THEME_FIELDS = [f.name for f in Theme._meta.concrete_fields if f.name != "id"]


@contextlib.contextmanager
def scratch_database(tmp_path_factory, alias: str):
    """A new, empty database under `alias` (a file, or a new PostgreSQL database)."""
    default = connection.settings_dict
    created = None
    if connection.vendor == "sqlite":
        name = str(tmp_path_factory.mktemp("migrations") / f"{alias}.sqlite3")
    else:
        # Named after the configured database (clair_<name>_migrations_…).
        base = default["NAME"].removeprefix("test_")
        created = name = f"{base}_migrations_{secrets.token_hex(4)}"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connections.settings[alias] = {**default, "NAME": name}
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
        if created:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cycle(tmp_path_factory, django_db_blocker):
    """Migrate a new database forward from zero, ours back to zero, and forward again.

    Yields what was seen at each step; the database stays for the tests to write to.
    """
    with django_db_blocker.unblock(), scratch_database(tmp_path_factory, ALIAS):
        seen = {}
        call_command("migrate", database=ALIAS, verbosity=0)
        seen["schema_first"] = schema(ALIAS)
        seen["data_first"] = reference_data(ALIAS)
        for app in OUR_APPS:
            call_command("migrate", app, "zero", database=ALIAS, verbosity=0)
        seen["ours_at_zero"] = ours(ALIAS)
        call_command("migrate", database=ALIAS, verbosity=0)
        seen["schema_again"] = schema(ALIAS)
        seen["data_again"] = reference_data(ALIAS)
        yield seen


def test_migrating_our_apps_to_zero_leaves_nothing_of_theirs(cycle):
    assert cycle["ours_at_zero"] == {"tables": [], "migrations": [], "code": []}


def test_migrating_forward_again_builds_the_same_schema(cycle):
    assert cycle["schema_again"] == cycle["schema_first"]


def test_migrating_forward_again_loads_the_offices_themes_and_groups_again(cycle):
    assert len(cycle["data_again"]["offices"]) == 12
    assert len(cycle["data_again"]["themes"]) == 13
    assert [name for name, _ in cycle["data_again"]["groups"]] == ["事務所編集者", "本部編集者"]
    assert cycle["data_again"] == cycle["data_first"]


def test_after_migrating_forward_again_every_content_table_has_its_trigger(
    cycle, django_db_blocker
):
    with django_db_blocker.unblock():
        assert tables_with_triggers(ALIAS) == set(CONTENT_TABLES)


def test_after_migrating_forward_again_writes_bump_the_content_revision(cycle, django_db_blocker):
    with django_db_blocker.unblock():
        revisions = ContentRevision.objects.using(ALIAS)
        start = revisions.get(pk=1).number
        # bulk_create: no history entry, which django-simple-history would write to
        # the default database, not this one.
        [report] = Report.objects.using(ALIAS).bulk_create(
            [
                Report(
                    title="移行後の報告",
                    slug="after-migrations",
                    office=Office.objects.using(ALIAS).get(code="seoul"),
                    summary="概要。",
                )
            ]
        )
        after_report = revisions.get(pk=1).number
        Event.objects.using(ALIAS).create(
            report=report, start_date="2026-01-01", end_date="2026-01-02"
        )
        after_event = revisions.get(pk=1).number

        assert start < after_report < after_event


def test_the_photo_keys_migration_renames_stored_photos_after_their_keys(
    tmp_path_factory, django_db_blocker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    camera_names = ["photos/2026/01/IMG_0001.jpg", "photos/2026/01/IMG_0001-thumb.webp"]
    for name in camera_names:
        (settings.MEDIA_ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / name).write_bytes(name.encode())
    with django_db_blocker.unblock(), scratch_database(tmp_path_factory, "photos_scratch") as alias:
        executor = MigrationExecutor(connections[alias])
        executor.migrate([("reports", "0009_performance_indexes_and_content_revision")])
        apps = executor.loader.project_state(
            ("reports", "0009_performance_indexes_and_content_revision")
        ).apps
        office = apps.get_model("offices", "Office").objects.using(alias).get(code="seoul")
        report = (
            apps.get_model("reports", "Report")
            .objects.using(alias)
            .create(title="写真の移行", slug="photo-migration", office=office, summary="概要")
        )
        apps.get_model("reports", "Photo").objects.using(alias).create(
            report=report, image=camera_names[0], thumb_webp=camera_names[1]
        )
        call_command("migrate", "reports", database=alias, verbosity=0)
        photo = Photo.objects.using(alias).get()
        connections[alias].close()
    stored = sorted(
        str(p.relative_to(settings.MEDIA_ROOT)) for p in settings.MEDIA_ROOT.rglob("*.*")
    )
    assert stored == sorted([photo.image.name, photo.thumb_webp.name])
    assert photo.image.name == f"photos/{photo.key[:2]}/{photo.key}.jpg"
    assert photo.thumb_webp.name == f"photos/{photo.key[:2]}/{photo.key}-thumb.webp"
    assert (settings.MEDIA_ROOT / photo.image.name).read_bytes() == camera_names[0].encode()
