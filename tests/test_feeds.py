"""Atom feeds of any filtered list, and the feed links of list, office and theme pages."""

import datetime
import re

import feedparser
import pytest
from django.utils import timezone

from reports.models import Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


def test_filtered_feed_holds_exactly_the_reports_of_the_same_list(client, reports):
    query = "office=seoul&theme=multicultural"
    listed = [r.title for r in client.get(f"/reports/?{query}").context["object_list"]]
    feed = parse(client.get(f"/reports/feed/?{query}"))
    assert titles(feed) == listed == ["ソウル多文化", "行事なし"]


def test_feed_without_parameters_holds_every_public_report_newest_publication_first(
    client, reports
):
    feed = parse(client.get("/reports/feed/"))
    assert titles(feed) == ["ソウル多文化", "ソウル姉妹都市", "パリ多文化", "行事なし"]


def test_feed_title_names_the_active_filters(client, reports):
    feed = parse(client.get("/reports/feed/?office=seoul&theme=multicultural"))
    assert feed.feed.title == "CLAIR 活動報告: ソウル事務所、多文化共生"


def test_feed_title_without_filters_is_the_portal_name(client, reports):
    assert parse(client.get("/reports/feed/")).feed.title == "CLAIR 活動報告"


def test_feed_links_to_the_list_page_it_follows_and_to_itself(client, reports):
    feed = parse(client.get("/reports/feed/?office=seoul&page=2&sort=oldest"))
    assert feed.feed.link == "http://testserver/reports/?office=seoul"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/reports/feed/?office=seoul&page=2&sort=oldest"]


def test_invalid_parameters_are_ignored_as_the_list_ignores_them(client, reports):
    feed = parse(client.get("/reports/feed/?office=tokyo&theme=multicultural&date_from=2025-13-45"))
    assert titles(feed) == ["ソウル多文化", "パリ多文化", "行事なし"]


def test_entry_carries_summary_office_and_themes(client, reports):
    entry = parse(client.get("/reports/feed/?office=seoul&theme=multicultural")).entries[0]
    report = reports["seoul_multicultural"]
    assert entry.link == f"http://testserver/reports/{report.slug}/"
    assert entry.summary == "安山市で多文化共生を学びました。"
    assert entry.author == "ソウル事務所"
    assert [tag.term for tag in entry.tags] == [
        "ソウル事務所",
        "姉妹都市・自治体間交流",
        "多文化共生",
    ]


def test_entry_dates_are_publication_and_last_change(client, reports):
    report = reports["seoul_multicultural"]
    entry = parse(client.get("/reports/feed/?office=seoul&theme=multicultural")).entries[0]
    published = datetime.datetime.fromisoformat(entry.published)
    updated = datetime.datetime.fromisoformat(entry.updated)
    assert published == report.published_at
    assert updated == Report.objects.get(pk=report.pk).updated_at


def test_entry_id_is_a_tag_uri_that_survives_edits(client, reports, settings):
    settings.SITE_DOMAIN = "portal.example.jp"
    report = reports["seoul_multicultural"]
    before = parse(client.get("/reports/feed/?office=seoul&theme=multicultural")).entries[0]
    created = report.created_at.astimezone(datetime.UTC).date()
    assert before.id == f"tag:portal.example.jp,{created:%Y-%m-%d}:report-{report.pk}"

    Report.objects.filter(pk=report.pk).update(
        title="新しいタイトル", slug="new-slug", updated_at=timezone.now()
    )
    after = parse(client.get("/reports/feed/?office=seoul&theme=multicultural")).entries[0]
    assert after.title == "新しいタイトル"
    assert after.id == before.id


def test_entry_ids_are_the_same_whichever_host_name_the_feed_is_fetched_by(
    client, reports, settings
):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    settings.SITE_DOMAIN = "portal.example.jp"
    ids = [
        [entry.id for entry in parse(client.get("/reports/feed/", headers={"host": host})).entries]
        for host in ("localhost", "127.0.0.1:8000")
    ]
    assert ids[0] == ids[1]
    assert all(entry_id.startswith("tag:portal.example.jp,") for entry_id in ids[0])


def test_site_domain_defaults_to_the_first_allowed_host(monkeypatch):
    import importlib

    import clair_portal.settings as portal_settings

    monkeypatch.setenv("ALLOWED_HOSTS", ".portal.example.jp,localhost")
    monkeypatch.delenv("SITE_DOMAIN", raising=False)
    try:
        assert importlib.reload(portal_settings).SITE_DOMAIN == "portal.example.jp"
    finally:
        monkeypatch.undo()
        importlib.reload(portal_settings)


def test_markup_in_titles_and_summaries_stays_text(client):
    make_report(title="A&B <研修>", summary="<b>太字</b> & 記号")
    entry = parse(client.get("/reports/feed/")).entries[0]
    assert entry.title == "A&B <研修>"
    # The summary is HTML (Django's Atom summary is type="html") that shows the text as typed.
    assert entry.summary_detail.type == "text/html"
    assert entry.summary == "&lt;b&gt;太字&lt;/b&gt; &amp; 記号"


def test_control_characters_in_report_text_do_not_break_the_feed(client):
    make_report(title="制御\x0b文字", summary="改\x0cページ")
    entry = parse(client.get("/reports/feed/")).entries[0]
    assert entry.title == "制御文字"


def test_feed_holds_the_latest_fifty_reports_by_publication(client):
    made = [make_report(title=f"報告 {n}", published_at=days_ago(n)) for n in range(1, 53)]
    feed = parse(client.get("/reports/feed/"))
    assert titles(feed) == [report.title for report in made[:50]]


def test_empty_feed_is_still_valid(client, reports):
    feed = parse(client.get("/reports/feed/?q=存在しない言葉"))
    assert feed.entries == []


def test_english_feed_uses_english_titles_and_names(client):
    report = make_report(title="日本語", office="seoul")
    Report.objects.filter(pk=report.pk).update(title_en="In English")
    feed = parse(client.get("/en/reports/feed/?office=seoul"))
    assert feed.feed.title.endswith(": Seoul Office")
    assert titles(feed) == ["In English"]
    assert feed.entries[0].link == f"http://testserver/en/reports/{report.slug}/"


def test_office_feed_holds_that_offices_reports(client, reports):
    feed = parse(client.get("/offices/seoul/feed/"))
    assert titles(feed) == ["ソウル多文化", "ソウル姉妹都市", "行事なし"]
    assert feed.feed.title == "CLAIR 活動報告: ソウル事務所"
    assert feed.feed.link == "http://testserver/offices/seoul/"


def test_theme_feed_holds_that_themes_reports(client, reports):
    feed = parse(client.get("/themes/multicultural/feed/"))
    assert titles(feed) == ["ソウル多文化", "パリ多文化", "行事なし"]
    assert feed.feed.title == "CLAIR 活動報告: 多文化共生"
    assert feed.feed.link == "http://testserver/themes/multicultural/"


def test_feeds_of_unknown_offices_and_themes_are_404(client):
    assert client.get("/offices/tokyo/feed/").status_code == 404
    assert client.get("/themes/no-such-theme/feed/").status_code == 404


def test_feed_queries_do_not_grow_with_the_number_of_reports(client, django_assert_max_num_queries):
    for n in range(30):
        make_report(title=f"報告 {n}", themes=("multicultural", "sister-cities"), photos=n % 2)
    with django_assert_max_num_queries(6):
        feed = parse(client.get("/reports/feed/?theme=multicultural"))
    assert len(feed.entries) == 30


# Feed links in the pages -------------------------------------------------------

FEED_LINK = re.compile(
    r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">'
)


def feed_links(response) -> list[tuple[str, str]]:
    head = response.text.split("</head>")[0]
    return FEED_LINK.findall(head)


def test_list_page_links_its_feed_keeping_filters_but_not_page_or_sort(client, reports):
    response = client.get("/reports/?office=seoul&theme=multicultural&sort=oldest&page=1")
    assert feed_links(response) == [
        (
            "CLAIR 活動報告: ソウル事務所、多文化共生",
            "/reports/feed/?office=seoul&amp;theme=multicultural",
        )
    ]


def test_unfiltered_list_page_links_the_feed_of_every_report(client, reports):
    assert feed_links(client.get("/reports/")) == [("CLAIR 活動報告", "/reports/feed/")]


def test_list_page_shows_subscription_links_keeping_filters(client, reports):
    response = client.get("/reports/?office=seoul&sort=oldest&page=1")
    assert '<a href="/reports/feed/?office=seoul" type="application/atom+xml">' in response.text
    assert '<a href="/reports/calendar.ics?office=seoul" type="text/calendar">' in response.text
    assert 'href="/reports.json?office=seoul&amp;sort=oldest"' in response.text
    assert 'href="/reports.csv?office=seoul&amp;sort=oldest"' in response.text


def test_office_page_links_its_feed(client, reports):
    assert feed_links(client.get("/offices/seoul/")) == [
        ("CLAIR 活動報告: ソウル事務所", "/offices/seoul/feed/")
    ]


def test_theme_page_links_its_feed(client, reports):
    assert feed_links(client.get("/themes/multicultural/")) == [
        ("CLAIR 活動報告: 多文化共生", "/themes/multicultural/feed/")
    ]


def test_english_pages_link_english_feeds(client, reports):
    [(_title, href)] = feed_links(client.get("/en/reports/?office=seoul"))
    assert href == "/en/reports/feed/?office=seoul"
