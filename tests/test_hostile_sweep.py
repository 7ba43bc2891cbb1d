"""Generated hostile query strings on every public URL: never a 5xx, never markup reflected.

`HYPOTHESIS_PROFILE=sweep .venv/bin/pytest tests/test_hostile_sweep.py -s` runs the
10,000-request sweep of docs/security.md; by default (profile "ci") a few hundred.
"""

import time
from dataclasses import dataclass, field

import pytest
from django.test import Client, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.models import Participant
from tests import hostile
from tests.factories import make_report

pytestmark = pytest.mark.django_db

SLUG = "hostile-report"

# Every kind of public page, in Japanese and under /en/ where it has an English version.
LOCALISED = [
    "/",
    "/reports/",
    "/offices/",
    "/offices/seoul/",
    "/themes/",
    "/themes/multicultural/",
    f"/reports/{SLUG}/",
    "/reports/feed/",
    "/offices/seoul/feed/",
    "/themes/multicultural/feed/",
    "/reports/calendar.ics",
    f"/reports/{SLUG}/calendar.ics",
    "/reports.json",
    "/reports.csv",
    "/accessibility/",
]
PUBLIC_URLS = [
    *LOCALISED,
    *(f"/en{url}" for url in LOCALISED),
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-offices.xml",
    "/sitemap-themes.xml",
    "/sitemap-reports.xml",
    "/robots.txt",
    "/healthz",
    "/readyz",
]
# The pages that read parameters: the filters of /reports/, or a page number.
READING = [
    "/reports/",
    "/offices/seoul/",
    "/themes/multicultural/",
    "/reports/feed/",
    "/reports/calendar.ics",
    "/reports.json",
    "/reports.csv",
]
READING_PARAMETERS = [*READING, *(f"/en{url}" for url in READING)]
# Plain text that nothing renders as markup: a calendar's name may quote the search as typed.
EXEMPT_FROM_MARKUP_CHECK = ("text/calendar",)


@dataclass
class Tally:
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, url: str, query: bytes, response) -> None:
        """Count the request; note a 5xx or reflected markup (raise unless collecting)."""
        self.requests += 1
        problem = problem_with(response)
        if problem is None:
            return
        message = f"{url}?{query!r}: {problem}"
        if not hostile.collecting():
            raise AssertionError(message)
        self.failures.append(message)


def problem_with(response) -> str | None:
    if response.status_code >= 500:
        error = getattr(response, "exc_info", None)
        return f"{response.status_code} {error[1]!r}" if error else str(response.status_code)
    if response.get("Content-Type", "").startswith(EXEMPT_FROM_MARKUP_CHECK):  # none on a 304
        return None
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    for marker in hostile.RAW_MARKERS:
        if marker in text:
            return f"{marker!r} reflected unescaped"
    return None


def send(client: Client, method: str, url: str, query: bytes, headers: dict):
    """The raw bytes as the environ's QUERY_STRING (PEP 3333: latin-1 text)."""
    return client.generic(method, url, QUERY_STRING=query.decode("latin-1"), **headers)


METHODS = ("GET",) * 17 + ("HEAD", "POST", "OPTIONS")


@pytest.fixture
def quiet_logs():
    with hostile.quiet_logs():
        yield


@pytest.fixture
def hostile_site():
    """A public report with events, participants and a photo: every part of a page."""
    report = make_report(
        title="悪い入力の報告",
        office="seoul",
        themes=("multicultural", "sister-cities"),
        photos=1,
        venue="会場",
        city="ソウル",
    )
    report.slug = SLUG
    report.save()
    Participant.objects.create(report=report, position=0, name="来場者", people=10)
    make_report(title="二件目", office="paris", themes=("multicultural",))


def test_public_urls_survive_hostile_query_strings(hostile_site, quiet_logs):
    """Mostly GET on the public URLs; some other methods, unknown paths, odd headers."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    tally = Tally()
    started = time.monotonic()

    @settings(max_examples=hostile.budget("public"))
    @given(
        method=st.sampled_from(METHODS),
        url=st.one_of(*[st.sampled_from(PUBLIC_URLS)] * 3, hostile.hostile_paths()),  # 3 : 1
        query=hostile.query_strings(),
        headers=st.just({}) | hostile.headers(),
        cache=st.booleans(),  # a page from the page cache must be as safe as a rendered one
    )
    def sweep(method, url, query, headers, cache):
        with override_settings(PUBLIC_PAGE_CACHE=cache):
            response = send(client, method, url, query, headers)
        tally.check(f"{method} {url}", query, response)

    sweep()
    elapsed = time.monotonic() - started
    print(
        f"\nhostile sweep: {tally.requests} requests, {len(tally.failures)} server errors"
        f" or reflected markup, {elapsed:.0f} s"
    )
    assert tally.failures == []
    assert tally.requests >= hostile.budget("public")


def test_no_parameter_reflects_markup_on_any_page_that_reads_it(hostile_site, quiet_logs):
    """Each example: markup in one parameter (beside valid filters), on every page that
    reads parameters, so a value shown in a summary, a message or a link is always seen."""
    client = Client(raise_request_exception=False)
    tally = Tally()
    others = st.lists(
        st.sampled_from(("office=seoul", "theme=multicultural", "fy=2025", "sort=oldest")),
        max_size=2,
    ).map(lambda pairs: "".join(f"&{pair}" for pair in pairs).encode())

    @settings(max_examples=hostile.budget("reflection"))
    @given(name=st.sampled_from(hostile.PARAMETERS), value=hostile.markers, rest=others)
    def sweep(name, value, rest):
        query = name.encode() + b"=" + hostile.percent_encode(value.encode("utf-8")) + rest
        for url in READING_PARAMETERS:
            tally.check(f"GET {url}", query, send(client, "GET", url, query, {}))

    sweep()
    print(f"\nhostile reflection sweep: {tally.requests} requests, {len(tally.failures)} failures")
    assert tally.failures == []
