"""Reference data (offices, themes) cached briefly per process.

Offices and themes change only through superusers or migrations, so list
pages need not query them on every request: five minutes of staleness at most
(the admin clears this process's copy at once, clair_portal/admin_mixins.py).
Counts of public reports are not reference data: see reports/facets.py.
"""

import secrets

from django.core.cache import cache

from offices.models import Office

from .models import Theme

REFERENCE_TTL = 300


def offices() -> list[Office]:
    return cache.get_or_set("ref:offices", lambda: list(Office.objects.all()), REFERENCE_TTL)


def themes() -> list[Theme]:
    return cache.get_or_set("ref:themes", lambda: list(Theme.objects.all()), REFERENCE_TTL)


def generation() -> str:
    """A name for the reference data as cached now: it changes whenever the cached
    copy is dropped (clear(), or the cache emptied), so keys of what shows office
    and theme names change with them, without a query."""
    return cache.get_or_set("ref:generation", lambda: secrets.token_hex(4), None)


def clear() -> None:
    cache.delete_many(["ref:offices", "ref:themes", "ref:generation"])
