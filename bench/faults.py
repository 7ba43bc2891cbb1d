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

Afterwards it checks, from the database: every write a client was told succeeded
(the admin's redirect) is stored exactly once, with exactly its event and participant,
and each report holds its last acknowledged edit; a write that got the 503 page is not
stored. It prints a summary (the README quotes it) and exits 1 if anything failed:
an error (a 5xx other than the outage's 503 page, a refused connection, a stack trace),
a lost or duplicated write, or a recovery slower than --recovery-limit seconds.
"""

import argparse
import contextlib
import html.parser
import http.client
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .__main__ import ensure_database
from .load import ROOT, Server, free_port


# The 503 page's heading, in Japanese and English.
def streamed(path: str) -> bool:
    """Exports and calendars are streamed: an outage can cut them short, not refuse them."""
    return path.startswith(("/reports.json", "/reports.csv")) or path.split("?")[0].endswith(".ics")


OUTAGE_PAGES = ("ただいまご利用いただけません", "Temporarily unavailable")
WRITER_PASSWORD = "load-test-" + secrets.token_urlsafe(12)


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


# --- A PostgreSQL of our own -------------------------------------------------------


def pg_bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not candidates:
        raise SystemExit("faults: PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    return candidates[-1].parent


class Cluster:
    """A throwaway PostgreSQL cluster that this script may stop and start at will."""

    def __init__(self):
        self.bindir = pg_bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="clair-faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        # initdb refuses to run as root: the cluster then belongs to the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-locale")  # fmt: skip
        self.start()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/clair_faults"

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bindir / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w",
                  "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        # Fast shutdown: what a crash or a failover does to open connections.
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def ready(self) -> bool:
        return (
            subprocess.run(
                [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
            ).returncode
            == 0
        )

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- HTTP clients --------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # "read", "write" or "login" (the admin's, with its password hashing)
    began: float  # seconds since the start of the run
    ms: float
    status: int  # 0: no response (refused, reset)
    ok: bool  # an expected answer (a 200/302/304, or the 503 page while the database is down)
    detail: str = ""


@dataclass
class Record:
    """What the clients were told: the ground truth the database is checked against."""

    outcomes: list[Outcome] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # acknowledged: slug -> title
    refused: list[str] = field(default_factory=list)  # slugs whose create got a 503
    edits: dict[str, list[tuple[str, bool]]] = field(
        default_factory=dict
    )  # slug -> [(summary, ok)]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


class FormParser(html.parser.HTMLParser):
    """The fields of the admin's change form, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea = self._select = None
        self._text = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("file", "submit", "button", "image"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


class Browser:
    """One client's connection and cookies (gunicorn's sync workers close each connection)."""

    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "ja"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), content

    def form(self, path: str) -> tuple[int, list[tuple[str, str]]]:
        status, _location, content = self.request("GET", path)
        parser = FormParser()
        parser.feed(content)
        return status, parser.fields

    def post(self, path: str, fields: list[tuple[str, str]]):
        return self.request("POST", path, urllib.parse.urlencode(fields))

    def login(self, username: str):
        status, fields = self.form("/admin/login/")
        if status != 200:
            return status, "", ""
        fields = [(k, v) for k, v in fields if k not in ("username", "password")]
        fields += [("username", username), ("password", WRITER_PASSWORD), ("next", "/admin/")]
        return self.post("/admin/login/?next=/admin/", fields)


def answer_is_expected(status: int, content: str, *, write: bool) -> tuple[bool, str]:
    if status == 503:
        if any(marker in content for marker in OUTAGE_PAGES) or content == "database unavailable":
            return True, "503 page"
        return False, "503 without the outage page"
    if status >= 500 or status == 0:
        return False, f"status {status}"
    if "Traceback" in content:
        return False, "stack trace in the page"
    if write:
        return status == 302, "" if status == 302 else f"form refused ({status})"
    return status in (200, 304), "" if status in (200, 304) else f"status {status}"


def reader(base: str, paths: list[str], record: Record, start: float, stop_at: float, seed: int):
    rng = random.Random(seed)
    browser = Browser(base)
    while time.monotonic() < stop_at:
        path = rng.choice(paths)
        began = time.monotonic()
        try:
            status, _location, content = browser.request("GET", path)
        except (OSError, http.client.HTTPException) as error:
            status, content = 0, f"{type(error).__name__}"
        ok, detail = answer_is_expected(status, content, write=False)
        if status == 0:
            # Allowed for a streamed response during the outage, see summarise().
            detail = "cut" if streamed(path) else content
        ms = (time.monotonic() - began) * 1000
        record.add(Outcome("read", began - start, ms, status, ok, f"{detail} {path}"))


def timed(record: Record, start: float, call, kind: str = "write"):
    began = time.monotonic()
    try:
        status, location, content = call()
    except (OSError, http.client.HTTPException) as error:
        status, location, content = 0, "", str(error)
    ok, detail = answer_is_expected(status, content, write=True)
    record.add(Outcome(kind, began - start, (time.monotonic() - began) * 1000, status, ok, detail))
    return status, location, content, ok


def writer(base, username, office_pk, theme_pk, publish, run_id, record, start, stop_at, seed):
    try:
        _write(base, username, office_pk, theme_pk, publish, run_id, record, start, stop_at, seed)
    except Exception as error:  # a writer that gives up is an error of the run, not silence
        record.add(
            Outcome("write", time.monotonic() - start, 0, 0, False, f"writer died: {error!r}")
        )


def _write(base, username, office_pk, theme_pk, publish, run_id, record, start, stop_at, seed):
    rng = random.Random(seed)
    browser = Browser(base)
    # Signing in may meet the outage too: staff try again, as the 503 page asks.
    while time.monotonic() < stop_at:
        if timed(record, start, lambda: browser.login(username), "login")[0] == 302:
            break
        time.sleep(0.5)
    mine: list[tuple[str, int]] = []  # (slug, pk) of acknowledged creates
    n = 0
    while time.monotonic() < stop_at:
        if mine and rng.random() < 0.5:
            slug, pk = rng.choice(mine)
            path = f"/admin/reports/report/{pk}/change/"
            try:
                status, fields = browser.form(path)
            except (OSError, http.client.HTTPException):
                status, fields = 0, []
            if status != 200 or not fields:
                record.add(Outcome("write", time.monotonic() - start, 0, status, status == 503))
                time.sleep(0.2)
                continue
            n += 1
            summary = f"負荷試験の編集 {run_id} {username} {n}"
            fields = [(k, summary if k == "summary" else v) for k, v in fields]
            fields.append(("_save", "保存"))
            status, location, content, ok = timed(
                record, start, lambda path=path, fields=fields: browser.post(path, fields)
            )
            with record.lock:
                record.edits.setdefault(slug, []).append((summary, status == 302))
        else:
            n += 1
            slug = f"load-{run_id}-{username}-{n}"
            title = f"負荷試験の報告 {run_id} {username} {n}"
            fields = [
                ("title", title), ("slug", slug), ("office", str(office_pk)),
                ("themes", str(theme_pk)), ("summary", f"{title}の概要"),
                ("body", "本文の一段落目。\n\n二段落目。"), ("status", "published" if publish else "draft"),
                ("published_at_0", ""), ("published_at_1", ""), ("source", "負荷試験"),
                ("fiscal_year", ""), ("title_en", ""), ("summary_en", ""), ("external_id", ""),
                ("events-TOTAL_FORMS", "1"), ("events-INITIAL_FORMS", "0"),
                ("events-MIN_NUM_FORMS", "0"), ("events-MAX_NUM_FORMS", "1000"),
                ("events-0-start_date", "2026-11-14"), ("events-0-end_date", "2026-11-15"),
                ("events-0-venue", "会議室"), ("events-0-city", "ソウル"),
                ("events-0-country", "KR"), ("events-0-format", "in_person"),
                ("participants-TOTAL_FORMS", "1"), ("participants-INITIAL_FORMS", "0"),
                ("participants-MIN_NUM_FORMS", "0"), ("participants-MAX_NUM_FORMS", "1000"),
                ("participants-0-name", "日本の自治体"), ("participants-0-country", "JP"),
                ("participants-0-municipalities", "18"), ("participants-0-people", "27"),
                ("participants-0-qualifier", "exact"), ("participants-0-position", "0"),
                ("photos-TOTAL_FORMS", "0"), ("photos-INITIAL_FORMS", "0"),
                ("photos-MIN_NUM_FORMS", "0"), ("photos-MAX_NUM_FORMS", "1000"),
                # Stay on the saved report: the redirect names its number.
                ("_continue", "保存して編集を続ける"),
                # Django accepts the cookie's secret itself as the form's token.
                ("csrfmiddlewaretoken", browser.cookies.get("csrftoken", "")),
            ]  # fmt: skip
            status, location, content, ok = timed(
                record,
                start,
                lambda fields=fields: browser.post("/admin/reports/report/add/", fields),
            )
            with record.lock:
                if status == 302:
                    record.created[slug] = title
                elif status == 503:
                    record.refused.append(slug)
            if status == 302:
                mine.append((slug, int(location.rstrip("/").split("/")[-2])))
        time.sleep(rng.uniform(0.5, 2))  # staff type between saves


def prober(base: str, record: Record, start: float, stop_at: float, samples: list):
    """/readyz every 100 ms: what a load balancer would see."""
    browser = Browser(base)
    while time.monotonic() < stop_at:
        began = time.monotonic()
        try:
            status, _location, _content = browser.request("GET", "/readyz")
        except (OSError, http.client.HTTPException):
            status = 0
        samples.append((began - start, status))
        time.sleep(max(0, 0.1 - (time.monotonic() - began)))


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

    stored = {}
    for slug, title, summary, events, participants in (
        Report.objects.filter(slug__startswith=f"load-{run_id}-")
        .annotate(
            events_n=Count("events", distinct=True),
            participants_n=Count("participants", distinct=True),
        )
        .values_list("slug", "title", "summary", "events_n", "participants_n")
    ):
        stored.setdefault(slug, []).append((title, summary, events, participants))
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
    server = None
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
        server = Server(args.workers, env, server_log)
        record, samples = Record(), []
        start = time.monotonic()
        stop_at = start + args.seconds
        threads = [
            threading.Thread(
                target=writer,
                args=(
                    server.base,
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
            threading.Thread(
                target=reader, args=(server.base, paths, record, start, stop_at, 1000 + i)
            )
            for i in range(args.clients - args.writers)
        ]
        threads.append(
            threading.Thread(target=prober, args=(server.base, record, start, stop_at, samples))
        )
        print(
            f"faults: {args.clients} clients ({args.writers} admin writers) for {args.seconds:.0f} s"
            + ("" if args.no_outage else f", PostgreSQL down at {args.outage_at:.0f} s for {args.outage:.0f} s")
        )  # fmt: skip
        for thread in threads:
            thread.start()
        down = back = None
        if not args.no_outage:
            time.sleep(max(0, start + args.outage_at - time.monotonic()))
            down = time.monotonic() - start
            cluster.stop()
            time.sleep(args.outage)
            cluster.start()
            while not cluster.ready():
                time.sleep(0.05)
            back = time.monotonic() - start
        for thread in threads:
            thread.join()
        memory = server.worker_memory_mb()
        server.stop()
        server = None

        summary = summarise(args, record, samples, down, back, memory)
        summary["verification"] = verify(record, run_id)
        print_summary(summary)
        if summary["errors"]:
            print_server_errors(server_log)
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
        if server:
            server.stop()
        if not args.keep:
            cluster.remove()


def summarise(args, record: Record, samples, down, back, memory) -> dict:
    outcomes = record.outcomes
    in_outage = [down is not None and down <= o.began < back for o in outcomes]
    during = [o for o, inside in zip(outcomes, in_outage, strict=True) if inside]
    outside = [o for o, inside in zip(outcomes, in_outage, strict=True) if not inside]
    # A streamed response has sent its headers before its rows: if the outage kills its
    # query, the response can only end early. Allowed while the database goes down.
    errors = [
        o
        for o in outcomes
        if not o.ok
        and not (
            o.detail.startswith("cut ")
            and down is not None
            and down - 1 <= o.began + o.ms / 1000 <= back
        )
    ]
    cut = sum(not o.ok for o in outcomes) - len(errors)
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
        f"{v['refused_writes']} refused with the 503 page; stored {v['stored']} reports: "
        + ("every acknowledged write exactly once" if not v["problems"] else f"{len(v['problems'])} problems")
        + (f"; {v['refused_creates_stored']} refused creates stored anyway" if v["refused_creates_stored"] else ""),
        f"  gunicorn worker memory: {', '.join(f'{m:.0f}' for m in s['worker_memory_mb'])} MB",
    ]  # fmt: skip
    lines += [f"    {problem}" for problem in v["problems"][:20]]
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
