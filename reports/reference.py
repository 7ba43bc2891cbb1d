"""Reference data (offices, themes) cached briefly per process; public counts per revision.

Offices and themes change only through superusers or migrations, so list
pages need not query them on every request; five minutes of staleness at most.
The fiscal years and report counts follow the content revision: always exact.
"""

import copy

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


def public_counts(request=None) -> dict:
    """Counts of all public reports by office, theme and fiscal year: those of the
    unfiltered list, computed once per content revision for every page that shows them."""
    from .filters import ReportFilter
    from .models import Report

    return ReportFilter(None, queryset=Report.objects.published(), request=request).counts()


def offices_with_counts(request=None) -> list:
    """The offices, each with `report_count`, its number of public reports."""
    counts = public_counts(request)["office"]
    return [_with_count(office, counts.get(office.code, 0)) for office in offices()]


def themes_with_counts(request=None) -> list:
    """The themes, each with `report_count`, its number of public reports."""
    counts = public_counts(request)["theme"]
    return [_with_count(theme, counts.get(theme.slug, 0)) for theme in themes()]


def _with_count(instance, count: int):
    instance = copy.copy(instance)  # the cached instance stays as it was
    instance.report_count = count
    return instance


def clear() -> None:
    cache.delete_many(["ref:offices", "ref:themes"])
