"""Production settings: settings.py plus HTTPS everywhere.

Use with DJANGO_SETTINGS_MODULE=clair_portal.production behind a TLS-terminating
proxy that sets X-Forwarded-Proto. `python manage.py check --deploy` reports nothing
under these settings (tests/test_production_settings.py). The plain settings module
stays usable over HTTP on loopback (local use, the benchmark).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import ALLOWED_HOSTS, DEBUG, env_bool

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG).")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must list the site's host names, e.g. portal.clair.or.jp."
    )

# The proxy terminates TLS and says so; Django then builds https:// URLs and redirects http.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
