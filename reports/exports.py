"""Open data: /reports.json and /reports.csv, with the parameters of /reports/.

Both are streamed: reports are read in chunks (with their related rows
prefetched per chunk) and written out one at a time, so an export of every
report never sits in memory. Fields are documented in the README.
"""

import csv
import json

from django.http import StreamingHttpResponse
from django.utils import timezone, translation

from . import revision
from .filters import filtered_public_reports
from .models import Participant
from .serializers import report_to_dict

CHUNK_SIZE = 500
LIST_SEPARATOR = "; "

CSV_COLUMNS = [
    "id",
    "slug",
    "url",
    "url_en",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "body",
    "office_code",
    "office_name_ja",
    "office_name_en",
    "themes",
    "theme_names_ja",
    "published_at",
    "updated_at",
    "fiscal_year",
    "source",
    "first_date",
    "last_date",
    "events",
    "participants",
    "photos",
]
# The admin's download of a filtered list adds what only staff see.
STAFF_CSV_COLUMNS = ["status", "external_id", *CSV_COLUMNS]


def export_rows(request):
    """The reports that /reports/ shows for this query string (every page), as dicts."""
    _filterset, reports = filtered_public_reports(request.GET, request=request)
    reports = reports.with_detail_data()
    return reports, (
        report_to_dict(report, absolute=request.build_absolute_uri)
        for report in reports.iterator(chunk_size=CHUNK_SIZE)
    )


def open_data_response(chunks, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"  # public data, usable from any web page
    return response


# JSON ------------------------------------------------------------------------


def json_chunks(count: int, rows):
    yield f'{{"count": {count}, "results": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"


@revision.conditional
def reports_json(request):
    """/reports.json: {"count": n, "results": [report, ...]} in the list's order."""
    reports, rows = export_rows(request)
    return open_data_response(json_chunks(reports.count(), rows), "application/json; charset=utf-8")


# CSV -------------------------------------------------------------------------


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
        parts.append(
            Participant.format_count(
                row["municipalities"], Participant.Qualifier.EXACT, "municipalities"
            )
        )
    if row["people"] is not None:
        parts.append(Participant.format_count(row["people"], row["qualifier"], "people"))
    return " ".join(part for part in parts if part)


def csv_row(data: dict, columns: list[str] = CSV_COLUMNS) -> list:
    """One line per report: nested rows flattened into readable cells."""
    flat = {
        **data,
        "office_code": data["office"]["code"],
        "office_name_ja": data["office"]["name_ja"],
        "office_name_en": data["office"]["name_en"],
        "themes": LIST_SEPARATOR.join(theme["slug"] for theme in data["themes"]),
        "theme_names_ja": LIST_SEPARATOR.join(theme["name_ja"] for theme in data["themes"]),
        "events": LIST_SEPARATOR.join(event_cell(event) for event in data["events"]),
        "participants": LIST_SEPARATOR.join(participant_cell(p) for p in data["participants"]),
        "photos": LIST_SEPARATOR.join(photo["url"] for photo in data["photos"]),
    }
    return ["" if flat[column] is None else flat[column] for column in columns]


def csv_chunks(rows, columns: list[str] = CSV_COLUMNS):
    writer = csv.writer(Echo())
    yield "\ufeff"  # the byte order mark that makes Excel read the file as UTF-8
    yield writer.writerow(columns)
    with translation.override("ja"):  # 約・以上 in counts, whatever the page language
        for row in rows:
            yield writer.writerow(csv_row(row, columns))


@revision.conditional
def reports_csv(request):
    """/reports.csv: one row per report, UTF-8 with BOM, in the list's order."""
    _reports, rows = export_rows(request)
    response = open_data_response(csv_chunks(rows), "text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reports.csv"'
    return response


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
