"""The version of the public content, as one token: cached counts and conditional GET.

The token changes when the data changes (ContentRevision, bumped by database
triggers on every write) and when a scheduled report's publication time passes
(the newest public publication time is part of it). Counts are cached under it,
so they are computed once per change rather than per request, and public pages
carry an ETag and Last-Modified made from it: a client that has the page gets a
304 without the page being rendered.
"""

import datetime
import hashlib
import logging
import time
from dataclasses import dataclass
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.http import condition

from .models import ContentRevision, Report

log = logging.getLogger(__name__)

# Every table whose rows public pages show. The triggers bump the revision on
# any statement that writes one of them.
CONTENT_TABLES = [
    "reports_report",
    "reports_event",
    "reports_participant",
    "reports_photo",
    "reports_report_themes",
    "reports_theme",
    "offices_office",
    # Who took part: the links show on report, list and municipality pages, and the
    # prefecture counts beside the list are cached under the revision.
    "reports_report_local_governments",
    "reports_report_partners",
    "municipalities_partner",
    "municipalities_localgovernment",
]
CACHE_TIMEOUT = 3600  # entries of an old revision are never read again; let them go
# How long a worker waits for another computing the same value (the slowest count,
# a common word at 1,000,000 reports, takes seconds), polling every WAIT_STEP.
COMPUTE_WAIT = 30
WAIT_STEP = 0.05
MISSING = object()

# Statement-level BEFORE triggers: a bulk insert bumps once, and the revision row
# is locked before any content row, so concurrent writers queue, never deadlock.
POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION clair_content_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reports_contentrevision (id, number, changed_at) VALUES (1, 1, clock_timestamp())
  ON CONFLICT (id) DO UPDATE
    SET number = reports_contentrevision.number + 1, changed_at = excluded.changed_at;
  RETURN NULL;
END $$
"""
POSTGRESQL_TRIGGER = """
CREATE OR REPLACE TRIGGER clair_content_changed
BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION clair_content_changed()
"""
# SQLite has row triggers only. Recreated after every migrate: SQLite drops a
# table's triggers when a migration rebuilds the table.
SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS clair_content_changed_{table}_{event}
AFTER {event} ON {table}
BEGIN
  INSERT OR IGNORE INTO reports_contentrevision (id, number, changed_at)
    VALUES (1, 0, strftime('%Y-%m-%d %H:%M:%f', 'now'));
  UPDATE reports_contentrevision
    SET number = number + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END
"""


def install_triggers(using: str = "default", **kwargs) -> None:
    """Create (or replace) the triggers; connected to post_migrate, so always current."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if "reports_contentrevision" not in existing:
        return  # before the migration that creates it
    tables = [table for table in CONTENT_TABLES if table in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTION)
            for table in tables:
                cursor.execute(POSTGRESQL_TRIGGER.format(table=table))
        elif connection.vendor == "sqlite":
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(SQLITE_TRIGGER.format(table=table, event=event))


@dataclass(frozen=True)
class Revision:
    token: str  # of everything public pages show: their ETags and the page cache
    last_modified: datetime.datetime | None
    counts_token: str = ""  # of what selections count (reports/count_revision.py)
    search_token: str = ""  # of that and the public reports' search text

    def of(self, revision: str) -> str:
        """The token that values depending on `revision` are cached under: "content"
        (anything shown), "counts" (counts of a selection without words) or
        "search" (counts of a search)."""
        return {"content": self.token, "counts": self.counts_token, "search": self.search_token}[
            revision
        ]


# Every request reads it, cached page or not: built by the ORM it cost 0.9 ms of CPU a
# request, written out 0.04 ms (100,000 reports). The newest public publication time
# is found by the index on (status, published_at).
CURRENT_SQL = f"""
SELECT r.number, r.changed_at, (
    SELECT p.published_at FROM {Report._meta.db_table} p
     WHERE p.status = %s AND p.published_at <= %s ORDER BY p.published_at DESC LIMIT 1
  ), r.counts_number, r.search_number
  FROM {ContentRevision._meta.db_table} r WHERE r.id = 1
"""


def current(now: datetime.datetime | None = None) -> Revision:
    """The revision of the public content at `now`: one query."""
    now = now or timezone.now()
    database = connections[router.db_for_read(ContentRevision)]
    with database.cursor() as cursor:
        moment = database.ops.adapt_datetimefield_value(now)
        cursor.execute(CURRENT_SQL, [Report.Status.PUBLISHED.value, moment])
        row = cursor.fetchone()
    if row is None:  # a database flushed since its migration: no write yet
        latest = Report.objects.using(database.alias).published(now).order_by("-published_at")
        first = latest.values_list("published_at", flat=True).first()
        row = (0, None, first, 0, 0)
    else:
        row = (row[0], _moment(database, row[1]), _moment(database, row[2]), *row[3:])
    number, changed_at, latest_public, counts_number, search_number = row
    stamps = [moment for moment in (changed_at, latest_public) if moment]
    stamp = [moment.timestamp() if moment else 0 for moment in (changed_at, latest_public)]
    token = f"{number}-{stamp[0]}-{stamp[1]}"
    # A scheduled report going public changes counts without a write: the newest
    # public publication time is part of every token.
    counts_token = f"c{counts_number}-{stamp[1]}"
    return Revision(
        token=token,
        last_modified=max(stamps) if stamps else None,
        counts_token=counts_token,
        search_token=f"{counts_token}-s{search_number}",
    )


def _moment(database, value):
    """A time of a raw row as the ORM gives it (SQLite's come as naive UTC text)."""
    column = ContentRevision._meta.get_field("changed_at").cached_col
    for converter in database.ops.get_db_converters(column):
        value = converter(value, column, database)
    return value


def for_request(request) -> Revision:
    """The revision, read once per request (None: outside a request, read afresh)."""
    if request is None:
        return current()
    if not hasattr(request, "_content_revision"):
        request._content_revision = current()
    return request._content_revision


def cached(request, name: str, parts, compute, *, revision: str = "content"):
    """compute() cached under the current revision: recomputed only after a change.

    `revision` names what the value depends on (Revision.of): "content" by default;
    counts say "counts" or "search" (Selection.revision), so an edit that changes
    none of what they read recounts nothing.

    Computed once at a time: while one worker computes a value, others asking
    for it wait for its result (up to COMPUTE_WAIT seconds) instead of computing
    it too. With a shared cache (REDIS_URL) that holds for every worker of every
    node; with the default per-process cache, for the threads of one process.
    """
    token = for_request(request).of(revision)
    digest = hashlib.sha256(repr((token, name, parts)).encode()).hexdigest()
    key = f"rev:{name}:{digest}"
    value = cache.get(key, MISSING)
    if value is not MISSING:
        return value
    lock = f"computing:{key}"
    if cache.add(lock, True, COMPUTE_WAIT):
        try:
            value = compute()
            cache.set(key, value, CACHE_TIMEOUT)
            return value
        finally:
            cache.delete(lock)
    deadline = time.monotonic() + COMPUTE_WAIT
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        value = cache.get(key, MISSING)
        if value is not MISSING:
            return value
        if not cache.get(lock):
            break  # the worker computing it gave up (an error, a timeout): do it here
    value = compute()
    cache.set(key, value, CACHE_TIMEOUT)
    return value


def _anonymous(request) -> bool:
    # Staff with a session may see messages or a different header: always render.
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages")
    )


# Response headers a cached page keeps (the middleware adds the others again).
PAGE_HEADERS = ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin")


def _validators(request) -> tuple[str, datetime.datetime | None]:
    """The page's ETag and Last-Modified, worked out once per request.

    The ETag covers the content revision, the release of the code
    (settings.RELEASE: a deploy changes pages too), the absolute URL (host,
    language prefix and query string included) and the language: everything an
    anonymous visitor's page depends on.
    """
    if not hasattr(request, "_page_validators"):
        revision = for_request(request)
        key = f"{revision.token}|{settings.RELEASE}|{request.build_absolute_uri()}|{get_language()}"
        etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
        request._page_validators = (etag, revision.last_modified)
    return request._page_validators


def _etag(request, *args, **kwargs) -> str:
    return _validators(request)[0]


def _last_modified(request, *args, **kwargs) -> datetime.datetime | None:
    last_modified = _validators(request)[1]
    # Dates have whole seconds: one sent during the second of a change could
    # stand for content that changes again in that second. Until it is over,
    # only the ETag validates.
    if last_modified is None or int(last_modified.timestamp()) >= int(time.time()):
        return None
    return last_modified


class StoredPage(NamedTuple):
    """A page as the page cache keeps it, under its address (_address)."""

    etag: str  # of the revision it was rendered for
    content: bytes
    last_modified: datetime.datetime | None  # of that revision
    headers: dict  # PAGE_HEADERS it had
    rendered_at: float  # time.time()


def _page_cache(view):
    """The view's page, rendered once per content revision and kept under its address.

    Not Django's cache_page: that keys a page by its URL and headers and keeps it
    for a time, so it would serve pages of an older revision until they expired,
    while these are exact (a page is kept with the ETag of its revision, and only
    served for that ETag). Streamed responses (exports, calendars) and anything but
    a 200 are not kept.

    After a change, the page of the revision before is served (with that
    revision's own validators) while the new one is rendered: by the first request
    that finds it old, after its response has been sent (the WSGI server calls the
    response's close() then), and at most once per page every PAGE_REFRESH_SECONDS
    however often the content changes. So visitors are not kept waiting by the
    render, and a site whose content changes every few seconds renders each page
    a bounded number of times. Only a page rendered less than STALE_PAGE_SECONDS
    ago is served so: a request that finds an older one renders it before
    answering, so no visitor is shown content more than that behind.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PUBLIC_PAGE_CACHE:
            return view(request, *args, **kwargs)
        etag = _etag(request)
        key = f"page:{_address(request)}"
        stored = cache.get(key)
        if stored is not None and stored.etag == etag:
            return HttpResponse(stored.content, headers=stored.headers)
        age = time.time() - stored.rendered_at if stored is not None else None
        if age is not None and stored.last_modified and age < settings.STALE_PAGE_SECONDS:
            due = age >= settings.PAGE_REFRESH_SECONDS
            if due and cache.add(f"rendering:{key}", True, COMPUTE_WAIT):
                return _previous_page(
                    stored, then=lambda: _render_and_store(view, request, args, kwargs, key)
                )
            return _previous_page(stored)
        return _render_and_store(view, request, args, kwargs, key, answer=True)

    return wrapper


def _render_and_store(view, request, args, kwargs, key, *, answer=False):
    """Renders the page, keeps it under `key` and returns it. With `answer` a visitor
    waits for it (a TemplateResponse is kept once the handler renders it); without,
    another response has been sent already, so it is rendered here."""
    etag = _etag(request)
    try:
        response = view(request, *args, **kwargs)
        if not (answer or getattr(response, "is_rendered", True)):
            response.render()
    except Exception:
        cache.delete(f"rendering:{key}")  # the next request may try again
        raise
    if response.status_code != 200 or response.streaming:
        cache.delete(f"rendering:{key}")
        return response

    def store(rendered):
        headers = {name: rendered[name] for name in PAGE_HEADERS if rendered.has_header(name)}
        last_modified = _validators(request)[1]
        page = StoredPage(etag, rendered.content, last_modified, headers, time.time())
        cache.set(key, page, CACHE_TIMEOUT)
        cache.delete(f"rendering:{key}")

    if getattr(response, "is_rendered", True):
        store(response)
    else:  # a TemplateResponse, rendered after the view returns
        response.add_post_render_callback(store)
    return response


class _PreviousPage(HttpResponse):
    """A page of the revision before; `then` runs once it has been sent."""

    def __init__(self, *args, then=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._then = then

    def close(self):
        then, self._then = self._then, None
        if then is not None:
            try:
                then()
            except Exception:  # the visitor has their page; the next one renders it
                log.exception("rendering a page after its previous version was sent failed")
        super().close()


def _address(request) -> str:
    """What a page depends on besides the content: the release of the code, the
    absolute URL (host, language prefix and query string) and the language."""
    key = f"{settings.RELEASE}|{request.build_absolute_uri()}|{get_language()}"
    return hashlib.sha256(key.encode()).hexdigest()


def _previous_page(stored: "StoredPage", then=None) -> HttpResponse:
    response = _PreviousPage(stored.content, headers=stored.headers, then=then)
    # Its own revision's validators: condition() adds the current ones only where none
    # are set, and a client must not keep this page under the new revision's.
    response["ETag"] = stored.etag
    response["Last-Modified"] = http_date(stored.last_modified.timestamp())
    return response


def conditional(view):
    """Conditional GET on a public page, and the page cache (settings.PUBLIC_PAGE_CACHE).

    Django's condition() answers a matching If-None-Match or If-Modified-Since
    with a 304 without rendering, from validators made from the content
    revision; otherwise the page comes from the page cache or is rendered. Pages
    are stored, but checked with the server before each use (no-cache): the 304
    is cheap, and a heuristic freshness would show readers a stale list. Staff
    with a session may see messages or a different header: they always get the
    page rendered, without validators.
    """
    validated = condition(etag_func=_etag, last_modified_func=_last_modified)(_page_cache(view))

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not _anonymous(request):
            return view(request, *args, **kwargs)
        response = validated(request, *args, **kwargs)
        patch_cache_control(response, no_cache=True)
        return response

    return wrapper
