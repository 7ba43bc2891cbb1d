import datetime

import pytest
from django.utils import timezone

from reports.models import Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/reports/"


def titles(response):
    return {report.title for report in response.context["object_list"]}


def test_list_shows_published_reports_only(client):
    make_report(title="公開")
    make_report(title="下書き", status=Report.Status.DRAFT)
    make_report(title="予約", published_at=timezone.now() + datetime.timedelta(days=1))
    assert titles(client.get(LIST)) == {"公開"}


def test_office_filter_keeps_reports_of_either_office(client):
    make_report(title="ソウル", office="seoul")
    make_report(title="パリ", office="paris")
    make_report(title="北京", office="beijing")
    assert titles(client.get(LIST, {"office": ["seoul", "paris"]})) == {"ソウル", "パリ"}


def test_theme_filter_is_or_within_themes(client):
    make_report(title="環境", themes=("environment",))
    make_report(title="教育", themes=("education",))
    make_report(title="両方", themes=("environment", "education"))
    make_report(title="観光", themes=("tourism-culture",))
    response = client.get(LIST, {"theme": ["environment", "education"]})
    assert titles(response) == {"環境", "教育", "両方"}
    assert len(response.context["object_list"]) == 3  # no duplicate rows from the join


def test_office_and_theme_filters_combine_with_and(client):
    make_report(title="ソウル環境", office="seoul", themes=("environment",))
    make_report(title="ソウル教育", office="seoul", themes=("education",))
    make_report(title="パリ環境", office="paris", themes=("environment",))
    response = client.get(LIST, {"office": "seoul", "theme": "environment"})
    assert titles(response) == {"ソウル環境"}


def test_date_range_matches_a_report_through_its_second_event(client):
    make_report(
        title="二会場",
        events=(("2025-11-14", "2025-11-15"), ("2025-11-21", "2025-11-23")),
    )
    make_report(title="別の日", events=(("2025-11-01", "2025-11-02"),))
    response = client.get(LIST, {"date_from": "2025-11-20", "date_to": "2025-11-30"})
    assert titles(response) == {"二会場"}


def test_date_range_matches_an_event_that_overlaps_its_start(client):
    make_report(title="またがる", events=(("2025-10-26", "2025-11-01"),))
    assert titles(client.get(LIST, {"date_from": "2025-11-01"})) == {"またがる"}
    assert titles(client.get(LIST, {"date_to": "2025-10-26"})) == {"またがる"}
    assert titles(client.get(LIST, {"date_from": "2025-11-02"})) == set()


def test_fiscal_year_filter_finds_a_report_without_events(client):
    make_report(title="年度のみ", events=(), fiscal_year=2025)
    make_report(title="3月", events=(("2026-03-31", "2026-03-31"),))
    make_report(title="4月", events=(("2026-04-01", "2026-04-01"),))
    assert titles(client.get(LIST, {"fy": "2025"})) == {"年度のみ", "3月"}
    assert titles(client.get(LIST, {"fy": "2026"})) == {"4月"}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("姉妹都市", {"姉妹都市交流"}),
        ("都市", {"姉妹都市交流", "NLC 総会"}),
        ("nlc", {"NLC 総会"}),
        ("ＮＬＣ", {"NLC 総会"}),
        ("ゴミ", {"ごみ処理"}),
        ("安山市", {"視察"}),
        ("姉妹　交流", {"姉妹都市交流"}),
        ("姉妹 総会", set()),
    ],
)
def test_search_matches_japanese_substrings_widths_case_and_kana(client, query, expected):
    make_report(title="姉妹都市交流", body="長年の交流を祝いました。")
    make_report(title="NLC 総会", body="全米都市連盟の年次総会")
    make_report(title="ごみ処理", body="分別ルール")
    make_report(title="視察", city="安山市")
    assert titles(client.get(LIST, {"q": query})) == expected


def test_search_matches_participant_names(client):
    report = make_report(title="参加者検索", participants=({"name": "鳥羽市", "people": 3},))
    make_report(title="他")
    assert titles(client.get(LIST, {"q": "鳥羽"})) == {report.title}


def test_sort_oldest_orders_by_event_date(client):
    make_report(title="新", events=(("2025-12-01", "2025-12-01"),))
    make_report(title="古", events=(("2025-01-01", "2025-01-01"),))
    newest = [r.title for r in client.get(LIST).context["object_list"]]
    oldest = [r.title for r in client.get(LIST, {"sort": "oldest"}).context["object_list"]]
    assert newest == ["新", "古"]
    assert oldest == ["古", "新"]


def test_pagination_shows_twenty_a_page_and_keeps_filters(client):
    for _ in range(23):
        make_report(office="seoul")
    make_report(office="paris")
    response = client.get(LIST, {"office": "seoul"})
    assert len(response.context["object_list"]) == 20
    assert response.context["paginator"].count == 23
    assert 'href="?office=seoul&amp;page=2"' in response.text
    page2 = client.get(LIST, {"office": "seoul", "page": "2"})
    assert len(page2.context["object_list"]) == 3


def test_a_page_past_the_end_shows_the_last_page_with_a_message(client):
    for n in range(25):
        make_report(title=f"報告 {n}")
    response = client.get(LIST, {"page": "99"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert "99 ページ目はありません。最後の 2 ページ目を表示しています。" in response.text


def test_a_page_past_the_end_of_an_empty_list_shows_the_empty_list(client):
    response = client.get(LIST, {"page": "3", "q": "存在しない言葉"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_the_title_names_the_filters_and_the_page(client):
    for n in range(25):
        make_report(title=f"交流の報告 {n}", office="seoul")
    response = client.get(LIST, {"q": "交流", "office": "seoul", "page": "2"})
    title = response.text.split("<title>")[1].split("</title>")[0]
    assert title == ("キーワード「交流」、ソウル事務所の活動報告（2 ページ目） | 自治体国際化協会")


def test_the_title_of_the_unfiltered_list_is_plain(client):
    response = client.get(LIST)
    assert "<title>活動報告 | 自治体国際化協会</title>" in response.text


def test_the_sort_menu_offers_relevance_only_with_a_keyword(client):
    make_report()
    without = [value for value, _ in client.get(LIST).context["sort_options"]]
    with_words = [value for value, _ in client.get(LIST, {"q": "報告"}).context["sort_options"]]
    assert (without, with_words) == (["newest", "oldest"], ["relevance", "newest", "oldest"])


def test_the_summary_says_the_keyword_once_with_no_double_colon(client):
    make_report(title="交流の報告")
    response = client.get(LIST, {"q": "交流"})
    assert response.context["results_summary"] == "キーワード「交流」: 1件"


def test_date_filters_read_as_dates_everywhere_else_do(client):
    response = client.get(LIST, {"date_from": "2025-11-01", "date_to": "2026-03-31"})
    labels = [item["label"] for item in response.context["active_filters"]]
    assert labels == ["2025年11月1日から", "2026年3月31日まで"]


def test_filters_joined_in_the_summary_are_not_confused_with_theme_names(client):
    response = client.get(LIST, {"theme": ["sister-cities", "multicultural"]})
    assert response.context["results_summary"].startswith(
        "多文化共生、姉妹都市・自治体間交流:"
    ) or (response.context["results_summary"].startswith("姉妹都市・自治体間交流、多文化共生:"))


def test_active_filters_are_listed_with_links_that_remove_them(client):
    make_report()
    response = client.get(LIST, {"office": ["seoul", "paris"], "q": "交流"})
    labels = [item["label"] for item in response.context["active_filters"]]
    assert labels == ["キーワード「交流」", "ソウル事務所", "パリ事務所"]
    assert 'href="?office=seoul&amp;office=paris"' in response.text  # removes q
    assert 'href="?office=paris&amp;q=%E4%BA%A4%E6%B5%81"' in response.text  # removes seoul


def test_result_shows_office_dates_themes_thumbnail_and_summary(client):
    make_report(
        title="表示項目",
        summary="一覧用の概要",
        themes=("multicultural",),
        events=(("2025-12-18", "2025-12-19"),),
        photos=1,
    )
    html = client.get(LIST).text
    assert "ソウル事務所" in html
    assert "2025年12月18日" in html and "2025年12月19日" in html
    assert "多文化共生" in html
    assert "一覧用の概要" in html
    assert 'class="report-card__thumb"' in html


def test_list_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    make_report(photos=1, themes=("environment", "education"))
    client.get(LIST)  # warms the per-process cache of offices, themes and years
    with django_assert_max_num_queries(8) as one:
        client.get(LIST)
    queries = len(one.captured_queries)
    for _ in range(19):
        make_report(photos=1, themes=("environment", "education"))
    client.get(LIST)  # counts are cached per content revision, which the writes changed
    with django_assert_max_num_queries(queries):
        response = client.get(LIST)
    assert len(response.context["object_list"]) == 20
