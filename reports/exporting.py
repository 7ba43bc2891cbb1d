"""Every way a report is written out: JSONL lines, open-data JSON objects and CSV rows.

- JSONL (export_reports): the import format (reports/interchange.py), so that
  export -> import -> export is byte-identical.
- JSON (/reports.json, /reports.jsonl): every public field, names and URLs in
  both languages, dates and times in ISO 8601 (times in Japan time).
- CSV (/reports.csv and the admin's download): the JSON object flattened into
  readable cells, every text cell guarded against spreadsheet formulas.
The fields of each format are documented in docs/open-data.md and
docs/import-export.md.
"""

import csv
import hashlib
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TextIO

from django.db import connection
from django.db.models import CharField, Prefetch, Value
from django.db.models.functions import Cast, Coalesce, Collate, Concat
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from municipalities.codes import prefecture_name

from . import figures
from .interchange import REPORT_FIELDS
from .models import Event, Participant, Photo, Report

CHUNK_SIZE = 500  # reports read per batch of queries
SAFE_FILE_STEM_RE = re.compile(r"[\w][\w.-]*")


# JSONL --------------------------------------------------------------------------


def photo_file_name(report: Report, position: int, suffix: str) -> str:
    """A stable file name per report and position, safe on any file system."""
    stem = report.export_id
    if not SAFE_FILE_STEM_RE.fullmatch(stem):
        stem = "report-" + hashlib.sha256(stem.encode()).hexdigest()[:16]
    return f"{stem}-{position + 1}{suffix.lower()}"


def report_to_line(report: Report, *, photo_files: list[str | None]) -> dict:
    """A report as one line of the import format, fields in its order (REPORT_FIELDS).

    Expects office, themes, events, participants and photos to be prefetched;
    `photo_files` gives each photo's "file" value (None: not exported).
    """
    values = {
        "external_id": report.export_id,
        "slug": report.slug,
        "office": report.office.code,
        **{name: getattr(report, name) for name in Report.TEXT_FIELDS},
        "themes": [theme.slug for theme in report.themes.all()],
        "municipalities": [place.code for place in report.local_governments.all()],
        "partners": [partner_to_dict(partner) for partner in report.partners.all()],
        "status": report.status,
        "published_at": (
            timezone.localtime(report.published_at).isoformat() if report.published_at else None
        ),
        "fiscal_year": report.fiscal_year,
        "events": [
            {
                **{key: getattr(event, name) for key, name in Event.FORMAT_KEYS.items()},
                "start": event.start_date.isoformat(),
                "end": event.end_date.isoformat(),
                "country": event.country or None,
            }
            for event in report.events.all()
        ],
        "participants": [
            {
                **{key: getattr(participant, key) for key in Participant.FORMAT_KEYS},
                "country": participant.country or None,
            }
            for participant in report.participants.all()
        ],
        "photos": [
            {"file": file, "caption": photo.caption, "alt": photo.alt_text}
            for photo, file in zip(report.photos.all(), photo_files, strict=True)
        ],
    }
    return {key: values[key] for key in REPORT_FIELDS}


def partner_to_dict(partner) -> dict:
    return {
        "name": partner.name,
        "name_en": partner.name_en,
        "country": partner.country,
        "kind": partner.kind,
    }


def dump_line(line: dict) -> str:
    return json.dumps(line, ensure_ascii=False) + "\n"


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
        reports = reports.filter(office__code__in=offices)
    # Code-point order, the same on every database (a locale collation is not).
    collation = "C" if connection.vendor == "postgresql" else "BINARY"
    key = Coalesce("external_id", Concat(Value("report-"), Cast("pk", CharField())))
    reports = (
        reports.annotate(export_key=Collate(key, collation))
        .order_by("export_key")
        .select_related("office")
        .prefetch_related(
            "themes",
            "local_governments",
            "partners",
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
            warn(f"report '{report.export_id}', photo {position + 1}: not exported ({exc})")
        return None
    return target.relative_to(relative_to).as_posix()


# JSON ---------------------------------------------------------------------------


def iso(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return value.isoformat()


def localized_path(report: Report, language: str) -> str:
    with translation.override(language):
        return reverse("reports:detail", kwargs={"slug": report.slug})


def photo_to_dict(photo: Photo, absolute: Callable[[str], str]) -> dict:
    return {
        "url": absolute(photo.original_url),
        "caption": photo.caption,
        "alt": photo.alt_text,
        "width": photo.width,
        "height": photo.height,
    }


# The open-data fields of a report, in the order of the JSON object; the CSV's
# columns follow them (docs/open-data.md).
JSON_FIELDS = (
    "id",
    "slug",
    "url",
    "url_en",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "body",
    "office",
    "themes",
    "municipalities",
    "partners",
    "published_at",
    "updated_at",
    "fiscal_year",
    "source",
    "first_date",
    "last_date",
    "events",
    "participants",
    "photos",
)


def report_to_dict(report: Report, *, absolute: Callable[[str], str]) -> dict:
    """Every public field of a report and its events, participants and photos.

    `absolute` turns a path into an absolute URL (request.build_absolute_uri).
    Expects office, themes, events, participants and photos to be fetched
    with the report (Report.objects.with_detail_data()).
    """
    office = report.office
    values = {
        "id": report.pk,
        "slug": report.slug,
        "url": absolute(localized_path(report, "ja")),
        "url_en": absolute(localized_path(report, "en")),
        **{name: getattr(report, name) for name in Report.TEXT_FIELDS},
        "office": {"code": office.code, "name_ja": office.name_ja, "name_en": office.name_en},
        "themes": [
            {"slug": theme.slug, "name_ja": theme.name_ja, "name_en": theme.name_en}
            for theme in report.themes.all()
        ],
        "municipalities": [
            {
                "code": place.code,
                "name": place.name,
                "prefecture": prefecture_name(place.code),
                "kind": place.kind,
            }
            for place in report.local_governments.all()
        ],
        "partners": [partner_to_dict(partner) for partner in report.partners.all()],
        "published_at": iso(report.published_at),
        "updated_at": iso(report.updated_at),
        "fiscal_year": report.fiscal_year,
        "first_date": iso(report.first_date),
        "last_date": iso(report.last_date),
        "events": [
            {
                **{key: getattr(event, name) for key, name in Event.FORMAT_KEYS.items()},
                "start": iso(event.start_date),
                "end": iso(event.end_date),
            }
            for event in report.events.all()
        ],
        "participants": [
            {key: getattr(participant, key) for key in Participant.FORMAT_KEYS}
            for participant in report.participants.all()
        ],
        "photos": [photo_to_dict(photo, absolute) for photo in report.photos.all()],
    }
    return {key: values[key] for key in JSON_FIELDS}


# CSV ----------------------------------------------------------------------------

LIST_SEPARATOR = "; "

# The JSON's fields, with the office and the themes spread over columns of their own.
SPREAD_COLUMNS = {
    "office": ["office_code", "office_name_ja", "office_name_en"],
    "themes": ["themes", "theme_names_ja"],
    "municipalities": ["municipality_codes", "municipality_names"],
}
CSV_COLUMNS = [column for key in JSON_FIELDS for column in SPREAD_COLUMNS.get(key, [key])]
# The admin's download of a filtered list adds what only staff see.
STAFF_CSV_COLUMNS = ["status", "external_id", *CSV_COLUMNS]


class Echo:
    """A file-like object whose write() returns the line, for csv.writer to stream."""

    def write(self, value):
        return value


def event_cell(event: dict) -> str:
    parts = [f"{event['start']}/{event['end']}", event["venue"], event["city"]]
    parts += [event["country"], event["format"]]
    return " ".join(part for part in parts if part)


def participant_cell(row: dict) -> str:
    parts = [row["name"], row["country"]]
    if row["municipalities"] is not None:
        parts.append(figures.phrase(row["municipalities"], figures.EXACT, "municipalities"))
    if row["people"] is not None:
        parts.append(figures.phrase(row["people"], row["qualifier"], "people"))
    return " ".join(part for part in parts if part)


# A cell starting with one of these is a formula to Excel, LibreOffice and Google
# Sheets (=HYPERLINK(...) becomes a live link); OWASP's advice is a leading quote.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell):
    """A text cell that a spreadsheet shows as text, never runs as a formula.

    Numbers stay numbers: only strings are user text (a title, a venue, a caption).
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def csv_row(data: dict, columns: list[str] = CSV_COLUMNS) -> list:
    """One line per report: nested rows flattened into readable, formula-free cells."""
    flat = {
        **data,
        "office_code": data["office"]["code"],
        "office_name_ja": data["office"]["name_ja"],
        "office_name_en": data["office"]["name_en"],
        "themes": LIST_SEPARATOR.join(theme["slug"] for theme in data["themes"]),
        "theme_names_ja": LIST_SEPARATOR.join(theme["name_ja"] for theme in data["themes"]),
        "municipality_codes": LIST_SEPARATOR.join(m["code"] for m in data["municipalities"]),
        "municipality_names": LIST_SEPARATOR.join(
            m["name"] if m["kind"] == "prefecture" else f"{m['prefecture']}{m['name']}"
            for m in data["municipalities"]
        ),
        "partners": LIST_SEPARATOR.join(f"{p['name']} ({p['country']})" for p in data["partners"]),
        "events": LIST_SEPARATOR.join(event_cell(event) for event in data["events"]),
        "participants": LIST_SEPARATOR.join(participant_cell(p) for p in data["participants"]),
        "photos": LIST_SEPARATOR.join(photo["url"] for photo in data["photos"]),
    }
    return ["" if flat[column] is None else spreadsheet_safe(flat[column]) for column in columns]


def csv_chunks(rows, columns: list[str] = CSV_COLUMNS):
    writer = csv.writer(Echo())
    yield "\ufeff"  # the byte order mark that makes Excel read the file as UTF-8
    yield writer.writerow(columns)
    with translation.override("ja"):  # 約・以上 in counts, whatever the page language
        for row in rows:
            yield writer.writerow(csv_row(row, columns))


def staff_csv_response(request, reports) -> StreamingHttpResponse:
    """Any reports (drafts included) as the open-data CSV plus status and external ID."""
    rows = (
        {
            **report_to_dict(report, absolute=request.build_absolute_uri),
            "status": report.status,
            "external_id": report.external_id,
        }
        for report in reports.with_detail_data().iterator(chunk_size=CHUNK_SIZE)
    )
    response = StreamingHttpResponse(
        csv_chunks(rows, STAFF_CSV_COLUMNS), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="reports-{stamp}.csv"'
    return response


def table_csv(table) -> str:
    """A statistics table (reports/statistics.py) as CSV text, with the same guard."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.cells:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return "\ufeff" + out.getvalue()
