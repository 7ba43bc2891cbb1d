"""The write paths of alerts: a sign-up request, confirming, unsubscribing, expiry.

Double opt-in: a request only records an unconfirmed alert and mails a link;
nothing else is sent until the link is followed (confirm), and requests not
confirmed within CONFIRM_DAYS are deleted (expire_unconfirmed, run by the
send_alerts command).
"""

import datetime

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from . import limits, tokens
from . import mail as alert_mail
from .models import Alert, Subscriber

CONFIRM_DAYS = 7


def confirm_deadline(now: datetime.datetime | None = None) -> datetime.datetime:
    """Requests made before this have expired."""
    return (now or timezone.now()) - datetime.timedelta(days=CONFIRM_DAYS)


def send_now(message) -> None:
    with mail.mailers.default as backend:
        if backend.send_messages([message]) != 1:
            raise RuntimeError("The mail backend did not send the message.")


def alert_request(*, email: str, query: str, frequency: str, language: str) -> None:
    """Record a request for alerts on `query` and mail the one reply it calls for.

    Returns nothing on purpose: whether the address was new, already had this
    alert, holds the most alerts allowed or has asked too often this hour, the
    page answers the same, so nobody learns from it who subscribes. Only the
    address's owner reads the difference, in the mail (none past the hourly limit).
    """
    if not limits.address_allowed(email):
        return
    secret = tokens.new_secret()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(email=email)
        alert = subscriber.alerts.filter(query=query, frequency=frequency).first()
        if alert is not None and alert.confirmed_at:
            kind = "already"
        elif alert is None and subscriber.alerts.count() >= settings.ALERTS_MAX_PER_ADDRESS:
            kind = "full"
        else:
            # A repeated request renews the link (the earlier one stops working) and its 7 days.
            kind = "confirm"
            alert = alert or Alert(subscriber=subscriber, query=query, frequency=frequency)
            alert.language = language
            alert.confirm_token_hash = tokens.secret_hash(secret)
            alert.requested_at = timezone.now()
            alert.save()
    token = tokens.confirm_token(alert.pk, secret) if kind == "confirm" else ""
    send_now(
        alert_mail.request_reply(
            subscriber=subscriber,
            alert=alert,
            kind=kind,
            query=query,
            language=language,
            token=token,
        )
    )


def pending_alert(token: str) -> Alert | None:
    """The unconfirmed, unexpired alert a confirmation link is for, or None."""
    parts = tokens.split_confirm_token(token)
    if parts is None:
        return None
    alert_id, secret = parts
    alert = (
        Alert.objects.unconfirmed()
        .filter(pk=alert_id, requested_at__gt=confirm_deadline())
        .select_related("subscriber")
        .first()
    )
    if alert is None or not tokens.secret_matches(secret, alert.confirm_token_hash):
        return None
    return alert


def alert_confirm(*, alert: Alert) -> Alert:
    """Start sending `alert`: its first digest holds reports published from now on."""
    now = timezone.now()
    # One UPDATE that only an unconfirmed row matches: a double click confirms once.
    Alert.objects.unconfirmed().filter(pk=alert.pk).update(
        confirmed_at=now, sent_until=now, confirm_token_hash=""
    )
    alert.refresh_from_db()
    return alert


def unsubscribing(token: str) -> Subscriber | None:
    """The subscriber an unsubscribe link is for, or None."""
    key = tokens.subscriber_key(token)
    return Subscriber.objects.filter(key=key).first() if key else None


def subscriber_delete(*, subscriber: Subscriber) -> None:
    """Unsubscribe: the address and all its alerts are deleted at once."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()


@transaction.atomic
def expire_unconfirmed(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Delete requests not confirmed within CONFIRM_DAYS, and addresses left with no alert.

    Returns how many requests expired (would expire, with dry_run).
    """
    expired = Alert.objects.unconfirmed().filter(requested_at__lte=confirm_deadline(now))
    count = expired.count()
    if not dry_run:
        expired.delete()
        Subscriber.objects.filter(alerts__isnull=True).delete()
    return count
