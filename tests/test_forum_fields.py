"""The rules of each field, one form at a time (docs/forum-drafts.md)."""

import datetime

import pytest

from forum.dates import find_dates, find_fiscal_year
from forum.figures import find_figures
from forum.ids import stable_external_id
from forum.local_governments import finder_from_suggest
from forum.parsing import parse_text
from forum.text import tidy_text
from tests.forum_helpers import OFFICES, fake_finder

ISSUE = datetime.date(2026, 2, 1)
D = datetime.date


def dates(text):
    return [(r.start, r.end, r.year_from) for r in find_dates(tidy_text(text), issue=ISSUE)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025 年 12 月 18 日および 19 日の 2 日間", [(D(2025, 12, 18), D(2025, 12, 19), "text")]),
        ("2025年11月6日から9日まで", [(D(2025, 11, 6), D(2025, 11, 9), "text")]),
        ("2025 年10 月26 日から11月1日までの 7 日間", [(D(2025, 10, 26), D(2025, 11, 1), "text")]),
        ("令和7年12月28日から1月3日まで", [(D(2025, 12, 28), D(2026, 1, 3), "text")]),
        ("令和8年1月10日", [(D(2026, 1, 10), D(2026, 1, 10), "text")]),
        (
            "2025年12月29日（月）から2026年1月4日（日）まで",
            [(D(2025, 12, 29), D(2026, 1, 4), "text")],
        ),
        ("2025年10月14日～16日", [(D(2025, 10, 14), D(2025, 10, 16), "text")]),
        (
            "2025年12月5日および12日",
            [(D(2025, 12, 5),) * 2 + ("text",), (D(2025, 12, 12),) * 2 + ("text",)],
        ),
        ("2025年12月18日から2日間", [(D(2025, 12, 18), D(2025, 12, 19), "text")]),
        (
            "2025年11月10日、北京市で…。翌11月11日には",
            [(D(2025, 11, 10),) * 2 + ("text",), (D(2025, 11, 11),) * 2 + ("context",)],
        ),
        ("2025年度は…1月20日に", [(D(2026, 1, 20), D(2026, 1, 20), "context")]),
        ("11月6日から9日まで", [(D(2025, 11, 6), D(2025, 11, 9), "issue")]),
        ("2月10日に", [(D(2026, 2, 10), D(2026, 2, 10), "issue")]),
    ],
)
def test_each_date_form_of_the_forum_gives_its_event_dates(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "申込は3月1日締切",
        "2026年3月31日まで募集",
        "1990年4月1日に姉妹都市提携を締結",
        "2017年から共催",
        "2月30日",
    ],
)
def test_a_deadline_a_history_or_a_date_without_a_day_is_no_event(text):
    assert dates(text) == []


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2025年度は", 2025),
        ("令和7年度上半期", 2025),
        ("平成30年度", 2018),
        ("令和元年度", 2019),
        ("2026年度開催予定の事業と2025年度の", 2025),
    ],
)
def test_the_fiscal_year_is_the_first_named_that_is_not_announced_for_later(text, year):
    assert find_fiscal_year(text).year == year


def rows(text):
    figures, notes = find_figures(tidy_text(text))
    return [(f.name, f.country, f.municipalities, f.people, f.qualifier) for f in figures], notes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "当日は日本 18 自治体 27 人、韓国 15 自治体 25 人、計 52 人が参加しました。",
            [("日本", "JP", 18, 27, "exact"), ("韓国", "KR", 15, 25, "exact")],
        ),
        ("参加者は約 800 人に上りました。", [("参加者", None, None, 800, "about")]),
        ("3,000人以上の参加者が集った。", [("参加者", None, None, 3000, "at_least")]),
        ("約 1,000 人の参加の下、開催されました。", [("参加者", None, None, 1000, "about")]),
        ("来場者は1万2,000人を超えました。来場", [("来場者", None, None, 12000, "exact")]),
        ("8,000人を超える来場者が訪れた。", [("来場者", None, None, 8000, "at_least")]),
        ("およそ150人が参加した。", [("参加者", None, None, 150, "about")]),
        ("50人程度が受講した。", [("受講者", None, None, 50, "about")]),
        ("7自治体から10事業者が出展した。", [("出展者", None, 7, None, "exact")]),
        (
            "オーストラリアの自治体幹部6人を迎えた。",
            [("オーストラリアの自治体幹部", "AU", None, 6, "exact")],
        ),
    ],
)
def test_each_participant_figure_gives_its_row_and_qualifier(text, expected):
    assert rows(text)[0] == expected


def test_figures_outside_a_sentence_about_taking_part_are_not_participants():
    assert rows(
        "ハワイ州を除く49州の1万9,000以上の市町村を代表する組織です。人口10万人の市です。"
    ) == ([], [])


def test_a_total_that_the_rows_do_not_add_up_to_is_noted_for_staff():
    assert rows("韓国から12人、中国から8人など計30人が参加しました。")[1] == [
        "合計 30 人と内訳の合計 20 人が合いません。確認してください。"
    ]


def test_the_external_id_is_the_same_however_the_pdf_spaced_the_title():
    assert stable_external_id("Vol. 436", "2025 年 JETAA 国際会議") == stable_external_id(
        "Vol.436", "2025年JETAA国際会議"
    )


def test_the_external_id_differs_for_another_source_or_title():
    ids = {
        stable_external_id("Vol. 436", "A"),
        stable_external_id("Vol. 437", "A"),
        stable_external_id("Vol. 436", "B"),
    }
    assert len(ids) == 3


def test_two_articles_with_one_title_get_two_ids_in_the_order_of_the_text():
    text = "\n\n".join(["会議を開催しました\nクレアソウル事務所は会議を開きました。"] * 2)
    result = parse_text(text, offices=OFFICES, source="Vol. 1")
    first, second = (report.external_id for report in result.reports)
    assert second == first + "-2"


def test_a_shared_town_name_is_listed_with_its_candidates_not_a_code():
    result = parse_text(
        "研修を開催しました\nクレアでは、美郷町の職員を迎えて研修を開催しました。",
        offices=OFFICES,
        find_local_governments=fake_finder,
    )
    named = result.reports[0].local_governments[0]
    assert (named.place.name, named.place.code, len(named.place.candidates), named.certainty) == (
        "美郷町",
        None,
        3,
        "not_found",
    )


def test_without_a_directory_the_local_governments_are_marked_not_read():
    result = parse_text("研修を開催しました\nクレアでは研修を開催しました。", offices=OFFICES)
    assert result.reports[0].local_governments_note.startswith("自治体の名簿が使えない")


def test_the_municipalities_apps_suggestions_plug_in_as_a_finder():
    class Obj:
        def __init__(self, **kwargs):
            self.__dict__.update(kwargs)

    toba = Obj(code="242110", name="鳥羽市", label="鳥羽市（三重県）")
    misato = [
        Obj(code=c, name="美郷町", label=f"美郷町（{p}）")
        for c, p in (("054348", "秋田県"), ("454311", "宮崎県"))
    ]
    suggestions = Obj(
        local_governments=[Obj(place=toba, mentions=1)],
        ambiguous=[Obj(name="美郷町", candidates=misato, mentions=1)],
        partners=[Obj(partner=Obj(key="aube", name="オーブ県", country="FR"), mentions=1)],
    )
    find = finder_from_suggest(lambda texts: suggestions)
    assert [(p.name, p.code, p.country, p.kind) for p in find("…")] == [
        ("鳥羽市", "242110", "JP", "local_government"),
        ("美郷町", None, "JP", "local_government"),
        ("オーブ県", "aube", "FR", "partner"),
    ]


def test_an_article_without_an_office_name_or_tab_leaves_the_office_not_found():
    result = parse_text("研修を開催しました\n多くの方が研修に参加しました。", offices=OFFICES)
    assert (result.reports[0].office.value, result.reports[0].office.certainty) == (
        None,
        "not_found",
    )


def test_a_date_without_a_year_and_no_issue_gives_no_event():
    result = parse_text("会議を開催しました\n11月6日に会議を開催しました。", offices=OFFICES)
    assert result.reports[0].events == []
