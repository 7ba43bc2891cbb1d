"""The figures of a selection of public reports, summed: what its statistics and its map add up.

Each report keeps its figures on its row (Report.stat_keys, reports/facet_keys.py:
events per country, participants per country and qualifier, each local
government and partner). The sums of a Selection are read in one statement,
whichever tables the figures came from, and cached per content revision:

- every public report: the sums the database keeps (reports/key_totals.py), a
  few thousand rows however many reports there are;
- a search alone for words in most reports: those kept sums less the public
  reports without the words, since reading and summing the figures of every
  match (86,000 of 95,000 reports for 交流 at 100,000) cost 660 ms;
- any other selection: its reports' figures summed.
"""

from django.db import connections, router

from . import content_revision, facets, key_totals, search, selection
from .models import Report
from .selection import Selection

# The sums of the stat_keys of `{reports}` (a statement with a stat_keys column), spelt
# for each database; `{common}` is a WITH clause or nothing.
SUM_SQL = {
    "postgresql": "{common}SELECT s.key, SUM(s.value::bigint)::bigint FROM ({reports}) r "
    "CROSS JOIN json_each_text(r.stat_keys::json) s GROUP BY s.key",
    "sqlite": "{common}SELECT s.key, SUM(s.value) FROM ({reports}) r "
    "CROSS JOIN json_each(r.stat_keys) s GROUP BY s.key",
}


def of(chosen: Selection, *, request=None) -> dict[str, int]:
    """The sums of the figures of the public reports `chosen` selects, by key
    ("se:KR", "sP:KR:about", "sf", "sl:131016", "sa:17"; reports/facet_keys.py)."""
    return content_revision.cached(
        request,
        "figure-sums",
        chosen,
        lambda: _sum(chosen, request=request),
        revision=chosen.revision,
    )


def local_governments(sums: dict[str, int]) -> dict[str, int]:
    """Reports per local government of Japan (6-digit code), from sums of `of()`."""
    return {key[3:]: n for key, n in sums.items() if key.startswith("sl:") and n > 0}


def _sum(chosen: Selection, *, request=None) -> dict[str, int]:
    if chosen == Selection():
        return key_totals.stat_totals()
    if chosen.without("terms") == Selection() and _in_most(chosen, request=request):
        summed = key_totals.stat_totals()
        for key, n in _without_words(chosen.terms).items():
            summed[key] = summed.get(key, 0) - n
        return {key: n for key, n in summed.items() if n}
    public = selection.apply(Report.objects.published(), chosen).order_by()
    sql, params = public.values("stat_keys").query.sql_with_params()
    return _read("", sql, list(params))


def _in_most(chosen: Selection, *, request=None) -> bool:
    """The search's matches are more than half of the public reports (both counted
    already for the list, and cached)."""
    matches = sum(facets.reports_per_key(chosen, request=request)["grid"].values())
    every = sum(facets.reports_per_key(Selection(), request=request)["grid"].values())
    return matches * 2 > every


def _without_words(terms) -> dict[str, int]:
    """The sums of the public reports that do not hold every word: the match read once,
    as a table of its own (never a test per report of the words)."""
    database = connections[router.db_for_read(Report)]
    matched = search.matched(Report.objects.all(), terms).values("pk")
    match_sql, match_params = matched.query.sql_with_params()
    public = Report.objects.published().order_by().values("pk", "stat_keys")
    public_sql, public_params = public.query.sql_with_params()
    materialized = "MATERIALIZED " if database.vendor == "postgresql" else ""
    common = f"WITH x (id) AS {materialized}({match_sql}), p (id, stat_keys) AS ({public_sql}) "
    outside = "SELECT p.stat_keys FROM p WHERE NOT EXISTS (SELECT 1 FROM x WHERE x.id = p.id)"
    return _read(common, outside, [*match_params, *public_params])


def _read(common: str, reports: str, params: list) -> dict[str, int]:
    database = connections[router.db_for_read(Report)]
    with database.cursor() as cursor:
        cursor.execute(SUM_SQL[database.vendor].format(common=common, reports=reports), params)
        return {key: n for key, n in cursor.fetchall() if n}
