"""Request ids, one structured log line per request, and the 503 page of a database outage.

Logs are JSON, one object per line, so a log shipper can index them without parsing
rules. They never hold secrets or personal data: no query strings (a search may be a
person's name), no cookies or headers, no addresses, no request bodies; a user is
named by number only.
"""

import contextvars
import json
import logging
import re
import sys
import time
import traceback
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.functional import empty
from django.views import defaults

# The id of the request this thread is serving, for every log line written meanwhile.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

# A proxy's id is kept when it is short and plain, so it cannot forge log lines.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

# Seconds a client is told to wait during a database outage (Retry-After).
RETRY_AFTER_SECONDS = 5

request_logger = logging.getLogger("clair.request")


def _request_id(request) -> str:
    offered = request.headers.get("X-Request-ID", "")
    if VALID_REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """First in the stack: gives each request an id (echoed as X-Request-ID) and logs it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = _request_id(request)
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def _user_id(request) -> int | None:
    """The signed-in user's number, if the request already loaded the user.

    Loading it here would cost a session query on every public page (and fail
    during an outage), so a lazy user nobody looked at stays unnamed.
    """
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", empty)
    if wrapped is empty or wrapped is None or not wrapped.is_authenticated:
        return None
    return wrapped.pk


def server_error(request, template_name="500.html"):
    """handler500: a database outage is a 503 with Retry-After, anything else a 500.

    Django calls this inside its exception handler, so the exception is at hand.
    The 503 page is rendered without the request, as the 500 page is: nothing in it
    may need the database (a session, the user, the filters of the page asked for).
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        try:
            content = loader.render_to_string("503.html")
        except Exception:  # whatever breaks, still no stack trace
            content = "Service unavailable"
        response = HttpResponse(content, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request, template_name)


class RequestIdFilter(logging.Filter):
    """Stamps every log record with the id of the request being served, if any."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            # Django logs a response's status after the middleware has returned, but
            # hands over the request itself.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


# Attributes every LogRecord has; anything else was passed in `extra` and is logged.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request",  # Django's HttpRequest on error records: headers and cookies, never logged
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras, error."""

    def format(self, record):
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                plain = value is None or isinstance(value, int | float | str | bool)
                entry[key] = value if plain else str(value)
        if record.exc_info and record.exc_info[0] is not None:
            kind, error, tb = record.exc_info
            entry["error"] = {
                "type": f"{kind.__module__}.{kind.__qualname__}",
                "message": str(error),
                "where": [
                    f"{frame.filename}:{frame.lineno} {frame.name}"
                    for frame in traceback.extract_tb(tb)[-5:]
                ],
            }
        return json.dumps(entry, ensure_ascii=False)

    converter = time.gmtime
