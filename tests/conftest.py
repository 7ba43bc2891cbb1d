import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    """Each test writes uploads into its own folder, removed afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached reference data must not outlive the test whose rows it reflects."""
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _japanese_by_default():
    """A request to /en/ leaves English active in the thread; start each test in Japanese."""
    translation.activate("ja")
    yield
    translation.activate("ja")


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-123")
    client.force_login(user)
    return client


@pytest.fixture
def seoul_editor(django_user_model):
    """An office editor of the Seoul office only."""
    from reports import roles
    from tests.factories import staff

    return staff(django_user_model, "seoul", group=roles.OFFICE_EDITORS, offices=["seoul"])


@pytest.fixture
def hq_editor(django_user_model):
    from reports import roles
    from tests.factories import staff

    return staff(django_user_model, "hq", group=roles.HQ_EDITORS)


def pytest_sessionstart(session):
    # English pages need the compiled catalog; .mo files are build output, not committed.
    from django.test.signals import setting_changed

    from reports.management.commands.compile_translations import compile_catalogs

    if compile_catalogs():
        # Django was set up before this hook and may already hold catalogues loaded
        # without the new .mo files (a fresh clone); the signal Django's own
        # override_settings sends makes it read them again.
        setting_changed.send(
            sender=settings._wrapped.__class__,
            setting="LOCALE_PATHS",
            value=settings.LOCALE_PATHS,
            enter=False,
        )


def pytest_sessionfinish(session, exitstatus):
    # The session-wide temp media folder of the test settings, if anything used it.
    root = Path(getattr(settings, "MEDIA_ROOT", ""))
    if root.name.startswith("clair-test-media-"):
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def reports():
    """Four public reports of two offices and themes, a draft and a scheduled one:
    the selection the list, its feed, its calendar and its exports must agree on."""
    import datetime

    from django.utils import timezone

    from tests.factories import make_report

    def days_ago(days):
        return timezone.now() - datetime.timedelta(days=days)

    return {
        "seoul_multicultural": make_report(
            title="ソウル多文化",
            office="seoul",
            themes=("multicultural", "sister-cities"),
            events=(("2025-12-18", "2025-12-19"), ("2026-01-10", "2026-01-10")),
            venue="安山市庁",
            city="安山",
            summary="安山市で多文化共生を学びました。",
            published_at=days_ago(1),
        ),
        "seoul_sister": make_report(
            title="ソウル姉妹都市",
            office="seoul",
            themes=("sister-cities",),
            events=(("2025-10-01", "2025-10-01"),),
            published_at=days_ago(2),
        ),
        "paris_multicultural": make_report(
            title="パリ多文化",
            office="paris",
            themes=("multicultural",),
            events=(("2025-11-05", "2025-11-07"),),
            published_at=days_ago(3),
        ),
        "seoul_no_events": make_report(
            title="行事なし",
            office="seoul",
            themes=("multicultural",),
            events=(),
            fiscal_year=2025,
            published_at=days_ago(4),
        ),
        "draft": make_report(
            title="下書き", office="seoul", themes=("multicultural",), status="draft"
        ),
        "scheduled": make_report(
            title="予約公開",
            office="seoul",
            themes=("multicultural",),
            published_at=timezone.now() + datetime.timedelta(days=1),
        ),
    }


@pytest.fixture
def smtp_inbox(settings):
    """Mail goes through Django's SMTP backend to a real server on loopback; the
    fixture is what arrived there."""
    from tests import smtp

    inbox = smtp.Inbox()
    controller = smtp.start(inbox)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": controller.hostname, "port": controller.port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


@pytest.fixture
def clock():
    """django.utils.timezone.now under the test's control (no time library is a
    dependency): starts at the real time and moves only when told."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    class Clock:
        def __init__(self):
            self.now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    clock = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock.now):
        yield clock
