"""Open data: /reports.json, /reports.jsonl and /reports.csv, with the parameters of /reports/.

The JSON is paged like the list (a page of reports with `count` and `next`); the
JSON Lines and CSV files hold the whole selection and are streamed: reports are
read in chunks (with their related rows prefetched per chunk) and written out one
at a time, so an export of every report never sits in memory. The objects and
columns are made by reports/exporting.py; docs/open-data.md documents them.
"""

import json

from django.db.models import prefetch_related_objects
from django.http import JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from . import content_revision
from .exporting import CHUNK_SIZE, csv_chunks, report_to_dict
from .filters import filtered_public_reports
from .pagination import list_results


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

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
JSON_PAGE_SIZE = 100
JSON_MAX_PAGE_SIZE = 500
# Pages are read by skipping index entries, as the list's are: past this many
# reports a page costs more and more, and the JSON Lines file is the way on.
JSON_MAX_OFFSET = 10_000


class BadPaging(ValueError):
    """A page or page_size parameter that names no page; its message says why."""


def positive_parameter(params, name: str, default: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and 0 < int(raw) <= 2**31):
        # The value is not repeated: a message is no place for what a stranger typed.
        raise BadPaging(_("%(name)s は 1 以上の整数で指定してください。") % {"name": name})
    return int(raw)


def json_error(message: str, status: int) -> JsonResponse:
    response = JsonResponse(
        {"error": message},
        status=status,
        content_type=JSON_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@content_revision.conditional
def reports_json(request):
    """/reports.json: one page of the list's reports, with the count and the next page's URL.

    {"count": n, "page": p, "page_size": s, "next": url|null, "previous": url|null,
    "results": [report, ...]}, in the list's order and with its filters.
    """
    try:
        number = positive_parameter(request.GET, "page", 1)
        size = positive_parameter(request.GET, "page_size", JSON_PAGE_SIZE)
        if size > JSON_MAX_PAGE_SIZE:
            raise BadPaging(
                _("page_size は %(max)s 以下で指定してください。") % {"max": JSON_MAX_PAGE_SIZE}
            )
    except BadPaging as exc:
        return json_error(str(exc), 400)
    filterset, reports = filtered_public_reports(request.GET, request=request)
    results = list_results(filterset.selection, reports, request=request)
    count = results.count()
    bottom = (number - 1) * size
    if bottom >= JSON_MAX_OFFSET:
        return json_error(
            _(
                "先頭から %(max)s 件より後のページは返せません。条件で絞り込むか、"
                "すべての報告は /reports.jsonl で取得してください。"
            )
            % {"max": f"{JSON_MAX_OFFSET:,}"},
            400,
        )
    if number > 1 and bottom >= count:
        return json_error(_("このページはありません（全 %(count)s 件）。") % {"count": count}, 404)
    page = results[bottom : min(bottom + size, count)]
    prefetch_related_objects(page, "events", "participants", "local_governments", "partners")

    def page_url(target: int) -> str | None:
        if target < 1 or (target - 1) * size >= min(count, JSON_MAX_OFFSET):
            return None
        query = request.GET.copy()
        query["page"] = str(target)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    data = {
        "count": count,
        "page": number,
        "page_size": size,
        "next": page_url(number + 1),
        "previous": page_url(number - 1) if number > 1 else None,
        "results": [report_to_dict(r, absolute=request.build_absolute_uri) for r in page],
    }
    response = JsonResponse(
        data, content_type=JSON_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"  # public data, usable from any web page
    return response


# JSON Lines --------------------------------------------------------------------


def jsonl_chunks(rows):
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


@content_revision.conditional
def reports_jsonl(request):
    """/reports.jsonl: every report of the list, one JSON object per line, streamed."""
    _reports, rows = export_rows(request)
    response = open_data_response(jsonl_chunks(rows), "application/jsonl; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reports.jsonl"'
    return response


@content_revision.conditional
def reports_csv(request):
    """/reports.csv: one row per report, UTF-8 with BOM, in the list's order."""
    _reports, rows = export_rows(request)
    response = open_data_response(csv_chunks(rows), "text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reports.csv"'
    return response
