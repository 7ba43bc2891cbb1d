"""import_reports: a JSONL file of reports in, all lines or none.

Two passes over the file, neither holding more than a chunk of reports: the first
reads and checks every line (reports/interchange.py checks each one, against the
database too), the second writes in one transaction and skips the reports a line
would not change. reports_write() is also the demo loader's write path
(reports/demo.py). The format is documented in docs/import-export.md.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from municipalities.models import LocalGovernment, Partner
from offices.models import Office

from . import images, photos, slugs
from .demo_images import placeholder_image
from .interchange import (
    MAX_ERRORS,
    SCALAR_FIELDS,
    FormatContext,
    PartnerData,
    ReportData,
    parse_report,
    photo_unchanged,
    report_matches,
    show,
)
from .jsonl import parse_json, read_lines
from .models import Event, Participant, Photo, Report, Theme

CHUNK_SIZE = 500  # reports checked or written per batch of queries
# Rows per INSERT. Unlimited, SQLite takes up to 32,766 parameters a statement, and
# its driver caches the last 128 statements: hundreds of different giant INSERTs
# (one per row count) would hold over 100 MB.
BULK_BATCH = 100
PROGRESS_EVERY = 500  # lines
# An import that writes this many reports runs ANALYZE on what it wrote: the
# planner has no statistics for new rows until autovacuum gets round to them,
# and first requests after a bulk import of 100,000 reports took 2-5 s.
ANALYZE_AFTER = 1_000
ANALYZED_TABLES = (
    "reports_report",
    "reports_report_themes",
    "reports_report_local_governments",
    "reports_report_partners",
    "reports_event",
    "reports_participant",
    "reports_photo",
)


def tables_analyze(*, using: str = "default") -> None:
    """Give the planner statistics for the report tables (after a bulk write)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(ANALYZED_TABLES)}")
        else:
            for table in ANALYZED_TABLES:
                cursor.execute(f'ANALYZE "{table}"')


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
    _links_write(written, updated)
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


def _links_write(written, updated) -> None:
    """Each report's local governments and partners abroad, exactly as its line lists them."""
    places = Report.local_governments.through
    partner_links = Report.partners.through
    if updated:
        places.objects.filter(report__in=updated).delete()
        partner_links.objects.filter(report__in=updated).delete()
    places.objects.bulk_create(
        (
            places(report=report, localgovernment_id=code)
            for report, _, data, *_ in written
            for code in data.local_governments
        ),
        batch_size=BULK_BATCH,
    )
    named = {(p.country, p.name) for _, _, data, *_ in written for p in data.partners}
    if not named:
        return
    found = {
        (p.country, p.name): p
        for p in Partner.objects.filter(
            country__in={country for country, _ in named}, name__in={name for _, name in named}
        )
    }
    for _, _, data, *_ in written:
        for row in data.partners:
            if (row.country, row.name) not in found:
                found[(row.country, row.name)] = partner_add(row)
    partner_links.objects.bulk_create(
        (
            partner_links(report=report, partner=found[(p.country, p.name)])
            for report, _, data, *_ in written
            for p in data.partners
        ),
        batch_size=BULK_BATCH,
    )


def partner_add(row: PartnerData) -> Partner:
    """A partner abroad that a line names and the portal does not know yet, with a
    slug from its country and local name (kr-ulsan-metropolitan-city)."""
    stem = slugify(f"{row.country} {row.name_en}")[:90] or f"{row.country.lower()}-partner"
    slug, n = stem, 1
    while Partner.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{stem}-{n}"
    return Partner.objects.create(
        name=row.name, name_en=row.name_en, country=row.country, kind=row.kind, slug=slug
    )


def _report_assign(report: Report, data: ReportData, *, user, taken) -> Report:
    report.external_id = data.external_id
    report.office = data.office
    report.slug = (
        data.slug
        or report.slug
        or slugs.unique_slug(
            title=data.title,
            title_en=data.title_en,
            office_code=data.office.code,
            year=_slug_year(data),
            reserved=taken,
        )
    )
    for name in SCALAR_FIELDS:
        setattr(report, name, getattr(data, name))
    report.updated_by = user
    if user is not None:
        report._history_user = user  # django-simple-history's hook outside a request
    return report


def _slug_year(data: ReportData) -> int:
    """The year a new report's slug starts with: its first event's, else its fiscal year."""
    if data.events and data.events[0]["start_date"]:
        return data.events[0]["start_date"].year
    return data.fiscal_year or timezone.now().year


def _photos_update(*, report, rows, stored, new_files, placeholder) -> None:
    for position, row in enumerate(rows):
        photo = stored[position] if position < len(stored) else None
        if photo is not None and not photo_unchanged(photo, row):
            photos.photo_delete(photo=photo)
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
        photos.photo_delete(photo=photo)


def _photo_save(photo: Photo, file, new_files: list[str] | None) -> None:
    """The same pipeline as an upload in the admin (reports.photos)."""
    photos.photo_store_upload(photo=photo, file=file)
    if new_files is not None:
        new_files.extend(photo.file_names())


def format_context(*, base_dir: Path | None) -> FormatContext:
    return FormatContext(
        offices={office.code: office for office in Office.objects.all()},
        themes={theme.slug: theme for theme in Theme.objects.all()},
        base_dir=base_dir,
        local_governments=frozenset(LocalGovernment.objects.values_list("pk", flat=True)),
    )


def delete_files(names: list[str]) -> None:
    photos.delete_files(photos.storage(), names)


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
    analyze_after: int = ANALYZE_AFTER,
) -> ImportSummary:
    """Import a JSONL file of reports, all lines or none; raise ImportRejected naming the lines.

    Two passes over the file, neither holding more than `chunk_size` reports: the
    first checks every line (against the database too), the second writes in one
    transaction and skips reports the line would not change. With `dry_run` only
    the first pass runs. `progress(phase, line_number, fraction)` is called now and then.
    Once `analyze_after` reports or more are written, the tables are analysed.
    """
    path = Path(path)
    context = format_context(base_dir=path.resolve().parent)
    keys: dict[str, int] = {}  # "external_id:…" and "slug:…" -> the first line with it
    summary = _import_check(path, context, keys, progress, chunk_size)
    if not dry_run:
        summary = _import_write(path, context, keys, user, progress, chunk_size)
        if summary.created + summary.updated >= analyze_after:
            tables_analyze()
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
            .prefetch_related(
                "themes", "local_governments", "partners", "events", "participants", "photos"
            )
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
            return report, [f"slug '{data.slug}' is already used by report '{owner.export_id}'"]
        return report, []


def _import_check(path, context, keys, progress, chunk_size) -> ImportSummary:
    errors, summary = _Errors(), ImportSummary()

    def note_keys(number, obj):
        # A set of every key: 100,000 lines hold about 14 MB more than they did in
        # a fixed-size Bloom filter, which needed a second pass over the file to
        # confirm its hits (docs/import-export.md has the figures).
        if isinstance(obj, dict):
            for name in ("external_id", "slug"):
                value = obj.get(name)
                if not isinstance(value, str):
                    continue
                key = f"{name}:{value}"
                if key in keys:
                    errors.add(number, f"{name} {show(value)} is also on line {keys[key]}")
                else:
                    keys[key] = number

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
    if errors.count:
        raise ImportRejected(errors.shown, errors.count)
    return summary


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
    """What the photo pipeline's check says about a file, without storing anything."""
    with open(path, "rb") as stream:
        try:
            images.validate_photo_file(File(stream, name=path.name))
        except ValidationError as exc:
            return [str(message) for message in exc.messages]
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
        delete_files(new_files)
        raise
    except (ValidationError, DatabaseError, OSError, ValueError) as exc:
        delete_files(new_files)
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        message = f"writing lines {batch[0]}-{batch[1]} failed: {message}"
        raise ImportRejected([(batch[0], message)], 1) from exc
    except BaseException:
        delete_files(new_files)
        raise
    return summary
