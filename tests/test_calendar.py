"""iCalendar files of any filtered list and of one report."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from reports.models import Event, Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(b"".join(response.streaming_content))


def uids(calendar) -> list[str]:
    return [str(event["UID"]) for event in calendar.walk("VEVENT")]


def event_uids(*reports) -> list[str]:
    return [
        f"event-{pk}@clair-portal"
        for pk in Event.objects.filter(report__in=reports)
        .order_by("start_date", "end_date", "pk")
        .values_list("pk", flat=True)
    ]


def test_filtered_calendar_holds_exactly_the_events_of_the_same_list(client, reports):
    query = "office=seoul&theme=multicultural"
    listed = list(client.get(f"/reports/?{query}").context["object_list"])
    assert [r.title for r in listed] == ["ソウル多文化", "行事なし"]
    calendar = parse(client.get(f"/reports/calendar.ics?{query}"))
    assert uids(calendar) == event_uids(*listed) == event_uids(reports["seoul_multicultural"])
    assert len(uids(calendar)) == 2


def test_calendar_without_parameters_holds_every_public_event_by_date(client, reports):
    calendar = parse(client.get("/reports/calendar.ics"))
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [
        "ソウル姉妹都市",
        "パリ多文化",
        "ソウル多文化",
        "ソウル多文化",
    ]


def test_date_filter_selects_reports_not_single_events(client, reports):
    # The list shows the whole report when any of its events overlaps; so does the calendar.
    calendar = parse(client.get("/reports/calendar.ics?date_from=2026-01-01"))
    assert uids(calendar) == event_uids(reports["seoul_multicultural"])


def test_invalid_parameters_are_ignored_as_the_list_ignores_them(client, reports):
    calendar = parse(client.get("/reports/calendar.ics?office=tokyo&theme=multicultural&fy=abc"))
    assert uids(calendar) == event_uids(
        reports["seoul_multicultural"], reports["paris_multicultural"]
    )


def test_calendar_names_its_filters_and_publishes(client, reports):
    calendar = parse(client.get("/reports/calendar.ics?office=seoul&theme=multicultural"))
    assert str(calendar["X-WR-CALNAME"]) == "CLAIR 活動報告: ソウル事務所、多文化共生"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["PRODID"]) == "-//CLAIR//CLAIR exchange portal//JA"


def test_event_is_all_day_with_an_exclusive_end(client, reports):
    calendar = parse(client.get("/reports/calendar.ics?office=paris"))
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.date(2025, 11, 5)
    assert event.decoded("DTEND") == datetime.date(2025, 11, 8)
    assert event["DTSTART"].params["VALUE"] == "DATE"


def test_single_day_event_ends_the_next_day(client, reports):
    calendar = parse(client.get("/reports/calendar.ics?office=seoul&theme=sister-cities&fy=2025"))
    by_start = {e.decoded("DTSTART"): e.decoded("DTEND") for e in calendar.walk("VEVENT")}
    assert by_start[datetime.date(2025, 10, 1)] == datetime.date(2025, 10, 2)


def test_event_carries_title_place_categories_url_and_description(client, reports):
    report = reports["seoul_multicultural"]
    calendar = parse(client.get("/reports/calendar.ics?office=seoul&theme=multicultural"))
    event = calendar.walk("VEVENT")[0]
    url = f"http://testserver/reports/{report.slug}/"
    assert str(event["SUMMARY"]) == "ソウル多文化"
    assert str(event["LOCATION"]) == "安山市庁, 安山"
    assert list(event["CATEGORIES"].cats) == [
        "ソウル事務所",
        "姉妹都市・自治体間交流",
        "多文化共生",
    ]
    assert str(event["URL"]) == url
    assert str(event["DESCRIPTION"]) == f"安山市で多文化共生を学びました。\n\n{url}"


def test_location_joins_venue_city_and_country(client):
    report = make_report(venue="ソウル市庁", city="ソウル")
    Event.objects.filter(report=report).update(country="KR")
    [event] = parse(client.get("/reports/calendar.ics")).walk("VEVENT")
    assert str(event["LOCATION"]) == "ソウル市庁, ソウル, KR"


def test_online_event_has_no_location(client):
    make_report()
    [event] = parse(client.get("/reports/calendar.ics")).walk("VEVENT")
    assert "LOCATION" not in event


def test_uid_is_stable_and_dtstamp_is_the_last_change(client, reports):
    report = reports["paris_multicultural"]
    [before] = parse(client.get("/reports/calendar.ics?office=paris")).walk("VEVENT")
    changed = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    Report.objects.filter(pk=report.pk).update(title="改題", slug="renamed", updated_at=changed)
    [after] = parse(client.get("/reports/calendar.ics?office=paris")).walk("VEVENT")
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["UID"]) == f"event-{report.events.get().pk}@clair-portal"
    assert after.decoded("DTSTAMP") == changed


def test_report_calendar_holds_that_reports_events(client, reports):
    report = reports["seoul_multicultural"]
    response = client.get(f"/reports/{report.slug}/calendar.ics")
    calendar = parse(response)
    assert uids(calendar) == event_uids(report)
    assert str(calendar["X-WR-CALNAME"]) == "CLAIR 活動報告: ソウル多文化"


def test_report_without_events_gives_an_empty_calendar(client, reports):
    calendar = parse(client.get(f"/reports/{reports['seoul_no_events'].slug}/calendar.ics"))
    assert uids(calendar) == []


def test_calendar_of_a_draft_or_unknown_report_is_404(client, reports):
    assert client.get(f"/reports/{reports['draft'].slug}/calendar.ics").status_code == 404
    assert client.get("/reports/no-such-report/calendar.ics").status_code == 404


def test_japanese_slug_works_for_the_report_calendar(client):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(slug="日韓交流")
    calendar = parse(client.get("/reports/%E6%97%A5%E9%9F%93%E4%BA%A4%E6%B5%81/calendar.ics"))
    assert uids(calendar) == event_uids(report)


def test_english_calendar_uses_english_titles_and_urls(client):
    report = make_report(office="seoul", themes=("multicultural",))
    Report.objects.filter(pk=report.pk).update(title_en="In English")
    [event] = parse(client.get("/en/reports/calendar.ics")).walk("VEVENT")
    assert str(event["SUMMARY"]) == "In English"
    assert str(event["URL"]) == f"http://testserver/en/reports/{report.slug}/"
    assert list(event["CATEGORIES"].cats) == ["Seoul Office", "Multicultural coexistence"]


def test_report_page_links_its_calendar_next_to_the_events(client, reports):
    report = reports["seoul_multicultural"]
    response = client.get(report.get_absolute_url())
    events_section = response.text.split('id="events-heading"')[1].split("</section>")[0]
    assert f'href="/reports/{report.slug}/calendar.ics"' in events_section


def test_calendar_queries_do_not_grow_with_the_number_of_reports(
    client, django_assert_max_num_queries
):
    for n in range(30):
        make_report(
            title=f"報告 {n}",
            themes=("multicultural", "sister-cities"),
            events=(("2025-05-01", "2025-05-02"), ("2025-06-01", "2025-06-01")),
        )
    with django_assert_max_num_queries(5):  # 4, and the content revision (conditional GET)
        calendar = parse(client.get("/reports/calendar.ics?theme=multicultural"))
    assert len(uids(calendar)) == 60
