"""Settings for the test suite: the real settings plus test speed-ups."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from .settings import *  # noqa: E402,F403

# Uploads of a test run go to a throwaway folder, never into data/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="clair-test-media-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "cards": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cards"},
    "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
}
# Tests read response.context, which only a rendered page has; tests/test_revision.py
# turns the page cache on.
PUBLIC_PAGE_CACHE = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Client.login() passes no request, which django-axes needs; tests of the throttling
# (tests/test_production_settings.py) turn it back on and log in through the form.
AXES_ENABLED = False
# A test changes the content and asks for the page again within the same second.
PAGE_REFRESH_SECONDS = 0
