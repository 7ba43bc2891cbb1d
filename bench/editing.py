"""Reading while the content changes: an edit every few seconds, clients reading lists.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clair_bench_100k \\
        .venv/bin/python -m bench.editing --seconds 60

Uses the database `python -m bench --reports N` generated. Serves the portal with
gunicorn (the production settings, the page cache on) and, unless --no-redis,
a shared cache on Redis (database 14, emptied first); unless --no-warm, runs
`warm_pages --watch` beside it, as docs/operations.md advises. Then, for the
length of the run:

- an editor changes one public report every --edit-every seconds (2), through SQL
  as the admin's save would reach the database. Every edit is a new content
  revision, after which every page is rendered again; what is recounted depends
  on the edit (reports/count_revision.py). --edits picks them, in turn:
  "text" (the summary, so the search text: searches are recounted), "touch" (a
  photo or caption: nothing is), "status" (a report withdrawn, then published
  again: everything is). The default, "text,text,touch,text,text,touch,text,
  text,touch,status", publishes or withdraws every 20 s at one edit every 2 s;
  "touch" alone is what this scenario measured before the count revision;
- --clients readers (8) ask, without pause, for list, filter and search pages
  (the list, offices, themes, fiscal years, prefectures, countries, common and
  rare words, the statistics), each in turn.

Prints, per page kind and in all, the requests, p50, p95, p99 and the slowest,
and the requests that took over 100 ms: the cost of the edits as visitors meet it.
"""

import argparse
import http.client
import random
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

from .__main__ import configure_environment
from .load import Server
from .vocabulary import COMMON_2, RARE_2, RARE_5

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/14"

PAGES = [
    ("list", "/reports/"),
    ("list", "/"),
    ("filter", "/reports/?office=seoul"),
    ("filter", "/reports/?office=paris&fy=2020"),
    ("filter", "/reports/?theme=multicultural"),
    ("filter", "/reports/?fy=2024"),
    ("filter", "/reports/?prefecture=32"),
    ("filter", "/reports/?country=KR"),
    ("filter", "/reports/?office=seoul&theme=sister-cities"),
    ("search", f"/reports/?q={quote(COMMON_2)}"),
    ("search", f"/reports/?q={quote(RARE_2)}"),
    ("search", f"/reports/?q={quote(RARE_5)}"),
    ("statistics", "/reports/stats/"),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.editing", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60, help="length of the run (60)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent readers (8)")
    parser.add_argument("--edit-every", type=float, default=2, help="seconds between edits (2)")
    parser.add_argument(
        "--edits",
        default="text,text,touch,text,text,touch,text,text,touch,status",
        help="kinds of edit, in turn: text, touch, status",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--no-redis", action="store_true", help="each worker its own cache")
    parser.add_argument("--no-warm", action="store_true", help="no warm_pages beside the workers")
    return parser.parse_args(argv)


def reader(port: int, seed: int, stop_at: float, samples: list) -> None:
    rng = random.Random(seed)
    order = PAGES[:]
    rng.shuffle(order)
    index = 0
    while time.monotonic() < stop_at:
        kind, path = order[index % len(order)]
        index += 1
        began = time.monotonic()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path, headers={"Accept-Language": "ja"})
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except (OSError, http.client.HTTPException):
            status = 0
        samples.append((kind, path, status, (time.monotonic() - began) * 1000, began))


EDITS = {
    # What the admin's save of a corrected summary writes (refresh_derived_fields).
    "text": "UPDATE reports_report SET summary = summary || '。', "
    "search_text = search_text || '。', updated_at = now() WHERE id = %s",
    # A photo or caption changed: the report's own columns do not.
    "touch": "UPDATE reports_report SET updated_at = now() WHERE id = %s",
    # Withdrawn, or published again (the same report, so the data stays as generated).
    "status": "UPDATE reports_report SET status = CASE status WHEN 'published' "
    "THEN 'withdrawn' ELSE 'published' END, updated_at = now() WHERE id = %s",
}


def editor(url: str, every: float, kinds: list[str], stop_at: float, edits: list) -> None:
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    rng = random.Random(7)
    withdrawn = None  # the report the last "status" edit withdrew
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM reports_report WHERE status = 'published'")
        low, high = cursor.fetchone()
        n = 0
        while time.monotonic() < stop_at:
            kind = kinds[n % len(kinds)]
            n += 1
            if kind == "status" and withdrawn is not None:
                report, withdrawn = withdrawn, None
            else:
                cursor.execute(
                    "SELECT id FROM reports_report WHERE status = 'published' AND id >= %s "
                    "ORDER BY id LIMIT 1",
                    (rng.randint(low, high),),
                )
                report = (cursor.fetchone() or (low,))[0]
                if kind == "status":
                    withdrawn = report
            cursor.execute(EDITS[kind], (report,))
            edits.append((time.monotonic(), kind))
            time.sleep(every)
        if withdrawn is not None:  # leave the data as it was generated
            cursor.execute(EDITS["status"], (withdrawn,))
    connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main(argv=None) -> int:
    args = parse_args(argv)
    env = configure_environment(page_cache=True)
    url = env["DATABASE_URL"]
    if not args.no_redis:
        import redis

        try:
            redis.Redis.from_url(REDIS).flushdb()
        except redis.ConnectionError:
            raise SystemExit(
                "bench.editing: Redis on 127.0.0.1:6379 is not up (or --no-redis)"
            ) from None
        env["REDIS_URL"] = REDIS
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = Server(args.workers, env)
    warmer = None
    try:
        if not args.no_warm:
            warmer = subprocess.Popen(
                [sys.executable, "manage.py", "warm_pages", "--watch", "--base-url", server.base],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        # One round of every page first, as a site that has been up for a while has.
        for _kind, path in PAGES:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()
        samples: list = []
        edits: list = []
        stop_at = time.monotonic() + args.seconds
        kinds = [kind.strip() for kind in args.edits.split(",") if kind.strip()]
        if not kinds or set(kinds) - set(EDITS):
            raise SystemExit(f"bench.editing: --edits takes {', '.join(EDITS)}")
        threads = [
            threading.Thread(target=editor, args=(url, args.edit_every, kinds, stop_at, edits))
        ]
        threads += [
            threading.Thread(target=reader, args=(server.port, seed, stop_at, samples))
            for seed in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        if warmer:
            warmer.terminate()
            warmer.wait(timeout=30)
        server.stop()

    report(args, samples, edits)
    return 1 if any(status != 200 for _k, _p, status, _ms, _t in samples) else 0


def report(args, samples: list, edits: list) -> None:
    by_kind = defaultdict(list)
    for kind, _path, _status, ms, _began in samples:
        by_kind[kind].append(ms)
    by_kind["all"] = [ms for _k, _p, _s, ms, _t in samples]
    errors = sum(status != 200 for _k, _p, status, _ms, _t in samples)
    print(
        f"bench.editing: {len(samples):,} requests in {args.seconds:.0f} s "
        f"({len(samples) / args.seconds:.0f}/s), {len(edits)} edits (one every "
        f"{args.edit_every:g} s: "
        f"{', '.join(f'{n} {kind}' for kind, n in Counter(k for _t, k in edits).items())}), "
        f"{args.clients} readers, {args.workers} workers, "
        f"{'per-worker caches' if args.no_redis else 'Redis'}, "
        f"{'no warmer' if args.no_warm else 'warm_pages --watch'}; errors: {errors}"
    )
    print("| Pages | requests | p50 ms | p95 ms | p99 ms | max ms | over 100 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in ["list", "filter", "search", "statistics", "all"]:
        values = by_kind.get(kind, [])
        if not values:
            continue
        print(
            f"| {kind} | {len(values):,} | {statistics.median(values):.1f} | "
            f"{percentile(values, 0.95):.1f} | {percentile(values, 0.99):.1f} | "
            f"{max(values):.0f} | {sum(ms > 100 for ms in values)} |"
        )


if __name__ == "__main__":
    sys.exit(main())
