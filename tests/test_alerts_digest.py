"""send_alerts: the digests as they arrive at a real SMTP server, and runs that fail,
are interrupted or overlap a publication."""

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from alerts import mail as alert_mail
from alerts.models import Alert
from tests.alert_helpers import links, parts, path_of, subscribed
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def published(clock, title, *, office="seoul", themes=("sister-cities",), hours_ago=1):
    return make_report(
        title=title,
        office=office,
        themes=themes,
        published_at=clock.now - datetime.timedelta(hours=hours_ago),
    )


def titles(message) -> list[str]:
    text, _html = parts(message)
    return [line[2:] for line in text.splitlines() if line.startswith("■ ")]


def test_a_digest_holds_the_new_matching_reports_in_both_parts(client, smtp_inbox, clock):
    published(clock, "前からある報告", hours_ago=48)
    subscribed(client, smtp_inbox, "reader@example.org", query="office=seoul")
    clock.advance(days=1)
    published(clock, "ソウルの新着")
    published(clock, "パリの新着", office="paris")
    call_command("send_alerts")
    [message] = smtp_inbox.messages
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == "CLAIR 活動報告: ソウル事務所の新着 1件"
    assert titles(message) == ["ソウルの新着"]
    text, html = parts(message)
    assert "ソウルの新着</a>" in html and "パリ" not in text + html
    for url in links(text):  # every link works: the report, the list, unsubscribing
        assert client.get(path_of(url)).status_code == 200, url
    assert all(url.startswith("https://localhost/") for url in links(text))


def test_no_mail_when_nothing_is_new(client, smtp_inbox, clock):
    subscribed(client, smtp_inbox, "reader@example.org", query="office=seoul")
    clock.advance(days=1)
    published(clock, "パリの新着", office="paris")
    call_command("send_alerts")
    assert smtp_inbox.messages == []
    assert Alert.objects.get().sent_until > clock.now - datetime.timedelta(minutes=5)


def test_an_alert_made_on_an_english_page_gets_an_english_digest(client, smtp_inbox, clock):
    subscribed(client, smtp_inbox, "en@example.org", query="theme=multicultural", prefix="/en")
    clock.advance(days=1)
    report = published(clock, "多文化の報告", themes=("multicultural",))
    report.title_en = "A multicultural report"
    report.save()
    call_command("send_alerts")
    [message] = smtp_inbox.messages
    assert message["Subject"] == "CLAIR activity reports: 1 new in Multicultural coexistence"
    text, _html = parts(message)
    assert "A multicultural report" in text
    assert f"https://localhost/en/reports/{report.slug}/" in links(text)
    assert "/en/alerts/unsubscribe/" in message["List-Unsubscribe"]


def test_a_daily_alert_gets_one_digest_a_day_and_a_weekly_one_a_week(smtp_inbox, clock):
    subscribed(Client(), smtp_inbox, "daily@example.org", frequency="daily")
    subscribed(Client(), smtp_inbox, "weekly@example.org", frequency="weekly")
    for day in range(7):
        clock.advance(days=1)
        published(clock, f"{day + 1}日目の報告")
        call_command("send_alerts")
    daily = [m for m in smtp_inbox.messages if m["To"] == "daily@example.org"]
    [weekly] = [m for m in smtp_inbox.messages if m["To"] == "weekly@example.org"]
    assert [titles(m) for m in daily] == [[f"{day}日目の報告"] for day in range(1, 8)]
    assert titles(weekly) == [f"{day}日目の報告" for day in range(1, 8)]


def test_a_second_run_the_same_day_sends_nothing(smtp_inbox, clock):
    subscribed(Client(), smtp_inbox, "reader@example.org")
    clock.advance(days=1)
    published(clock, "ソウルの新着")
    call_command("send_alerts")
    clock.advance(hours=2)
    published(clock, "ソウルのもう一つ", hours_ago=0)
    call_command("send_alerts")
    assert [titles(m) for m in smtp_inbox.messages] == [["ソウルの新着"]]


def test_a_run_the_mail_server_fails_midway_is_completed_by_the_next_with_no_report_twice(
    smtp_inbox, clock
):
    for name in ("first", "second", "third"):
        subscribed(Client(), smtp_inbox, f"{name}@example.org")
    clock.advance(days=1)
    published(clock, "ソウルの新着")
    smtp_inbox.refuse_from = 2  # the server accepts one mail, then answers 451
    with pytest.raises(CommandError, match="2 通を送れませんでした"):
        call_command("send_alerts")
    assert [m["To"] for m in smtp_inbox.messages] == ["first@example.org"]
    smtp_inbox.refuse_from = None
    clock.advance(minutes=30)
    call_command("send_alerts")
    call_command("send_alerts")
    received = sorted(m["To"] for m in smtp_inbox.messages)
    assert received == ["first@example.org", "second@example.org", "third@example.org"]
    assert all(titles(m) == ["ソウルの新着"] for m in smtp_inbox.messages)


def test_a_run_killed_midway_loses_no_report_and_repeats_none(smtp_inbox, clock):
    for name in ("first", "second"):
        subscribed(Client(), smtp_inbox, f"{name}@example.org")
    clock.advance(days=1)
    published(clock, "ソウルの新着")
    built = alert_mail.digest
    calls = []

    def killed_at_the_second(**kwargs):
        calls.append(kwargs["alert"].pk)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process is stopped (not an error it handles)
        return built(**kwargs)

    with (
        mock.patch.object(alert_mail, "digest", killed_at_the_second),
        pytest.raises(KeyboardInterrupt),
    ):
        call_command("send_alerts")
    assert [m["To"] for m in smtp_inbox.messages] == ["first@example.org"]
    call_command("send_alerts")
    assert [m["To"] for m in smtp_inbox.messages] == ["first@example.org", "second@example.org"]
    assert titles(smtp_inbox.messages[1]) == ["ソウルの新着"]


def test_a_report_published_during_a_run_is_in_the_next_digest(smtp_inbox, clock):
    subscribed(Client(), smtp_inbox, "reader@example.org")
    clock.advance(days=1)
    published(clock, "前日の報告")
    built = alert_mail.digest

    def publishing_meanwhile(**kwargs):
        published(clock, "実行中に公開", hours_ago=0)
        return built(**kwargs)

    with mock.patch.object(alert_mail, "digest", publishing_meanwhile):
        call_command("send_alerts")
    clock.advance(days=1)
    call_command("send_alerts")
    assert [titles(m) for m in smtp_inbox.messages] == [["前日の報告"], ["実行中に公開"]]


def test_a_scheduled_report_arrives_in_the_first_digest_after_its_time(smtp_inbox, clock):
    subscribed(Client(), smtp_inbox, "reader@example.org")
    published(clock, "予約公開", hours_ago=-30)  # in 30 hours
    clock.advance(days=1)
    call_command("send_alerts")
    assert smtp_inbox.messages == []
    clock.advance(days=1)
    call_command("send_alerts")
    assert [titles(m) for m in smtp_inbox.messages] == [["予約公開"]]


def test_a_dry_run_sends_nothing_and_changes_nothing(smtp_inbox, clock):
    alert = subscribed(Client(), smtp_inbox, "reader@example.org")
    clock.advance(days=1)
    published(clock, "ソウルの新着")
    call_command("send_alerts", "--dry-run")
    assert smtp_inbox.messages == []
    assert Alert.objects.get().sent_until == alert.sent_until
    call_command("send_alerts")
    assert len(smtp_inbox.messages) == 1


def test_a_long_digest_lists_the_first_reports_and_links_to_the_rest(smtp_inbox, clock, settings):
    subscribed(Client(), smtp_inbox, "reader@example.org")
    clock.advance(days=1)
    for n in range(3):
        published(clock, f"報告 {n}", hours_ago=3 - n)
    with mock.patch.object(alert_mail, "DIGEST_MAX_REPORTS", 2):
        call_command("send_alerts")
    [message] = smtp_inbox.messages
    assert message["Subject"].endswith("3件")
    assert titles(message) == ["報告 0", "報告 1"]
    assert "ほか 1 件: https://localhost/reports/?office=seoul" in parts(message)[0]
