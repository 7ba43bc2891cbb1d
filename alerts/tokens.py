"""The secrets in alert links: confirmation links and unsubscribe links.

A confirmation link is "<alert id>.<secret>": the id finds the row, and the
secret (secrets.token_urlsafe(32)) is compared in constant time with the sha256
stored for it, so the database never holds a usable link and a guess learns
nothing from timing.

An unsubscribe link must be in every mail for as long as the address is
subscribed, so it cannot be a secret shown once: it is the subscriber's key
signed with SECRET_KEY (django.core.signing, constant-time too). Rotating
SECRET_KEY breaks older links unless the old key is kept in SECRET_KEY_FALLBACKS.
"""

import hashlib
import hmac
import secrets

from django.core import signing

UNSUBSCRIBE_SALT = "alerts.unsubscribe"
SEPARATOR = "."  # not in the url-safe base64 alphabet of keys and secrets


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def confirm_token(alert_id: int, secret: str) -> str:
    return f"{alert_id}{SEPARATOR}{secret}"


def split_confirm_token(token: str) -> tuple[int, str] | None:
    """(alert id, secret) of a well-formed token, else None."""
    alert_id, _sep, secret = token.partition(SEPARATOR)
    if not alert_id.isdigit() or not secret or len(alert_id) > 18:
        return None
    return int(alert_id), secret


def secret_matches(secret: str, stored_hash: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(secret_hash(secret), stored_hash)


def _signer() -> signing.Signer:
    return signing.Signer(salt=UNSUBSCRIBE_SALT, sep=SEPARATOR)


def unsubscribe_token(key: str) -> str:
    return _signer().sign(key)


def subscriber_key(token: str) -> str | None:
    """The key an unsubscribe token was signed for, or None if it was not signed here."""
    try:
        return _signer().unsign(token)
    except signing.BadSignature:
        return None
