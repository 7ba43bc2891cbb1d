"""/reports/stats/: the figures of any selection, honest about qualified figures
(issue 16). Expected values are worked out by hand from the demo data (Vol. 436)."""

import csv
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import make_report

pytestmark = pytest.mark.django_db

STATS = "/reports/stats/"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def table(response, name) -> list[tuple]:
    [found] = [t for t in (item["table"] for item in response.context["tables"]) if t.name == name]
    return found.cells


def note(response, name) -> str:
    [found] = [t for t in (item["table"] for item in response.context["tables"]) if t.name == name]
    return found.note


def test_participants_per_country_keep_their_qualifiers(client, demo):
    rows = {
        country: (people, places)
        for country, people, places in table(client.get(STATS), "participants")
    }
    assert rows == {
        "アメリカ合衆国": ("3,000人以上", "—"),
        "国の記載なし": ("1,240人以上", "—"),  # 約800 + 約440 + a row without a figure
        "オーストラリア": ("約1,006人", "—"),  # 約1,000 + 6
        "日本": ("149人以上", "32自治体"),  # 27 + 58 + 64, four rows without a figure
        "韓国": ("25人", "15自治体"),
    }


def test_the_participant_total_is_a_lower_bound_and_counts_reports_without_figures(client, demo):
    assert note(client.get(STATS), "participants") == "合計: 5,420人以上（人数の記載なし: 4件）"


def test_reports_per_office_follow_the_theme_filter(client, demo):
    rows = table(client.get(STATS, {"theme": "sister-cities"}), "offices")
    assert sum(n for _label, n in rows) == 3


def test_events_per_country_for_all_reports(client, demo):
    rows = dict(table(client.get(STATS), "event-countries"))
    assert rows == {
        "アメリカ合衆国": 3,
        "中国": 2,
        "日本": 2,
        "韓国": 2,
        "オーストラリア": 1,
        "フランス": 1,
        "国の記載なし（オンラインを含む）": 1,
    }


def test_the_local_governments_that_took_part_most_often_come_first(client, demo):
    rows = table(client.get(STATS), "local-governments")
    assert rows[0] == ("東京都", 2)
    assert ("美郷町（島根県）", 1) in rows


def test_the_seoul_office_figures(client, demo):
    response = client.get(STATS, {"office": "seoul"})
    assert table(response, "partners") == [("安山市（韓国）", 1), ("蔚山広域市（韓国）", 1)]
    assert table(response, "participants") == [
        ("日本", "27人", "18自治体"),
        ("韓国", "25人", "15自治体"),
    ]


def test_a_prefecture_filter_selects_its_municipalities_reports(client, demo):
    response = client.get(STATS, {"prefecture": "32"})  # 島根県: 美郷町, and the prefecture
    assert response.context["total"] == 2


def test_exact_figures_add_up_to_an_exact_total(client):
    make_report(participants=({"name": "a", "country": "KR", "people": 10},))
    make_report(participants=({"name": "b", "country": "KR", "people": 5},))
    assert table(client.get(STATS), "participants") == [("韓国", "15人", "—")]


def test_an_about_figure_makes_the_total_about(client):
    make_report(participants=({"name": "a", "country": "KR", "people": 10},))
    make_report(participants=({"name": "b", "country": "KR", "people": 800, "qualifier": "about"},))
    assert table(client.get(STATS), "participants") == [("韓国", "約810人", "—")]


def test_drafts_are_not_counted(client):
    make_report(office="paris")
    make_report(office="paris", status="draft")
    assert table(client.get(STATS), "offices") == [("パリ事務所", 1)]


def test_reports_not_public_add_nothing_to_the_figures_of_all_reports(client, demo, clock):
    # Every report's figures are all the rows less those of the reports not public.
    import datetime

    from municipalities.models import Partner
    from reports.models import Event

    def every_table():
        response = client.get(STATS)
        return {item["table"].name: item["table"].cells for item in response.context["tables"]}

    shown = every_table()
    later = clock.now + datetime.timedelta(days=3)
    partner = Partner.objects.order_by("pk").first()
    for status, published_at in (("draft", None), ("withdrawn", None), ("published", later)):
        hidden = make_report(
            office="paris",
            status=status,
            published_at=published_at,
            participants=({"name": "x", "country": "KR", "people": 100},),
        )
        Event.objects.filter(report=hidden).update(country="KR")
        hidden.local_governments.add("352047")  # 萩市
        hidden.partners.add(partner)
    make_report(office="paris", status="draft")  # and one without a figure
    assert every_table() == shown


def test_each_table_has_a_chart_with_an_accessible_name(client, demo):
    html = client.get(STATS).text
    charts = re.findall(r'<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', html)
    assert len(charts) == 7
    assert all(f'id="{title}"' in html for title in charts)


def test_a_table_downloads_as_csv_with_the_page_filters(client, demo):
    response = client.get("/reports/stats/participants.csv", {"office": "seoul"})
    text = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["国・地域", "人数", "自治体数"],
        ["日本", "27人", "18自治体"],
        ["韓国", "25人", "15自治体"],
    ]


def test_the_csv_guards_cells_that_look_like_formulas(client):
    make_report(office="seoul", participants=({"name": "x", "country": "", "people": 3},))
    from municipalities.models import Partner

    report = make_report(office="seoul")
    report.partners.add(
        Partner.objects.create(name="=HYPERLINK(1)", name_en="x", country="KR", slug="x")
    )
    text = client.get("/reports/stats/partners.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_an_unknown_table_is_a_404(client):
    assert client.get("/reports/stats/nothing.csv").status_code == 404


def test_invalid_parameters_are_reported_and_ignored(client, demo):
    response = client.get(STATS, {"fy": "abc"})
    assert response.status_code == 200
    assert response.context["total"] == 12


def test_the_list_links_to_the_statistics_of_its_filters(client, demo):
    assert (
        'href="/reports/stats/?office=seoul"' in client.get("/reports/", {"office": "seoul"}).text
    )


def test_the_statistics_link_back_to_the_list_of_their_filters(client, demo):
    assert 'href="/reports/?office=seoul"' in client.get(STATS, {"office": "seoul"}).text


def test_english_statistics_name_partners_in_their_own_form(client, demo):
    response = client.get("/en/reports/stats/", {"office": "seoul"})
    assert table(response, "partners") == [
        ("Ansan (South Korea)", 1),
        ("Ulsan Metropolitan City (South Korea)", 1),
    ]


def test_statistics_are_counted_once_per_content_revision(
    client, demo, django_assert_max_num_queries
):
    client.get(STATS)
    with django_assert_max_num_queries(4):  # the revision, and naming the top lists
        client.get(STATS, headers={"cache-control": "no-cache"})
