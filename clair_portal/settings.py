"""Settings for the CLAIR exchange portal.

Everything that differs between a laptop and production comes from the
environment; the defaults are safe for local use only.
"""

import datetime
import os
import subprocess
import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .settings_email import mailer_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def git_commit(folder: Path) -> str:
    """The commit checked out in `folder`, or "" where there is no git checkout."""
    try:
        return subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "For local use, set DEBUG=1 (the README's quick start does)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The portal's own domain, for identifiers that must not depend on the name a
# request came in by (Atom entry ids): the first concrete ALLOWED_HOSTS entry
# unless set.
SITE_DOMAIN = os.environ.get("SITE_DOMAIN") or next(
    (host.lstrip(".") for host in ALLOWED_HOSTS if host != "*" and not host.startswith("[")),
    "localhost",
)

# Where links in mail point (mail has no request to take the host from): https in
# production, http with DEBUG; set SITE_URL for another scheme or a port.
SITE_URL = (os.environ.get("SITE_URL") or f"{'http' if DEBUG else 'https'}://{SITE_DOMAIN}").rstrip(
    "/"
)

INSTALLED_APPS = [
    "clair_portal.apps.PortalAdminConfig",  # Django's admin, see admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "logins.apps.AxesConfig",  # django-axes
    "logins",
    "offices",
    "reports",
    "municipalities",
    "forum",
    "alerts",
]

MIDDLEWARE = [
    # First: the request id and the log line cover everything below, errors included.
    "clair_portal.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Public reads on read replicas when DATABASE_REPLICA_URLS names any (else a no-op).
    "clair_portal.replicas.ReplicaMiddleware",
    # Records which user made each change kept in a report's history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: refuses logins from a locked-out username and address.
    "axes.middleware.AxesMiddleware",
]

# Report history is read-only in the admin (see ReportAdmin.history_form_view).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Content Security Policy: everything from this site only, never framed. The public
# pages have no inline script or style at all; the admin's few inline blocks carry
# the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

ROOT_URLCONF = "clair_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "clair_portal.wsgi.application"

# The data folder holds the local SQLite database and uploads; it is git-ignored.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))

if not os.environ.get("DATABASE_URL"):
    # A fresh clone has no data folder yet (it is git-ignored).
    DATA_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# Read replicas (optional): PostgreSQL streaming replicas, comma-separated URLs. Public
# pages read them; staff, writes and what a request reads after writing use the
# primary (clair_portal/replicas.py, docs/operations.md#read-replicas).
DATABASE_REPLICA_URLS = [
    url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if url.strip()
]
for number, url in enumerate(DATABASE_REPLICA_URLS):
    DATABASES[f"replica{number}"] = dj_database_url.parse(
        url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    # A replica that does not answer is set aside after 2 s, not after the OS's timeout.
    DATABASES[f"replica{number}"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    # Tests run against the primary's test database.
    DATABASES[f"replica{number}"]["TEST"] = {"MIRROR": "default"}
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["clair_portal.replicas.ReplicaRouter"]
for database in DATABASES.values():
    if database["ENGINE"].endswith("postgresql"):
        # No JIT: it compiles a query when its estimated cost is high, which the counts'
        # is at 100,000 reports, and spent 43 ms of the 282 compiling, at every count.
        database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "2"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Counts failed logins first; see AXES_* below.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Admin login throttling: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is refused until the cool-off has passed (locked-out staff are not
# locked out for good, and an attacker cannot lock a colleague out from elsewhere).
# Proxies in front of the portal that append to X-Forwarded-For (nginx with
# proxy_add_x_forwarded_for: 1). The login throttle keys on the visitor's address
# behind them (clair_portal/client_ip.py); 0 takes the connection's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "clair_portal.client_ip.client_ip"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_VERBOSE = False
# The admin shows django-axes' records through logins/ (in Japanese), not its own pages.
AXES_ENABLE_ADMIN = False

# Staff sessions end with the browser or after SESSION_HOURS, whichever comes first.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_HOURS", "8")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Photos in object storage (S3 or any S3-compatible service) instead of MEDIA_ROOT, so
# that every node reads and writes the same files: django-storages' S3Storage. The
# bucket stays private; photos are still served through /photos/<key>/<file>, which
# checks that the report is public before it streams the file.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "location": os.environ.get("MEDIA_S3_PREFIX", ""),
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }

# Locally and in tests, serve static files straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Largest photo file accepted, in bytes (the pixel limit is reports.images.MAX_PIXELS).
# The web server in front must accept request bodies at least this large.
PHOTO_MAX_UPLOAD_BYTES = int(os.environ.get("PHOTO_MAX_UPLOAD_BYTES", 15 * 1024 * 1024))

# A cache in each process (no extra service to run). What the public pages
# cache, counts and whole pages, is keyed by the content revision, so it is never
# stale (reports/revision.py); PUBLIC_PAGE_CACHE=0 renders every page afresh.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "1000"))},
    },
    # Request counters of the alert sign-up form (alerts/limits.py), apart so that
    # cached pages cannot push them out.
    "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
    # Report cards keyed by their content (reports/cards.py), apart
    # so that they do not push whole pages out. About 1.5 KB each.
    "cards": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cards",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CARD_CACHE_MAX_ENTRIES", "10000"))},
    },
}
# With REDIS_URL (redis://host:6379/0) every cache is shared by all workers and nodes
# through Django's own RedisCache: a change is counted and rendered once for the
# whole site, not once per process, and the sign-up limits count every request.
# Without it, each process keeps its own (the quick start needs nothing installed).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"clair:{name}",
        }
        for name in CACHES
    }
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", True)
# After a change, visitors get a page rendered less than STALE_PAGE_SECONDS ago at once
# while the new one is rendered after a response; each page at most once every
# PAGE_REFRESH_SECONDS however often the content changes (content_revision.py).
STALE_PAGE_SECONDS = float(os.environ.get("STALE_PAGE_SECONDS", "60"))
PAGE_REFRESH_SECONDS = float(os.environ.get("PAGE_REFRESH_SECONDS", "5"))
# Page n of a list costs an index walk past (n - 1) × 20 rows: lists stop here and
# say how to narrow them (reports/pagination.py).
LIST_MAX_PAGES = 500
# A search page is read by walking the list's order when its last row lies within
# this many reports, reading at least SEARCH_WALK_MIN_WINDOW (reports/search.py;
# the figures behind them are in docs/performance.md).
SEARCH_WALK_BUDGET = 5_000
SEARCH_WALK_MIN_WINDOW = 1_000
# Which code is running: part of every public page's ETag and cache key, so no
# page the previous code rendered is served after a deploy. Set it on deploy (the
# commit, a version); by default the checkout's git commit. With DEBUG, the time
# the process started too: the development server restarts on every change.
RELEASE = os.environ.get("RELEASE") or git_commit(BASE_DIR) or "unreleased"
if DEBUG:
    RELEASE += f"+{time.time():.0f}"

# Photos are served by reports.views.photo_file, which checks that the report is
# public. Behind nginx, set this to an internal location that maps to MEDIA_ROOT
# (e.g. /protected-media/): Django checks, nginx sends the file.
PHOTO_ACCEL_REDIRECT = os.environ.get("PHOTO_ACCEL_REDIRECT", "")
# New photo files one save of the admin form may carry: each takes up to about
# a second of processing, and a request must end well within gunicorn's 30 s.
PHOTO_MAX_UPLOADS_PER_SAVE = int(os.environ.get("PHOTO_MAX_UPLOADS_PER_SAVE", "5"))

# One JSON object per line on standard error (clair_portal/observability.py): a line
# per request with its id, status and duration, errors with their context.
# LOG_FORMAT=text gives plain lines for reading in a terminal (the default with DEBUG).
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "clair_portal.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "clair_portal.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # 4xx are in the request line already; django.request still logs every 5xx
        # with its exception. runserver's own access lines would repeat ours.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}

# The admin's address is configurable so it need not be the well-known /admin/.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Outgoing mail (clair_portal/settings_email.py): EMAIL_URL, or EMAIL_HOST and the
# usual EMAIL_* variables; with DEBUG and neither, printed on the console.
MAILERS = {"default": mailer_from_environment(os.environ, debug=DEBUG)}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"CLAIR <noreply@{SITE_DOMAIN}>")

# Alerts by email (alerts/, docs/alerts.md): how many alerts one address may hold,
# and how many sign-up requests an address, and a client, may make in an hour.
ALERTS_MAX_PER_ADDRESS = int(os.environ.get("ALERTS_MAX_PER_ADDRESS", "20"))
ALERTS_RATE_PER_HOUR = int(os.environ.get("ALERTS_RATE_PER_HOUR", "5"))
