"""Settings for the CLAIR exchange portal.

Everything that differs between a laptop and production comes from the
environment; the defaults are safe for local use only.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "axes",
    "offices",
    "reports",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Counts failed logins first; see AXES_* below.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Admin login throttling: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is refused until the cool-off has passed (locked-out staff are not
# locked out for good, and an attacker cannot lock a colleague out from elsewhere).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_VERBOSE = False

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
    # Report cards keyed by their content (reports/templatetags/card_tags.py), apart
    # so that they do not push whole pages out. About 1.5 KB each.
    "cards": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cards",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CARD_CACHE_MAX_ENTRIES", "10000"))},
    },
}
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", True)

# Media is served by Django itself only when SERVE_MEDIA is on (local use);
# in production a web server or object store serves it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

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
