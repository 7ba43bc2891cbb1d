"""The outgoing mail server, read from the environment into Django's MAILERS.

EMAIL_URL names the server in one value (smtp://user:password@host:port for
plain SMTP, smtp+tls:// for STARTTLS, smtps:// for TLS from the first byte;
console:// prints mail instead). Without it, the usual EMAIL_HOST, EMAIL_PORT,
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS and EMAIL_USE_SSL are read.
With DEBUG and neither, mail is printed on the console, so nobody is mailed from
a laptop by accident. A parser of our own: dj-database-url is for databases
only, and the few schemes here do not warrant another dependency.
"""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
# The scheme's transport security: (use_tls = STARTTLS, use_ssl = implicit TLS).
SMTP_SCHEMES = {"smtp": (False, False), "smtp+tls": (True, False), "smtps": (False, True)}


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def parse_email_url(url: str) -> dict:
    """One MAILERS entry from an EMAIL_URL."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": CONSOLE}
    if parts.scheme not in SMTP_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtp+tls://, smtps:// or console://, "
            f"not {parts.scheme}://."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host (smtp://user:password@host:port).")
    use_tls, use_ssl = SMTP_SCHEMES[parts.scheme]
    options = {"host": parts.hostname, "use_tls": use_tls, "use_ssl": use_ssl, "timeout": 30}
    if parts.port:
        options["port"] = parts.port
    # Passwords with @ or : must be percent-encoded in a URL; decode them here.
    if parts.username:
        options["username"] = unquote(parts.username)
    if parts.password:
        options["password"] = unquote(parts.password)
    return {"BACKEND": SMTP, "OPTIONS": options}


def mailer_from_environment(environ, *, debug: bool) -> dict:
    """The default mailer: EMAIL_URL, else EMAIL_HOST and friends, else (DEBUG) the console."""
    if environ.get("EMAIL_URL"):
        return parse_email_url(environ["EMAIL_URL"])
    if not environ.get("EMAIL_HOST") and debug:
        return {"BACKEND": CONSOLE}
    options = {
        "host": environ.get("EMAIL_HOST") or "localhost",
        "username": environ.get("EMAIL_HOST_USER", ""),
        "password": environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": _flag(environ.get("EMAIL_USE_TLS")),
        "use_ssl": _flag(environ.get("EMAIL_USE_SSL")),
        "timeout": 30,
    }
    if environ.get("EMAIL_PORT"):
        options["port"] = int(environ["EMAIL_PORT"])
    if options["use_tls"] and options["use_ssl"]:
        raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
    return {"BACKEND": SMTP, "OPTIONS": options}
