"""python -m bench --reports N: generate, inspect, serve, load, write the results.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clair_bench .venv/bin/python -m bench --reports 100000

The database is the benchmark's own: it is created if missing, migrated, and its
reports are replaced (it refuses a database holding reports it did not make).
Data of the same size and seed is reused unless --regenerate. Exits non-zero
when a page fails, a filtered or search path scans the reports table, a search
misses planted reports, or a conditional GET is not answered with 304. It
asserts nothing about timings.
"""

import argparse
import datetime
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Build output, like the SQLite file: data/ is ignored by git. The summaries worth
# keeping are copied into docs/benchmarks/ by hand, with the change they measure.
RESULTS = ROOT / "data" / "bench"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, required=True, help="number of reports")
    parser.add_argument("--quick", action="store_true", help="smoke test: 1 s per page, no warm-up")
    parser.add_argument("--regenerate", action="store_true", help="new data even if reusable")
    parser.add_argument("--seconds", type=float, help="load per page (default 10; quick 1)")
    parser.add_argument("--warmup", type=float, help="warm-up per page (default 2; quick 0)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 per core)")
    parser.add_argument("--connections", type=int, help="wrk connections (default: workers)")
    parser.add_argument("--seed", type=int, default=None, help="data seed")
    parser.add_argument("--out", type=Path, help="results folder (default data/bench/)")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render every request (PUBLIC_PAGE_CACHE=0): what the page cache saves",
    )
    return parser.parse_args(argv)


def configure_environment(*, page_cache: bool) -> dict:
    """The production configuration: what gunicorn and the in-process checks both use."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench: set DATABASE_URL to a PostgreSQL database of its own")
    static_root = Path(tempfile.gettempdir()) / "clair-bench-static"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="clair_portal.settings",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        PUBLIC_PAGE_CACHE="1" if page_cache else "0",
    )
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    return dict(os.environ)


def ensure_database(url: str) -> None:
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    conn = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    conn.close()


def stored_generation() -> dict | None:
    """The generation stats kept on the reports table (COMMENT), if the data is there."""
    from django.db import connection

    from reports.models import Report

    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(%s::regclass)", [Report._meta.db_table])
        comment = cursor.fetchone()[0]
    try:
        return json.loads(comment) if comment else None
    except ValueError:
        return None


def store_generation(generation: dict) -> None:
    from django.db import connection

    from reports.models import Report

    with connection.cursor() as cursor:
        text = json.dumps(generation, ensure_ascii=False).replace("'", "''")
        cursor.execute(f"COMMENT ON TABLE {Report._meta.db_table} IS '{text}'")


def main(argv=None) -> int:
    args = parse_args(argv)
    env = configure_environment(page_cache=not args.no_page_cache)
    ensure_database(env["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from reports.models import Report

    from . import generate, load, pages, report

    seconds = args.seconds or (1 if args.quick else 10)
    warmup = args.warmup if args.warmup is not None else (0 if args.quick else 2)
    workers = args.workers or 2 * (os.cpu_count() or 1)
    connections = args.connections or workers
    seed = args.seed if args.seed is not None else generate.SEED
    out = args.out or (Path(tempfile.mkdtemp(prefix="clair-bench-")) if args.quick else RESULTS)

    print(f"bench: {args.reports:,} reports, database {env['DATABASE_URL'].rsplit('/', 1)[-1]}")
    call_command("migrate", verbosity=0)
    generation = stored_generation()
    if (
        args.regenerate
        or not generation
        or generation["counts"]["reports"] != args.reports
        or generation.get("seed") != seed
        or generation.get("version") != generate.DATA_VERSION
        or Report.objects.count() != args.reports
    ):
        print("Generating data")
        generation = generate.generate(env["DATABASE_URL"], args.reports, seed=seed)
        generation["seed"] = seed
        generation["version"] = generate.DATA_VERSION
        store_generation(generation)
    else:
        print("Reusing the data of an earlier run (--regenerate for new data)")
        generation["reused"] = True

    print("Collecting static files")
    call_command("collectstatic", interactive=False, verbosity=0)

    middle = Report.objects.published().filter(pk__gte=args.reports // 2).order_by("pk")
    scale = {**generation, "report_slug": middle.values_list("slug", flat=True).first()}
    measured = pages.pages(scale)

    failures = []
    print("Inspecting pages in-process (queries, plans, conditional GET)")
    for page in measured:
        pages.inspect(page, reports=args.reports)
        r = page.results
        if r["status"] != 200:
            failures.append(f"{page.name}: status {r['status']}")
        if page.must_use_indexes:
            for plan in r["plans"]:
                if plan["seq_scan_of_reports"]:
                    failures.append(f"{page.name}: sequential scan of the reports table")
                    print(plan["plan"], file=sys.stderr)
        if r.get("etag") and r.get("conditional_status") != 304:
            failures.append(f"{page.name}: conditional GET got {r.get('conditional_status')}")
        if page.kind == "search":
            if page.expected_count is not None and r["count"] != page.expected_count:
                failures.append(f"{page.name}: {r['count']} results, {page.expected_count} planted")
            # The counts of a search match its words once and never sort the matches.
            counting = [plan for plan in r["plans"] if plan["counts"]]
            matched = sum(plan["word_matches"] for plan in counting)
            sorted_ = sum(plan["sorted_matches"] for plan in counting)
            if matched > 1 or sorted_:
                failures.append(
                    f"{page.name}: the counts match the words {matched} times "
                    f"and sort the matches {sorted_} times"
                )
                for plan in counting:
                    print(plan["plan"], file=sys.stderr)
            r["naive"] = pages.naive_peer(page.word, runs=1 if args.quick else 3)
            if r["naive"]["count"] != r["count"]:
                failures.append(f"{page.name}: the naive scan finds {r['naive']['count']}")
        words = (
            f", counts match the words {matched} time(s) and sort {sorted_} matches"
            if page.kind == "search"
            else ""
        )
        print(
            f"  {page.name}: {r['status']}, {r['queries_cold']}/{r['queries_warm']} queries, "
            f"first {r['cold_ms']} ms, repeat {r['warm_ms']} ms{words}"
        )

    print(f"Serving with gunicorn ({workers} workers) and driving each page for {seconds} s")
    server = load.Server(workers, env)
    requests_served = 0
    try:
        for page in measured:
            # Long enough for every worker to have built the page once: the first
            # request's cost is in the table on its own ("first request ms").
            page_warmup = warmup and min(60, warmup + workers * page.results["cold_ms"] / 1000)
            page.results["load"] = result = load.drive(
                server.base + page.path,
                seconds=seconds,
                warmup=page_warmup,
                connections=connections,
            )
            requests_served += result["requests"] + result["warmup_requests"]
            print(
                f"  {page.name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                f"p99 {result['p99_ms']} ms, {result['rps']} req/s"
            )
            if not result["requests"]:
                failures.append(f"{page.name}: no request completed in {seconds} s")
            if result["non_2xx"] or result["errors"]:
                failures.append(
                    f"{page.name}: {result['non_2xx']} non-2xx responses, "
                    f"{result['errors']} errors under load"
                )
        memory = server.worker_memory_mb()
    finally:
        server.stop()

    now = datetime.datetime.now(datetime.UTC)
    results = {
        "stamp": now.strftime("%Y%m%dT%H%M%SZ"),
        "finished_at": now.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": report.machine(),
        "run": {
            "workers": workers,
            "connections": connections,
            "seconds": seconds,
            "warmup": warmup,
            "quick": args.quick,
            "client": "wrk" if load.have_wrk() else "python client (no wrk)",
            "page_cache": not args.no_page_cache,
        },
        "generation": generation,
        "pages": [
            {"name": p.name, "path": p.path, "kind": p.kind, "word": p.word, "results": p.results}
            for p in measured
        ],
        "worker_memory_mb": memory,
        "requests_served": requests_served,
        "failures": failures,
    }
    json_path, md_path = report.write(results, out)
    print()
    print(md_path.read_text())
    print(
        f"Results: {json_path.relative_to(ROOT) if json_path.is_relative_to(ROOT) else json_path}"
    )
    if failures:
        print("bench: FAILED\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    began = time.monotonic()
    status = main()
    print(f"bench: {time.monotonic() - began:.0f} s")
    sys.exit(status)
