"""Alerts in the admin: staff see counts, only superusers see addresses."""

import pytest
from django.test import Client

from alerts.models import Alert
from reports import roles
from tests.alert_helpers import sign_up, subscribed
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(smtp_inbox):
    subscribed(Client(), smtp_inbox, "reader@example.org", query="office=seoul")
    subscribed(Client(), smtp_inbox, "other@example.org", query="office=seoul")
    sign_up(Client(), "pending@example.org", query="theme=multicultural", frequency="weekly")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_counts_by_frequency_and_search_but_no_address(django_user_model, alerts):
    editor = logged_in(staff(django_user_model, "hq", group=roles.HQ_EDITORS))
    response = editor.get("/admin/alerts/alert/")
    assert response.status_code == 200
    by_query = {
        row["search"]: (row["confirmed"], row["pending"]) for row in response.context["by_query"]
    }
    assert by_query == {"ソウル事務所": (2, 0), "多文化共生": (0, 1)}
    assert "@example.org" not in response.text


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/admin/alerts/alert/{alert}/change/", 403),
        ("/admin/alerts/subscriber/", 403),
        ("/admin/alerts/alert/?subscriber__email__startswith=r", 400),
        ("/admin/alerts/alert/?subscriber={subscriber}", 400),
    ],
)
def test_staff_cannot_reach_or_narrow_down_to_a_subscriber(django_user_model, alerts, url, status):
    editor = logged_in(staff(django_user_model, "hq", group=roles.HQ_EDITORS))
    alert = Alert.objects.order_by("pk").first()  # ids differ between databases
    response = editor.get(url.format(alert=alert.pk, subscriber=alert.subscriber_id))
    assert response.status_code == status
    assert "@example.org" not in response.text


def test_staff_cannot_search_the_alerts_by_address(django_user_model, alerts):
    editor = logged_in(staff(django_user_model, "hq", group=roles.HQ_EDITORS))
    response = editor.get("/admin/alerts/alert/?q=nobody")
    assert response.status_code == 200 and 'name="q"' not in response.text


def test_superusers_see_the_addresses(admin_client_logged_in, alerts):
    assert "reader@example.org" in admin_client_logged_in.get("/admin/alerts/alert/").text
    subscribers = admin_client_logged_in.get("/admin/alerts/subscriber/").text
    assert "pending@example.org" in subscribers
