"""Write paths outside the admin: plain functions, keyword-only, transactional."""

import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TextIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, Prefetch, Q, Value
from django.db.models.functions import Cast, Coalesce, Collate, Concat
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from offices.models import Office

from .interchange import (
    MAX_ERRORS,
    SCALAR_FIELDS,
    FormatContext,
    ReportData,
    SeenKeys,
    dump_line,
    export_id,
    parse_json,
    parse_report,
    photo_file_name,
    photo_unchanged,
    read_lines,
    report_matches,
    report_to_line,
    show,
)
from .models import Event, Participant, Photo, Report, Theme

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "vol436.json"
CHUNK_SIZE = 500  # reports checked, written or exported per batch of queries
# Rows per INSERT. Unlimited, SQLite takes up to 32,766 parameters a statement, and
# its driver caches the last 128 statements: hundreds of different giant INSERTs
# (one per row count) would hold over 100 MB.
BULK_BATCH = 100
PROGRESS_EVERY = 500  # lines


def unique_slug(
    *,
    title: str,
    exclude_pk: int | None = None,
    max_length: int = 200,
    reserved: Callable[[str], bool] | None = None,
) -> str:
    """A slug from the title (Japanese kept), made unique with a numeric suffix.

    `reserved` names slugs taken by something not yet saved (later lines of an import).
    """
    base = slugify(title, allow_unicode=True)[: max_length - 10].strip("-") or "report"
    slug, n = base, 2
    others = Report.objects.exclude(pk=exclude_pk) if exclude_pk else Report.objects.all()
    while others.filter(slug=slug).exists() or (reserved and reserved(slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug


def placeholder_image(*, label: str, width: int = 1200, height: int = 800, seed: int = 0) -> bytes:
    """A PNG clearly marked as a placeholder, since the seed text has no photos."""
    hue = [(11, 79, 138), (30, 110, 90), (120, 70, 30), (90, 60, 130)][seed % 4]
    image = Image.new("RGB", (width, height), hue)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    small = ImageFont.load_default(size=32)
    for i in range(0, width + height, 80):  # diagonal stripes say "not a photo" at a glance
        draw.line(
            [(i, 0), (i - height, height)], fill=tuple(min(c + 25, 255) for c in hue), width=12
        )
    draw.rectangle([60, height // 2 - 120, width - 60, height // 2 + 120], fill=(255, 255, 255))
    draw.text(
        (width // 2, height // 2 - 40),
        "PLACEHOLDER IMAGE",
        font=font,
        fill=(31, 35, 40),
        anchor="mm",
    )
    draw.text((width // 2, height // 2 + 50), label, font=small, fill=(87, 96, 106), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def reports_write(
    *,
    items: list[tuple[ReportData, Report | None]],
    user=None,
    new_files: list[str] | None = None,
    reserved_slugs: Callable[[str], bool] | None = None,
    placeholder_photos: bool = False,
    change_reason: str = "",
) -> list[tuple[Report, bool]]:
    """Create or update reports so that each holds exactly its data; return (report, created).

    The one write path of the import and the demo loader. `items` pairs the data
    with the stored report it updates (None: create one). Events and participants
    are replaced; photos are matched by order and kept while their file is the
    same, so loading twice keeps the same files. A photo without a file keeps the
    stored one, or gets a placeholder image with `placeholder_photos` (demo data).
    Names of files written are appended to `new_files`. A new report without a slug
    gets one from its title, avoiding the slugs `reserved_slugs` says other lines
    will claim. Related rows and new reports (with their history) are written a
    batch at a time: an import of 10,000 reports makes a few hundred queries for
    them instead of tens of thousands.
    """
    batch_slugs: set[str] = set()

    def taken(slug: str) -> bool:
        return slug in batch_slugs or bool(reserved_slugs and reserved_slugs(slug))

    written = []
    for data, report in items:
        created = report is None
        report = _report_assign(report or Report(created_by=user), data, user=user, taken=taken)
        batch_slugs.add(report.slug)
        if change_reason:
            report._change_reason = change_reason[:100]
        events = [Event(report=report, **row) for row in data.events]
        participants = [
            Participant(report=report, position=position, **row)
            for position, row in enumerate(data.participants)
        ]
        report.refresh_derived_fields(save=False, events=events, participants=participants)
        # parse_report has checked what the foreign key, unique and check constraints
        # would query for (a query each, per report); the database enforces them too.
        report.full_clean(
            exclude=["office", "themes"], validate_unique=False, validate_constraints=False
        )
        written.append((report, created, data, events, participants))

    new = [report for report, created, *_ in written if created]
    # Sets their primary keys (PostgreSQL, SQLite 3.35+).
    Report.objects.bulk_create(new, batch_size=BULK_BATCH)
    Report.history.bulk_history_create(
        new, batch_size=BULK_BATCH, default_user=user, default_change_reason=change_reason
    )
    updated = [report for report, created, *_ in written if not created]
    for report in updated:
        report.save()  # one history row each, by django-simple-history's signal
    if updated:
        Report.themes.through.objects.filter(report__in=updated).delete()
        Event.objects.filter(report__in=updated).delete()
        Participant.objects.filter(report__in=updated).delete()
    Report.themes.through.objects.bulk_create(
        (
            Report.themes.through(report=report, theme=theme)
            for report, _, data, *_ in written
            for theme in data.themes
        ),
        batch_size=BULK_BATCH,
    )
    Event.objects.bulk_create(
        (event for *_, events, _ in written for event in events), batch_size=BULK_BATCH
    )
    Participant.objects.bulk_create(
        (p for *_, participants in written for p in participants), batch_size=BULK_BATCH
    )
    for report, created, data, *_ in written:
        _photos_update(
            report=report,
            rows=data.photos,
            stored=[] if created else list(report.photos.all()),
            new_files=new_files,
            placeholder=placeholder_photos,
        )
    return [(report, created) for report, created, *_ in written]


def _report_assign(report: Report, data: ReportData, *, user, taken) -> Report:
    report.external_id = data.external_id
    report.office = data.office
    report.slug = data.slug or report.slug or unique_slug(title=data.title, reserved=taken)
    for name in SCALAR_FIELDS:
        setattr(report, name, getattr(data, name))
    report.updated_by = user
    if user is not None:
        report._history_user = user  # django-simple-history's hook outside a request
    return report


def _photos_update(*, report, rows, stored, new_files, placeholder) -> None:
    for position, row in enumerate(rows):
        photo = stored[position] if position < len(stored) else None
        if photo is not None and not photo_unchanged(photo, row):
            photo_delete(photo=photo)
            photo = None
        if photo is not None:
            if (photo.position, photo.caption, photo.alt_text) != (
                position,
                row.caption,
                row.alt_text,
            ):
                photo.position, photo.caption, photo.alt_text = position, row.caption, row.alt_text
                photo.save(update_fields=["position", "caption", "alt_text"])
            continue
        photo = Photo(
            report=report,
            position=position,
            caption=row.caption,
            alt_text=row.alt_text,
            source_sha256=row.sha256 or "",
        )
        if row.path is not None:
            with open(row.path, "rb") as stream:
                _photo_save(photo, File(stream, name=row.path.name), new_files)
        elif placeholder:
            content = placeholder_image(
                label=f"{report.office.name_en} · {report.slug} · {position + 1}", seed=position
            )
            _photo_save(
                photo, ContentFile(content, name=f"{report.slug}-{position + 1}.png"), new_files
            )
        else:
            raise ValueError(f"photo {position + 1} has no file and nothing stored to keep")
    for photo in stored[len(rows) :]:
        photo_delete(photo=photo)


def _photo_save(photo: Photo, file, new_files: list[str] | None) -> None:
    """The same pipeline as an upload in the admin: the model validates and processes."""
    photo.image = file
    photo.full_clean()
    photo.save()
    if new_files is not None:
        new_files.extend(photo.file_names())


def photo_delete(*, photo: Photo) -> None:
    """Delete a photo row; the model removes its files once the transaction commits."""
    photo.delete()


def format_context(*, base_dir: Path | None) -> FormatContext:
    return FormatContext(
        offices={office.code: office for office in Office.objects.all()},
        themes={theme.slug: theme for theme in Theme.objects.all()},
        base_dir=base_dir,
    )


def demo_load(*, path: Path = DEMO_FILE, dry_run: bool = False) -> dict:
    """Load the demo reports; running it again leaves the same data.

    The demo file is a JSON array in the import format, with photos that have no
    file (placeholder images). With dry_run everything is rolled back, files included.
    """
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    context = format_context(base_dir=None)
    counts = {"created": 0, "updated": 0}
    new_files: list[str] = []
    try:
        with transaction.atomic():
            for index, item in enumerate(items, start=1):
                data, errors = parse_report(item, context)
                if errors:
                    raise ValueError(f"{Path(path).name}, report {index}: {'; '.join(errors)}")
                report = Report.objects.filter(external_id=data.external_id).first()
                [(_, created)] = reports_write(
                    items=[(data, report)], new_files=new_files, placeholder_photos=True
                )
                counts["created" if created else "updated"] += 1
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        _delete_files(new_files)
        raise
    if dry_run:
        _delete_files(new_files)
    return counts


def _delete_files(names: list[str]) -> None:
    storage = Photo._meta.get_field("image").storage
    for name in names:
        storage.delete(name)


# Import and export (README, "Import and export") --------------------------------


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportRejected(Exception):
    """The file has errors and nothing was imported; `errors` are (line, message), sorted."""

    def __init__(self, errors: list[tuple[int, str]], count: int):
        self.errors, self.count = sorted(errors, key=lambda error: error[0]), count
        super().__init__("\n".join(f"line {number}: {message}" for number, message in self.errors))


class _Errors:
    """The first `limit` errors of a file and how many there are in all."""

    def __init__(self, limit: int = MAX_ERRORS):
        self.limit, self.shown, self.count = limit, [], 0

    def add(self, number: int, message: str) -> None:
        self.count += 1
        if len(self.shown) < self.limit:
            self.shown.append((number, message))


def reports_import(
    *,
    path: Path,
    dry_run: bool = False,
    user=None,
    progress: Callable[[str, int, float], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportSummary:
    """Import a JSONL file of reports, all lines or none; raise ImportRejected naming the lines.

    Two passes over the file, neither holding more than `chunk_size` reports: the
    first checks every line (against the database too), the second writes in one
    transaction and skips reports the line would not change. With `dry_run` only
    the first pass runs. `progress(phase, line_number, fraction)` is called now and then.
    """
    path = Path(path)
    context = format_context(base_dir=path.resolve().parent)
    keys = SeenKeys()
    summary = _import_check(path, context, keys, progress, chunk_size)
    if not dry_run:
        summary = _import_write(path, context, keys, user, progress, chunk_size)
    return summary


def _parsed_lines(path, context, *, on_error, progress, phase, on_object=None):
    """(line number, ReportData) for each valid line; problems go to `on_error`."""
    size = max(path.stat().st_size, 1)
    for line in read_lines(path):
        if progress and line.number % PROGRESS_EVERY == 0:
            progress(phase, line.number, line.position / size)
        if line.error:
            on_error(line.number, line.error)
            continue
        obj, error = parse_json(line)
        if error:
            on_error(line.number, error)
            continue
        if on_object:
            on_object(line.number, obj)
        data, problems = parse_report(obj, context)
        for problem in problems:
            on_error(line.number, problem)
        if data is not None:
            yield line.number, data


def _chunked(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _StoredReports:
    """The stored reports a chunk of lines refers to, by external ID and by slug."""

    def __init__(self, chunk):
        ids = [data.external_id for _, data in chunk]
        slugs = [data.slug for _, data in chunk if data.slug]
        reports = (
            Report.objects.filter(Q(external_id__in=ids) | Q(slug__in=slugs))
            .select_related("office")
            .prefetch_related("themes", "events", "participants", "photos")
        )
        self.by_id, self.by_slug = {}, {}
        for report in reports:
            self.by_slug[report.slug] = report
            if report.external_id:
                self.by_id[report.external_id] = report

    def match(self, data: ReportData) -> tuple[Report | None, list[str]]:
        """The report a line updates (None: a new one), and any conflict."""
        report = self.by_id.get(data.external_id)
        owner = self.by_slug.get(data.slug) if data.slug else None
        if report is None and owner is not None and owner.external_id is None:
            report = owner  # entered in the admin and exported as report-<pk>: adopt it
        if owner is not None and owner is not report:
            return report, [f"slug '{data.slug}' is already used by report '{export_id(owner)}'"]
        return report, []


def _import_check(path, context, keys, progress, chunk_size) -> ImportSummary:
    errors, summary, suspects = _Errors(), ImportSummary(), set()

    def note_keys(number, obj):
        if isinstance(obj, dict):
            for prefix in ("external_id", "slug"):
                value = obj.get(prefix)
                if isinstance(value, str) and keys.add(f"{prefix}:{value}"):
                    suspects.add(f"{prefix}:{value}")

    lines = _parsed_lines(
        path,
        context,
        on_error=errors.add,
        progress=progress,
        phase="checking",
        on_object=note_keys,
    )
    for chunk in _chunked(lines, chunk_size):
        stored = _StoredReports(chunk)
        for number, data in chunk:
            report, problems = stored.match(data)
            problems += _photo_problems(data, report)
            for problem in problems:
                errors.add(number, problem)
            if problems:
                continue
            if report is None:
                summary.created += 1
            elif report_matches(report, data):
                summary.unchanged += 1
            else:
                summary.updated += 1
    if suspects:
        for number, message in _duplicates(path, suspects):
            errors.add(number, message)
    if errors.count:
        raise ImportRejected(errors.shown, errors.count)
    return summary


def _duplicates(path, suspects):
    """Lines repeating an external ID or slug of an earlier line.

    The first pass remembers keys in a fixed-size filter that may report false
    hits; this pass confirms them exactly, and only runs when there are any.
    """
    first_line = {}
    for line in read_lines(path):
        if line.error:
            continue
        obj, error = parse_json(line)
        if error or not isinstance(obj, dict):
            continue
        for name in ("external_id", "slug"):
            key = f"{name}:{obj.get(name)}"
            if key in suspects:
                if key in first_line:
                    yield (
                        line.number,
                        f"{name} {show(obj.get(name))} is also on line {first_line[key]}",
                    )
                else:
                    first_line[key] = line.number


def _photo_problems(data: ReportData, report: Report | None) -> list[str]:
    """Photos that the write would store: their files must pass the photo pipeline's checks."""
    stored = list(report.photos.all()) if report is not None else []
    problems = []
    for index, row in enumerate(data.photos):
        photo = stored[index] if index < len(stored) else None
        name = f"photos[{index}].file"
        if row.path is None:
            if photo is None:
                problems.append(
                    f"{name} is null, but the report has no stored photo {index + 1} to keep"
                )
        elif photo is None or not photo_unchanged(photo, row):
            problems += [f"{name} {show(row.label)}: {m}" for m in photo_file_problems(row.path)]
    return problems


def photo_file_problems(path: Path) -> list[str]:
    """What the Photo model's validation says about a file, without storing anything."""
    with open(path, "rb") as stream:
        photo = Photo(image=File(stream, name=path.name))
        try:
            photo.full_clean(exclude=["report"])
        except ValidationError as exc:
            return [str(message) for messages in exc.message_dict.values() for message in messages]
    return []


def _import_write(path, context, keys, user, progress, chunk_size) -> ImportSummary:
    summary, new_files, batch = ImportSummary(), [], (0, 0)
    reason = f"import_reports {path.name}"

    def changed_since_check(line_number, message):
        raise ImportRejected(
            [(line_number, f"{message} (did the file change during the import?)")], 1
        )

    def reserved(slug: str) -> bool:
        return f"slug:{slug}" in keys

    try:
        with transaction.atomic():
            lines = _parsed_lines(
                path, context, on_error=changed_since_check, progress=progress, phase="importing"
            )
            for chunk in _chunked(lines, chunk_size):
                stored, items = _StoredReports(chunk), []
                for number, data in chunk:
                    report, problems = stored.match(data)
                    if problems:
                        changed_since_check(number, problems[0])
                    if report is not None and report_matches(report, data):
                        summary.unchanged += 1
                    else:
                        items.append((data, report))
                batch = (chunk[0][0], chunk[-1][0])  # a batch that fails is named by its lines
                for _, created in reports_write(
                    items=items,
                    user=user,
                    new_files=new_files,
                    reserved_slugs=reserved,
                    change_reason=reason,
                ):
                    if created:
                        summary.created += 1
                    else:
                        summary.updated += 1
    except ImportRejected:
        _delete_files(new_files)
        raise
    except (ValidationError, DatabaseError, OSError, ValueError) as exc:
        _delete_files(new_files)
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        message = f"writing lines {batch[0]}-{batch[1]} failed: {message}"
        raise ImportRejected([(batch[0], message)], 1) from exc
    except BaseException:
        _delete_files(new_files)
        raise
    return summary


def reports_export(
    *,
    out: TextIO,
    offices: list[str] | None = None,
    photos_dir: Path | None = None,
    relative_to: Path | None = None,
    warn: Callable[[str], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Write reports as JSONL to `out`, ordered by external ID; return how many.

    With `photos_dir`, photo files are copied there under stable names, and each
    "file" is the path relative to `relative_to` (the folder of the output file).
    """
    relative_to = Path(relative_to or Path.cwd()).resolve()
    if photos_dir is not None:
        photos_dir = Path(photos_dir).resolve()
        if not photos_dir.is_relative_to(relative_to):
            raise ValueError(
                f"the photos folder {photos_dir} must be inside {relative_to}, "
                "the folder of the output file, since photo paths are relative to it"
            )
        photos_dir.mkdir(parents=True, exist_ok=True)
    reports = Report.objects.all()
    if offices:
        reports = reports.for_offices(offices)
    # Code-point order, the same on every database (a locale collation is not).
    collation = "C" if connection.vendor == "postgresql" else "BINARY"
    key = Coalesce("external_id", Concat(Value("report-"), Cast("pk", CharField())))
    reports = (
        reports.annotate(export_key=Collate(key, collation))
        .order_by("export_key")
        .select_related("office")
        .prefetch_related(
            "themes",
            "events",
            "participants",
            Prefetch("photos", queryset=Photo.objects.order_by("position", "pk")),
        )
    )
    count = 0
    for report in reports.iterator(chunk_size=chunk_size):
        count += 1
        files = [
            _photo_export(report, position, photo, photos_dir, relative_to, warn)
            for position, photo in enumerate(report.photos.all())
        ]
        out.write(dump_line(report_to_line(report, photo_files=files)))
    return count


def _photo_export(report, position, photo, photos_dir, relative_to, warn) -> str | None:
    if photos_dir is None:
        return None
    target = photos_dir / photo_file_name(report, position, PurePosixPath(photo.image.name).suffix)
    try:
        with photo.image.open("rb") as source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy)
    except OSError as exc:
        if warn:
            warn(f"report '{export_id(report)}', photo {position + 1}: not exported ({exc})")
        return None
    return target.relative_to(relative_to).as_posix()


def demo_admin_create(*, username: str, password: str) -> None:
    """A superuser for trying the admin locally; resets the password if it exists."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()


DEMO_EDITORS = {"seoul-editor": ["seoul"], "hq-editor": None}


def demo_editors_create(*, password: str) -> list[str]:
    """An office editor (Seoul) and an HQ editor, to try the review workflow locally."""
    from django.contrib.auth.models import Group

    from offices.models import Office

    from . import roles

    User = get_user_model()
    for username, offices in DEMO_EDITORS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff, user.is_superuser = True, False
        user.set_password(password)
        user.save()
        group = roles.OFFICE_EDITORS if offices else roles.HQ_EDITORS
        user.groups.set([Group.objects.get(name=group)])
        user.offices.set(Office.objects.filter(code__in=offices or []))
    return list(DEMO_EDITORS)
