"""Japanese-aware search: which reports hold every word, and reading a page of them fast.

Both sides go through reports.text.normalize (full and half width, case,
katakana and hiragana alike). Two entry points:

- matching(queryset, terms): the reports whose search text holds every term,
  annotated with search_rank (0 when every term is in the title, else 1). On
  PostgreSQL the terms are first narrowed by the GIN index of bigrams
  (migrations 0004 and 0009); LIKE then confirms the exact substring of the
  longer ones, so SQLite and PostgreSQL return the same rows.
- Walk.page_ids(...): a page of a search in the list's order, read by walking
  the list's index and testing each report, when the counts say that is short.
  Ranking every match of a common word (交流 is in 86 % of the reports) sorts
  them all: at 100,000 reports the first page of 交流 took 212 ms of SQL ranked,
  0.2 ms walked, and a page without the page cache 913 ms at p50 before the
  walk, 58 ms after (docs/performance.md). Rare words and deep pages, where a
  walk would be long, are ranked.

Every PostgreSQL connection plans bigram queries from the index only
(index_only_plans, installed by ReportsConfig.ready).
"""

import dataclasses

from django.conf import settings
from django.db import connections, models
from django.db.models import F, Q

# Larger than any number of reports: a LIMIT that only keeps a subquery apart.
SUBQUERY_LIMIT = 2**62

# The orders of public lists, newest event first (and its reverse), as the
# QuerySet orders them and as the walk's SQL does. On PostgreSQL, partial indexes
# in these orders (migration 0009) let a list stop after its page.
NEWEST_FIRST = (
    F("first_date").desc(nulls_last=True),
    F("published_at").desc(),
    F("id").desc(),
)
OLDEST_FIRST = (F("first_date").asc(nulls_last=True), F("published_at").asc(), F("id").asc())
ORDER_SQL = {
    NEWEST_FIRST: "first_date DESC NULLS LAST, published_at DESC, id DESC",
    OLDEST_FIRST: "first_date ASC NULLS LAST, published_at ASC, id ASC",
}


class BigramMatch(models.Func):
    """PostgreSQL only: the report's search text holds every bigram of `term`.

    `clair_bigrams()` and the GIN index on `clair_bigrams(search_text)` are
    created by a migration; this SQL must match the indexed expression exactly.
    """

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, term: str):
        super().__init__(F("search_text"), models.Value(term))

    def as_sql(self, compiler, connection, **extra_context):
        column, term = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        term_sql, term_params = compiler.compile(term)
        return (
            f"clair_bigrams({column_sql}) @> clair_bigrams({term_sql})",
            (*column_params, *term_params),
        )


def _indexed(queryset, terms) -> list[str]:
    """The terms the bigram index can find: two characters or more, on PostgreSQL."""
    use_index = connections[queryset.db].vendor == "postgresql"
    return [term for term in terms if use_index and len(term) >= 2]


def matched(queryset, terms) -> models.QuerySet:
    """The reports of `queryset` whose search text holds every term, unordered and
    without a rank: the match alone, for a statement that reads it as a table of its
    own (reports/facets.py) or a subquery (matching)."""
    indexed = _indexed(queryset, terms)
    qs = queryset.order_by()
    for term in terms:
        if term in indexed:
            qs = qs.filter(BigramMatch(term))
            if len(term) == 2 and term.isalnum():
                continue  # a two-character term is its own one bigram: the match is exact
        # Longer terms are confirmed on the index's candidates; short ones read the text.
        qs = qs.filter(search_text__contains=term)
    return qs


def in_title(terms) -> Q:
    """Every term is in the report's title: what ranks a match first."""
    found = Q()
    for term in terms:
        found &= Q(search_title__contains=term)
    return found


def matching(queryset, terms) -> models.QuerySet:
    """The reports of `queryset` whose search text holds every term, with search_rank."""
    terms = list(terms)
    if not terms:
        return queryset
    qs = queryset
    indexed = _indexed(queryset, terms)
    if indexed:
        # One subquery for all the terms, which a LIMIT (never reached) keeps
        # PostgreSQL from merging into the outer query: planned alone, with no
        # order to produce, it can only read the bigram index (one scan
        # intersects the terms), so clair_bigrams() is never computed row by
        # row for other reports.
        # No order: the model's (newest first) would make PostgreSQL sort every
        # match before the LIMIT, though the outer query only tests membership.
        matches = matched(queryset.model._default_manager, indexed)
        qs = qs.filter(pk__in=matches.values("pk")[:SUBQUERY_LIMIT])
    for term in terms:
        if term not in indexed:
            qs = qs.filter(search_text__contains=term)
    return qs.annotate(search_rank=ranked(terms))


def ranked(terms) -> models.Case:
    """search_rank: 0 when every term is in the title, else 1."""
    return models.Case(
        models.When(in_title(terms), then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


def index_only_plans(execute, sql, params, many, context):
    """PostgreSQL execute wrapper: queries that match bigrams never compute them per row.

    clair_bigrams() costs about half a millisecond a report: a minute at 100,000
    reports. Two plans compute it for every row: a sequential scan, which the
    planner picks for words that most reports contain (the GIN index would read
    almost every page anyway), and a bitmap scan whose bitmap outgrew work_mem and
    went lossy, which rechecks every row of its pages. So these queries run with
    sequential scans off and room for an exact bitmap of a million reports (about
    16 MB). Installed on every PostgreSQL connection (ReportsConfig.ready), so that
    any code that evaluates a search (lists, counts, feeds, calendars, exports) is
    covered; other queries pass through after a substring test of their text.
    """
    if "clair_bigrams(" not in sql:
        return execute(sql, params, many, context)
    connection = context["connection"]
    # Django's error classes, as for any query: a lost connection is an outage (503).
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off; SET work_mem = '64MB'")
    try:
        return execute(sql, params, many, context)
    finally:
        try:
            with connection.connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan; RESET work_mem")
        except Exception:  # a failed transaction rolls the SETs back by itself
            pass


def guard_connection(sender, connection, **kwargs) -> None:
    """connection_created receiver: install index_only_plans on PostgreSQL connections."""
    if connection.vendor == "postgresql":
        connection.execute_wrappers.append(index_only_plans)


@dataclasses.dataclass(frozen=True)
class Walk:
    """What reading a search page in the list's order needs: the reports the other
    filters select (`base`), the terms, and the counts (reports/facets.py)."""

    base: models.QuerySet
    terms: tuple[str, ...]
    total: int  # matches
    in_title: int  # matches with every term in the title
    population: int  # the reports `base` selects

    def page_ids(self, order: tuple, bottom: int, top: int) -> list[int] | None:
        """Ids [bottom, top) in `order` (by relevance: title matches first), or None
        when a walk would pass settings.SEARCH_WALK_BUDGET reports or found too few
        (the matches are bunched at the other end): then the caller ranks every match.

        By relevance that is two walks, title matches then the others (each newest
        first); by date, one. Testing a report costs about 15 microseconds (its text
        is read), ranking about 3 per match plus the bitmap of all of them. A walk
        reads up to three times the reports expected (matches are rarely spread
        evenly over the years), and never fewer than SEARCH_WALK_MIN_WINDOW.
        """
        if order[:1] == ("search_rank",):
            order = order[1:]
            others = self.total - self.in_title
            ranks = [(True, 0, self.in_title), (False, self.in_title, others)]
        else:
            ranks = [(None, 0, self.total)]
        if order not in ORDER_SQL:
            return None
        ids = []
        for in_title, start, matches in ranks:
            lo, hi = max(bottom - start, 0), min(top - start, matches)
            if lo >= hi:
                continue
            expected = hi * self.population // matches
            if expected > settings.SEARCH_WALK_BUDGET:
                return None
            window = max(3 * expected, settings.SEARCH_WALK_MIN_WINDOW)
            found = self._walk(in_title, order, lo, hi, window=window)
            if len(found) < hi - lo:
                return None
            ids += found
        return ids

    def _walk(self, in_title, order, lo, hi, *, window) -> list[int]:
        """Matches [lo, hi) among the first `window` reports of `base`, in order.

        The inner query walks the list's index and stops at `window`; the outer
        one tests each report's text and stops at `hi`, so a page of common
        words reads only a few reports more than it shows.
        """
        connection = connections[self.base.db]
        inner = self.base.order_by(*order).values_list(
            "pk", "first_date", "published_at", "search_title", "search_text"
        )[:window]
        inner_sql, inner_params = inner.query.sql_with_params()
        like = connection.operators["contains"]  # with SQLite's ESCAPE clause
        patterns = ["%" + connection.ops.prep_for_like_query(term) + "%" for term in self.terms]
        in_text = " AND ".join(f"body {like}" for _ in patterns)
        conditions, params = [in_text], list(patterns)
        if in_title is not None:
            title_sql = " AND ".join(f"title {like}" for _ in patterns)
            conditions.insert(0, title_sql if in_title else f"NOT ({title_sql})")
            params[:0] = patterns
        sql = (
            f"WITH walk (id, first_date, published_at, title, body) AS ({inner_sql}) "
            f"SELECT id FROM walk WHERE {' AND '.join(conditions)} "
            f"ORDER BY {ORDER_SQL[order]} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*inner_params, *params, hi - lo, lo))
            return [row[0] for row in cursor.fetchall()]
