"""The content revision: cached counts and pages, conditional GET, the page cap."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from reports import content_revision as revision
from reports import reference
from reports.models import ContentRevision, Event, Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/reports/"


def test_every_write_changes_the_revision():
    report = make_report()
    before = revision.current().token
    Report.objects.filter(pk=report.pk).update(title="新しいタイトル")
    assert revision.current().token != before


def test_bulk_inserts_change_the_revision_too():
    report = make_report(events=())
    before = revision.current().token
    Event.objects.bulk_create(
        [
            Event(
                report=report,
                start_date=datetime.date(2025, 5, 1),
                end_date=datetime.date(2025, 5, 1),
            )
        ]
    )
    assert revision.current().token != before


def test_linking_a_local_government_changes_the_revision():
    # The prefecture counts beside the list and the municipality pages are cached under it.
    report = make_report()
    before = revision.current().token
    report.local_governments.add("324485")
    assert revision.current().token != before


def test_a_scheduled_report_changes_the_revision_when_it_goes_public():
    publish_at = timezone.now() + datetime.timedelta(hours=1)
    make_report(published_at=publish_at)
    before = revision.current(now=publish_at - datetime.timedelta(seconds=1))
    after = revision.current(now=publish_at)
    assert before.token != after.token
    assert after.last_modified >= publish_at


def test_list_answers_a_conditional_request_with_304_without_rendering(
    client, django_assert_num_queries
):
    make_report(title="一件目")
    response = client.get(LIST)
    assert response["Cache-Control"] == "no-cache"
    with django_assert_num_queries(1):  # the revision alone
        again = client.get(LIST, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert again.templates == []
    assert again["ETag"] == response["ETag"]


def test_if_modified_since_gets_304_until_the_next_change(client):
    make_report()
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ContentRevision.objects.update(changed_at=an_hour_ago)
    Report.objects.update(published_at=an_hour_ago - datetime.timedelta(days=1))
    ContentRevision.objects.update(changed_at=an_hour_ago)  # the update above bumped it
    response = client.get(LIST)
    since = {"if-modified-since": response["Last-Modified"]}
    assert client.get(LIST, headers=since).status_code == 304
    make_report(title="新しい報告")
    assert client.get(LIST, headers=since).status_code == 200


def test_etag_changes_with_the_content_and_the_address(client):
    report = make_report()
    etag = client.get(LIST)["ETag"]
    assert client.get(LIST, {"office": "seoul"})["ETag"] != etag
    assert client.get("/en" + LIST)["ETag"] != etag
    Report.objects.filter(pk=report.pk).update(title="変更")
    assert client.get(LIST)["ETag"] != etag


@pytest.mark.parametrize(
    "url",
    ["/", "/reports/feed/", "/reports/calendar.ics", "/themes/", "/offices/", "/offices/seoul/"],
)
def test_feeds_calendars_and_other_lists_answer_conditional_requests(client, url):
    make_report()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_report_page_and_its_calendar_answer_conditional_requests(client):
    report = make_report()
    for url in (report.get_absolute_url(), f"{report.get_absolute_url()}calendar.ics"):
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_a_missing_report_has_no_etag(client):
    response = client.get("/reports/no-such-report/")
    assert response.status_code == 404
    assert not response.has_header("ETag")


def test_visitors_with_a_session_always_get_the_page_rendered(admin_client_logged_in):
    make_report()
    response = admin_client_logged_in.get(LIST)
    assert not response.has_header("ETag")


def test_page_cache_serves_a_page_once_rendered_until_the_content_changes(
    client, settings, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE = True
    make_report(title="最初の報告")
    first = client.get(LIST)
    with django_assert_num_queries(1):
        cached = client.get(LIST)
    assert cached.content == first.content
    make_report(title="二件目の報告")
    client.get(LIST)  # the page before, while the new one is rendered after it is sent
    assert "二件目の報告" in client.get(LIST).text


def test_counts_are_computed_once_per_revision(client, django_assert_max_num_queries):
    make_report(office="seoul")
    client.get(LIST, {"office": "seoul"})
    # The revision, the page's ids and rows, its themes and photos: no count.
    with django_assert_max_num_queries(5):
        response = client.get(LIST, {"office": "seoul"})
    assert response.context["paginator"].count == 1


def test_a_list_page_takes_at_most_eight_queries_when_no_count_is_cached(
    client, django_assert_max_num_queries
):
    for n in range(25):
        make_report(title=f"交流の報告 {n}", office=("seoul", "paris")[n % 2], photos=n % 2)
    reference.offices(), reference.themes()  # read once per process every few minutes
    with django_assert_max_num_queries(8):
        response = client.get(
            LIST,
            {"q": "交流", "office": ["seoul", "paris"], "theme": "sister-cities", "fy": 2025},
        )
    assert response.context["paginator"].count == 25


def test_pages_past_the_cap_show_the_last_page_served_with_a_message(client, settings):
    settings.LIST_MAX_PAGES = 2
    for n in range(45):
        make_report(title=f"報告 {n}")
    response = client.get(LIST, {"page": 3})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert not response.context["page_obj"].has_next()
    assert "表示できるのは 2 ページ目までです" in response.text


def test_faster_bigrams_give_the_same_arrays_as_the_original_function():
    if connection.vendor != "postgresql":
        pytest.skip("clair_bigrams() exists on PostgreSQL only")
    samples = ["", "a", " ab  c", "ab\ncd\te", "交流", "\u3000交 流", "ＡＢ  cd", "abcabc"]
    with connection.cursor() as cursor:
        for text in samples:
            cursor.execute(
                "SELECT clair_bigrams(%s), coalesce(array_agg(DISTINCT g), '{}') FROM ("
                " SELECT substr(%s, i, 2) AS g FROM generate_series(1, char_length(%s) - 1) i"
                ") grams WHERE g !~ '\\s'",
                [text, text, text],
            )
            fast, original = cursor.fetchone()
            assert fast == original, text
