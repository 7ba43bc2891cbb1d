"""The load and fault test's clients: readers of public pages, writers in the admin, a prober.

Each records what it was answered (Record); a writer posts the admin's own forms
as a member of staff and notes every write it was told succeeded.
"""

import html.parser
import http.client
import random
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

# The 503 page's heading, in Japanese and English.
OUTAGE_PAGES = ("ただいまご利用いただけません", "Temporarily unavailable")
# What bench/balancer.py answers a POST that no node took (as nginx answers 502).
NO_NODE_ANSWERED = "no node answered"
WRITER_PASSWORD = "load-test-" + secrets.token_urlsafe(12)


def streamed(path: str) -> bool:
    """Exports and calendars are streamed: an outage can cut them short, not refuse them."""
    return path.startswith(("/reports.json", "/reports.csv")) or path.split("?")[0].endswith(".ics")


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
    if status == 502 and content == NO_NODE_ANSWERED:
        return False, NO_NODE_ANSWERED
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
    # (title, pk) of acknowledged creates: the title names a write, since office
    # editors do not choose slugs.
    mine: list[tuple[str, int]] = []
    n = 0
    while time.monotonic() < stop_at:
        if mine and rng.random() < 0.5:
            key, pk = rng.choice(mine)
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
                record.edits.setdefault(key, []).append((summary, status == 302))
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
                    record.created[title] = title
                elif status in (502, 503):
                    record.refused.append(title)
            if status == 302:
                mine.append((title, int(location.rstrip("/").split("/")[-2])))
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
