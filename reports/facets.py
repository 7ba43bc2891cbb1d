"""How many public reports each filter option would give: the counts beside every option.

Counting is what costs at scale, so the counts of a selection are computed once
after each change of the public content and cached under the content revision
(reports/content_revision.py), not on every request. Two queries, whatever the
data: offices by fiscal year in one grouped query (each report has one office
and at most one fiscal year, so it gives both facets and the result count), and
the themes, prefectures and countries in another, from the keys each report
keeps on its row (reports/facet_keys.py). A search's counts also carry what its
page's walk needs (reports/search.py): how many matches have every word in the
title, and how many reports the other filters select without the words.
"""

import copy
import dataclasses

from django.db import connections, router
from django.db.models import CharField, Count, IntegerField, Q, Value
from django.utils.translation import gettext as _

from municipalities.codes import PREFECTURE_NAMES, PREFECTURE_NAMES_EN
from municipalities.countries import countries, is_country_code

from . import content_revision, reference, selection
from .languages import japanese
from .models import Report
from .search import Walk
from .selection import Selection

UNSEARCHED = -1  # the rank of the row counting the reports selected without the words


@dataclasses.dataclass(frozen=True)
class Counts:
    office: dict  # office code -> reports, with every other filter
    theme: dict  # theme slug -> reports, with every other filter
    fy: dict  # fiscal year -> reports, with every other filter
    total: int  # reports the selection selects
    in_title: int = 0  # of those, with every search word in the title
    unsearched: int = 0  # reports the selection selects without its words
    prefecture: dict = dataclasses.field(default_factory=dict)  # "13" -> reports, other filters
    country: dict = dataclasses.field(default_factory=dict)  # "KR" -> reports, other filters

    def walk(self, base, terms) -> Walk:
        """What reading a page of this search by walking needs (reports/search.py)."""
        return Walk(
            base=base,
            terms=tuple(terms),
            total=self.total,
            in_title=self.in_title,
            population=self.unsearched or self.total,
        )


def counts(chosen: Selection, *, request=None) -> Counts:
    """The counts of a selection of public reports, cached per content revision."""
    # Read once per request: the count, the facets and the search walk all ask.
    memo = getattr(request, "_report_counts", None) if request is not None else None
    if memo is not None and chosen in memo:
        return memo[chosen]
    result = content_revision.cached(request, "report-counts", chosen, lambda: _count(chosen))
    if request is not None:
        request._report_counts = {**(memo or {}), chosen: result}
    return result


def _public(chosen: Selection):
    return selection.apply(Report.objects.published(), chosen).order_by()


def _count(chosen: Selection) -> Counts:
    selected_offices, selected_fy = set(chosen.offices), chosen.fiscal_year
    grid = _public(chosen.without("offices", "fiscal_year"))
    if chosen.is_search:
        # A search also needs, for its page's walk, how many matches have every
        # word in the title (rank 0) and how many reports the filters select
        # without the words (UNSEARCHED): in the same query, a second branch of it.
        unsearched = (
            _public(chosen.without("terms"))
            .annotate(
                no_office=Value(None, output_field=CharField()),
                no_year=Value(None, output_field=IntegerField()),
                unsearched=Value(UNSEARCHED),
            )
            .values_list("no_office", "no_year", "unsearched")
            .annotate(n=Count("pk"))
        )
        grid = (
            grid.values_list("office__code", "fiscal_year", "search_rank")
            .annotate(n=Count("pk"))
            .union(unsearched, all=True)
            .order_by()  # a union takes the model's ordering again
        )
    else:
        grid = (
            (code, year, None, n)
            for code, year, n in grid.values_list("office__code", "fiscal_year").annotate(
                n=Count("pk")
            )
        )
    office_counts: dict[str, int] = {}
    fy_counts: dict[int, int] = {}
    total = in_title = population = 0
    for code, year, rank, n in grid:
        if rank == UNSEARCHED:
            population = n
            continue
        in_offices = not selected_offices or code in selected_offices
        in_year = selected_fy is None or year == selected_fy
        if in_year:
            office_counts[code] = office_counts.get(code, 0) + n
        if in_offices and year is not None:
            fy_counts[year] = fy_counts.get(year, 0) + n
        if in_offices and in_year:
            total += n
            if rank == 0:
                in_title += n
    theme_counts, prefecture_counts, country_counts = _tags(chosen)
    return Counts(
        office=office_counts,
        theme=theme_counts,
        fy=fy_counts,
        total=total,
        in_title=in_title,
        unsearched=population or total,
        prefecture=prefecture_counts,
        country=country_counts,
    )


# One row per key of each selected report, spelt for each database. On PostgreSQL the
# function in the select list (a ProjectSet) costs half a lateral join's function scan.
KEY_ROWS = {
    "postgresql": "SELECT json_array_elements_text(r.facet_keys::json) AS value FROM ({selected}) r",
    "sqlite": "SELECT k.value AS value FROM ({selected}) r CROSS JOIN json_each(r.facet_keys) AS k",
}


def _tags(chosen: Selection) -> tuple[dict, dict, dict]:
    """Reports per theme, per prefecture and per country, each kind counted over the
    selection without its own filter (what choosing that option would give)."""
    kinds = {"t": "themes", "p": "prefectures", "c": "countries"}
    passes: dict[Selection, list[str]] = {}
    for prefix, kind in kinds.items():
        passes.setdefault(chosen.without(kind), []).append(prefix)
    found = _count_keys(passes)
    return found["t"], found["p"], found["c"]


def reports_per_key(chosen: Selection, *, request=None) -> dict[str, dict]:
    """The reports of `chosen` itself per theme ("t", by slug), prefecture ("p", by
    its two digits) and country ("c"), in one reading, cached per content revision:
    what the statistics and the map of a selection show."""
    return content_revision.cached(
        request, "report-keys", chosen, lambda: _count_keys({chosen: ["t", "p", "c"]})
    )


def _count_keys(passes: dict[Selection, list[str]]) -> dict[str, dict]:
    """For each selection, its reports per key of the kinds (prefixes) listed for it.

    From the keys each report keeps on its row (reports/facet_keys.py: "t12",
    "p32", "cKR", distinct per report), so a report counts once for a prefecture
    however many of its municipalities it names, and once for a country whether an
    event was held there, a partner is from there, or both. Kinds listed under one
    selection share one reading of its reports, and so one match of a search's
    words; several selections are branches of one query. Themes by id, named from
    the cached themes.
    """
    database = connections[router.db_for_read(Report)]
    key_rows = KEY_ROWS[database.vendor]
    slugs = {str(theme.pk): theme.slug for theme in reference.themes()}
    found: dict[str, dict] = {"t": {}, "p": {}, "c": {}}
    branches, params = [], []
    wanted = list(passes.values())
    for branch, counted in enumerate(passes):
        selected, selected_params = _public(counted).values("facet_keys").query.sql_with_params()
        rows = key_rows.replace("{selected}", selected)
        # Every key is counted and the unwanted kinds dropped here: a filter on the key
        # made PostgreSQL expect a few rows and sort 390,000 on disk at 100,000 reports.
        branches.append(f"SELECT {branch}, k.value, COUNT(*) FROM ({rows}) k GROUP BY k.value")
        params += selected_params
    with database.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)
        for branch, key, n in cursor.fetchall():
            prefix, value = key[0], key[1:]
            if prefix not in wanted[branch]:
                continue
            if prefix == "t":
                if value not in slugs:
                    continue
                value = slugs[value]
            found[prefix][value] = n
    return found


def prefecture_choices() -> list[tuple[str, str]]:
    """The 47 prefectures by number (JIS X 0401), named in the page's language."""
    names = PREFECTURE_NAMES if japanese() else PREFECTURE_NAMES_EN
    return [(f"{number:02d}", name) for number, name in enumerate(names, start=1)]


def country_name(code: str) -> str:
    """The country's name in the page's language."""
    country = countries()[code]
    return country.name_ja if japanese() else country.name_en


def options(chosen: Selection, found: Counts, *, request=None) -> dict[str, list[dict]]:
    """The options of each facet, with the number of reports each would give."""
    years = set(public_fiscal_years(request)) | set(found.fy)
    if chosen.fiscal_year:
        years.add(chosen.fiscal_year)

    def option(value, label, count, selected):
        return {"value": value, "label": label, "count": count, "selected": selected}

    return {
        "office": [
            option(o.code, o.name, found.office.get(o.code, 0), o.code in chosen.offices)
            for o in reference.offices()
        ],
        "theme": [
            option(t.slug, t.name, found.theme.get(t.slug, 0), t.slug in chosen.themes)
            for t in reference.themes()
        ],
        "fy": [
            option(
                year,
                _("%(year)d年度") % {"year": year},
                found.fy.get(year, 0),
                year == chosen.fiscal_year,
            )
            for year in sorted(years, reverse=True)
        ],
        "prefecture": [
            option(number, name, found.prefecture.get(number, 0), number in chosen.prefectures)
            for number, name in prefecture_choices()
        ],
        # The countries reports name, not all 249: a long list of zeros helps no one.
        "country": [
            option(code, country_name(code), found.country.get(code, 0), code in chosen.countries)
            for code in sorted(set(found.country) | set(chosen.countries))
            if is_country_code(code)
        ],
    }


def public_fiscal_years(request=None) -> list[int]:
    """Every fiscal year with a public report, newest first (cached per content revision)."""

    def load():
        return sorted(
            Report.objects.published()
            .filter(~Q(fiscal_year=None))
            .order_by()
            .values_list("fiscal_year", flat=True)
            .distinct(),
            reverse=True,
        )

    return content_revision.cached(request, "fiscal-years", (), load)


def offices_with_counts(request=None) -> list:
    """The offices, each with `report_count`, its number of public reports."""
    found = counts(Selection(), request=request).office
    return [_with_count(office, found.get(office.code, 0)) for office in reference.offices()]


def themes_with_counts(request=None) -> list:
    """The themes, each with `report_count`, its number of public reports."""
    found = counts(Selection(), request=request).theme
    return [_with_count(theme, found.get(theme.slug, 0)) for theme in reference.themes()]


def _with_count(instance, count: int):
    instance = copy.copy(instance)  # the cached instance stays as it was
    instance.report_count = count
    return instance
