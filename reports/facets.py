"""How many public reports each filter option would give: the counts beside every option.

Counting is what costs at scale, so the counts of a selection are computed once
after each change of the public content and cached under the content revision
(reports/content_revision.py), not on every request. One statement, whatever the
data, which reads the selected reports once (and so matches a search's words
once): offices by fiscal year in one grouping (each report has one office and at
most one fiscal year, so it gives both facets and the result count), and the
themes, prefectures and countries from the keys each report keeps on its row
(reports/facet_keys.py). A search's counts also carry what its page's walk
needs (reports/search.py): how many matches have every word in the title, and
how many reports the other filters select without the words.
"""

import copy
import dataclasses
from collections import Counter

from django.db import connections, router
from django.db.models import IntegerField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from municipalities.codes import PREFECTURE_NAMES, PREFECTURE_NAMES_EN
from municipalities.countries import countries, is_country_code

from . import content_revision, key_totals, reference, search, selection
from .languages import japanese
from .models import Report
from .search import Walk
from .selection import Selection


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
    result = content_revision.cached(
        request, "report-counts", chosen, lambda: _count(chosen), revision=chosen.revision
    )
    if request is not None:
        request._report_counts = {**(memo or {}), chosen: result}
    return result


def _public(chosen: Selection):
    return selection.apply(Report.objects.published(), chosen).order_by()


# The filters that the keys on each report row (reports/facet_keys.py) can also test:
# a selection's field and the prefix of its keys.
KINDS = {"themes": "t", "prefectures": "p", "countries": "c"}


def _count(chosen: Selection) -> Counts:
    """Every count of the list's page: offices and fiscal years from the grid, the
    other facets from the keys, each kind counted without its own filter."""
    passes: dict[tuple[str, ...], list[str]] = {}
    for kind, prefix in KINDS.items():
        others = tuple(k for k in KINDS if k != kind and getattr(chosen, k))
        passes.setdefault(others, []).append(prefix)
    found = _tally(chosen, passes, unsearched=True)
    selected_offices, selected_fy = set(chosen.offices), chosen.fiscal_year
    office_counts: dict[str, int] = {}
    fy_counts: dict[int, int] = {}
    total = in_title = 0
    for (code, year, rank), n in found["grid"].items():
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
    return Counts(
        office=office_counts,
        theme=found["t"],
        fy=fy_counts,
        total=total,
        in_title=in_title,
        unsearched=found["unsearched"] or total,
        prefecture=found["p"],
        country=found["c"],
    )


def reports_per_key(chosen: Selection, *, request=None) -> dict[str, dict]:
    """The reports of `chosen` itself per theme ("t", by slug), prefecture ("p", by
    its two digits), country ("c"), and per office and fiscal year ("grid", by
    (office code, year)), in one reading, cached per content revision: what the
    statistics and the map of a selection show."""

    def load():
        found = _tally(chosen, {tuple(k for k in KINDS if getattr(chosen, k)): list("tpc")})
        grid: dict[tuple, int] = {}
        for (code, year, _rank), n in found.pop("grid").items():
            if (not chosen.offices or code in chosen.offices) and (
                chosen.fiscal_year is None or year == chosen.fiscal_year
            ):
                grid[code, year] = grid.get((code, year), 0) + n
        return {**found, "grid": grid}

    return content_revision.cached(request, "report-keys", chosen, load, revision=chosen.revision)


# One row per key of each report of `{table}` (aliased m) that meets `{where}`, spelt for
# each database. On PostgreSQL the function in the select list (a ProjectSet) costs
# half a lateral join's function scan.
KEY_ROWS = {
    "postgresql": "SELECT json_array_elements_text(m.facet_keys::json) AS value FROM {table}{where}",
    "sqlite": "SELECT k.value AS value FROM {table} CROSS JOIN json_each(m.facet_keys) AS k{where}",
}


# What counting reads of each report, and the columns of the common tables that hold it.
ROW_FIELDS = ("pk", "office_id", "fiscal_year", "search_rank", "facet_keys")
ROW_COLUMNS = "(id, office_id, fiscal_year, search_rank, facet_keys)"


def _rows(chosen: Selection):
    """Id, office, fiscal year, search rank and keys of each report `chosen` selects."""
    rows = _public(chosen)
    if not chosen.is_search:
        # Typed, or PostgreSQL reads the NULL as text.
        rows = rows.annotate(search_rank=Cast(Value(None), IntegerField()))
    return rows.values_list(*ROW_FIELDS)


def _tally(
    chosen: Selection, passes: dict[tuple[str, ...], list[str]], *, unsearched=False
) -> dict:
    """The counts of a selection, in one statement of UNION ALL branches.

    The grid: reports per office, fiscal year and search rank, over the selection
    without its office and year (which gives the office and year facets, the total
    and, for a search's walk, how many have every word in the title). For each
    pass, the keys of the kinds (prefixes) listed for it, over the selection with
    its offices, year and the filters of the kinds the pass names. With
    `unsearched`, a search also counts the reports the filters select without its
    words. Returns {"grid": {(office code, year, rank): n}, "t": {slug: n}, "p":
    {"13": n}, "c": {"KR": n}, "unsearched": n}.

    A search reads its matches once: the common table `m` holds the reports the
    selection selects without its offices, year, themes, prefectures and
    countries (one match of the words, which is what a search costs), and every
    branch tests those filters on `m`'s columns and keys. Without words, each
    branch reads its own selection, narrowed by the indexes (once, when branches
    read the same one: a single prefecture's grid and facets): at 100,000 reports a
    shared reading made the unfiltered counts 154 -> 269 ms and an office's year
    28 -> 44 ms, where it made 交流's 576 -> 396 ms (docs/performance.md).

    A branch without words that would read every public report (the grid of a
    list filtered by office or year alone, the own facet of a list with one kind
    of filter, the unfiltered list's every branch) reads the totals the database
    keeps instead (reports/key_totals.py), and so does a search's count without
    its words when it has no other filter.

    A branch over every match of a search's words (no filter but the words, and
    the offices and year for the grid) is, when the words are in most reports,
    counted as the kept totals less the reports that do not match (the common
    table `c`), and the title matches from the titles in the counts' index: the
    matches' own rows are then never read. At 100,000 reports 交流 is in 86,500
    of 95,000; reading and expanding the keys of each match was 144 ms of the
    285 ms statement, which now takes 155 ms (1.58 s at 1,000,000). The
    statement chooses (the gate compares the match with the reports the totals
    count), and a row of branch -7 says it chose the complement.
    """
    database = connections[router.db_for_read(Report)]
    shared = chosen.is_search
    params: list = []
    codes = {office.pk: office.code for office in reference.offices()}

    def dropped(kinds: tuple[str, ...], *, offices: bool) -> list[str]:
        """The filters a branch counts without: the kinds it does not name (and the
        offices and year)."""
        names = [kind for kind in KINDS if kind not in kinds]
        return names if offices else [*names, "offices", "fiscal_year"]

    def every_report(kinds: tuple[str, ...], *, offices: bool) -> bool:
        """The branch would count every public report: the kept totals have it."""
        return not shared and chosen.without(*dropped(kinds, offices=offices)) == Selection()

    def over_every_match(kinds: tuple[str, ...], *, offices: bool) -> bool:
        """The branch would count every match of the words: its complement may be read."""
        return shared and chosen.without("terms", *dropped(kinds, offices=offices)) == Selection()

    def source(kinds: tuple[str, ...], *, offices: bool) -> tuple[str, str, list]:
        """FROM and WHERE for the reports of `chosen` with only the filters of
        `kinds` among KINDS (and with or without its offices and year)."""
        if shared:
            return "m", *_conditions(chosen, kinds, offices=offices)
        read = chosen.without(*dropped(kinds, offices=offices))
        if readers[read] > 1:
            return f"{common.setdefault(read, f's{len(common)}')} m", "", []
        sql, rows_params = _rows(read).query.sql_with_params()
        return f"({sql}) m", "", list(rows_params)

    # A selection that more than one branch would read (a single prefecture's grid and
    # its other facets read the same reports) is read once, as a common table: at
    # 100,000 reports ?prefecture=13 read its 7,800 reports twice, 40 ms each.
    readers: Counter = Counter()
    common: dict[Selection, str] = {}
    if not shared:
        for kinds, offices in [(tuple(KINDS), False), *[(kinds, True) for kinds in passes]]:
            if not every_report(kinds, offices=offices):
                readers[chosen.without(*dropped(kinds, offices=offices))] += 1

    branches = []
    gate = "(SELECT most FROM g)"  # read once, from the common table g
    grid_from_totals = every_report(tuple(KINDS), offices=False)
    grid_complement = over_every_match(tuple(KINDS), offices=False)
    if not grid_from_totals:
        table, where, where_params = source(tuple(KINDS), offices=False)
        if grid_complement:
            where = f" WHERE NOT {gate}"
        branches.append(
            "SELECT 0, m.office_id, m.fiscal_year, m.search_rank, CAST(NULL AS TEXT), COUNT(*) "
            f"FROM {table}{where} GROUP BY m.office_id, m.fiscal_year, m.search_rank"
        )
        params += where_params
    wanted = list(passes.values())
    keys_from_totals = []
    keys_complement = None  # the branch whose keys are counted from `c`, if any
    for branch, kinds in enumerate(passes, start=1):
        if every_report(kinds, offices=True):
            keys_from_totals.append(branch)
            continue
        table, where, where_params = source(kinds, offices=True)
        if over_every_match(kinds, offices=True):
            keys_complement, where = branch, f" WHERE NOT {gate}"
        rows_sql = KEY_ROWS[database.vendor].format(table=table, where=where)
        # Every key is counted and the unwanted kinds dropped here: a filter on the key
        # made PostgreSQL expect a few rows and sort 390,000 on disk at 100,000 reports.
        branches.append(
            f"SELECT {branch}, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
            f"CAST(NULL AS INTEGER), k.value, COUNT(*) FROM ({rows_sql}) k GROUP BY k.value"
        )
        params += where_params
    total_from_totals = chosen.is_search and unsearched and chosen.without("terms") == Selection()
    if chosen.is_search and unsearched and not total_from_totals:
        unsearched_sql, unsearched_params = (
            _public(chosen.without("terms")).values("pk").query.sql_with_params()
        )
        branches.append(
            "SELECT -1, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
            f"CAST(NULL AS TEXT), COUNT(*) FROM ({unsearched_sql}) u"
        )
        params += unsearched_params
    complement = grid_complement or keys_complement is not None
    if complement:
        # Read only when the gate holds: PostgreSQL tests it once, before `c`'s scan.
        branches.append(
            "SELECT -7, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
            f"CAST(NULL AS TEXT), 1 WHERE {gate}"
        )
    if grid_complement:
        # A report with every word in its title matches them: the title matches are
        # read from the titles the counts' index carries, not from the matches.
        titles_sql, titles_params = (
            _public(Selection())
            .filter(search.in_title(chosen.terms))
            .values_list("office_id", "fiscal_year")
            .query.sql_with_params()
        )
        branches += [
            "SELECT -4, c.office_id, c.fiscal_year, CAST(NULL AS INTEGER), CAST(NULL AS TEXT), "
            "COUNT(*) FROM c GROUP BY c.office_id, c.fiscal_year",
            "SELECT -5, t.office_id, t.fiscal_year, 0, CAST(NULL AS TEXT), COUNT(*) "
            f"FROM ({titles_sql}) t WHERE {gate} GROUP BY t.office_id, t.fiscal_year",
        ]
        params += titles_params
    if keys_complement is not None:
        rows_sql = KEY_ROWS[database.vendor].format(table="c m", where="")
        branches.append(
            "SELECT -6, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
            f"k.value, COUNT(*) FROM ({rows_sql}) k GROUP BY k.value"
        )
    if grid_from_totals or keys_from_totals or total_from_totals or complement:
        # The kept totals, in the same statement (reports/key_totals.py).
        scheduled_sql, scheduled_params = key_totals.scheduled()
        branches += [
            "SELECT -2, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
            f"k.key, k.reports FROM ({key_totals.KEPT_SQL}) k",
            "SELECT -3, s.office_id, s.fiscal_year, CAST(NULL AS INTEGER), s.facet_keys, 1 "
            f"FROM ({scheduled_sql}) s",
        ]
        params += scheduled_params
    sql = " UNION ALL ".join(branches)
    if common:
        tables, tables_params = [], []
        for read, name in common.items():
            read_sql, read_params = _rows(read).query.sql_with_params()
            tables.append(f"{name} {ROW_COLUMNS} AS ({read_sql})")
            tables_params += read_params
        sql = f"WITH {', '.join(tables)} {sql}"
        params = [*tables_params, *params]
    if shared and not complement:
        read_sql, read_params = _rows(
            chosen.without("offices", "fiscal_year", *KINDS)
        ).query.sql_with_params()
        sql = f"WITH m {ROW_COLUMNS} AS ({read_sql}) {sql}"
        params = [*read_params, *params]
    elif shared:
        # The words alone: their match `x` (any report) is read once. When it is most
        # of the reports, `c` holds the public reports outside it and `m`, the public
        # matches, is never read; otherwise `m` is, and `c` never.
        match_sql, match_params = (
            search.matched(Report.objects.all(), chosen.terms).values("pk").query.sql_with_params()
        )
        read_sql, read_params = (
            _public(Selection())
            .filter(pk__in=RawSQL("SELECT id FROM x", ()))
            .annotate(search_rank=search.ranked(chosen.terms))
            .values_list(*ROW_FIELDS)
            .query.sql_with_params()
        )
        every_sql, every_params = _rows(Selection()).query.sql_with_params()
        tables = (
            f"x (id) AS ({match_sql}), m {ROW_COLUMNS} AS ({read_sql}), "
            f"g (most) AS (SELECT (SELECT COUNT(*) FROM x) * 2 > ({key_totals.REPORTS_SQL})), "
            f"p {ROW_COLUMNS} AS ({every_sql}), c {ROW_COLUMNS} AS (SELECT * FROM p "
            f"WHERE {gate} AND NOT EXISTS (SELECT 1 FROM x WHERE x.id = p.id))"
        )
        sql = f"WITH {tables} {sql}"
        params = [*match_params, *read_params, *every_params, *params]
    found: dict = {"grid": {}, "t": {}, "p": {}, "c": {}, "unsearched": 0}
    counted_keys: list[tuple[int, str, int]] = []
    kept, scheduled = [], []
    unmatched: dict = {"grid": {}, "keys": {}}  # counts of `c`
    in_titles: dict = {}  # matches with every word in the title, per office and year
    complemented = False
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        for branch, office_id, year, rank, key, n in cursor.fetchall():
            if branch == 0:
                found["grid"][codes.get(office_id), year, rank] = n
            elif branch == -1:
                found["unsearched"] = n
            elif branch == -2:
                kept.append((key, n))
            elif branch == -3:
                scheduled.append((office_id, year, key))
            elif branch == -4:
                unmatched["grid"][office_id, year] = n
            elif branch == -5:
                in_titles[office_id, year] = n
            elif branch == -6:
                unmatched["keys"][key] = n
            elif branch == -7:
                complemented = True
            else:
                counted_keys.append((branch, key, n))
    if kept or scheduled:
        every = key_totals.combine(kept, scheduled)
        if grid_from_totals:
            for (office_id, year), n in every.grid.items():
                found["grid"][codes.get(office_id), year, None] = n
        for branch in keys_from_totals:
            counted_keys += [(branch, key, n) for key, n in every.keys.items()]
        if total_from_totals:
            found["unsearched"] = every.total
        if complemented and grid_complement:
            for (office_id, year), n in every.grid.items():
                matched = n - unmatched["grid"].get((office_id, year), 0)
                in_title = in_titles.get((office_id, year), 0)
                for rank, count in ((0, in_title), (1, matched - in_title)):
                    if count > 0:
                        found["grid"][codes.get(office_id), year, rank] = count
        if complemented and keys_complement is not None:
            for key, n in every.keys.items():
                matched = n - unmatched["keys"].get(key, 0)
                if matched > 0:
                    counted_keys.append((keys_complement, key, matched))
    slugs = {str(theme.pk): theme.slug for theme in reference.themes()}
    for branch, key, n in counted_keys:
        prefix, value = key[0], key[1:]
        if prefix not in wanted[branch - 1]:
            continue
        if prefix == "t":
            if value not in slugs:
                continue
            value = slugs[value]
        found[prefix][value] = n
    return found


def _conditions(chosen: Selection, kinds, *, offices: bool) -> tuple[str, list]:
    """A WHERE clause on `m` for the filters of `kinds` (and, with offices, the
    offices and fiscal year) that `chosen` sets; keys are tested as the quoted
    strings of their JSON array, OR within a kind as selection.apply() does."""
    tests, params = [], []
    if offices and chosen.offices:
        ids = [o.pk for o in reference.offices() if o.code in set(chosen.offices)]
        tests.append(f"m.office_id IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0")
        params += ids
    if offices and chosen.fiscal_year is not None:
        tests.append("m.fiscal_year = %s")
        params.append(chosen.fiscal_year)
    for kind in kinds:
        values = getattr(chosen, kind)
        if not values:
            continue
        if kind == "themes":
            values = [str(t.pk) for t in reference.themes() if t.slug in set(values)]
        keys = [f'%"{KINDS[kind]}{value}"%' for value in values]
        tests.append(f"({' OR '.join(['m.facet_keys LIKE %s'] * len(keys))})" if keys else "1 = 0")
        params += keys
    return (" WHERE " + " AND ".join(tests) if tests else ""), params


def prefecture_choices() -> list[tuple[str, str]]:
    """The 47 prefectures by number (JIS X 0401), named in the page's language."""
    names = PREFECTURE_NAMES if japanese() else PREFECTURE_NAMES_EN
    return [(f"{number:02d}", name) for number, name in enumerate(names, start=1)]


def country_name(code: str) -> str:
    """The country's name in the page's language."""
    country = countries()[code]
    return country.name_ja if japanese() else country.name_en


def options(chosen: Selection, *, request=None) -> dict[str, list[dict]]:
    """The options of each facet, with the number of reports each would give: made
    once per revision and language, like the counts they show (about 120 options,
    each with its count in words, were a tenth of a list page's render)."""
    return content_revision.cached(
        request,
        "facet-options",
        (chosen, get_language()),
        lambda: _options(chosen, counts(chosen, request=request), request=request),
        revision=chosen.revision,
    )


def _options(chosen: Selection, found: Counts, *, request=None) -> dict[str, list[dict]]:
    years = set(public_fiscal_years(request)) | set(found.fy)
    if chosen.fiscal_year:
        years.add(chosen.fiscal_year)

    # Each option's count in words here, not a {% blocktranslate count %} per option: a
    # list page has about 120 options, and those tags were a fifth of its render.
    def checkbox(value, label, count, selected):
        words = ngettext("（%(counter)s件）", "（%(counter)s件）", count) % {"counter": count}
        return {
            "value": value,
            "label": label,
            "count": count,
            "selected": selected,
            "count_text": words,
        }

    def option(value, label, count, selected):
        words = ngettext("%(label)s（%(counter)s件）", "%(label)s（%(counter)s件）", count)
        return {
            "value": value,
            "label": label,
            "count": count,
            "selected": selected,
            "text": words % {"label": label, "counter": count},
        }

    return {
        "office": [
            checkbox(o.code, o.name, found.office.get(o.code, 0), o.code in chosen.offices)
            for o in reference.offices()
        ],
        "theme": [
            checkbox(t.slug, t.name, found.theme.get(t.slug, 0), t.slug in chosen.themes)
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
    """Every fiscal year with a public report, newest first: the years the unfiltered
    list counts (cached per revision like every count)."""
    return sorted(counts(Selection(), request=request).fy, reverse=True)


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
