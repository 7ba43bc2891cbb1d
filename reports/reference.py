"""Reference data (offices, themes) cached briefly per process; public counts per revision.

Offices and themes change only through superusers or migrations, so list
pages need not query them on every request; five minutes of staleness at most.
The fiscal years and report counts follow the content revision: always exact.
"""

from django.core.cache import cache
from django.db.models import Q

from . import revision

REFERENCE_TTL = 300


def offices() -> list:
    from offices.models import Office

    return cache.get_or_set("ref:offices", lambda: list(Office.objects.all()), REFERENCE_TTL)


def themes() -> list:
    from .models import Theme

    return cache.get_or_set("ref:themes", lambda: list(Theme.objects.all()), REFERENCE_TTL)


def public_fiscal_years(request=None) -> list[int]:
    """Every fiscal year with a public report, newest first (cached per content revision)."""
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

    return revision.cached(request, "fiscal-years", (), load)


def offices_with_counts(request=None) -> list:
    """The offices, each with `report_count` public reports (cached per content revision)."""
    from offices.models import Office

    return revision.cached(
        request, "office-counts", (), lambda: list(Office.objects.with_public_report_counts())
    )


def themes_with_counts(request=None) -> list:
    """The themes, each with `report_count` public reports (cached per content revision)."""
    from .models import Theme

    return revision.cached(
        request, "theme-counts", (), lambda: list(Theme.objects.with_public_report_counts())
    )


def clear() -> None:
    cache.delete_many(["ref:offices", "ref:themes"])
