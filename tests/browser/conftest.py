"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live
server, and axe-core (from npm, see package.json) checks each page.

Without Chromium, axe-core or the playwright package the tests skip and say what is
missing; with REQUIRE_BROWSER=1 (as in CI) they fail instead, so CI cannot go green
by skipping them. One browser serves the whole session; each test gets a fresh
context (cookies, viewport) and, through live_server, a transactional database.
"""

import io
import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from . import axe

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, reproducible runs: no sandbox (CI runs as root), no GPU, nothing fetched from Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time (each still on its own thread,
    so keep-alive connections do not block one another).

    On SQLite the test database lives in memory, and every thread of the live server
    uses the test's one connection to it: a page whose images the browser asks for
    at once had two requests use it together ("bad parameter or other API misuse",
    a 503 and a 404 in CI).
    """

    lock = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self.lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


# Before pytest-django's session-wide live_server is made.
LiveServerThread.server_class = OneRequestAtATime


def pytest_collection_modifyitems(items):
    # The marker follows the fixture: whatever needs the browser is a browser test.
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def _missing_prerequisite() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package (pip install -r requirements-test.txt)"
    if not CHROMIUM.exists():
        return f"Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    if not axe.AXE_JS.exists():
        return f"axe-core at {axe.AXE_JS.relative_to(axe.ROOT)} (npm ci)"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _missing_prerequisite()
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1, but the browser tests lack {missing}", pytrace=False)
        pytest.skip(f"browser tests need {missing}")
    from playwright.sync_api import sync_playwright

    held = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as mp:
        # Playwright's sync API leaves its asyncio loop marked as running in this
        # thread between calls. Django then refuses ORM calls, though the test's own
        # database work (fixtures, flush) is plain synchronous code all the same...
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        mp.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        with sync_playwright() as playwright:
            # ...and would hand out new connections, made for async code: keep the
            # ones the session has (with the test database's serialized contents for
            # rollback, and SQLite's in-memory database).
            for alias, connection in held.items():
                connections[alias] = connection
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return axe.AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def _demo_snapshot(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture
def page(browser, live_server, transactional_db, django_db_serialized_rollback, settings):
    """A desktop-sized page of a fresh browser context on the live server.

    Serialized rollback brings back the offices and themes of the data migrations,
    which the flush after each transactional test removes.
    """
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo(page, settings, _demo_snapshot):
    """The twelve demo reports of Vol. 436, with their photos, local governments and
    partners abroad.

    load_demo runs once a session: making the sizes of its 18 photos takes seconds.
    Later tests get the same rows back with loaddata, and copies of the files.
    """
    rows, files = _demo_snapshot / "reports.json", _demo_snapshot / "media"
    if rows.exists():
        call_command("loaddata", rows, stdout=io.StringIO())
        shutil.copytree(files, settings.MEDIA_ROOT, dirs_exist_ok=True)
    else:
        call_command("load_demo", stdout=io.StringIO())
        # The partners abroad too: load_demo adds them, and the reports' links need them
        # (the local governments come back with the serialized rollback).
        call_command("dumpdata", "reports", "municipalities.partner", output=rows)
        shutil.copytree(settings.MEDIA_ROOT, files)


@pytest.fixture
def assert_no_axe_violations(axe_source):
    """Run axe-core on the page; fail with a readable list of what it finds."""

    def check(page) -> None:
        found = axe.violations(page, axe_source)
        assert not found, f"axe-core found {len(found)} violation(s) on {page.url}:\n" + (
            axe.describe(found)
        )

    return check


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Where screenshots go: $SCREENSHOT_DIR (docs/screenshots for the committed ones),
    otherwise a temporary folder, so an ordinary run leaves the work tree alone."""
    folder = os.environ.get("SCREENSHOT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
