"""Backups that restore (docs/backups.md).

On PostgreSQL: scripts/backup and scripts/restore, run as an operator would, into a
database created here; every row of every table, the schema, the sequences and
every media file must come back identical. On any database: the portable format
(export_reports with photos, then import_reports), from a folder moved elsewhere.
"""

import datetime
import io
import os
import secrets
import shutil
import socket
import subprocess
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from offices.models import Office
from reports import photos
from reports.models import Event, Participant, Photo, Report, Theme

REPO = Path(__file__).resolve().parent.parent
BACKUP = REPO / "scripts" / "backup"
RESTORE = REPO / "scripts" / "restore"
TOKYO = datetime.timezone(datetime.timedelta(hours=9))

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore: PostgreSQL only"
)
# The scripts read what other processes see: the test's rows must be committed.
# Serialized rollback brings back the offices and themes of the data migrations.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def image_upload(name: str, fmt: str, mode: str = "RGB", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, (30, 120, 200) + ((128,) if mode == "RGBA" else ())).save(
        buffer, format=fmt
    )
    return SimpleUploadedFile(name, buffer.getvalue())


def populate(django_user_model) -> list[Report]:
    """Reports with every field, events, participants, photos of each format and history."""
    editor = django_user_model.objects.create_user("tanaka", password="pw-tanaka-123")
    themes = Theme.objects.filter(slug__in=["sister-cities", "tourism-culture"])
    published = Report(
        external_id="flash-2026-01-15-seo",
        slug="ソウル市との交流会",
        office=Office.objects.get(code="seoul"),
        title="ソウル市と姉妹都市交流会を開きました",
        title_en="Sister-city exchange meeting with Seoul",
        summary="日韓の自治体 18 団体が集まりました。",
        summary_en="Eighteen municipalities of Japan and Korea met.",
        body="第一段落。\n\n第二段落、「引用」と絵文字 🎎 も。",
        status=Report.Status.PUBLISHED,
        published_at=datetime.datetime(2026, 1, 15, 9, 30, 15, 123456, tzinfo=TOKYO),
        source="自治体国際化フォーラム Vol. 436",
        created_by=editor,
        updated_by=editor,
    )
    published._history_user = editor
    published._change_reason = "作成"
    published.save()
    published.themes.set(themes)
    Event.objects.create(
        report=published,
        start_date=datetime.date(2025, 12, 18),
        end_date=datetime.date(2025, 12, 19),
        venue="ソウル市庁",
        city="ソウル",
        country="KR",
        format=Event.Format.IN_PERSON,
    )
    Event.objects.create(
        report=published,
        start_date=datetime.date(2026, 1, 10),
        end_date=datetime.date(2026, 1, 10),
        format=Event.Format.ONLINE,
    )
    Event.objects.create(
        report=published,
        start_date=datetime.date(2026, 2, 1),
        end_date=datetime.date(2026, 2, 3),
        venue="COEX",
        city="ソウル",
        country="KR",
        format=Event.Format.HYBRID,
    )
    for position, (name, country, municipalities, people, qualifier) in enumerate(
        [
            ("日本の自治体", "JP", 18, 27, Participant.Qualifier.EXACT),
            ("来場者", "", None, 800, Participant.Qualifier.ABOUT),
            ("企業", "KR", 0, 3000, Participant.Qualifier.AT_LEAST),
            ("報道", "", None, None, Participant.Qualifier.EXACT),
        ]
    ):
        Participant.objects.create(
            report=published,
            name=name,
            country=country,
            municipalities=municipalities,
            people=people,
            qualifier=qualifier,
            position=position,
        )
    for position, upload in enumerate(
        [
            image_upload("交流会の様子.jpg", "JPEG", size=(1600, 1000)),
            image_upload("group.png", "PNG", mode="RGBA"),
            image_upload("venue.webp", "WEBP"),
        ]
    ):
        photos.photo_store_upload(
            photo=Photo(
                report=published,
                caption=f"写真 {position + 1} のキャプション",
                alt_text=f"写真 {position + 1} の代替テキスト",
                position=position,
            ),
            file=upload,
        )
    published.refresh_derived_fields()
    published.refresh_from_db()
    published.title = "ソウル市と姉妹都市交流会を開きました（更新）"
    published._history_user = editor
    published._change_reason = "タイトルを更新"
    published.save()
    published.refresh_derived_fields()

    draft = Report.objects.create(  # entered in the admin: no external ID, no events
        slug="london-seminars",
        office=Office.objects.get(code="london"),
        title="オンラインセミナーシリーズ",
        summary="年度を通じて開きます。",
        status=Report.Status.DRAFT,
        fiscal_year=2025,
        created_by=editor,
    )
    draft.themes.set(themes[:1])
    draft.refresh_derived_fields()
    withdrawn = Report.objects.create(
        external_id="withdrawn-2021-par",
        slug="paris-withdrawn",
        office=Office.objects.get(code="paris"),
        title="公開を停止した報告",
        summary="概要。",
        status=Report.Status.WITHDRAWN,
        published_at=datetime.datetime(2021, 5, 1, 10, 0, tzinfo=TOKYO),
    )
    withdrawn.themes.set(themes[1:])
    withdrawn.refresh_derived_fields()
    photos.photo_store_upload(
        photo=Photo(report=withdrawn, position=0), file=image_upload("paris.jpg", "JPEG")
    )
    return [published, draft, withdrawn]


# PostgreSQL: scripts/backup and scripts/restore -------------------------------------


def database_url(name: str, *, port=None) -> str:
    settings = connection.settings_dict
    auth = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        auth += ":" + quote(settings["PASSWORD"], safe="")
    host = settings["HOST"] or "localhost"
    port = port or settings["PORT"] or 5432
    return f"postgres://{auth + '@' if auth else ''}{host}:{port}/{quote(name, safe='')}"


def raw_connection(name: str):
    import psycopg2

    settings = connection.settings_dict
    raw = psycopg2.connect(
        dbname=name,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    raw.autocommit = True
    return raw


def run(script: Path, *args, database: str | None, media_root: Path, **env):
    environment = {
        **os.environ,
        "MEDIA_ROOT": str(media_root),
        **{key: str(value) for key, value in env.items()},
    }
    environment.pop("DATABASE_URL", None)
    if database:
        environment["DATABASE_URL"] = database
    return subprocess.run(
        [str(script), *map(str, args)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def empty_database():
    """A new, empty database on the test server, dropped afterwards."""
    # Named after the configured database (clair_<name>_restore_…), never a real one.
    base = connection.settings_dict["NAME"].removeprefix("test_")
    name = f"{base}_restore_{secrets.token_hex(4)}"
    admin = raw_connection("postgres")
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def source_database() -> str:
    return connection.settings_dict["NAME"]


def backup(tmp_path, settings, **env) -> Path:
    result = run(
        BACKUP,
        tmp_path / "backups",
        database=database_url(source_database()),
        media_root=settings.MEDIA_ROOT,
        **env,
    )
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def tables(name: str) -> dict[str, list[tuple]]:
    """Every row of every table of the database, in a stable order."""
    raw = raw_connection(name)
    with raw.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        found = sorted(row[0] for row in cursor.fetchall())
        contents = {}
        for table in found:
            cursor.execute(f'SELECT * FROM "{table}"')
            contents[table] = sorted(cursor.fetchall(), key=repr)
    raw.close()
    return contents


def sequences(name: str) -> dict[str, int | None]:
    raw = raw_connection(name)
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        )
        values = dict(cursor.fetchall())
    raw.close()
    return values


def schema(name: str) -> list[str]:
    """The database's schema as pg_dump writes it (functions, triggers, indexes)."""
    dump = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "--dbname", database_url(name)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # pg_dump marks its script with a random key per run (\restrict); comments name versions.
    return [
        line
        for line in dump.splitlines()
        if not line.startswith(("\\restrict", "\\unrestrict", "--"))
    ]


def files(root: Path) -> dict[str, bytes]:
    root = Path(root)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@on_postgresql
@committed
def test_a_backup_restores_every_row_and_file_identically(
    tmp_path, settings, empty_database, django_user_model
):
    populate(django_user_model)
    folder = backup(tmp_path, settings)
    restored_media = tmp_path / "restored" / "media"

    result = run(RESTORE, folder, database=database_url(empty_database), media_root=restored_media)

    assert result.returncode == 0, result.stderr
    original, restored = tables(source_database()), tables(empty_database)
    for table, count in [
        ("reports_report", 3),
        ("reports_event", 3),
        ("reports_participant", 4),
        ("reports_photo", 4),
        ("reports_report_themes", 4),
        ("reports_historicalreport", 4),
        ("offices_office", 12),
    ]:
        assert len(original[table]) == count, table
    assert restored == original
    assert sequences(empty_database) == sequences(source_database())
    assert schema(empty_database) == schema(source_database())
    stored = files(settings.MEDIA_ROOT)
    assert {name for photo in Photo.objects.all() for name in photo.file_names()} == set(stored)
    assert len(stored) == 4 * 5  # each photo: the original and four renditions
    assert files(restored_media) == stored


@on_postgresql
@committed
def test_the_restored_database_bumps_the_content_revision_on_writes(
    tmp_path, settings, empty_database
):
    folder = backup(tmp_path, settings)
    run(RESTORE, folder, database=database_url(empty_database), media_root=tmp_path / "m")
    restored = raw_connection(empty_database)
    with restored.cursor() as cursor:
        cursor.execute("SELECT number FROM reports_contentrevision WHERE id = 1")
        (before,) = cursor.fetchone()
        cursor.execute("UPDATE reports_theme SET name_en = name_en || ' ' WHERE slug = 'education'")
        cursor.execute("SELECT number FROM reports_contentrevision WHERE id = 1")
        (after,) = cursor.fetchone()
    restored.close()
    assert after == before + 1


@on_postgresql
@committed
def test_the_backup_folder_holds_a_manifest_that_sha256sum_verifies(tmp_path, settings):
    folder = backup(tmp_path, settings)

    check = subprocess.run(
        ["sha256sum", "--check", "--strict", "manifest.sha256"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )

    assert check.returncode == 0, check.stdout + check.stderr
    assert sorted(check.stdout.splitlines()) == [
        "backup.txt: OK",
        "db.dump: OK",
        "media.tar: OK",
    ]


@on_postgresql
@committed
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, settings, django_user_model):
    populate(django_user_model)
    folder = backup(tmp_path, settings)
    Report.objects.filter(slug="london-seminars").delete()

    result = run(
        RESTORE, folder, database=database_url(source_database()), media_root=tmp_path / "new"
    )

    assert result.returncode == 1
    assert f"the database {source_database()} is not empty" in result.stderr
    assert "--force" in result.stderr
    assert not Report.objects.filter(slug="london-seminars").exists()  # not restored
    assert not (tmp_path / "new").exists()


@on_postgresql
@committed
def test_restore_refuses_a_media_folder_that_is_not_empty(tmp_path, settings, empty_database):
    folder = backup(tmp_path, settings)
    media = tmp_path / "media-in-use"
    media.mkdir()
    (media / "keep.txt").write_text("someone's file")

    result = run(RESTORE, folder, database=database_url(empty_database), media_root=media)

    assert result.returncode == 1
    assert f"the media folder {media} is not empty" in result.stderr
    assert tables(empty_database) == {}
    assert files(media) == {"keep.txt": b"someone's file"}


@on_postgresql
@committed
def test_restore_with_force_replaces_the_database_and_moves_the_media_aside(
    tmp_path, settings, empty_database, django_user_model
):
    populate(django_user_model)
    folder = backup(tmp_path, settings)
    target = tmp_path / "target-media"
    url = database_url(empty_database)
    assert run(RESTORE, folder, database=url, media_root=target).returncode == 0
    with raw_connection(empty_database).cursor() as cursor:
        cursor.execute("DELETE FROM reports_event")
    (target / "stray.txt").write_text("not from the backup")

    result = run(RESTORE, "--force", folder, database=url, media_root=target)

    assert result.returncode == 0, result.stderr
    assert tables(empty_database) == tables(source_database())
    assert files(target) == files(settings.MEDIA_ROOT)
    [aside] = tmp_path.glob("target-media.replaced-*")
    assert (aside / "stray.txt").read_text() == "not from the backup"


@on_postgresql
@committed
@pytest.mark.parametrize("damaged", ["db.dump", "media.tar"])
def test_restore_refuses_a_damaged_backup_before_writing_anything(
    damaged, tmp_path, settings, empty_database, django_user_model
):
    populate(django_user_model)
    folder = backup(tmp_path, settings)
    path = folder / damaged
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))
    restored_media = tmp_path / "restored"

    result = run(RESTORE, folder, database=database_url(empty_database), media_root=restored_media)

    assert result.returncode == 1
    assert f"{damaged}: FAILED" in result.stderr
    assert "is damaged" in result.stderr
    assert tables(empty_database) == {}
    assert not restored_media.exists()


@on_postgresql
@committed
def test_backup_refuses_to_finish_when_a_photo_file_is_missing(
    tmp_path, settings, django_user_model
):
    populate(django_user_model)
    photo = Photo.objects.get(report__slug="paris-withdrawn")
    (Path(settings.MEDIA_ROOT) / photo.thumb_webp.name).unlink()

    result = run(
        BACKUP,
        tmp_path / "backups",
        database=database_url(source_database()),
        media_root=settings.MEDIA_ROOT,
    )

    assert result.returncode == 1
    assert f"missing: {photo.thumb_webp.name}" in result.stderr
    assert "1 files named by the database are not in" in result.stderr
    assert list((tmp_path / "backups").iterdir()) == []


@on_postgresql
@committed
def test_allow_missing_files_finishes_the_backup_and_lists_every_missing_file(
    tmp_path, settings, django_user_model
):
    [report, *_] = populate(django_user_model)
    # Rows only, no files (bulk_create skips the pipeline): far more names than
    # a pipe holds, as after a lost media disk.
    Photo.objects.bulk_create(
        Photo(report=report, image=f"photos/lost/photo-without-its-file-{n:05}.jpg", position=9)
        for n in range(3000)
    )

    result = run(
        BACKUP,
        "--allow-missing-files",
        tmp_path / "backups",
        database=database_url(source_database()),
        media_root=settings.MEDIA_ROOT,
    )

    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip())
    listed = (folder / "missing-files.txt").read_text().splitlines()
    assert listed == [f"photos/lost/photo-without-its-file-{n:05}.jpg" for n in range(3000)]
    assert result.stderr.count("  missing: ") == 20
    assert "missing_files: 3000" in (folder / "backup.txt").read_text()
    assert (
        "missing-files.txt: OK"
        in subprocess.run(
            ["sha256sum", "--check", "manifest.sha256"], cwd=folder, capture_output=True, text=True
        ).stdout
    )


@on_postgresql
@committed
def test_restore_says_how_to_create_a_target_database_that_does_not_exist(tmp_path, settings):
    folder = backup(tmp_path, settings)
    missing = f"{source_database()}_never_created"

    result = run(RESTORE, folder, database=database_url(missing), media_root=tmp_path / "m")

    assert result.returncode == 1
    assert f'database "{missing}" does not exist' in result.stderr
    assert "create it first: createdb" in result.stderr
    assert not (tmp_path / "m").exists()


@on_postgresql
def test_backup_says_so_when_pg_dump_is_missing(tmp_path, settings):
    result = run(
        BACKUP,
        tmp_path / "backups",
        database=database_url("clair_unused"),
        media_root=settings.MEDIA_ROOT,
        PG_BIN=tmp_path,
    )

    assert result.returncode == 1
    assert f"backup: error: pg_dump not found in PG_BIN={tmp_path}" in result.stderr
    assert not (tmp_path / "backups").exists()


@on_postgresql
def test_backup_says_so_when_the_database_does_not_answer(tmp_path, settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = run(
        BACKUP,
        tmp_path / "backups",
        database=database_url("clair_unused", port=port),
        media_root=settings.MEDIA_ROOT,
    )

    assert result.returncode == 1
    assert "backup: error: cannot connect to the database of DATABASE_URL" in result.stderr
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("url", [None, "sqlite:///data/db.sqlite3"])
def test_the_scripts_point_other_databases_to_the_portable_format(url, tmp_path):
    for script in (BACKUP, RESTORE):
        result = run(script, tmp_path, database=url, media_root=tmp_path / "media")

        assert result.returncode == 1
        assert "export_reports --output DIR/reports.jsonl --photos-dir DIR/photos" in result.stderr


# Any database: the portable format ------------------------------------------------


def carried() -> dict[str, dict]:
    """What the portable format carries, per report slug: its fields, rows and image bytes."""
    result = {}
    for report in Report.objects.prefetch_related("themes", "events", "participants", "photos"):
        result[report.slug] = {
            "external_id": report.external_id or f"report-{report.pk}",
            "office": report.office.code,
            "themes": sorted(theme.slug for theme in report.themes.all()),
            **{
                field: getattr(report, field)
                for field in [
                    "title",
                    "title_en",
                    "summary",
                    "summary_en",
                    "body",
                    "status",
                    "published_at",
                    "fiscal_year",
                    "source",
                    "first_date",
                    "last_date",
                    "search_text",
                ]
            },
            "events": [
                (e.start_date, e.end_date, e.venue, e.city, e.country, e.format)
                for e in report.events.all()
            ],
            "participants": [
                (p.name, p.country, p.municipalities, p.people, p.qualifier, p.position)
                for p in report.participants.all()
            ],
            "photos": [
                (p.position, p.caption, p.alt_text, p.width, p.height, p.image.read())
                for p in report.photos.all()
            ],
        }
    return result


@pytest.mark.django_db
def test_the_portable_export_restores_from_a_folder_moved_elsewhere(
    tmp_path, settings, django_user_model
):
    populate(django_user_model)
    before = carried()
    folder = tmp_path / "backup"
    call_command(
        "export_reports",
        "--output",
        folder / "reports.jsonl",
        "--photos-dir",
        folder / "photos",
        stderr=StringIO(),
    )
    moved = tmp_path / "elsewhere" / "moved-backup"
    moved.parent.mkdir()
    shutil.move(folder, moved)
    Report.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"

    call_command("import_reports", moved / "reports.jsonl", stdout=StringIO(), stderr=StringIO())

    assert carried() == before
    assert len(files(settings.MEDIA_ROOT)) == 4 * 5


@pytest.mark.django_db
def test_the_portable_export_names_photos_relative_to_its_own_folder(
    tmp_path, monkeypatch, django_user_model
):
    populate(django_user_model)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # a relative --output, from another folder
    (tmp_path / "backup").mkdir()

    call_command(
        "export_reports",
        "--output",
        "../backup/reports.jsonl",
        "--photos-dir",
        "../backup/photos",
        stderr=StringIO(),
    )

    text = (tmp_path / "backup" / "reports.jsonl").read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    assert text.count('"file": "photos/') == 4
    assert sorted(p.name for p in (tmp_path / "backup" / "photos").iterdir()) == [
        "flash-2026-01-15-seo-1.jpg",
        "flash-2026-01-15-seo-2.png",
        "flash-2026-01-15-seo-3.webp",
        "withdrawn-2021-par-1.jpg",
    ]
