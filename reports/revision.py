"""What public pages depend on, as one token: cached counts and conditional GET.

The token changes when the data changes (ContentRevision, bumped by database
triggers on every write) and when a scheduled report's publication time passes
(the newest public publication time is part of it). Counts are cached under it,
so they are computed once per change rather than per request, and public pages
carry an ETag and Last-Modified made from it: a client that has the page gets a
304 without the page being rendered.
"""

import datetime
import hashlib
import time
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

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
]
CACHE_TIMEOUT = 3600  # entries of an old revision are never read again; let them go

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
    token: str
    last_modified: datetime.datetime | None


def _release_time() -> float:
    """When the code, templates or translations last changed: a deploy changes pages too."""
    newest = 0.0
    for folder, pattern in (
        (settings.BASE_DIR / "templates", "**/*"),
        (settings.BASE_DIR / "locale", "**/*.mo"),
        (Path(__file__).parent, "**/*.py"),
        (settings.BASE_DIR / "offices", "**/*.py"),
        (settings.BASE_DIR / "clair_portal", "*.py"),
    ):
        for path in folder.glob(pattern):
            newest = max(newest, path.stat().st_mtime)
    return newest


RELEASE_TIME = _release_time()


def current(now: datetime.datetime | None = None) -> Revision:
    """The revision of the public content at `now`: one query."""
    from .models import ContentRevision, Report

    now = now or timezone.now()
    latest = Report.objects.published(now).order_by("-published_at").values("published_at")[:1]
    row = (
        ContentRevision.objects.filter(pk=1)
        .annotate(latest=Subquery(latest))
        .values_list("number", "changed_at", "latest")
        .first()
    )
    if row is None:  # a database flushed since its migration: no write yet
        first = latest.first()
        row = (0, None, first["published_at"] if first else None)
    number, changed_at, latest_public = row
    stamps = [moment for moment in (changed_at, latest_public) if moment]
    stamp = [moment.timestamp() if moment else 0 for moment in (changed_at, latest_public)]
    token = f"{number}-{stamp[0]}-{stamp[1]}"
    last_modified = max(stamps) if stamps else None
    release = datetime.datetime.fromtimestamp(RELEASE_TIME, tz=datetime.UTC)
    if last_modified is None or release > last_modified:
        last_modified = release
    return Revision(token=token, last_modified=last_modified)


def for_request(request) -> Revision:
    """The revision, read once per request (None: outside a request, read afresh)."""
    if request is None:
        return current()
    if not hasattr(request, "_content_revision"):
        request._content_revision = current()
    return request._content_revision


def cached(request, name: str, parts, compute):
    """compute() cached under the current revision: recomputed only after a change."""
    revision = for_request(request)
    digest = hashlib.sha256(repr((revision.token, name, parts)).encode()).hexdigest()
    return cache.get_or_set(f"rev:{name}:{digest}", compute, CACHE_TIMEOUT)


def _anonymous(request) -> bool:
    # Staff with a session may see messages or a different header: always render.
    return not (
        request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages")
    )


# Response headers a cached page keeps (the middleware adds the others again).
PAGE_HEADERS = ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin")


def _cached_page(etag: str) -> HttpResponse | None:
    stored = cache.get(f"page:{etag}")
    if stored is None:
        return None
    content, headers = stored
    return HttpResponse(content, headers=headers)


def _store_page(etag: str, response) -> None:
    headers = {name: response[name] for name in PAGE_HEADERS if response.has_header(name)}
    cache.set(f"page:{etag}", (response.content, headers), CACHE_TIMEOUT)


def conditional(view):
    """ETag and Last-Modified from the revision; a matching request gets a 304 unrendered.

    The ETag covers the revision, the release, the absolute URL (host, language
    prefix and query string included) and the language: everything an anonymous
    visitor's page depends on. So the page itself is cached under it too
    (settings.PUBLIC_PAGE_CACHE; streamed exports excepted): it is rendered
    once per content change, not once per request.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not _anonymous(request):
            return view(request, *args, **kwargs)
        revision = for_request(request)
        key = f"{revision.token}|{RELEASE_TIME}|{request.build_absolute_uri()}|{get_language()}"
        etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
        last_modified = int(revision.last_modified.timestamp()) if revision.last_modified else None
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None and settings.PUBLIC_PAGE_CACHE:
            response = _cached_page(etag)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            if settings.PUBLIC_PAGE_CACHE and not response.streaming:
                if getattr(response, "is_rendered", True):
                    _store_page(etag, response)
                else:  # a TemplateResponse, rendered after the view returns
                    response.add_post_render_callback(lambda r: _store_page(etag, r))
        response.headers["ETag"] = etag
        # Dates have whole seconds: one sent during the second of a change could
        # stand for content that changes again in that second. Until it is over,
        # only the ETag validates.
        if last_modified is not None and last_modified < int(time.time()):
            response.headers["Last-Modified"] = http_date(last_modified)
        # Stored, but checked with the server before each use: the 304 is cheap,
        # and a heuristic freshness would show readers a stale list.
        patch_cache_control(response, no_cache=True)
        return response

    return wrapper
