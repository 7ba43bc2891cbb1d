"""Signing up for alerts: the page, the one confirmation mail, confirming, expiry, limits."""

import pytest
from django.core.management import call_command
from django.test import Client

from alerts.models import Alert, Subscriber
from tests.alert_helpers import confirm_path, parts, sign_up, subscribed

pytestmark = pytest.mark.django_db

SAME_ANSWER = "確認のメールを送りました（登録済みの場合も同じ表示です）"


def test_the_sign_up_page_names_the_search_in_words_and_keeps_only_valid_parameters(client):
    response = client.get(
        "/alerts/subscribe/?theme=sister-cities&office=seoul&page=2&sort=oldest&bogus=1&fy=abc"
    )
    assert "「ソウル事務所、姉妹都市・自治体間交流の新着」" in response.text
    assert response.context["form"]["query"].value() == "office=seoul&theme=sister-cities"


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("/reports/?office=seoul&page=1&sort=oldest", "/alerts/subscribe/?office=seoul"),
        ("/offices/seoul/", "/alerts/subscribe/?office=seoul"),
        ("/themes/multicultural/", "/alerts/subscribe/?theme=multicultural"),
        ("/en/themes/multicultural/", "/en/alerts/subscribe/?theme=multicultural"),
        ("/municipalities/324485/", "/alerts/subscribe/?municipality=324485"),
        ("/municipalities/320005/", "/alerts/subscribe/?prefecture=32"),
    ],
)
def test_list_office_theme_and_local_government_pages_link_to_the_sign_up_for_their_search(
    client, url, link
):
    assert f'href="{link}"' in client.get(url).text


def test_signing_up_sends_exactly_one_confirmation_mail_and_nothing_else(client, smtp_inbox):
    response = sign_up(client, "Someone@Example.ORG", query="office=seoul&theme=sister-cities")
    assert response.status_code == 200 and SAME_ANSWER in response.text
    [message] = smtp_inbox.messages
    assert message["To"] == "Someone@example.org"  # the domain in lower case
    assert message["Subject"] == "CLAIR 活動報告: 新着メールの登録の確認"
    text, html = parts(message)
    assert "「ソウル事務所、姉妹都市・自治体間交流」の新着メール（毎日）" in text
    assert confirm_path(message) in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    alert = Alert.objects.get()
    assert alert.confirmed_at is None and alert.query == "office=seoul&theme=sister-cities"
    call_command("send_alerts")
    assert len(smtp_inbox.messages) == 1  # nothing is sent to an unconfirmed alert


def test_the_confirmation_link_stores_only_a_hash_of_its_secret(client, smtp_inbox):
    sign_up(client, "someone@example.org")
    secret = confirm_path(smtp_inbox.messages[0]).split(".")[-1].strip("/")
    assert secret not in Alert.objects.get().confirm_token_hash


def test_an_address_already_subscribed_gets_the_same_page(client, smtp_inbox):
    first = sign_up(client, "new@example.org")
    subscribed(Client(), smtp_inbox, "old@example.org")
    again = sign_up(client, "old@example.org")
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    [notice] = smtp_inbox.messages  # only its owner learns it was already subscribed
    assert notice["To"] == "old@example.org"
    assert "すでに登録されています" in parts(notice)[0]
    assert Alert.objects.filter(subscriber__email="old@example.org").count() == 1


def test_following_the_confirmation_link_does_not_confirm(client, smtp_inbox):
    sign_up(client, "someone@example.org")
    response = client.get(confirm_path(smtp_inbox.messages[0]))
    assert response.status_code == 200 and "登録を確定する" in response.text
    assert Alert.objects.get().confirmed_at is None


def test_posting_the_confirmation_confirms_and_starts_from_now(client, smtp_inbox):
    sign_up(client, "someone@example.org")
    response = client.post(confirm_path(smtp_inbox.messages[0]))
    assert response.status_code == 200 and "登録が完了しました" in response.text
    alert = Alert.objects.get()
    assert alert.confirmed_at is not None and alert.sent_until == alert.confirmed_at
    assert alert.confirm_token_hash == ""
    assert client.post(confirm_path(smtp_inbox.messages[0])).status_code == 404  # used once


@pytest.mark.parametrize("token", ["nonsense", "1.wrong-secret", "99999.abc", "1."])
def test_a_bad_confirmation_link_is_a_404_page_that_says_so(client, smtp_inbox, token):
    sign_up(client, "someone@example.org")
    for method in (client.get, client.post):
        response = method(f"/alerts/confirm/{token}/")
        assert response.status_code == 404 and "このリンクは使えません" in response.text
    assert Alert.objects.get().confirmed_at is None


def test_unconfirmed_requests_expire_after_seven_days(client, smtp_inbox, clock):
    sign_up(client, "late@example.org")
    link = confirm_path(smtp_inbox.messages[0])
    subscribed(Client(), smtp_inbox, "kept@example.org")
    clock.advance(days=7, seconds=1)
    assert client.get(link).status_code == 404
    call_command("send_alerts")
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["kept@example.org"]
    assert Alert.objects.count() == 1


def test_a_request_within_seven_days_is_kept(client, smtp_inbox, clock):
    sign_up(client, "someone@example.org")
    clock.advance(days=6, hours=23)
    call_command("send_alerts")
    assert client.post(confirm_path(smtp_inbox.messages[0])).status_code == 200


def test_too_many_requests_from_one_client_get_a_429_page(client, smtp_inbox, settings):
    settings.ALERTS_RATE_PER_HOUR = 2
    for n in range(2):
        assert sign_up(client, f"a{n}@example.org").status_code == 200
    response = sign_up(client, "a3@example.org")
    assert response.status_code == 429 and "申し込みが多すぎます" in response.text
    assert len(smtp_inbox.messages) == 2


def test_the_client_limit_counts_the_address_behind_the_trusted_proxy(smtp_inbox, settings):
    settings.ALERTS_RATE_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    assert sign_up(proxy, "a@example.org", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    assert sign_up(proxy, "b@example.org", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200
    assert sign_up(proxy, "c@example.org", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


def test_too_many_requests_for_one_address_send_no_more_mail_and_look_the_same(
    smtp_inbox, settings
):
    settings.ALERTS_RATE_PER_HOUR = 2
    answers = [
        sign_up(Client(REMOTE_ADDR=f"192.0.2.{n}"), "target@example.org", query=f"fy={2020 + n}")
        for n in range(3)
    ]
    assert {answer.status_code for answer in answers} == {200}
    assert answers[2].content == answers[0].content
    assert len(smtp_inbox.messages) == 2


def test_an_address_holds_at_most_the_configured_number_of_alerts(client, smtp_inbox, settings):
    settings.ALERTS_MAX_PER_ADDRESS = 2
    for year in (2023, 2024, 2025):
        assert SAME_ANSWER in sign_up(client, "many@example.org", query=f"fy={year}").text
    assert Alert.objects.count() == 2
    assert "件までです" in parts(smtp_inbox.messages[-1])[0]


def test_an_invalid_address_is_shown_again_with_the_error(client, smtp_inbox):
    response = sign_up(client, "not-an-address")
    assert response.status_code == 400 and "メールアドレス" in response.text
    assert smtp_inbox.messages == [] and Alert.objects.count() == 0


def test_a_sign_up_on_an_english_page_makes_an_english_alert(client, smtp_inbox):
    sign_up(client, "en@example.org", prefix="/en")
    [message] = smtp_inbox.messages
    assert Alert.objects.get().language == "en"
    assert "/en/alerts/confirm/" in confirm_path(message)
    text, _html = parts(message)
    assert "Seoul" in text and "ソウル" not in text


def test_a_repeated_request_renews_the_link(client, smtp_inbox, clock):
    sign_up(client, "someone@example.org")
    first = confirm_path(smtp_inbox.messages[0])
    clock.advance(days=5)
    sign_up(client, "someone@example.org")
    second = confirm_path(smtp_inbox.messages[1])
    clock.advance(days=5)
    assert client.get(first).status_code == 404
    assert client.post(second).status_code == 200
    assert Alert.objects.get().confirmed_at == clock.now


def test_the_privacy_policy_says_what_alerts_store_and_for_how_long(client):
    text = client.get("/privacy/").text
    assert "メールアドレス、選んだ検索条件" in text and "7 日後に削除" in text
    assert "システム管理者だけ" in text
