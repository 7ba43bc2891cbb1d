"""The read-replica router against a real streaming replica, start to finish.

    .venv/bin/python -m bench.replicas

Starts a PostgreSQL primary of its own (initdb, a free loopback port), migrates
it and loads the demo, makes a streaming replica of it with pg_basebackup on
another port, and then, in this process, with DATABASE_REPLICA_URLS pointing at
the replica, checks with Django's test client:

- a public page reads the replica and nothing of the reports from the primary;
- a member of staff's pages read only the primary;
- a change saved on the primary is on the staff's next page at once, and on the
  public page once the replica has replayed it (the delay is printed);
- with replay paused past REPLICA_MAX_LAG_SECONDS, public pages read the primary;
- with the replica stopped, every public request still succeeds, from the primary,
  and the replica is used again once it is back.

Prints one line per check and exits 1 if any fails. Needs PostgreSQL's server
programs (initdb, pg_ctl, pg_basebackup); the server on 5432 is never touched.
"""

import os
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from .cluster import Cluster

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "clair_replicas"
MAX_LAG = 1.0
CHECK_EVERY = 0.2


class Checks:
    def __init__(self):
        self.failed = 0

    def __call__(self, ok: bool, what: str, detail: str = "") -> None:
        self.failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}{f' ({detail})' if detail else ''}", flush=True)


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    env.pop("DATABASE_REPLICA_URLS", None)
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def main() -> int:
    with ExitStack() as stack:
        primary = Cluster()
        stack.callback(primary.remove)
        primary.sql("postgres", f"CREATE DATABASE {DATABASE}")
        started = time.monotonic()
        manage(primary.url_of(DATABASE), "migrate", "--no-input")
        print(f"migrated in {time.monotonic() - started:.1f} s", flush=True)
        manage(primary.url_of(DATABASE), "load_demo")
        replica = Cluster(replica_of=primary)
        stack.callback(replica.remove)
        print(f"primary on :{primary.port}, replica on :{replica.port}, "
              f"ready in {time.monotonic() - started:.1f} s", flush=True)  # fmt: skip
        return run_checks(primary, replica)


def run_checks(primary: Cluster, replica: Cluster) -> int:
    os.environ.update(
        DATABASE_URL=primary.url_of(DATABASE),
        DATABASE_REPLICA_URLS=replica.url_of(DATABASE),
        REPLICA_MAX_LAG_SECONDS=str(MAX_LAG),
        REPLICA_CHECK_SECONDS=str(CHECK_EVERY),
        DJANGO_SETTINGS_MODULE="clair_portal.settings",
        DEBUG="1",
        PUBLIC_PAGE_CACHE="0",
        CONN_MAX_AGE="0",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.db import connections
    from django.test import Client
    from django.test.utils import setup_test_environment

    from reports.models import Report

    setup_test_environment()  # the test client's host, and the queries recorded
    check = Checks()
    public = Client()
    report = Report.objects.published().order_by("pk").first()
    page = report.get_absolute_url()

    def read(client: Client, path: str):
        """The response, and how many queries each database served."""
        for cache in caches.all():
            cache.clear()
        counted = {"default": 0, "replica0": 0}

        def counter(alias):
            def count(execute, sql, params, many, context):
                counted[alias] += 1
                if os.environ.get("SHOW_SQL"):
                    print(alias, sql[:150])
                return execute(sql, params, many, context)

            return count

        # Not CaptureQueriesContext: it connects first, and the replica may be down.
        with (
            connections["default"].execute_wrapper(counter("default")),
            connections["replica0"].execute_wrapper(counter("replica0")),
        ):
            response = client.get(path)
        return response, counted["default"], counted["replica0"]

    def catch_up(title: str, limit: float = 10) -> float | None:
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if (
                replica.sql(DATABASE, f"SELECT title FROM reports_report WHERE id = {report.pk}")
                == title
            ):
                return time.monotonic() - started
            time.sleep(0.02)
        return None

    response, primary_queries, replica_queries = read(public, "/reports/")
    check(
        response.status_code == 200 and replica_queries > 0 and primary_queries == 0,
        "a public list reads the replica only",
        f"{replica_queries} queries on the replica, {primary_queries} on the primary",
    )
    response, primary_queries, replica_queries = read(public, page)
    check(
        response.status_code == 200 and replica_queries > 0 and primary_queries == 0,
        "a report's page reads the replica only",
        f"{replica_queries} on the replica, {primary_queries} on the primary",
    )

    staff = Client()
    user = get_user_model().objects.create_superuser("replica-check", password="unused-here")
    staff.force_login(user)
    change = f"/admin/reports/report/{report.pk}/change/"
    response, primary_queries, replica_queries = read(staff, change)
    check(
        response.status_code == 200 and replica_queries == 0,
        "a staff page reads the primary only",
        f"{primary_queries} on the primary, {replica_queries} on the replica",
    )
    response, primary_queries, replica_queries = read(staff, page)
    check(
        response.status_code == 200 and replica_queries == 0,
        "a signed-in member of staff reads public pages from the primary",
        f"{primary_queries} on the primary",
    )

    title = f"{report.title}（再確認）"
    Report.objects.filter(pk=report.pk).update(title=title)
    response, _p, _r = read(staff, change)
    check(title in response.text, "a change is on the staff's next page at once")
    delay = catch_up(title)
    response, _p, replica_queries = read(public, page)
    check(
        delay is not None and title in response.text and replica_queries > 0,
        "the public page shows it from the replica once replayed",
        f"replayed after {delay * 1000:.0f} ms" if delay is not None else "never replayed",
    )

    replica.sql(DATABASE, "SELECT pg_wal_replay_pause()")
    title = f"{report.title}（遅延の確認）"
    Report.objects.filter(pk=report.pk).update(title=title)
    time.sleep(MAX_LAG + CHECK_EVERY + 0.5)
    response, primary_queries, replica_queries = read(public, page)
    check(
        response.status_code == 200
        and title in response.text
        and replica_queries <= 1
        and primary_queries > 0,
        f"with the replica over {MAX_LAG:g} s behind, public pages read the primary",
        f"{primary_queries} on the primary, {replica_queries} on the replica (its lag check)",
    )
    replica.sql(DATABASE, "SELECT pg_wal_replay_resume()")
    catch_up(title)

    time.sleep(CHECK_EVERY * 2)
    read(public, "/reports/")  # the replica is in use again
    replica.stop()
    statuses, slowest = [], 0.0
    for path in ["/reports/", page, "/reports/?office=seoul", "/reports/stats/"] * 5:
        started = time.monotonic()
        response, _p, _r = read(public, path)
        slowest = max(slowest, time.monotonic() - started)
        statuses.append(response.status_code)
    check(
        statuses == [200] * len(statuses),
        "with the replica stopped, every public request succeeds from the primary",
        f"{statuses.count(200)}/{len(statuses)} answered 200, slowest {slowest * 1000:.0f} ms",
    )
    replica.start()
    restarted = time.monotonic()
    while time.monotonic() - restarted < 30:
        response, _p, replica_queries = read(public, "/reports/")
        if response.status_code != 200 or replica_queries > 1:  # more than its lag check
            break
        time.sleep(CHECK_EVERY)
    check(
        response.status_code == 200 and replica_queries > 1,
        "the replica is read again once it is back and has caught up",
        f"after {time.monotonic() - restarted:.1f} s",
    )
    print("replicas: all checks passed" if not check.failed else f"replicas: {check.failed} failed")
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main())
