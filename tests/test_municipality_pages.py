"""The public pages of local governments: the directory and its search, a municipality's
and a prefecture's page with their feed and calendar, a partner's page, the map of a
filtered list, and the links from a report and from the list."""

import datetime
import json
import re

import feedparser
import icalendar
import pytest

from municipalities.models import LocalGovernment, Partner
from tests.factories import make_report

pytestmark = pytest.mark.django_db

MISATO_SHIMANE, MISATO_AKITA, MISATO_MIYAZAKI = "324485", "054348", "454311"
HAGI, TOBA, SHIMANE = "352047", "242110", "320005"


@pytest.fixture
def linked():
    """Reports of 美郷町 (島根県), 萩市 and the prefecture of 島根県, and a draft of 美郷町."""
    misato = make_report(title="美郷町の報告", office="seoul", fiscal_year=2025)
    misato.local_governments.add(MISATO_SHIMANE)
    both = make_report(title="美郷町と萩市の報告", office="paris", themes=("multicultural",))
    both.local_governments.add(MISATO_SHIMANE, HAGI)
    shimane = make_report(title="島根県の報告", office="seoul")
    shimane.local_governments.add(SHIMANE)
    draft = make_report(title="美郷町の下書き", status="draft")
    draft.local_governments.add(MISATO_SHIMANE)
    make_report(title="どこにも結び付かない報告", office="seoul")
    return {"misato": misato, "both": both, "shimane": shimane, "draft": draft}


@pytest.fixture
def ulsan(linked):
    partner = Partner.objects.create(
        name="蔚山広域市", name_en="Ulsan Metropolitan City", country="KR", slug="kr-ulsan"
    )
    linked["misato"].partners.add(partner)
    linked["both"].partners.add(partner)
    return partner


def listed(response) -> list[str]:
    return [report.title for report in response.context["reports"]]


def test_municipality_page_lists_its_reports_and_no_others(client, linked):
    response = client.get(f"/municipalities/{MISATO_SHIMANE}/")

    assert response.status_code == 200
    assert sorted(listed(response)) == ["美郷町と萩市の報告", "美郷町の報告"]


def test_municipality_page_names_it_with_its_prefecture_and_kind(client, linked):
    text = client.get(f"/municipalities/{MISATO_SHIMANE}/").text

    assert "<h1><span>美郷町</span></h1>" in text
    assert "<dt>都道府県</dt><dd>島根県</dd>" in text
    assert "<dt>種別</dt><dd>町</dd>" in text


def test_prefecture_page_includes_its_municipalities_reports(client, linked):
    response = client.get(f"/municipalities/{SHIMANE}/")

    assert sorted(listed(response)) == ["島根県の報告", "美郷町と萩市の報告", "美郷町の報告"]


@pytest.mark.parametrize("code", ["999999", "324486", "abc", "32448", "３２４４８５"])
def test_unknown_or_ill_formed_code_is_a_clear_404(client, code):
    response = client.get(f"/municipalities/{code}/")

    assert response.status_code == 404
    assert "ページが見つかりません" in response.text


def test_municipality_page_links_the_filtered_list(client, linked):
    text = client.get(f"/municipalities/{MISATO_SHIMANE}/").text

    assert (
        f'<a href="/reports/?municipality={MISATO_SHIMANE}">この自治体の報告を絞り込む</a>' in text
    )


def test_prefecture_page_links_the_list_filtered_by_prefecture(client, linked):
    text = client.get(f"/municipalities/{SHIMANE}/").text

    assert '<a href="/reports/?prefecture=32">この自治体の報告を絞り込む</a>' in text


def test_municipality_page_counts_its_partners_themes_and_years_with_links(client, ulsan):
    response = client.get(f"/municipalities/{MISATO_SHIMANE}/")

    assert [(p.name, p.shared) for p in response.context["partners"]] == [("蔚山広域市", 2)]
    themes = [(t.slug, n) for t, n in response.context["themes_with_counts"]]
    assert themes == [("sister-cities", 1), ("multicultural", 1)]
    assert response.context["years_with_counts"] == [(2025, 2)]
    assert f"/reports/?municipality={MISATO_SHIMANE}&amp;theme=multicultural" in response.text
    assert f"/reports/?municipality={MISATO_SHIMANE}&amp;fy=2025" in response.text
    assert '<a href="/partners/kr-ulsan/">蔚山広域市</a> (韓国)' in response.text


def test_municipality_page_describes_it_for_search_engines(client, linked):
    text = client.get(f"/municipalities/{MISATO_SHIMANE}/").text
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)

    data = json.loads(script)
    assert data["@type"] == "GovernmentOrganization"
    assert (data["name"], data["identifier"]) == ("美郷町", MISATO_SHIMANE)
    assert data["address"]["addressRegion"] == "島根県"


def test_abolished_municipality_says_so_and_links_its_successor(client):
    LocalGovernment.objects.create(
        code="324426",
        kind="town",
        prefecture_id=SHIMANE,
        name="邑智町",
        reading="おおちちょう",
        status="abolished",
        abolished_on=datetime.date(2004, 10, 1),
        successor_id=MISATO_SHIMANE,
        search_text="邑智町 おおちちょう 島根県 324426",
    )

    text = client.get("/municipalities/324426/").text

    assert "合併・廃止" in text
    assert f'<a href="/municipalities/{MISATO_SHIMANE}/">美郷町（島根県）</a>' in text


def test_directory_lists_only_local_governments_with_public_reports_and_their_counts(
    client, linked
):
    response = client.get("/municipalities/")

    [(shimane, _label), (yamaguchi, _other)] = response.context["directory"]
    assert (shimane.prefecture.code, shimane.count) == (SHIMANE, 3)
    assert [(m.code, m.report_count) for m in shimane.members] == [
        (SHIMANE, 1),
        (MISATO_SHIMANE, 2),  # the draft is not counted
    ]
    assert [(m.code, m.report_count) for m in yamaguchi.members] == [(HAGI, 1)]


def test_directory_shows_the_map_of_its_counts_with_links(client, linked):
    text = client.get("/municipalities/").text

    assert 'aria-label="島根県：3件"' in text
    assert (
        f'<a href="/municipalities/{MISATO_SHIMANE}/" aria-label="美郷町（島根県）：2件">' in text
    )


def test_directory_table_beside_the_map_lists_each_municipality_with_its_count(client, linked):
    text = client.get("/municipalities/").text

    assert f'<li><a href="/municipalities/{MISATO_SHIMANE}/">美郷町（島根県）</a> 2件</li>' in text


def test_english_directory_table_marks_municipality_names_as_japanese(client, linked):
    text = client.get("/en/municipalities/").text

    assert f'<a href="/en/municipalities/{MISATO_SHIMANE}/" lang="ja">美郷町（島根県）</a>' in text


def test_search_by_reading_finds_the_three_misato_each_with_its_prefecture(client, linked):
    response = client.get("/municipalities/", {"q": "みさとちょう"})

    found = [(place.code, str(place), place.report_count) for place in response.context["results"]]
    assert found[:3] == [
        (MISATO_AKITA, "美郷町（秋田県）", 0),
        (MISATO_SHIMANE, "美郷町（島根県）", 2),
        (MISATO_MIYAZAKI, "美郷町（宮崎県）", 0),
    ]
    assert f'<a href="/municipalities/{MISATO_AKITA}/">美郷町（秋田県）</a>' in response.text


def test_partner_page_lists_the_japanese_local_governments_with_counts(client, ulsan):
    response = client.get("/partners/kr-ulsan/")

    assert [(p.code, p.shared) for p in response.context["local_governments"]] == [
        (MISATO_SHIMANE, 2),
        (HAGI, 1),
    ]
    assert f'<a href="/municipalities/{HAGI}/">萩市（山口県）</a>' in response.text
    assert sorted(listed(response)) == ["美郷町と萩市の報告", "美郷町の報告"]


def test_partner_page_names_its_country_in_the_page_language(client, ulsan):
    assert "<dt>国</dt><dd>韓国</dd>" in client.get("/partners/kr-ulsan/").text
    assert "<dd>South Korea</dd>" in client.get("/en/partners/kr-ulsan/").text


def test_partner_id_redirects_permanently_to_its_slug(client, ulsan):
    response = client.get(f"/partners/{ulsan.pk}/")

    assert response.status_code == 301
    assert response["Location"] == "/partners/kr-ulsan/"


def test_unknown_partner_is_404(client):
    assert client.get("/partners/no-such-partner/").status_code == 404
    assert client.get("/partners/999/").status_code == 404


def test_municipality_feed_holds_exactly_its_reports(client, linked):
    response = client.get(f"/municipalities/{MISATO_SHIMANE}/feed/")

    feed = feedparser.parse(response.content)
    assert sorted(entry.title for entry in feed.entries) == ["美郷町と萩市の報告", "美郷町の報告"]
    assert feed.feed.title == "CLAIR 活動報告: 美郷町（島根県）"
    assert feed.feed.link == f"http://testserver/municipalities/{MISATO_SHIMANE}/"


def test_municipality_calendar_holds_exactly_its_reports_events(client, linked):
    response = client.get(f"/municipalities/{MISATO_SHIMANE}/calendar.ics")

    calendar = icalendar.Calendar.from_ical(b"".join(response.streaming_content))
    summaries = sorted(str(event["summary"]) for event in calendar.walk("VEVENT"))
    assert summaries == ["美郷町と萩市の報告", "美郷町の報告"]


def test_feed_of_an_unknown_code_is_404(client):
    assert client.get("/municipalities/999999/feed/").status_code == 404
    assert client.get("/municipalities/999999/calendar.ics").status_code == 404


def test_report_map_counts_follow_the_filters(client, linked):
    response = client.get("/reports/map/", {"office": "seoul"})

    rows = {row.code: row for row in response.context["japan_map"].rows}
    assert rows[SHIMANE].count == 2  # 美郷町の報告 and 島根県の報告; 美郷町と萩市の報告 is Paris's
    assert [(dot.code, dot.count) for dot, _url in rows[SHIMANE].municipalities] == [
        (MISATO_SHIMANE, 1)
    ]
    assert rows["350001"].count == 0  # 萩市 only in Paris's report


def test_report_map_links_each_prefecture_to_the_list_with_the_same_filters(client, linked):
    response = client.get("/reports/map/", {"office": "seoul", "prefecture": "13"})

    rows = {row.code: row for row in response.context["japan_map"].rows}
    assert rows[SHIMANE].url == "/reports/?office=seoul&prefecture=32"


def test_report_page_links_its_local_governments_and_partners(client, ulsan):
    text = client.get(ulsan.reports.get(title="美郷町の報告").get_absolute_url()).text

    assert "参加した自治体" in text
    assert f'<a href="/municipalities/{MISATO_SHIMANE}/">美郷町（島根県）</a>' in text
    assert '<a href="/partners/kr-ulsan/">蔚山広域市</a> (韓国)' in text


def test_list_page_links_to_the_map_with_its_query(client, linked):
    text = client.get("/reports/", {"office": "seoul", "theme": "multicultural"}).text

    assert '<a href="/reports/map/?office=seoul&amp;theme=multicultural">地図で見る</a>' in text


def test_header_links_the_directory(client, db):
    assert '<a href="/municipalities/">自治体</a>' in client.get("/").text


def test_list_filtered_by_prefecture_holds_the_prefecture_and_its_municipalities(client, linked):
    response = client.get("/reports/", {"prefecture": "32"})

    titles = sorted(report.title for report in response.context["object_list"])
    assert titles == ["島根県の報告", "美郷町と萩市の報告", "美郷町の報告"]


def test_municipality_page_queries_do_not_grow_with_its_reports(
    client, ulsan, django_assert_max_num_queries
):
    for _ in range(5):
        make_report(photos=1).local_governments.add(MISATO_SHIMANE)
    with django_assert_max_num_queries(14):
        response = client.get(f"/municipalities/{MISATO_SHIMANE}/")
    assert len(response.context["reports"]) == 7
