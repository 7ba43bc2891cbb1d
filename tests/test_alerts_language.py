"""The pages and mail of alerts speak the language they were made in: no Japanese
interface text on English pages, no English in the admin's pages of alerts."""

import pytest
from django.test import Client

from alerts.models import Alert
from reports import roles
from tests.alert_helpers import confirm_path, parts, sign_up, subscribed, unsubscribe_path
from tests.factories import staff
from tests.test_admin_language import english_on
from tests.test_english_ui import JAPANESE, japanese_ui_text

pytestmark = pytest.mark.django_db


def test_every_alert_page_in_english_has_no_japanese_interface_text(client, smtp_inbox, settings):
    pages = {
        "sign up": client.get("/en/alerts/subscribe/?office=seoul"),
        "check mail": sign_up(client, "en@example.org", prefix="/en"),
        "invalid address": sign_up(client, "nonsense", prefix="/en"),
    }
    confirm = confirm_path(smtp_inbox.messages[0])
    pages["confirm"] = client.get(confirm)
    pages["confirmed"] = client.post(confirm)
    unsubscribe = unsubscribe_path(smtp_inbox.messages[0])
    pages["unsubscribe"] = client.get(unsubscribe)
    pages["unsubscribed"] = client.post(unsubscribe)
    pages["invalid link"] = client.get(unsubscribe)
    settings.ALERTS_RATE_PER_HOUR = 0
    pages["too many"] = sign_up(client, "en@example.org", prefix="/en")
    found = {name: japanese_ui_text(page.text) for name, page in pages.items()}
    assert found == dict.fromkeys(pages, [])


def test_english_mail_has_no_japanese(client, smtp_inbox):
    sign_up(client, "en@example.org", prefix="/en")
    [message] = smtp_inbox.messages
    text, html = parts(message)
    assert not JAPANESE.search(message["Subject"] + text + html)


def test_the_admin_pages_of_alerts_have_no_english(django_user_model, smtp_inbox):
    subscribed(Client(), smtp_inbox, "reader@example.org")
    editor, boss = Client(), Client()
    editor.force_login(staff(django_user_model, "本部担当", group=roles.HQ_EDITORS))
    boss.force_login(staff(django_user_model, "管理者", superuser=True))
    assert english_on(editor, ["/admin/alerts/alert/"]) == {}
    alert = Alert.objects.get()  # its id differs between databases
    pages = [
        "/admin/alerts/alert/",
        "/admin/alerts/subscriber/",
        f"/admin/alerts/alert/{alert.pk}/change/",
    ]
    assert english_on(boss, pages, content=["reader@example.org"]) == {}
