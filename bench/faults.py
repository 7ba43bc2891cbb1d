"""Load and fault test: concurrent readers and admin writers, a database restart, nothing lost.

    python -m bench.faults                      # 50 clients, 60 s, PostgreSQL down for 5 s at 25 s

It starts a PostgreSQL cluster of its own on a free loopback port (initdb in a temporary
folder; the server on 5432 is never touched), fills it with synthetic reports, serves the
portal with gunicorn (production settings over HTTP) and runs the clients:

- readers fetch every kind of public page (lists, filters, searches, deep pages, report
  pages, feeds, calendars, exports, English pages), with varied parameters;
- writers are staff signed in to the admin: each creates reports (with an event and a
  participant) and edits the ones it made, through the admin's own forms;
- in the middle, PostgreSQL is stopped (fast shutdown: open connections are cut) and
  started again after --outage seconds.

With --nodes 2 it runs the portal as two gunicorn nodes (different ports) behind a small
load balancer (bench/balancer.py), sharing Redis (REDIS_URL, database 15, emptied first),
the primary and a streaming replica of it (DATABASE_REPLICA_URLS); readers and writers
go through the balancer, so each client's requests land on both nodes. Besides the
restart of the primary, one node is stopped at --node-down-at and the replica at
--replica-down-at, and neither comes back. The summary adds the cache's hit rate (Redis'
own counters) and the requests each node took.

Afterwards it checks, from the database: every write a client was told succeeded
(the admin's redirect) is stored exactly once, with exactly its event and participant,
and each report holds its last acknowledged edit; a write that got the 503 page, or the
balancer's 502 while the stopped node shut down, is not stored. It prints a summary
(docs/operations.md quotes it) and exits 1 if anything failed:
an error (a 5xx other than the outage's 503 page, a refused connection, a stack trace),
a lost or duplicated write, or a recovery slower than --recovery-limit seconds.
"""

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

from .__main__ import ensure_database
from .balancer import Balancer
from .clients import NO_NODE_ANSWERED, WRITER_PASSWORD, Record, prober, reader, writer
from .cluster import Cluster
from .load import ROOT, Server

REDIS = "redis://127.0.0.1:6379/15"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--writers", type=int, default=10, help="of which admin writers (10)")
    parser.add_argument("--seconds", type=float, default=60, help="length of the run (60)")
    parser.add_argument("--outage-at", type=float, default=25, help="stop PostgreSQL at (25 s)")
    parser.add_argument("--outage", type=float, default=5, help="seconds it stays down (5)")
    parser.add_argument("--no-outage", action="store_true", help="no restart: load only")
    parser.add_argument("--reports", type=int, default=10_000, help="synthetic reports (10,000)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--nodes", type=int, choices=(1, 2), default=1, help="gunicorn nodes (1)")
    parser.add_argument(
        "--node-down-at", type=float, help="two nodes: stop the second at (60 %% of the run)"
    )
    parser.add_argument(
        "--replica-down-at", type=float, help="two nodes: stop the replica at (75 %% of the run)"
    )
    parser.add_argument(
        "--recovery-limit", type=float, default=5, help="seconds allowed to recover (5)"
    )
    parser.add_argument("--json", type=Path, help="also write the summary as JSON here")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the database running afterwards, to recount the writes yourself",
    )
    return parser.parse_args(argv)


# --- The run ---------------------------------------------------------------------------


def public_paths(rng: random.Random) -> list[str]:
    from offices.models import Office
    from reports.models import Report, Theme

    from . import vocabulary as v

    offices = list(Office.objects.values_list("code", flat=True))
    themes = list(Theme.objects.values_list("slug", flat=True))
    slugs = list(Report.objects.published().order_by("?").values_list("slug", flat=True)[:200])
    last_page = min(500, max(2, Report.objects.published().count() // 20))
    paths = ["/", "/reports/", "/en/reports/", "/offices/", "/themes/", "/reports/feed/"]
    for _ in range(60):
        office, theme, slug = rng.choice(offices), rng.choice(themes), rng.choice(slugs)
        fy = rng.randint(1995, 2026)
        paths += [
            f"/reports/?office={office}&theme={theme}&date_from={fy}-04-01&date_to={fy + 3}-03-31",
            f"/reports/?fy={fy}",
            f"/reports/?page={rng.randint(2, last_page)}",
            f"/offices/{office}/",
            f"/themes/{theme}/",
            "/reports/?" + urllib.parse.urlencode({"q": rng.choice(v.EVENT_KINDS)}),
            "/reports/?" + urllib.parse.urlencode({"q": rng.choice([v.RARE_2, v.COMMON_2, v.RARE_5, v.RARE_EN])}),
            f"/reports/{slug}/",
            f"/en/reports/{slug}/",
            f"/reports/{slug}/calendar.ics",
            f"/offices/{office}/feed/",
            f"/reports.json?office={office}&fy={fy}",
            f"/reports.csv?theme={theme}&fy={fy}",
        ]  # fmt: skip
    return paths


def page_kind(path: str) -> str:
    """The kind of public page a path is, for the latency breakdown."""
    path = path.removeprefix("/en")
    base, _, query = path.partition("?")
    if base.endswith(".ics"):
        return "calendar"
    if base.endswith("/feed/"):
        return "feed"
    if base.startswith("/reports."):
        return "export"
    if "q=" in query:
        return "search"
    if "page=" in query:
        return "deep page"
    if query:
        return "filtered list"
    if base.startswith("/reports/") and base != "/reports/":
        return "report page"
    if base.startswith(("/offices/", "/themes/")) and base.count("/") > 2:
        return "office or theme page"
    return "list"


def percentiles(values: list[float]) -> dict:
    if len(values) < 2:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    cuts = statistics.quantiles(values, n=100)
    return {
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
    }


def verify(record: Record, run_id: str) -> dict:
    """Recount from the database what the clients were told."""
    from django.db.models import Count

    from reports.models import Report

    stored = {}  # by title, which names each write (clients.py)
    for title, summary, events, participants in (
        Report.objects.filter(title__startswith=f"負荷試験の報告 {run_id} ")
        .annotate(
            events_n=Count("events", distinct=True),
            participants_n=Count("participants", distinct=True),
        )
        .values_list("title", "summary", "events_n", "participants_n")
    ):
        stored.setdefault(title, []).append((title, summary, events, participants))
    titles = Counter(title for rows in stored.values() for title, *_rest in rows)
    problems = []
    for slug, title in record.created.items():
        if titles[title] != 1:
            problems.append(f"{slug}: its title is stored {titles[title]} times")
        rows = stored.get(slug, [])
        if len(rows) != 1:
            problems.append(f"{slug}: acknowledged, stored {len(rows)} times")
            continue
        stored_title, summary, events, participants = rows[0]
        if stored_title != title or events != 1 or participants != 1:
            problems.append(f"{slug}: stored with {events} events, {participants} participants")
        edits = record.edits.get(slug, [])
        acknowledged = [text for text, ok in edits if ok]
        if acknowledged:
            # Only the edits after the last acknowledged one may be unconfirmed (refused).
            last_ok = max(i for i, (_text, ok) in enumerate(edits) if ok)
            allowed = {acknowledged[-1]} | {text for text, _ok in edits[last_ok + 1 :]}
            if summary not in allowed:
                problems.append(f"{slug}: holds {summary!r}, not its last acknowledged edit")
    refused_but_stored = [slug for slug in record.refused if slug in stored]
    unexpected = set(stored) - set(record.created) - set(record.refused)
    problems += [f"{slug}: stored but never acknowledged" for slug in sorted(unexpected)]
    return {
        "acknowledged_creates": len(record.created),
        "acknowledged_edits": sum(ok for edits in record.edits.values() for _t, ok in edits),
        "refused_writes": len(record.refused)
        + sum(not ok for edits in record.edits.values() for _t, ok in edits),
        "refused_creates_stored": len(refused_but_stored),
        "stored": sum(len(rows) for rows in stored.values()),
        "problems": problems,
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    run_id = secrets.token_hex(3)
    print(f"faults: starting a PostgreSQL cluster of our own (run {run_id})")
    cluster = Cluster()
    servers, replica, balancer = [], None, None
    try:
        env = os.environ.copy()
        env.update(
            DJANGO_SETTINGS_MODULE="clair_portal.settings",
            DATABASE_URL=cluster.url,
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(40),
            ALLOWED_HOSTS="127.0.0.1",
            STATIC_ROOT=str(Path(tempfile.gettempdir()) / "clair-bench-static"),
            MEDIA_ROOT=str(cluster.folder / "media"),
            LOG_LEVEL="WARNING",
        )
        os.environ.update(env)
        ensure_database(cluster.url)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.core.management import call_command
        from django.db import connection

        from offices.models import Office
        from reports import roles
        from reports.models import Theme

        from . import generate

        call_command("migrate", verbosity=0)
        print(f"faults: generating {args.reports:,} reports")
        generate.generate(cluster.url, args.reports, log=lambda *a: None)
        call_command("collectstatic", interactive=False, verbosity=0)
        rng = random.Random(run_id)
        paths = public_paths(rng)
        offices = list(Office.objects.order_by("pk"))
        theme_pk = Theme.objects.order_by("pk").values_list("pk", flat=True).first()
        # Half are office editors saving drafts, half HQ editors publishing (which
        # changes the public pages and so empties the page caches as it happens).
        groups = [
            Group.objects.get(name=roles.OFFICE_EDITORS),
            Group.objects.get(name=roles.HQ_EDITORS),
        ]
        writers = []
        for i in range(args.writers):
            office = offices[i % len(offices)]
            user = get_user_model().objects.create_user(
                f"load-{run_id}-{i}", password=WRITER_PASSWORD, is_staff=True
            )
            user.groups.add(groups[i % 2])
            office.editors.add(user)
            writers.append((user.username, office.pk, bool(i % 2)))
        connection.close()

        server_log = cluster.folder / "gunicorn.log"
        if args.nodes == 1:
            servers = [Server(args.workers, env, server_log)]
            base = servers[0].base
        else:
            replica, redis_before = Cluster(replica_of=cluster), redis_stats(flush=True)
            env = {**env, "REDIS_URL": REDIS, "DATABASE_REPLICA_URLS": replica.url}
            per_node = max(1, args.workers // 2)
            servers = [Server(per_node, env, cluster.folder / f"gunicorn-{n}.log") for n in (1, 2)]
            balancer = Balancer([server.port for server in servers])
            base = balancer.base
        record, samples = Record(), []
        start = time.monotonic()
        stop_at = start + args.seconds
        threads = [
            threading.Thread(
                target=writer,
                args=(
                    base,
                    name,
                    office_pk,
                    theme_pk,
                    publish,
                    run_id,
                    record,
                    start,
                    stop_at,
                    i,
                ),
            )
            for i, (name, office_pk, publish) in enumerate(writers)
        ]
        threads += [
            threading.Thread(target=reader, args=(base, paths, record, start, stop_at, 1000 + i))
            for i in range(args.clients - args.writers)
        ]
        threads.append(
            threading.Thread(target=prober, args=(base, record, start, stop_at, samples))
        )
        print(
            f"faults: {args.clients} clients ({args.writers} admin writers) for {args.seconds:.0f} s"
            + ("" if args.no_outage else f", PostgreSQL down at {args.outage_at:.0f} s for {args.outage:.0f} s")
        )  # fmt: skip
        for thread in threads:
            thread.start()
        down = back = None
        stopped = {}  # what the two-node run stops, and when
        if not args.no_outage:
            time.sleep(max(0, start + args.outage_at - time.monotonic()))
            down = time.monotonic() - start
            cluster.stop()
            time.sleep(args.outage)
            cluster.start()
            while not cluster.ready():
                time.sleep(0.05)
            back = time.monotonic() - start
        if args.nodes == 2:
            node_at = args.node_down_at if args.node_down_at is not None else 0.6 * args.seconds
            replica_at = (
                args.replica_down_at if args.replica_down_at is not None else 0.75 * args.seconds
            )
            for at, name, stop in sorted(
                [(node_at, "node_2", servers[1].stop), (replica_at, "replica", replica.stop)]
            ):
                time.sleep(max(0, start + at - time.monotonic()))
                stopped[name] = round(time.monotonic() - start, 1)
                stop()
        for thread in threads:
            thread.join()
        memory = [mb for server in servers if server.process.poll() is None
                  for mb in server.worker_memory_mb()]  # fmt: skip
        for server in servers:
            server.stop()
        servers = []

        summary = summarise(args, record, samples, down, back, memory, stopped.get("node_2"))
        if args.nodes == 2:
            summary["two_nodes"] = two_node_figures(redis_before, balancer, stopped)
        summary["verification"] = verify(record, run_id)
        print_summary(summary)
        if summary["errors"]:
            for log_path in sorted(cluster.folder.glob("gunicorn*.log")):
                print_server_errors(log_path)
        if args.json:
            summary["acknowledged"] = {
                "creates": sorted(record.created),
                "last_edits": {
                    slug: [text for text, ok in edits if ok][-1]
                    for slug, edits in record.edits.items()
                    if any(ok for _text, ok in edits)
                },
            }
            args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2))
        if args.keep:
            print(
                f"faults: the database is still running: psql -h 127.0.0.1 -p {cluster.port} "
                f"-U postgres clair_faults\n"
                f"  SELECT count(*), count(DISTINCT slug) FROM reports_report "
                f"WHERE slug LIKE 'load-{run_id}-%';\n"
                f"  stop and remove it: {' '.join(cluster.as_owner)} {cluster.bindir}/pg_ctl "
                f"-D {cluster.data} stop && rm -r {cluster.folder}"
            )
        failed = (
            summary["errors"]
            or summary["verification"]["problems"]
            or summary["verification"]["refused_creates_stored"]
            or (back is not None and (summary["recovery_s"] is None or summary["recovery_s"] > args.recovery_limit))
        )  # fmt: skip
        print("faults: FAILED" if failed else "faults: passed")
        return 1 if failed else 0
    finally:
        for server in servers:
            server.stop()
        if balancer:
            balancer.stop()
        if replica:
            replica.remove()
        if not args.keep:
            cluster.remove()


# How long a stopped node may take to finish what it had accepted (gunicorn's graceful stop).
NODE_SHUTDOWN_SECONDS = 5


def redis_stats(*, flush: bool = False) -> dict:
    """Redis' hit and miss counters; with flush, database 15 emptied first."""
    import redis

    client = redis.Redis.from_url(REDIS)
    try:
        if flush:
            client.flushdb()
        found = client.info("stats")
    except redis.ConnectionError:
        raise SystemExit("faults: --nodes 2 needs Redis on 127.0.0.1:6379") from None
    return {"hits": found["keyspace_hits"], "misses": found["keyspace_misses"]}


def two_node_figures(before: dict, balancer: Balancer, stopped: dict) -> dict:
    after = redis_stats()
    hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"]
    return {
        "cache_hits": hits,
        "cache_misses": misses,
        "cache_hit_rate": round(hits / (hits + misses), 3) if hits + misses else None,
        "connections_per_node": balancer.served,
        "stopped_at_s": stopped,
    }


def summarise(args, record: Record, samples, down, back, memory, node_down=None) -> dict:
    outcomes = record.outcomes
    in_outage = [down is not None and down <= o.began < back for o in outcomes]
    during = [o for o, inside in zip(outcomes, in_outage, strict=True) if inside]
    outside = [o for o, inside in zip(outcomes, in_outage, strict=True) if not inside]
    # A streamed response has sent its headers before its rows: if the outage kills its
    # query, the response can only end early. Allowed while the database goes down.
    cut_by_outage = [
        o
        for o in outcomes
        if not o.ok
        and o.detail.startswith("cut ")
        and down is not None
        and down - 1 <= o.began + o.ms / 1000 <= back
    ]
    # A POST that reached the stopped node's listening socket after its workers stopped
    # taking requests is dropped unanswered; the balancer says 502 and does not resend
    # it (verify() checks it was not stored). Allowed while that node shuts down.
    refused_by_node_stop = [
        o
        for o in outcomes
        if not o.ok
        and o.detail == NO_NODE_ANSWERED
        and node_down is not None
        and node_down <= o.began + o.ms / 1000 <= node_down + NODE_SHUTDOWN_SECONDS
    ]
    allowed = {id(o) for o in cut_by_outage + refused_by_node_stop}
    errors = [o for o in outcomes if not o.ok and id(o) not in allowed]
    cut = len(cut_by_outage)
    after_back = [o for o in outcomes if back is not None and o.began >= back]
    last_failure = max(
        (o.began for o in after_back if o.status >= 500 or o.status == 0), default=None
    )
    ready_again = next(
        (t for t, status in samples if back is not None and t >= back and status == 200), None
    )
    by_kind = defaultdict(list)  # the path is the last word of a read's detail
    for o in outside:
        if o.kind == "read":
            by_kind[page_kind(o.detail.split()[-1])].append(o.ms)
    summary = {
        "clients": args.clients,
        "writers": args.writers,
        "seconds": args.seconds,
        "reports": args.reports,
        "workers": args.workers,
        "requests": len(outcomes),
        "reads": sum(o.kind == "read" for o in outcomes),
        "writes": sum(o.kind == "write" for o in outcomes),
        "logins": sum(o.kind == "login" for o in outcomes),
        "rps": round(len(outcomes) / args.seconds, 1),
        "errors": len(errors),
        "streams_cut_by_the_outage": cut,
        "writes_refused_as_a_node_stopped": len(refused_by_node_stop),
        "error_examples": [f"{o.status} {o.detail} at {o.began:.1f} s" for o in errors][:10],
        "reads_outside_outage": percentiles([o.ms for o in outside if o.kind == "read"]),
        "writes_outside_outage": percentiles([o.ms for o in outside if o.kind == "write"]),
        "reads_by_kind": {
            kind: {"requests": len(ms), **percentiles(ms)} for kind, ms in sorted(by_kind.items())
        },
        "outage": None,
        "recovery_s": None,
        "worker_memory_mb": memory,
    }  # fmt: skip
    if down is not None:
        summary["outage"] = {
            "down_at_s": round(down, 1),
            "back_at_s": round(back, 1),
            "requests": len(during),
            "answered_503_page": sum(o.status == 503 for o in during),
            "readyz_503": sum(1 for t, status in samples if down <= t < back and status == 503),
            "readyz_first_200_after_s": round(ready_again - back, 2) if ready_again else None,
            "last_failure_after_s": round(last_failure - back, 2) if last_failure else 0.0,
        }
        recovered = [ready_again, last_failure]
        summary["recovery_s"] = (
            round(max(t for t in recovered if t is not None) - back, 2) if ready_again else None
        )
    return summary


def print_server_errors(log_path: Path, limit: int = 10) -> None:
    """The server's own account of what went wrong: gunicorn's lines and every
    logged error other than the outage's expected 503s."""
    shown = 0
    for line in log_path.read_text().splitlines():
        expected = '"status_code": 503' in line or '"level": "INFO"' in line
        if not expected and shown < limit:
            print(f"  server log: {line[:1500]}")
            shown += 1


def print_summary(s: dict) -> None:
    v = s["verification"]
    r, w = s["reads_outside_outage"], s["writes_outside_outage"]
    lines = [
        f"faults: {s['requests']:,} requests in {s['seconds']:.0f} s ({s['rps']} req/s): "
        f"{s['reads']:,} reads, {s['writes']:,} admin writes, {s['logins']} sign-ins; {s['clients']} clients, "
        f"{s['workers']} gunicorn workers, {s['reports']:,} reports",
        f"  errors: {s['errors']}" + (f" ({'; '.join(s['error_examples'])})" if s["errors"] else ""),
        f"  reads outside the outage: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms",
        f"  admin writes outside the outage: p50 {w['p50_ms']} ms, p95 {w['p95_ms']} ms, p99 {w['p99_ms']} ms",
    ]  # fmt: skip
    for kind, k in s["reads_by_kind"].items():
        lines.append(
            f"    {kind}: {k['requests']} requests, p50 {k['p50_ms']} ms, p95 {k['p95_ms']} ms"
        )
    if s["outage"]:
        o = s["outage"]
        lines += [
            f"  outage: PostgreSQL down from {o['down_at_s']} s to {o['back_at_s']} s; "
            f"{o['requests']} requests meanwhile, {o['answered_503_page']} answered with the 503 page; "
            f"/readyz 503 {o['readyz_503']} times; {s['streams_cut_by_the_outage']} streamed exports or calendars cut short",
            f"  recovery: /readyz 200 again {o['readyz_first_200_after_s']} s after the database was back; "
            f"last failed request {o['last_failure_after_s']} s after; recovered in {s['recovery_s']} s",
        ]  # fmt: skip
    lines += [
        f"  writes: {v['acknowledged_creates']} creates and {v['acknowledged_edits']} edits acknowledged, "
        f"{v['refused_writes']} refused (the 503 page, or 502 as a node stopped); stored {v['stored']} reports: "
        + ("every acknowledged write exactly once" if not v["problems"] else f"{len(v['problems'])} problems")
        + (f"; {v['refused_creates_stored']} refused creates stored anyway" if v["refused_creates_stored"] else ""),
        f"  gunicorn worker memory: {', '.join(f'{m:.0f}' for m in s['worker_memory_mb'])} MB",
    ]  # fmt: skip
    if two := s.get("two_nodes"):
        lines.append(
            f"  two nodes: connections per node {two['connections_per_node']}; "
            f"stopped {', '.join(f'{name} at {at} s' for name, at in two['stopped_at_s'].items())} "
            f"({s['writes_refused_as_a_node_stopped']} writes it dropped answered 502 by the balancer); "
            f"shared cache {two['cache_hits']:,} hits, {two['cache_misses']:,} misses "
            f"(hit rate {two['cache_hit_rate']})"
        )  # fmt: skip
    lines += [f"    {problem}" for problem in v["problems"][:20]]
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
