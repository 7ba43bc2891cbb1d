"""An alert's saved search: the query string of /reports/, kept in one normal form.

Only parameters the list's ReportFilter accepts are kept, without those that
change how a list is shown (page, sort), each name and its values sorted: the
same search made on the list page, an office's page or a theme's page is one
string, so it is one alert, and the reports it selects are the list's.
"""

import datetime

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from reports.filters import ReportFilter, filtered_public_reports

# Parameters that change how a list is shown, not which reports it holds.
PRESENTATION_PARAMS = {"page", "sort"}


def normalise(params: QueryDict) -> str:
    filterset = ReportFilter(params or None)
    if not filterset.is_bound:
        return ""
    filterset.is_valid()
    invalid = set(filterset.form.errors)
    kept = QueryDict(mutable=True)
    for name in sorted(set(filterset.filters) - PRESENTATION_PARAMS - invalid):
        if isinstance(filterset.filters[name], django_filters.MultipleChoiceFilter):
            values = params.getlist(name)
        else:
            values = [params.get(name, "")]  # the one value the form reads: the last
        values = sorted({printable(value) for value in values} - {""})
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def printable(value: str) -> str:
    # Control characters mean nothing in a search, and PostgreSQL refuses NUL in text.
    return "".join(ch for ch in value if ch.isprintable() or ch in " \u3000").strip()


def in_words(query: str) -> str:
    """The search in the active language: 「ソウル事務所、姉妹都市・自治体間交流」."""
    filterset, _reports = filtered_public_reports(QueryDict(query))
    return filterset.scope()


def title(query: str) -> str:
    """「ソウル事務所、姉妹都市・自治体間交流の新着」"""
    return _("%(scope)sの新着") % {"scope": in_words(query)}


def new_reports(query: str, *, after: datetime.datetime, until: datetime.datetime) -> QuerySet:
    """The public reports the search selects that were published in (after, until], oldest first."""
    _filterset, reports = filtered_public_reports(QueryDict(query))
    return (
        reports.filter(published_at__gt=after, published_at__lte=until)
        .with_list_data()
        .order_by("published_at", "pk")
    )
