"""The JSONL format of import_reports and export_reports (docs/import-export.md): one line.

One JSON object per line is one whole report: importing a line sets the report to
exactly what the line says (a missing optional field is empty). This module checks
a decoded line and compares it with a stored report; it never writes, so the
import can check a whole file before writing anything (reports/importing.py).
reports/exporting.py writes the lines.

The checks are our own rather than a Django form per line: JSON's types are part
of the format (a form would take "2025" and 2025.0 for a fiscal year, and true for
a string), and each message names the JSON path of what is wrong
(events[1].start), which staff fix in their file (docs/import-export.md has the
measurement of a form per line).
"""

import contextlib
import datetime
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug

from municipalities.codes import is_code
from municipalities.countries import is_country_code
from municipalities.models import Partner

from .models import Event, Participant, Photo, Report, clean_country_code, fiscal_year_of
from .publishing import publication_problems

MAX_INT = 2_147_483_647  # PositiveIntegerField's limit on every database
MAX_ERRORS = 50  # listed; a file with more is counted, not listed in full

REPORT_FIELDS = (
    "external_id",
    "slug",
    "office",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "body",
    "themes",
    "municipalities",
    "partners",
    "status",
    "published_at",
    "fiscal_year",
    "source",
    "events",
    "participants",
    "photos",
)
REQUIRED_FIELDS = ("external_id", "office", "title", "summary", "themes", "status")
EVENT_FIELDS = tuple(Event.FORMAT_KEYS)
PARTICIPANT_FIELDS = Participant.FORMAT_KEYS
PHOTO_FIELDS = ("file", "caption", "alt")
PARTNER_FIELDS = ("name", "name_en", "country", "kind")

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
SAFE_FILE_STEM_RE = re.compile(r"[\w][\w.-]*")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


@dataclass(slots=True)
class PhotoData:
    """A photo of a line: `path` is None to keep the photo stored at this position."""

    path: Path | None
    sha256: str | None
    caption: str
    alt_text: str
    label: str  # the "file" value as written, for messages


@dataclass(slots=True, frozen=True)
class PartnerData:
    """A partner abroad as a line names it; found by country and name, or added."""

    name: str
    name_en: str
    country: str
    kind: str


@dataclass(slots=True)
class ReportData:
    """One checked line, in model terms (office and themes as model instances)."""

    external_id: str
    slug: str | None  # None: keep the stored slug, or make one from the title
    office: object
    title: str
    title_en: str
    summary: str
    summary_en: str
    body: str
    themes: list
    status: str
    published_at: datetime.datetime | None
    fiscal_year: int | None
    source: str
    events: list[dict] = field(default_factory=list)
    participants: list[dict] = field(default_factory=list)
    photos: list[PhotoData] = field(default_factory=list)
    local_governments: list[str] = field(default_factory=list)  # 6-digit codes
    partners: list[PartnerData] = field(default_factory=list)


def one_line(text: str) -> str:
    """Text for a message line: control, format and line-breaking characters escaped.

    Each error is one line of the command's message; a value or a key with a line
    break in it would otherwise spread over several, or pass for another error.
    """
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" else ch
        for ch in text
    )


def show(value, limit: int = 60) -> str:
    """A value for a message: strings in quotes, anything else as JSON, shortened, on one line."""
    if isinstance(value, str):
        return f"'{one_line(value)}'" if len(value) <= limit else f"'{one_line(value[:limit])}...'"
    text = one_line(json.dumps(value, ensure_ascii=False))
    return text if len(text) <= limit else text[:limit] + "..."


def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


class _Checker:
    """Collects "field: problem" messages while turning JSON values into model values."""

    def __init__(self):
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        self.errors.append(message)

    def fields(self, obj, name: str, allowed: tuple, required: tuple) -> bool:
        if not isinstance(obj, dict):
            self.error(f"{name} must be an object, not {json_type(obj)}")
            return False
        prefix = f"{name}." if name else ""
        for key in obj:
            if key not in allowed:
                self.error(f"unknown field {show(prefix + key)} (allowed: {', '.join(allowed)})")
        for key in required:
            if key not in obj or obj[key] is None:
                self.error(f"{prefix}{key} is required")
        return True

    def string(self, value, name: str, *, max_length: int | None = None, required=False) -> str:
        if value is None:
            return ""  # a missing required field is reported by fields()
        if not isinstance(value, str):
            self.error(f"{name} must be a string, not {json_type(value)}")
            return ""
        if required and not value.strip():
            self.error(f"{name} must not be empty")
        if max_length and len(value) > max_length:
            self.error(f"{name} has {len(value):,} characters; at most {max_length:,} are allowed")
        if "\x00" in value:
            self.error(f"{name} contains a NUL character (\\u0000)")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.error(f"{name} contains an unpaired surrogate escape (\\ud800-\\udfff)")
        return value

    def choice(self, value, name: str, choices, *, default: str | None = None) -> str:
        values = [str(choice) for choice in choices.values]
        if value is None and default is not None:
            return default
        if value not in values:
            self.error(f"{name} {show(value)} is not one of: {', '.join(values)}")
            return default or values[0]
        return value

    def integer(self, value, name: str, *, minimum: int = 0, maximum: int = MAX_INT):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{name} must be a whole number or null, not {json_type(value)}")
            return None
        if not minimum <= value <= maximum:
            if value < 0 == minimum:
                self.error(f"{name} {value} is negative")
            else:
                self.error(f"{name} {value} is not between {minimum} and {maximum}")
            return None
        return value

    def date(self, value, name: str) -> datetime.date | None:
        if isinstance(value, str) and DATE_RE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        if value is not None:
            self.error(f"{name} {show(value)} is not a date (YYYY-MM-DD)")
        return None

    def country(self, value, name: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(f"{name} must be a string or null, not {json_type(value)}")
            return ""
        try:
            return clean_country_code(value)
        except ValidationError:
            self.error(
                f"{name} {show(value)} is not an ISO 3166-1 alpha-2 country code (two letters, e.g. JP)"
            )
            return ""

    def array(self, value, name: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(f"{name} must be an array, not {json_type(value)}")
            return []
        return value


@dataclass
class FormatContext:
    """What checking a line needs from the database, read once per file."""

    offices: dict  # code -> Office, in display order
    themes: dict  # slug -> Theme, in display order
    base_dir: Path | None  # photo files are relative to it; None: no files (demo data)
    local_governments: frozenset = frozenset()  # every code in the directory


def parse_report(obj, context: FormatContext) -> tuple[ReportData | None, list[str]]:
    """Check one decoded line; return the report it describes, or what is wrong with it."""
    if not isinstance(obj, dict):
        return None, [f"a line must be a JSON object, not {json_type(obj)}"]
    check = _Checker()
    check.fields(obj, "", REPORT_FIELDS, REQUIRED_FIELDS)
    text = _max_length

    external_id = check.string(
        obj.get("external_id"),
        "external_id",
        max_length=text(Report, "external_id"),
        required=True,
    )
    if external_id != external_id.strip():
        check.error(f"external_id {show(external_id)} has spaces at the start or end")

    slug = obj.get("slug")
    if slug is not None:
        slug = check.string(slug, "slug", max_length=text(Report, "slug"), required=True)
        try:
            validate_unicode_slug(slug)
        except ValidationError:
            check.error(
                f"slug {show(slug)} may contain only letters, digits, hyphens and underscores"
            )

    office_code = obj.get("office")
    office = context.offices.get(office_code) if isinstance(office_code, str) else None
    if office is None and office_code is not None:
        check.error(f"office {show(office_code)} is not one of: {', '.join(context.offices)}")

    themes = []
    raw_themes = check.array(obj.get("themes"), "themes")
    for index, slug_value in enumerate(raw_themes):
        theme = context.themes.get(slug_value) if isinstance(slug_value, str) else None
        if theme is None:
            check.error(
                f"themes[{index}] {show(slug_value)} is not one of: {', '.join(context.themes)}"
            )
        elif theme in themes:
            check.error(f"themes[{index}] {show(slug_value)} is listed twice")
        else:
            themes.append(theme)

    local_governments = []
    for index, code in enumerate(check.array(obj.get("municipalities"), "municipalities")):
        name = f"municipalities[{index}]"
        if not (isinstance(code, str) and is_code(code)):
            check.error(
                f"{name} {show(code)} is not a local government code "
                "(6 digits with the check digit, e.g. '324485')"
            )
        elif code not in context.local_governments:
            check.error(f"{name} {show(code)}: no local government has this code")
        elif code in local_governments:
            check.error(f"{name} {show(code)} is listed twice")
        else:
            local_governments.append(code)

    partners = []
    for index, row in enumerate(check.array(obj.get("partners"), "partners")):
        name = f"partners[{index}]"
        if not check.fields(row, name, PARTNER_FIELDS, ("name", "name_en", "country")):
            continue
        country = row.get("country")
        if not (isinstance(country, str) and is_country_code(country)):
            check.error(
                f"{name}.country {show(country)} is not an ISO 3166-1 alpha-2 country code "
                "(two capital letters, e.g. KR)"
            )
        partner = PartnerData(
            name=check.string(
                row.get("name"), f"{name}.name", max_length=text(Partner, "name"), required=True
            ),
            name_en=check.string(
                row.get("name_en"),
                f"{name}.name_en",
                max_length=text(Partner, "name_en"),
                required=True,
            ),
            country=country if isinstance(country, str) else "",
            kind=check.choice(
                row.get("kind"), f"{name}.kind", Partner.Kind, default=Partner.Kind.CITY
            ),
        )
        if any((p.country, p.name) == (partner.country, partner.name) for p in partners):
            check.error(f"{name} {show(partner.name)} is listed twice")
        else:
            partners.append(partner)

    status = obj.get("status")
    status = "" if status is None else check.choice(status, "status", Report.Status)

    published_at = None
    raw_published = obj.get("published_at")
    if raw_published is not None:
        if isinstance(raw_published, str) and "T" in raw_published:
            with contextlib.suppress(ValueError):
                published_at = datetime.datetime.fromisoformat(raw_published)
        if published_at is None:
            check.error(
                f"published_at {show(raw_published)} is not an ISO 8601 date and time "
                "(e.g. 2022-09-28T09:00:00+09:00)"
            )
        elif published_at.tzinfo is None:
            check.error(f"published_at {show(raw_published)} needs a UTC offset, e.g. +09:00")
            published_at = None
    if status == Report.Status.PUBLISHED and raw_published is None:
        check.error("published_at is required when status is 'published'")

    fiscal_year = check.integer(obj.get("fiscal_year"), "fiscal_year", minimum=1900, maximum=2200)

    events = []
    for index, row in enumerate(check.array(obj.get("events"), "events")):
        name = f"events[{index}]"
        if not check.fields(row, name, EVENT_FIELDS, ("start", "end")):
            continue
        start = check.date(row.get("start"), f"{name}.start")
        end = check.date(row.get("end"), f"{name}.end")
        if start and end and end < start:
            check.error(f"{name}.end '{end}' is before {name}.start '{start}'")
        events.append(
            {
                "start_date": start,
                "end_date": end,
                "venue": check.string(
                    row.get("venue"), f"{name}.venue", max_length=text(Event, "venue")
                ),
                "city": check.string(
                    row.get("city"), f"{name}.city", max_length=text(Event, "city")
                ),
                "country": check.country(row.get("country"), f"{name}.country"),
                "format": check.choice(
                    row.get("format"),
                    f"{name}.format",
                    Event.Format,
                    default=Event.Format.IN_PERSON,
                ),
            }
        )
    # Stored events are ordered by date (then by line order), so compare and write them so.
    events.sort(
        key=lambda e: (e["start_date"] or datetime.date.min, e["end_date"] or datetime.date.min)
    )
    if events and events[0]["start_date"]:
        fiscal_year = fiscal_year_of(events[0]["start_date"])  # the first event decides

    participants = []
    for index, row in enumerate(check.array(obj.get("participants"), "participants")):
        name = f"participants[{index}]"
        if not check.fields(row, name, PARTICIPANT_FIELDS, ("name",)):
            continue
        participants.append(
            {
                "name": check.string(
                    row.get("name"),
                    f"{name}.name",
                    max_length=text(Participant, "name"),
                    required=True,
                ),
                "country": check.country(row.get("country"), f"{name}.country"),
                "municipalities": check.integer(
                    row.get("municipalities"), f"{name}.municipalities"
                ),
                "people": check.integer(row.get("people"), f"{name}.people"),
                "qualifier": check.choice(
                    row.get("qualifier"),
                    f"{name}.qualifier",
                    Participant.Qualifier,
                    default=Participant.Qualifier.EXACT,
                ),
            }
        )

    photos = []
    for index, row in enumerate(check.array(obj.get("photos"), "photos")):
        name = f"photos[{index}]"
        if not check.fields(row, name, PHOTO_FIELDS, ()):
            continue
        path = sha256 = None
        label = row.get("file")
        if label is not None:
            path, problem = resolve_photo_file(label, context.base_dir)
            if problem:
                check.error(f"{name}.file {show(label)} {problem}")
            else:
                try:
                    sha256 = file_sha256(path)
                except OSError as exc:
                    check.error(f"{name}.file {show(label)} cannot be read ({exc.strerror})")
        photos.append(
            PhotoData(
                path=path,
                sha256=sha256,
                caption=check.string(
                    row.get("caption"), f"{name}.caption", max_length=text(Photo, "caption")
                ),
                alt_text=check.string(
                    row.get("alt"), f"{name}.alt", max_length=text(Photo, "alt_text")
                ),
                label=label if isinstance(label, str) else "",
            )
        )

    data = ReportData(
        external_id=external_id,
        slug=slug,
        office=office,
        title=check.string(
            obj.get("title"), "title", max_length=text(Report, "title"), required=True
        ),
        title_en=check.string(obj.get("title_en"), "title_en", max_length=text(Report, "title_en")),
        summary=check.string(obj.get("summary"), "summary", required=True),
        summary_en=check.string(obj.get("summary_en"), "summary_en"),
        body=check.string(obj.get("body"), "body"),
        themes=themes,
        status=status,
        published_at=published_at,
        fiscal_year=fiscal_year,
        source=check.string(obj.get("source"), "source", max_length=text(Report, "source")),
        events=events,
        participants=participants,
        photos=photos,
        local_governments=local_governments,
        partners=partners,
    )
    if status == Report.Status.PUBLISHED and not check.errors:
        # The admin's publishing rule, except alt text: back numbers from before alt text
        # was asked for must still come in as published (the admin asks for it at the
        # next publication; the accessibility statement names the gap).
        problems = publication_problems(themes=themes, summary=data.summary, photos=[])
        check.errors += [f"status 'published': {problem}" for problem in problems]
    return (None if check.errors else data), check.errors


def resolve_photo_file(value, base_dir: Path | None) -> tuple[Path | None, str | None]:
    """The photo file a line names, which must lie inside the JSONL file's folder."""
    if not isinstance(value, str):
        return None, f"must be a string or null, not {json_type(value)}"
    if base_dir is None:
        return None, "is not allowed here (photos without files only)"
    if not value or "\\" in value or "\x00" in value:
        return None, "is not a relative path with / between folders"
    relative = PurePosixPath(value)
    if relative.is_absolute() or ".." in relative.parts or re.match(r"[A-Za-z]:", value):
        return None, "must be a path inside the folder of the JSONL file (no '..' or absolute path)"
    base = base_dir.resolve()
    path = (base / relative).resolve()
    if not path.is_relative_to(base):  # a symbolic link pointing elsewhere
        return None, "must be a path inside the folder of the JSONL file (no '..' or absolute path)"
    if not path.is_file():
        return None, f"does not exist in {base}"
    return path, None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# Comparing a line with the stored report ---------------------------------------


def stored_file_sha256(photo: Photo) -> str | None:
    try:
        with photo.image.open("rb") as stream:
            digest = hashlib.sha256()
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
            return digest.hexdigest()
    except OSError:
        return None


def photo_unchanged(stored: Photo, row: PhotoData) -> bool:
    """The stored photo already holds this file: the one imported, or the one exported."""
    if row.path is None:
        return True
    if stored.source_sha256 and stored.source_sha256 == row.sha256:
        return True
    return stored_file_sha256(stored) == row.sha256


# The report's own columns that a line sets as they are (office, slug, themes and the
# related rows need lookups).
SCALAR_FIELDS = (*Report.TEXT_FIELDS, "status", "published_at", "fiscal_year")


def report_matches(report: Report, data: ReportData) -> bool:
    """Importing `data` would change nothing in `report` (related rows prefetched)."""
    scalars = ("external_id", *SCALAR_FIELDS)
    if any(getattr(report, name) != getattr(data, name) for name in scalars):
        return False
    if data.slug is not None and report.slug != data.slug:
        return False
    if report.office_id != data.office.pk:
        return False
    if {theme.pk for theme in report.themes.all()} != {theme.pk for theme in data.themes}:
        return False
    if sorted(lg.pk for lg in report.local_governments.all()) != sorted(data.local_governments):
        return False
    # A partner is found by country and name; its other fields are the partner's own.
    stored_partners = {(p.country, p.name) for p in report.partners.all()}
    if stored_partners != {(p.country, p.name) for p in data.partners}:
        return False
    event_keys = Event.FORMAT_KEYS.values()
    stored_events = [{key: getattr(e, key) for key in event_keys} for e in report.events.all()]
    if stored_events != data.events:
        return False
    stored_participants = [
        {key: getattr(p, key) for key in Participant.FORMAT_KEYS} for p in report.participants.all()
    ]
    if stored_participants != data.participants:
        return False
    photos = list(report.photos.all())
    if len(photos) != len(data.photos):
        return False
    return all(
        stored.caption == row.caption
        and stored.alt_text == row.alt_text
        and photo_unchanged(stored, row)
        for stored, row in zip(photos, data.photos, strict=True)
    )
