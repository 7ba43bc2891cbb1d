"""The pages the benchmark measures, and what it checks in-process about each.

In-process (Django's test client on the same database): the status, the SQL
queries of a first request (caches empty) and of a repeat, the EXPLAIN (ANALYZE,
BUFFERS) of every query of the first request, and a conditional repeat (an
If-None-Match with the page's ETag must get a 304). Then the naive peer: the
`icontains` scan of a plain django-filter setup, for the same words.
"""

import json
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reports.models import Report

from . import vocabulary as v

HOST = "127.0.0.1"
REPORT_TABLE = Report._meta.db_table


@dataclass
class Page:
    name: str
    path: str
    kind: str  # floor, list, filtered, search, deep, report, feed, export
    word: str = ""  # searches: the word, for the naive peer
    expected_count: int | None = None  # searches: how many public reports hold the word
    results: dict = field(default_factory=dict)

    @property
    def must_use_indexes(self) -> bool:
        """Filtered and search paths must never scan the whole reports table."""
        return self.kind in ("filtered", "search")


def pages(scale: dict) -> list[Page]:
    """The measured pages, with parameters that select data at any scale."""
    counts = scale["counts"]
    public = counts["public"]
    last_page = max(1, -(-public // 20))

    def search(name, word):
        return Page(
            name,
            "/reports/?" + urlencode({"q": word}),
            "search",
            word=word,
            expected_count=counts.get(word),
        )

    return [
        Page("healthz (floor)", "/healthz", "floor"),
        Page("home", "/", "list"),
        Page("list", "/reports/", "list"),
        Page(
            "list: office + theme + dates",
            "/reports/?office=seoul&theme=sister-cities&date_from=2015-04-01&date_to=2020-03-31",
            "filtered",
        ),
        Page("list: fiscal year", "/reports/?fy=2020", "filtered"),
        Page(f"list: page {min(500, last_page)}", f"/reports/?page={min(500, last_page)}", "deep"),
        Page("theme page", "/themes/multicultural/", "filtered"),
        Page("list: municipality (横浜市)", "/reports/?municipality=141003", "filtered"),
        Page("list: prefecture (島根県)", "/reports/?prefecture=32", "filtered"),
        Page("list: country (KR)", "/reports/?country=KR", "filtered"),
        Page("municipality page (横浜市)", "/municipalities/141003/", "filtered"),
        Page("prefecture page (島根県)", "/municipalities/320005/", "filtered"),
        Page("statistics: all reports", "/reports/stats/", "list"),
        Page(
            "statistics: office + theme",
            "/reports/stats/?office=seoul&theme=sister-cities",
            "filtered",
        ),
        Page("office page", "/offices/paris/", "filtered"),
        search(f"search: rare 2-char ({v.RARE_2})", v.RARE_2),
        search(f"search: common 2-char ({v.COMMON_2})", v.COMMON_2),
        search(f"search: 5-char ({v.RARE_5})", v.RARE_5),
        search(f"search: English ({v.RARE_EN})", v.RARE_EN),
        Page("report page", f"/reports/{scale['report_slug']}/", "report"),
        Page("Atom feed", "/reports/feed/", "feed"),
        Page("JSON export: office + fiscal year", "/reports.json?office=seoul&fy=2020", "export"),
    ]


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def word_matches(plan: dict) -> int:
    """How many times a plan matches the search words: scans of the bigram index, or
    scans that compute the bigrams of each row."""
    return sum(
        n.get("Index Name") == BIGRAM_INDEX
        or (n["Node Type"] == "Seq Scan" and "clair_bigrams" in n.get("Filter", ""))
        for n in plan_nodes(plan)
    )


def sorted_matches(plan: dict) -> int:
    """Sorts of rows that come from a match of the words (a count needs no order)."""
    return sum(
        n["Node Type"] in ("Sort", "Incremental Sort") and word_matches(n) > 0
        for n in plan_nodes(plan)
    )


BIGRAM_INDEX = "report_search_bigram_idx"  # migrations 0004 and 0009

# Below this size a sequential scan is the planner's right choice (the table is a
# few pages): plans are then made with sequential scans disabled, which shows
# whether an index could serve the query at all.
FORCE_INDEX_BELOW = 10_000


def run_explain(sql: str, options: str, *, force_index: bool):
    with transaction.atomic(), connection.cursor() as cursor:
        if force_index:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        return cursor.fetchall()


def explain(sql: str, *, force_index: bool = False) -> dict:
    result = run_explain(sql, "ANALYZE, BUFFERS, FORMAT JSON", force_index=force_index)[0][0]
    return (json.loads(result) if isinstance(result, str) else result)[0]


def plan_text(sql: str, *, force_index: bool = False) -> str:
    rows = run_explain(sql, "ANALYZE, BUFFERS", force_index=force_index)
    return "\n".join(row[0] for row in rows)


def read(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def timed_get(client: Client, path: str, **headers):
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        response = client.get(path, headers={"host": HOST, **headers})
        body = read(response)
        elapsed = (time.perf_counter() - began) * 1000
    return response, body, elapsed, queries.captured_queries


def inspect(page: Page, *, reports: int) -> None:
    """Status, queries, plans and conditional GET of one page (fills page.results)."""
    client = Client()
    cache.clear()  # the first request computes everything: the cold figures
    response, body, cold_ms, cold_queries = timed_get(client, page.path)
    _response, _body, warm_ms, warm_queries = timed_get(client, page.path)
    results = page.results
    results.update(
        status=response.status_code,
        bytes=len(body),
        cold_ms=round(cold_ms, 1),
        warm_ms=round(warm_ms, 1),
        queries_cold=len(cold_queries),
        queries_warm=len(warm_queries),
    )
    if page.kind == "export" and response.status_code == 200:
        results["rows"] = json.loads(body)["count"]
    if page.kind == "search":
        results["count"] = Report.objects.published().search(page.word).count()

    etag = response.get("ETag")
    results["etag"] = bool(etag)
    results["last_modified"] = bool(response.get("Last-Modified"))
    if etag:
        conditional, _body, _ms, queries = timed_get(client, page.path, if_none_match=etag)
        results["conditional_status"] = conditional.status_code
        results["queries_304"] = len(queries)

    plans = []
    force_index = reports < FORCE_INDEX_BELOW
    results["plans_forced_to_indexes"] = force_index
    for query in cold_queries:
        sql = query["sql"]
        if not sql.lstrip("( \n").upper().startswith(("SELECT", "WITH")) or REPORT_TABLE not in sql:
            continue
        plan = explain(sql, force_index=force_index)
        nodes = list(plan_nodes(plan["Plan"]))
        seq_scans = [
            n["Relation Name"]
            for n in nodes
            if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == REPORT_TABLE
        ]
        plans.append(
            {
                "sql": sql,
                "counts": " GROUP BY " in sql.upper(),
                "word_matches": word_matches(plan["Plan"]),
                "sorted_matches": sorted_matches(plan["Plan"]),
                "execution_ms": round(plan["Execution Time"], 2),
                "planning_ms": round(plan["Planning Time"], 2),
                "seq_scan_of_reports": bool(seq_scans),
                "plan": plan_text(sql, force_index=force_index),
            }
        )
    results["plans"] = plans
    results["main_query"] = _main_query(plans)


def _main_query(plans: list[dict]) -> dict | None:
    """The query that selects the page's reports: the ordered one with a LIMIT (a list's
    ids, a feed's entries, a report by its slug), else the slowest."""
    if not plans:
        return None
    selecting = [
        p
        for p in plans
        if p["sql"].startswith(f'SELECT "{REPORT_TABLE}"."id"')
        and (" LIMIT " in p["sql"] or "ORDER BY" in p["sql"])
    ]
    main = selecting[0] if selecting else max(plans, key=lambda p: p["execution_ms"])
    return {key: main[key] for key in ("sql", "execution_ms", "seq_scan_of_reports", "plan")}


def naive_peer(word: str, *, runs: int = 3) -> dict:
    """What a plain django-filter setup does for ?q=word: an icontains scan, counted
    for the paginator and sliced for the first page, in the list's order."""
    qs = (
        Report.objects.published()
        .filter(search_text__icontains=word)
        .select_related("office")
        .order_by("-first_date", "-published_at", "-pk")
    )
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        count = qs.count()
        list(qs[:20])
        times.append((time.perf_counter() - began) * 1000)
        if times[-1] > 5000:
            break  # seconds at a million reports: once says enough
    return {"count": count, "ms": round(statistics.median(times), 1), "runs": len(times)}
