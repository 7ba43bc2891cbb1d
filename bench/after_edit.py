"""What the first request for a page costs right after an edit, on data already generated.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clair_bench_100k \\
        .venv/bin/python -m bench.after_edit --rounds 5

Uses the database `python -m bench --reports N` generated (it never writes reports).
Each round starts a new content revision, as saving a report does, clears this
process's caches and requests every page once in-process with Django's test
client: the page is counted and rendered from nothing, as the first visitor after
an edit finds it. Prints the median and maximum per page, and the queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    ("/reports/", "list"),
    ("/reports/?q=交流", "search: common 2-char (交流)"),
    ("/reports/?q=伝統工芸品", "search: 5-char (伝統工芸品)"),
    ("/reports/?office=seoul&fy=2024", "list: office + fiscal year"),
    ("/reports/?prefecture=13", "list: prefecture (東京都)"),
    ("/reports/?country=KR", "list: country (KR)"),
    ("/reports/stats/", "statistics: all reports"),
    ("/reports/stats/?office=seoul&theme=sister-cities", "statistics: office + theme"),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.after_edit", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clair_portal.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["PUBLIC_PAGE_CACHE"] = "1"
    import django

    django.setup()
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.models import ContentRevision, Report

    client = Client()
    print(f"{Report.objects.count():,} reports, {args.rounds} rounds (an edit before each)")
    timings: dict[str, list[float]] = {name: [] for _path, name in PAGES}
    queries: dict[str, int] = {}
    for _ in range(args.rounds):
        ContentRevision.bump()
        for cache in caches.all():
            cache.clear()
        for path, name in PAGES:
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(path, headers={"host": "127.0.0.1"})
                timings[name].append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            queries[name] = len(captured.captured_queries)
    print("| First request after an edit | median ms | max ms | queries |")
    print("| --- | ---: | ---: | ---: |")
    for _path, name in PAGES:
        runs = timings[name]
        print(f"| {name} | {statistics.median(runs):,.0f} | {max(runs):,.0f} | {queries[name]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
