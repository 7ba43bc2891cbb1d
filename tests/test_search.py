"""Japanese-aware search: substrings, normalisation, ranking, highlighting."""

import pytest

from reports.text import highlight, normalize, split_terms
from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/reports/"


def titles_in_order(response):
    return [report.title for report in response.context["object_list"]]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ＮＬＣ", "nlc"),
        ("２０２５年", "2025年"),
        ("ゴミ処理", "ごみ処理"),
        ("ｶﾞｲﾄﾞ", "がいど"),
        ("  多文化\u3000共生  ", "多文化 共生"),
    ],
)
def test_normalize_equates_widths_case_and_kana(raw, expected):
    assert normalize(raw) == expected


def test_split_terms_splits_on_full_width_space_and_drops_repeats():
    assert split_terms("交流\u3000韓国 交流") == ["交流", "韓国"]


@pytest.mark.parametrize("query", ["交流", "姉妹都市", "多文化共生", "ごみ処理", "ゴミ処理"])
def test_common_japanese_words_find_every_report_containing_them(client, query):
    make_report(title="日韓交流と姉妹都市", body="多文化共生とごみ処理の取り組み")
    make_report(title="無関係", body="観光の話題")
    assert titles_in_order(client.get(LIST, {"q": query})) == ["日韓交流と姉妹都市"]


def test_full_width_digits_match_half_width(client):
    make_report(title="2025年度セミナー")
    assert titles_in_order(client.get(LIST, {"q": "２０２５"})) == ["2025年度セミナー"]


def test_title_matches_rank_before_body_matches_then_newest(client):
    make_report(title="本文だけ新しい", body="交流", events=(("2025-12-01", "2025-12-01"),))
    make_report(title="題に交流 古い", events=(("2024-01-01", "2024-01-01"),))
    make_report(title="題に交流 新しい", events=(("2025-06-01", "2025-06-01"),))
    make_report(title="本文だけ古い", body="交流", events=(("2023-01-01", "2023-01-01"),))
    assert titles_in_order(client.get(LIST, {"q": "交流"})) == [
        "題に交流 新しい",
        "題に交流 古い",
        "本文だけ新しい",
        "本文だけ古い",
    ]


def test_explicit_sort_overrides_relevance(client):
    make_report(title="題に交流", events=(("2024-01-01", "2024-01-01"),))
    make_report(title="本文", body="交流", events=(("2025-01-01", "2025-01-01"),))
    response = client.get(LIST, {"q": "交流", "sort": "newest"})
    assert titles_in_order(response) == ["本文", "題に交流"]


def test_matched_words_are_highlighted_in_the_snippet(client):
    make_report(
        title="報告", summary="概要", body="前置き。" * 30 + "姉妹都市との交流を深めました。"
    )
    html = client.get(LIST, {"q": "姉妹都市"}).text
    assert "<mark>姉妹都市</mark>との交流" in html


def test_highlight_escapes_text_and_marks_original_forms():
    snippet = highlight("<b>ＮＬＣ</b> の総会", ["nlc"])
    assert snippet == "&lt;b&gt;<mark>ＮＬＣ</mark>&lt;/b&gt; の総会"


def test_like_wildcards_in_a_query_are_literal(client):
    make_report(title="100%達成")
    make_report(title="達成率")
    assert titles_in_order(client.get(LIST, {"q": "%"})) == ["100%達成"]
    assert titles_in_order(client.get(LIST, {"q": "_"})) == []


def test_single_character_query_still_matches(client):
    make_report(title="韓国")
    make_report(title="中国")
    assert titles_in_order(client.get(LIST, {"q": "韓"})) == ["韓国"]


# Search pages of common words: read by walking the list's order ---------------


def make_dated(title: str, day: str, body: str = "本文です。"):
    return make_report(title=title, body=body, events=((day, day),))


def expected_relevance_order(reports, word):
    """Title matches first, then the other matches, each newest event first."""
    matches = [r for r in reports if word in r.title or word in r.body]
    return [
        r.title
        for r in sorted(
            matches,
            key=lambda r: (word not in r.title, -r.first_date.toordinal(), -r.pk),
        )
    ]


@pytest.fixture
def common_word_reports(db):
    """45 reports: 15 with 交流 in the title, 25 in the body only, 5 without."""
    reports = []
    for n in range(45):
        day = f"20{10 + n % 15:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        if n % 9 == 0:
            reports.append(make_dated(f"観光 {n}", day))
        elif n % 3 == 0:
            reports.append(make_dated(f"交流 {n}", day))
        else:
            reports.append(make_dated(f"報告 {n}", day, body=f"姉妹都市との交流 {n}"))
    for report in reports:
        report.refresh_from_db()
    return reports


def test_a_common_word_search_page_lists_title_matches_first_then_newest(
    client, common_word_reports
):
    response = client.get(LIST, {"q": "交流"})
    assert titles_in_order(response) == expected_relevance_order(common_word_reports, "交流")[:20]


@pytest.mark.parametrize("page", [1, 2])
def test_walked_pages_cross_from_title_matches_to_body_matches_in_order(
    client, common_word_reports, page
):
    expected = expected_relevance_order(common_word_reports, "交流")
    response = client.get(LIST, {"q": "交流", "page": page})
    assert titles_in_order(response) == expected[(page - 1) * 20 : page * 20]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_walked_search_sorted_by_date_keeps_that_order(client, common_word_reports, sort):
    matches = [r for r in common_word_reports if "交流" in r.title or "交流" in r.body]
    matches.sort(key=lambda r: (r.first_date, r.published_at, r.pk), reverse=sort == "newest")
    for page in (1, 2):
        response = client.get(LIST, {"q": "交流", "sort": sort, "page": page})
        assert titles_in_order(response) == [r.title for r in matches][(page - 1) * 20 : page * 20]


def test_a_walked_search_keeps_the_other_filters(client, common_word_reports):
    make_report(title="交流 パリ", office="paris")
    response = client.get(LIST, {"q": "交流", "office": "paris"})
    assert titles_in_order(response) == ["交流 パリ"]


def test_a_search_page_past_the_walk_budget_is_in_the_same_order(
    client, common_word_reports, settings
):
    settings.SEARCH_WALK_BUDGET = 10  # the page is ranked, not walked
    response = client.get(LIST, {"q": "交流", "page": 2})
    assert titles_in_order(response) == expected_relevance_order(common_word_reports, "交流")[20:40]


def test_a_search_whose_matches_are_all_old_still_lists_the_newest_of_them(client, settings):
    # The matches are the oldest reports: the newest ones, walked first, hold
    # none, and there are more of them than the walk reads.
    for n in range(100):
        make_dated(f"古い交流 {n:03d}", f"2001-{1 + n // 28:02d}-{1 + n % 28:02d}")
    for n in range(200):
        make_dated(f"新しい報告 {n}", f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}")
    settings.SEARCH_WALK_MIN_WINDOW = 5  # a walk reads too few of them, then ranks
    response = client.get(LIST, {"q": "交流"})
    assert titles_in_order(response) == [f"古い交流 {n:03d}" for n in range(99, 79, -1)]
