"""The figures of a selection of public reports: what /reports/stats/ shows.

For the reports a Selection selects (the parameters of /reports/): reports per
fiscal year, office and theme; events per country; participants per country,
people and local governments, honest about their qualifiers; the Japanese
local governments and partners abroad that took part most often. The years,
offices and themes are the list's counts (reports/facets.py), the other figures
the sums of the figures each report keeps (reports/figure_sums.py), both read
in one statement whatever the data and cached per content revision.

Plain values out (Table): the view renders them as charts and tables, and the
same rows download as CSV.
"""

import dataclasses
from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.codes import prefecture_name
from municipalities.models import LocalGovernment, Partner

from . import content_revision, facets, figure_sums, figures, reference
from .facets import country_name
from .languages import japanese
from .selection import Selection

TOP = 15  # local governments and partners listed


@dataclasses.dataclass(frozen=True)
class Table:
    """One figure: rows of (label, value, text), the value plotted, the text shown."""

    name: str  # its file name and anchor: fiscal-years, offices, ...
    title: str
    columns: tuple[str, ...]  # headings of the cells shown
    rows: tuple[tuple, ...]  # (label, value plotted, *cells shown after the label)
    note: str = ""
    labels_lang: str = ""  # "ja" when the labels are Japanese names on any page

    @property
    def cells(self) -> list[tuple]:
        """Each row as shown: the label, then its own cells, or else the value."""
        return [(row[0], *(row[2:] or (row[1],))) for row in self.rows]

    @property
    def shown(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each row for the page: its label, and (heading, text) for every other cell,
        the heading being what a phone shows beside a cell when the table reflows."""
        return [
            (
                cells[0],
                [
                    (heading, f"{cell:,}" if isinstance(cell, int) else cell)
                    for heading, cell in zip(self.columns[1:], cells[1:], strict=True)
                ],
            )
            for cells in self.cells
        ]


# The tables, in the order of the page; names are part of the CSV URLs.
TABLES = {
    "fiscal-years": gettext_lazy("年度別の報告数"),
    "offices": gettext_lazy("事務所・部署別の報告数"),
    "themes": gettext_lazy("テーマ別の報告数"),
    "event-countries": gettext_lazy("国・地域別の行事数"),
    "participants": gettext_lazy("国・地域別の参加者"),
    "local-governments": gettext_lazy("参加が多い国内の自治体"),
    "partners": gettext_lazy("参加が多い海外の自治体・地域"),
}


@dataclasses.dataclass(frozen=True)
class Figures:
    """What the grouped queries return, before it is put into words (cacheable)."""

    total: int
    fiscal_years: tuple  # (year or None, reports)
    offices: tuple  # (office code, reports)
    themes: tuple  # (theme slug, reports)
    event_countries: tuple  # (country code or "", events)
    participants: (
        tuple  # (country, qualifier, people sum, municipalities sum, rows, rows with people)
    )
    without_figures: int  # reports with no participant figure
    local_governments: tuple  # (code, reports)
    partners: tuple  # (partner id, reports)


def figures_of(chosen: Selection, *, request=None) -> Figures:
    return content_revision.cached(
        request,
        "report-stats",
        chosen,
        lambda: _count(chosen, request=request),
        revision=chosen.revision,
    )


# The sums of each (country, qualifier), in the order of Figures.participants.
PARTICIPANT_SUMS = ("sP", "sM", "sR", "sW")


def _count(chosen: Selection, *, request=None) -> Figures:
    # Fiscal years, offices and themes from the reading the map shares (reports/facets.py),
    # the other figures from the sums it shares too (reports/figure_sums.py).
    per_key = facets.reports_per_key(chosen, request=request)
    sums = figure_sums.of(chosen, request=request)
    per_year: Counter = Counter()
    per_office: Counter = Counter()
    for (code, year), n in per_key["grid"].items():
        per_year[year] += n
        per_office[code] += n
    years = tuple(sorted(per_year.items(), key=lambda row: (row[0] is None, row[0] or 0)))
    total = sum(n for _, n in years)
    events, people, partners = Counter(), {}, Counter()
    for key, n in sums.items():
        kind, _, rest = key.partition(":")
        if kind == "se":
            events[rest] = n
        elif kind in PARTICIPANT_SUMS:
            country, _, qualifier = rest.partition(":")
            people.setdefault((country, qualifier), dict.fromkeys(PARTICIPANT_SUMS, 0))[kind] = n
        elif kind == "sa":
            partners[int(rest)] = n
    return Figures(
        total=total,
        fiscal_years=years,
        offices=tuple((code, n) for code, n in per_office.items() if code is not None),
        themes=tuple(per_key["t"].items()),
        event_countries=tuple(events.items()),
        participants=tuple(
            (country, qualifier, *(summed[kind] for kind in PARTICIPANT_SUMS))
            for (country, qualifier), summed in people.items()
        ),
        without_figures=total - sums.get("sf", 0),
        local_governments=tuple(_most(figure_sums.local_governments(sums).items())),
        partners=tuple(_most(partners.items())),
    )


def _most(counts) -> list[tuple]:
    """The (key, count) pairs taking part most often, most first, ties by key."""
    return sorted(counts, key=lambda row: (-row[1], row[0]))[: TOP * 2]


def tables(found: Figures) -> list[Table]:
    """The figures in words, one Table per chart, in TABLES' order."""
    reports = _("報告数")
    offices = {o.code: o.name for o in reference.offices()}
    office_order = {o.code: i for i, o in enumerate(reference.offices())}
    themes = {t.slug: t.name for t in reference.themes()}
    theme_order = {t.slug: i for i, t in enumerate(reference.themes())}
    return [
        Table(
            "fiscal-years",
            str(TABLES["fiscal-years"]),
            (_("年度"), reports),
            tuple(
                (_("%(year)d年度") % {"year": year} if year else _("年度の記載なし"), n)
                for year, n in found.fiscal_years
            ),
        ),
        Table(
            "offices",
            str(TABLES["offices"]),
            (_("事務所・部署"), reports),
            tuple(
                (offices[code], n)
                for code, n in sorted(found.offices, key=lambda r: office_order[r[0]])
            ),
        ),
        Table(
            "themes",
            str(TABLES["themes"]),
            (_("テーマ"), reports),
            tuple(
                (themes[slug], n)
                for slug, n in sorted(found.themes, key=lambda r: theme_order[r[0]])
            ),
            note=_("1件の報告に複数のテーマがあるため、合計は報告数より多くなります。"),
        ),
        Table(
            "event-countries",
            str(TABLES["event-countries"]),
            (_("国・地域"), _("行事数")),
            tuple(
                (_country(code), n)
                for code, n in sorted(found.event_countries, key=lambda r: (-r[1], r[0]))
            ),
        ),
        _participants(found),
        Table(
            "local-governments",
            str(TABLES["local-governments"]),
            (_("自治体"), reports),
            _top_local_governments(found.local_governments),
            labels_lang="ja",  # names of Japanese local governments have no English form yet
        ),
        Table(
            "partners",
            str(TABLES["partners"]),
            (_("自治体・地域"), reports),
            _top_partners(found.partners),
        ),
    ]


def _country(code: str, *, blank: str = "") -> str:
    if not code:
        return blank or _("国の記載なし（オンラインを含む）")
    try:
        return country_name(code)
    except KeyError:
        return code


def _participants(found: Figures) -> Table:
    """People and local governments per country: a qualified figure stays qualified.

    The plotted value is the sum of the figures; the text says 約 or 以上 when any
    part of it is (figures.total_qualifier), so 約800 and 3,000以上 never add up
    to a precise-looking 3,800.
    """
    per_country: dict[str, dict] = {}
    for country, qualifier, people, municipalities, rows, with_people in found.participants:
        entry = per_country.setdefault(
            country, {"people": 0, "qualifiers": [], "missing": False, "municipalities": 0}
        )
        entry["people"] += people or 0
        entry["municipalities"] += municipalities or 0
        if with_people:
            entry["qualifiers"].append(qualifier)
        entry["missing"] = entry["missing"] or with_people < rows
    rows = []
    for country, entry in sorted(per_country.items(), key=lambda item: -item[1]["people"]):
        qualifier = figures.total_qualifier(entry["qualifiers"], missing=entry["missing"])
        people = (
            figures.phrase(entry["people"], qualifier, "people") if entry["qualifiers"] else "—"
        )
        municipalities = (
            figures.phrase(entry["municipalities"], figures.EXACT, "municipalities")
            if entry["municipalities"]
            else "—"
        )
        rows.append(
            (_country(country, blank=_("国の記載なし")), entry["people"], people, municipalities)
        )
    qualifiers = [q for entry in per_country.values() for q in entry["qualifiers"]]
    missing = any(entry["missing"] for entry in per_country.values())
    total = sum(entry["people"] for entry in per_country.values())
    note = _("人数の記載なし: %(count)s件") % {"count": f"{found.without_figures:,}"}
    if qualifiers:
        qualifier = figures.total_qualifier(qualifiers, missing=missing)
        note = _("合計: %(total)s（%(note)s）") % {
            "total": figures.phrase(total, qualifier, "people"),
            "note": note,
        }
    return Table(
        "participants",
        str(TABLES["participants"]),
        (_("国・地域"), _("人数"), _("自治体数")),
        tuple(rows),
        note=note,
    )


def _top_local_governments(rows) -> tuple:
    named = LocalGovernment.objects.in_bulk([code for code, _n in rows[:TOP]])
    return tuple(
        (
            named[code].name
            if named[code].kind == LocalGovernment.Kind.PREFECTURE
            else f"{named[code].name}（{prefecture_name(code)}）",
            n,
        )
        for code, n in rows[:TOP]
        if code in named
    )


def _top_partners(rows) -> tuple:
    named = Partner.objects.in_bulk([pk for pk, _n in rows[:TOP]])
    in_japanese = japanese()
    return tuple(
        (
            _("%(name)s（%(country)s）")
            % {
                "name": named[pk].name if in_japanese else named[pk].name_en,
                "country": _country(named[pk].country),
            },
            n,
        )
        for pk, n in rows[:TOP]
        if pk in named
    )
