"""Which reports a list holds: the filters of /reports/ as one value, and how to apply them.

The query string of /reports/ is the public contract (reports/filters.py reads
and checks it); a Selection is what it means once checked, in a canonical form:
two query strings that select the same reports give equal Selections, which is
what the counts are cached under (reports/facets.py). apply() is the one path
from a Selection to a QuerySet, used by the lists, feeds, calendars, exports and
counts alike: AND across kinds, OR within a kind (several offices or themes).
"""

import dataclasses
import datetime

from django.db.models import QuerySet

from . import reference, search
from .text import split_terms


@dataclasses.dataclass(frozen=True)
class Selection:
    terms: tuple[str, ...] = ()  # normalised search words; every one must occur
    offices: tuple[str, ...] = ()  # office codes, sorted
    themes: tuple[str, ...] = ()  # theme slugs, sorted
    date_from: datetime.date | None = None  # an event on or after
    date_to: datetime.date | None = None  # an event on or before
    fiscal_year: int | None = None
    prefectures: tuple[str, ...] = ()  # 2-digit prefecture numbers (JIS X 0401), sorted
    municipalities: tuple[str, ...] = ()  # 6-digit local government codes, sorted
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, sorted

    @classmethod
    def of(
        cls,
        *,
        q: str = "",
        offices=(),
        themes=(),
        date_from=None,
        date_to=None,
        fiscal_year=None,
        prefectures=(),
        municipalities=(),
        countries=(),
    ) -> "Selection":
        return cls(
            terms=tuple(split_terms(q or "")),
            offices=tuple(sorted(set(offices or ()))),
            themes=tuple(sorted(set(themes or ()))),
            date_from=date_from,
            date_to=date_to,
            fiscal_year=fiscal_year,
            prefectures=tuple(sorted(set(prefectures or ()))),
            municipalities=tuple(sorted(set(municipalities or ()))),
            countries=tuple(sorted(set(countries or ()))),
        )

    def without(self, *kinds: str) -> "Selection":
        """The same selection, every report as far as `kinds` are concerned
        (terms, offices, themes, dates, fiscal_year, prefectures, municipalities,
        countries): what a facet counts by."""
        everything = {
            "terms": (),
            "offices": (),
            "themes": (),
            "fiscal_year": None,
            "prefectures": (),
            "municipalities": (),
            "countries": (),
        }
        changes = {}
        for kind in kinds:
            if kind == "dates":
                changes.update(date_from=None, date_to=None)
            else:
                changes[kind] = everything[kind]
        return dataclasses.replace(self, **changes)

    @property
    def is_search(self) -> bool:
        return bool(self.terms)

    @property
    def revision(self) -> str:
        """What its counts are cached under (content_revision.cached): a search's
        counts change with the reports' text too."""
        return "search" if self.terms else "counts"


def apply(queryset: QuerySet, selection: Selection) -> QuerySet:
    """The reports of `queryset` that `selection` selects (unordered, un-annotated
    but for a search's rank). The search comes last: the others narrow what it reads."""
    if selection.offices:
        codes = set(selection.offices)
        queryset = queryset.for_office_ids([o.pk for o in reference.offices() if o.code in codes])
    if selection.themes:
        slugs = set(selection.themes)
        queryset = queryset.with_theme_ids([t.pk for t in reference.themes() if t.slug in slugs])
    if selection.date_from or selection.date_to:
        queryset = queryset.overlapping(selection.date_from, selection.date_to)
    if selection.fiscal_year is not None:
        queryset = queryset.in_fiscal_year(selection.fiscal_year)
    if selection.prefectures:
        queryset = queryset.involving_prefectures(selection.prefectures)
    if selection.municipalities:
        queryset = queryset.involving_local_governments(selection.municipalities)
    if selection.countries:
        queryset = queryset.in_countries(selection.countries)
    if selection.terms:
        queryset = search.matching(queryset, selection.terms)
    return queryset
