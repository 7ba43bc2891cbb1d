"""The mails of alerts, built, not sent: the sign-up replies and the digests.

Each mail is plain text with an HTML alternative, in the alert's language, with
absolute links to settings.SITE_URL (a mail has no request to take the host
from), and carries a one-click unsubscribe link in its body and in the
List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058), so mail programs
can offer their own unsubscribe button.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import saved_search, tokens
from .models import Alert, Subscriber

# The reports a digest lists; further ones are counted, with a link to the list.
DIGEST_MAX_REPORTS = 30


class OneLineHeader(str):
    """A header value that Python's email package writes on one line, unfolded.

    It folds a line longer than 78 characters, and a URL, having no space to
    fold at, becomes RFC 2047 encoded words (=?utf-8?q?...?=), which mail
    programs do not read as a List-Unsubscribe URL (RFC 2369 allows no
    whitespace inside the brackets either). One line is within RFC 5322's
    limit of 998 characters. The email package keeps a value that has a name
    and a fold() as it is (EmailPolicy.header_store_parse).
    """

    def __new__(cls, name: str, value: str):
        if len(name) + len(value) + 2 > 998 or "\n" in value or "\r" in value:
            raise ValueError(f"{name} must fit on one line of 998 characters.")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(subscriber: Subscriber) -> str:
    """In the active language (the unsubscribe page speaks it)."""
    return absolute(reverse("alerts:unsubscribe", args=[tokens.unsubscribe_token(subscriber.key)]))


def list_url(query: str) -> str:
    return absolute(reverse("reports:list") + (f"?{query}" if query else ""))


def _message(*, subscriber: Subscriber, subject: str, template: str, context: dict):
    unsubscribe = unsubscribe_url(subscriber)
    context = {**context, "unsubscribe_url": unsubscribe, "site_url": absolute("/")}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"alerts/email/{template}.txt", context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": OneLineHeader("List-Unsubscribe", f"<{unsubscribe}>"),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # Out-of-office replies and the like are not sent back to automatic mail.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"alerts/email/{template}.html", context), "text/html"
    )
    return message


def request_reply(
    *, subscriber: Subscriber, alert: Alert | None, kind: str, query: str, language: str, token=""
) -> EmailMultiAlternatives:
    """The one mail a sign-up request gets: kind "confirm" (with the confirmation link),
    "already" (that search is already being sent) or "full" (the address holds the
    most alerts allowed). Only the address's owner reads which it was."""
    with translation.override(language):
        confirm = absolute(reverse("alerts:confirm", args=[token])) if token else ""
        subjects = {
            "confirm": _("CLAIR 活動報告: 新着メールの登録の確認"),
            "already": _("CLAIR 活動報告: この新着メールは登録済みです"),
            "full": _("CLAIR 活動報告: 新着メールの登録数が上限に達しています"),
        }
        return _message(
            subscriber=subscriber,
            subject=subjects[kind],
            template="request",
            context={
                "kind": kind,
                "scope": saved_search.in_words(query),
                "frequency": alert.get_frequency_display() if alert else "",
                "confirm_url": confirm,
                "list_url": list_url(query),
                "max_alerts": settings.ALERTS_MAX_PER_ADDRESS,
            },
        )


def digest(*, alert: Alert, reports: list, total: int) -> EmailMultiAlternatives:
    """The reports new to `alert` (the first DIGEST_MAX_REPORTS of `total`), each a link."""
    with translation.override(alert.language):
        scope = saved_search.in_words(alert.query)
        subject = ngettext(
            "CLAIR 活動報告: %(scope)sの新着 %(count)s件",
            "CLAIR 活動報告: %(scope)sの新着 %(count)s件",
            total,
        ) % {"scope": scope, "count": total}
        items = [
            {
                "title": report.display_title,
                "summary": report.display_summary,
                "office": report.office.name,
                "published_at": report.published_at,
                "url": absolute(report.get_absolute_url()),
            }
            for report in reports[:DIGEST_MAX_REPORTS]
        ]
        return _message(
            subscriber=alert.subscriber,
            subject=subject,
            template="digest",
            context={
                "title": saved_search.title(alert.query),
                "scope": scope,
                "reports": items,
                "total": total,
                "more": total - len(items),
                "list_url": list_url(alert.query),
                "frequency": alert.get_frequency_display(),
            },
        )
