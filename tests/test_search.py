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


def test_search_index_is_used_on_postgresql(db):
    from django.db import connection

    from reports.models import Report

    if connection.vendor != "postgresql":
        pytest.skip("the bigram index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Report.objects.search("交流").order_by().explain()
        cursor.execute("RESET enable_seqscan")
    assert "report_search_bigram_idx" in plan
