"""The statistics of every public report come from sums the database keeps
(Report.stat_keys, reports/key_totals.py): they follow every change of a report's
figures and of which reports are public, by any path, and agree with the figures
grouped from the rows of a filtered selection."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from municipalities.models import Partner
from offices.models import Office
from reports.facet_keys import refresh_all
from reports.models import Event, KeyTotal, Participant, Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db

STATS = "/reports/stats/"
HAGI = "352047"  # 萩市


def tables(client, **params) -> dict:
    response = client.get(STATS, params)
    return {item["table"].name: item["table"].cells for item in response.context["tables"]}


def note(client) -> str:
    response = client.get(STATS)
    [participants] = [
        item["table"] for item in response.context["tables"] if item["table"].name == "participants"
    ]
    return participants.note


def test_a_participant_added_to_a_published_report_is_counted(client):
    report = make_report(participants=({"name": "来場者", "country": "KR", "people": 40},))
    Participant.objects.create(report=report, name="市民", country="KR", people=2, position=1)
    assert tables(client)["participants"] == [("韓国", "42人", "—")]


def test_a_figure_changed_by_an_update_changes_the_total(client):
    report = make_report(participants=({"name": "来場者", "country": "KR", "people": 40},))
    Participant.objects.filter(report=report).update(people=800, qualifier="about")
    assert tables(client)["participants"] == [("韓国", "約800人", "—")]


def test_a_participant_without_a_figure_makes_its_report_counted_as_such(client):
    make_report(participants=({"name": "来場者", "country": "KR", "people": 40},))
    report = make_report(participants=({"name": "市民", "country": "KR", "people": 5},))
    Participant.objects.filter(report=report).update(people=None)
    assert note(client) == "合計: 40人以上（人数の記載なし: 1件）"


def test_a_withdrawn_report_takes_its_figures_off(client):
    make_report(office="seoul", participants=({"name": "x", "country": "KR", "people": 3},))
    withdrawn = make_report(
        office="paris", participants=({"name": "y", "country": "FR", "people": 9},)
    )
    Event.objects.filter(report=withdrawn).update(country="FR")
    withdrawn.local_governments.add(HAGI)
    Report.objects.filter(pk=withdrawn.pk).update(status=Report.Status.DRAFT)
    shown = tables(client)
    assert shown["participants"] == [("韓国", "3人", "—")]
    assert shown["event-countries"] == [("国の記載なし（オンラインを含む）", 1)]
    assert shown["local-governments"] == []


def test_a_deleted_event_is_no_longer_counted(client):
    report = make_report(events=(("2025-05-01", "2025-05-01"), ("2025-06-01", "2025-06-02")))
    Event.objects.filter(report=report).update(country="KR")
    Event.objects.filter(report=report).order_by("start_date").first().delete()
    assert tables(client)["event-countries"] == [("韓国", 1)]


def test_a_local_government_and_a_partner_linked_later_are_counted(client):
    report = make_report()
    partner = Partner.objects.create(name="ソウル特別市", name_en="Seoul", country="KR")
    report.local_governments.add(HAGI)
    report.partners.add(partner)
    shown = tables(client)
    assert shown["local-governments"] == [("萩市（山口県）", 1)]
    assert shown["partners"] == [("ソウル特別市（韓国）", 1)]


def test_a_report_scheduled_for_later_adds_its_figures_once_its_time_passes(client, clock):
    make_report(participants=({"name": "x", "country": "KR", "people": 3},))
    make_report(
        published_at=clock.now + datetime.timedelta(hours=2),
        participants=({"name": "y", "country": "KR", "people": 4},),
    )
    assert tables(client)["participants"] == [("韓国", "3人", "—")]
    clock.advance(hours=3)
    assert tables(client)["participants"] == [("韓国", "7人", "—")]


def test_a_save_from_an_instance_loaded_before_a_change_keeps_the_figures(client):
    report = make_report(participants=({"name": "x", "country": "KR", "people": 3},))
    stale = Report.objects.get(pk=report.pk)
    Participant.objects.create(report=report, name="y", country="KR", people=4, position=1)
    stale.title = "題名を直した報告"
    stale.save()
    assert tables(client)["participants"] == [("韓国", "7人", "—")]


def test_migrate_recounts_figures_that_went_wrong(client):
    make_report(participants=({"name": "x", "country": "KR", "people": 3},))
    KeyTotal.objects.filter(key__startswith="s").update(reports=1000)
    call_command("migrate", verbosity=0)
    assert tables(client)["participants"] == [("韓国", "3人", "—")]


def test_recomputing_every_reports_keys_sums_the_figures_again(client):
    make_report(participants=({"name": "x", "country": "KR", "people": 3},))
    Report.objects.update(stat_keys="{}")
    KeyTotal.objects.all().delete()
    refresh_all()
    assert tables(client)["participants"] == [("韓国", "3人", "—")]


def test_the_kept_figures_of_all_reports_are_the_sum_of_each_offices(client):
    # The figures of every report (kept sums) against those of each office (grouped
    # from the rows): every report of the demo data is in one office.
    call_command("load_demo", stdout=StringIO())
    offices = [row[0] for row in tables(client)["offices"]]
    codes = {office.name: office.code for office in Office.objects.all()}
    per_office: dict[str, int] = {}
    for name in offices:
        for country, events in tables(client, office=codes[name])["event-countries"]:
            per_office[country] = per_office.get(country, 0) + events
    assert dict(tables(client)["event-countries"]) == per_office


def reported(title, people, country="KR", **kwargs):
    report = make_report(
        title=title,
        participants=({"name": "来場者", "country": country, "people": people},),
        **kwargs,
    )
    Event.objects.filter(report=report).update(country=country)
    return report


def test_a_word_in_most_reports_sums_the_figures_of_its_public_matches_only(client, clock):
    # Three of four public reports hold the word: counted as every report less the one
    # without it, so a draft or a scheduled match must add nothing either.
    for people in (10, 20, 30):
        reported("姉妹都市との青少年交流", people)
    reported("見本市への出展", 1000, country="FR")
    reported("交流の下書き", 5000, status=Report.Status.DRAFT)
    reported("予定の交流", 7000, published_at=clock.now + datetime.timedelta(days=1))
    shown = tables(client, q="交流")
    assert shown["participants"] == [("韓国", "60人", "—")]
    assert shown["event-countries"] == [("韓国", 3)]


def test_a_rare_word_sums_the_figures_of_its_matches(client):
    reported("伝統工芸品の展示", 7)
    for people in (10, 20, 30):
        reported("姉妹都市との青少年交流", people, country="FR")
    assert tables(client, q="伝統工芸品")["participants"] == [("韓国", "7人", "—")]
