"""Unsubscribing with one click: from the mail's link, or by a mail program (RFC 8058)."""

import pytest
from django.test import Client

from alerts.models import Alert, Subscriber
from tests.alert_helpers import sign_up, subscribed, unsubscribe_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_alerts(client, smtp_inbox):
    """An address with two alerts, another with one; the last mail to the first address."""
    subscribed(client, smtp_inbox, "leaving@example.org", query="office=seoul")
    subscribed(client, smtp_inbox, "staying@example.org", query="office=seoul")
    sign_up(client, "leaving@example.org", query="theme=multicultural")
    return smtp_inbox.messages[-1]


def test_the_unsubscribe_link_shows_a_button_and_changes_nothing(client, two_alerts):
    response = client.get(unsubscribe_path(two_alerts))
    assert response.status_code == 200 and "配信を停止する" in response.text
    assert Alert.objects.filter(subscriber__email="leaving@example.org").count() == 2


def test_the_button_deletes_the_address_and_all_its_alerts(client, two_alerts):
    response = client.post(unsubscribe_path(two_alerts))
    assert response.status_code == 200 and "配信を停止しました" in response.text
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["staying@example.org"]
    assert Alert.objects.count() == 1


def test_a_mail_programs_one_click_post_unsubscribes_without_a_csrf_token(two_alerts):
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        unsubscribe_path(two_alerts),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscriber.objects.filter(email="leaving@example.org").exists()


def test_confirming_still_needs_the_csrf_token(client, smtp_inbox):
    from tests.alert_helpers import confirm_path

    sign_up(client, "someone@example.org")
    response = Client(enforce_csrf_checks=True).post(confirm_path(smtp_inbox.messages[0]))
    assert response.status_code == 403
    assert Alert.objects.get().confirmed_at is None


def test_a_used_or_forged_unsubscribe_link_is_a_404_page(client, two_alerts):
    path = unsubscribe_path(two_alerts)
    client.post(path)
    assert client.post(path).status_code == 404
    key, _sep, signature = path.rstrip("/").rpartition("/")[2].partition(".")
    staying = Subscriber.objects.get().key
    for forged in (f"{staying}.{signature}", staying, "x" * 200):
        response = client.get(f"/alerts/unsubscribe/{forged}/")
        assert response.status_code == 404 and "このリンクは使えません" in response.text
    assert Subscriber.objects.count() == 1
