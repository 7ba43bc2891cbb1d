"""Signing up through the pages and reading the mail that arrives, for tests/test_alerts_*.py."""

import re
from urllib.parse import urlsplit

from alerts.models import Alert

LINK = re.compile(r"https?://[^\s<>\"]+")


def parts(message) -> tuple[str, str]:
    """The plain-text and HTML parts of a message as it arrived."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def links(text: str) -> list[str]:
    return LINK.findall(text)


def path_of(url: str) -> str:
    split = urlsplit(url)
    return split.path + (f"?{split.query}" if split.query else "")


def confirm_path(message) -> str:
    text, _html = parts(message)
    return next(path_of(url) for url in links(text) if "/alerts/confirm/" in url)


def unsubscribe_path(message) -> str:
    return path_of(message["List-Unsubscribe"].strip("<>"))


def sign_up(client, email, *, query="office=seoul", frequency="daily", prefix="", **extra):
    return client.post(
        f"{prefix}/alerts/subscribe/",
        {"email": email, "frequency": frequency, "query": query},
        **extra,
    )


def subscribed(client, inbox, email, **kwargs) -> Alert:
    """An alert made and confirmed through the pages and the mail; the inbox left empty."""
    sign_up(client, email, **kwargs)
    client.post(confirm_path(inbox.messages[-1]))
    inbox.clear()
    return Alert.objects.get(subscriber__email=email, query=kwargs.get("query", "office=seoul"))
