"""How often one address, and one client, may ask for alerts: a fixed hourly window.

Counted in the "limits" cache with add() and incr(), which are atomic in each
cache backend, so two requests at once cannot both take the last slot. The
default local-memory cache counts per process: with N web processes a client
gets up to N times the limit, still a bound; a shared cache (Redis, Memcached)
under the same alias makes it exact. Addresses are counted under their hash,
so the cache holds no address.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches

WINDOW_SECONDS = 3600


def _within_limit(key: str) -> bool:
    cache = caches["limits"]
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new window
        cache.add(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= settings.ALERTS_RATE_PER_HOUR


def client_allowed(client_ip: str) -> bool:
    """Counts a request from `client_ip`; False once it has made too many this hour."""
    return _within_limit(f"alerts:client:{client_ip}")


def address_allowed(email: str) -> bool:
    """Counts a request for `email`; False once it has had too many this hour."""
    digest = hashlib.sha256(email.encode()).hexdigest()
    return _within_limit(f"alerts:address:{digest}")
