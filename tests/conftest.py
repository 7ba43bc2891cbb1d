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


def pytest_sessionstart(session):
    # English pages need the compiled catalog; .mo files are build output, not committed.
    from reports.management.commands.compile_translations import compile_catalogs

    compile_catalogs()


def pytest_sessionfinish(session, exitstatus):
    # The session-wide temp media folder of the test settings, if anything used it.
    root = Path(getattr(settings, "MEDIA_ROOT", ""))
    if root.name.startswith("clair-test-media-"):
        shutil.rmtree(root, ignore_errors=True)
