"""Public reads on PostgreSQL streaming replicas; everything else on the primary.

With DATABASE_REPLICA_URLS set (settings.py), ReplicaRouter sends a read to a
replica only inside a request that ReplicaMiddleware marked as a public read: a
GET or HEAD, outside the admin, from a visitor without a session (staff, who
just saved something, read the primary). A write pins the rest of its request to
the primary, so what a request wrote it reads back. Management commands, tasks
and tests read the primary: nothing is marked there.

A replica is used while it answers and replays within REPLICA_MAX_LAG_SECONDS of
what it has received; each process checks it at most every REPLICA_CHECK_SECONDS.
A replica that fails in the middle of a request is set aside and the request is
run again on the primary (a public GET reads only), so a stopped replica costs
no request.
"""

import contextlib
import contextvars
import itertools
import logging
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections

log = logging.getLogger("clair.replicas")

# Apps whose rows public pages read. Sessions, users, the login throttle and the
# alert sign-ups stay on the primary: a visitor's next request must find them.
REPLICA_APPS = frozenset({"reports", "offices", "municipalities"})

# None outside a public read; otherwise the replica alias this request reads, or
# "default" once it wrote or found its replica unusable.
_reading = contextvars.ContextVar("clair_replica_reading", default=None)
# Set by primary_only(): requests made in this context (the cache warmer's) read the primary.
_primary_only = contextvars.ContextVar("clair_primary_only", default=False)
_turn = itertools.count()
# alias -> (time of the check, usable?), per process.
_health: dict[str, tuple[float, bool]] = {}

LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
    END
"""


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def lag_seconds(alias: str) -> float:
    """How far `alias` is behind what it received (0 for a primary); raises if it is down."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def usable(alias: str) -> bool:
    checked = _health.get(alias)
    now = time.monotonic()
    if checked and now - checked[0] < settings.REPLICA_CHECK_SECONDS:
        return checked[1]
    try:
        lag = lag_seconds(alias)
        ok = lag <= settings.REPLICA_MAX_LAG_SECONDS
        if not ok:
            log.warning("replica %s is %.1f s behind: reading the primary", alias, lag)
    except DatabaseError as error:
        log.warning("replica %s is unusable (%s): reading the primary", alias, error)
        connections[alias].close()
        ok = False
    _health[alias] = (now, ok)
    return ok


def set_aside(alias: str) -> None:
    """Stop using `alias` in this process until its next check is due."""
    _health[alias] = (time.monotonic(), False)
    with contextlib.suppress(DatabaseError):
        connections[alias].close()


def _choose() -> str:
    aliases = replica_aliases()
    start = next(_turn)
    for offset in range(len(aliases)):
        alias = aliases[(start + offset) % len(aliases)]
        if usable(alias):
            return alias
    return "default"


class ReplicaRouter:
    """Reads of public content in a public read go to a replica; all else to the primary."""

    def db_for_read(self, model, **hints):
        reading = _reading.get()
        if reading is None or model._meta.app_label not in REPLICA_APPS:
            return "default"
        if reading == "":
            reading = _choose()
            _reading.set(reading)
        return reading

    def db_for_write(self, model, **hints):
        if _reading.get() is not None:
            _reading.set("default")  # read back what this request writes
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


@contextlib.contextmanager
def primary_only():
    """Requests made inside read the primary: the cache warmer must count the change
    that just happened, which a replica may not have replayed yet."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


def is_public_read(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith("/admin/")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaMiddleware:
    """Marks a public read, and runs it again on the primary if its replica fails."""

    def __init__(self, get_response):
        if not replica_aliases():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if _primary_only.get() or not is_public_read(request):
            return self.get_response(request)
        token = _reading.set("")
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)

    def process_exception(self, request, exception):
        reading = _reading.get()
        if not reading or reading == "default" or not isinstance(exception, DatabaseError):
            return None
        log.warning("replica %s failed during %s: reading the primary", reading, request.path)
        set_aside(reading)
        _reading.set("default")
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        # The handler renders what the view returned, but not what this hook returns
        # when the failure came while rendering.
        return response.render() if hasattr(response, "render") else response
