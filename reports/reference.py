"""Reference data (offices, themes, fiscal years) cached briefly per process.

Offices and themes change only through superusers or migrations, so list
pages need not query them on every request; five minutes of staleness at most.
"""

from django.core.cache import cache
from django.db.models import Q

REFERENCE_TTL = 300


def offices() -> list:
    from offices.models import Office

    return cache.get_or_set("ref:offices", lambda: list(Office.objects.all()), REFERENCE_TTL)


def themes() -> list:
    from .models import Theme

    return cache.get_or_set("ref:themes", lambda: list(Theme.objects.all()), REFERENCE_TTL)


def public_fiscal_years() -> list[int]:
    from .models import Report

    def load():
        return sorted(
            Report.objects.published()
            .filter(~Q(fiscal_year=None))
            .order_by()
            .values_list("fiscal_year", flat=True)
            .distinct(),
            reverse=True,
        )

    return cache.get_or_set("ref:fiscal-years", load, 60)


def clear() -> None:
    cache.delete_many(["ref:offices", "ref:themes", "ref:fiscal-years"])
