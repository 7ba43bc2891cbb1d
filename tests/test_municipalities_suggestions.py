"""Suggestions of local governments and partners abroad from a report's texts."""

import csv
import time
from pathlib import Path

import pytest

from municipalities.loading import DATA_FILE
from municipalities.models import Partner
from municipalities.services import suggestions_for
from municipalities.suggestions import Gazetteer, PartnerName, Place, suggest

SEED = Path(__file__).parent / "data" / "forum-vol436.txt"

PARTNERS = (
    PartnerName(
        "kr-ulsan", "蔚山広域市", "KR", ("蔚山広域市", "Ulsan Metropolitan City", "蔚山市")
    ),
    PartnerName("kr-ansan", "安山市", "KR", ("安山市", "Ansan")),
    PartnerName("fr-aube", "オーブ県", "FR", ("オーブ県", "Aube")),
    PartnerName(
        "au-nsw", "ニューサウスウェールズ州", "AU", ("ニューサウスウェールズ州", "New South Wales")
    ),
)


@pytest.fixture(scope="module")
def names() -> Gazetteer:
    """Every current local government of the data file, and four partners abroad."""
    with DATA_FILE.open(encoding="utf-8", newline="") as source:
        rows = [row for row in csv.DictReader(source) if row["status"] == "current"]
    places = [Place(row["code"], row["name"], row["prefecture"], row["kind"]) for row in rows]
    return Gazetteer(places, PARTNERS)


def found(names, *texts) -> list[tuple[str, str]]:
    return [(f.place.code, f.place.label) for f in suggest(names, texts).local_governments]


def ambiguous(names, *texts) -> list[tuple[str, list[str]]]:
    return [(a.name, [p.code for p in a.candidates]) for a in suggest(names, texts).ambiguous]


def test_a_name_with_its_prefecture_before_it_is_that_prefectures(names):
    assert found(names, "島根県美郷町とバリ州マス村の交流") == [("324485", "美郷町（島根県）")]


def test_a_name_with_its_prefecture_and_district_before_it_is_that_prefectures(names):
    assert found(names, "宮崎県東臼杵郡美郷町の職員") == [("454311", "美郷町（宮崎県）")]


def test_a_name_several_prefectures_share_named_alone_is_listed_as_ambiguous(names):
    assert found(names, "美郷町の職員が参加しました。") == []
    assert ambiguous(names, "美郷町の職員が参加しました。") == [
        ("美郷町", ["054348", "324485", "454311"])
    ]


def test_a_shared_name_is_resolved_by_its_prefecture_named_elsewhere_in_the_report(names):
    texts = ("秋田県の国際交流", "美郷町の職員が参加しました。")

    assert found(names, *texts) == [("050008", "秋田県"), ("054348", "美郷町（秋田県）")]
    assert ambiguous(names, *texts) == []


def test_a_shared_name_stays_ambiguous_when_two_of_its_prefectures_are_named(names):
    texts = ("秋田県と島根県から", "美郷町の職員が参加しました。")

    assert ambiguous(names, *texts) == [("美郷町", ["054348", "324485", "454311"])]


def test_the_two_fuchu_and_the_two_date_are_told_apart_by_their_prefectures(names):
    text = "東京都府中市、広島県府中市、北海道伊達市と福島県伊達市"

    assert found(names, text) == [
        ("132063", "府中市（東京都）"),
        ("342084", "府中市（広島県）"),
        ("012335", "伊達市（北海道）"),
        ("072133", "伊達市（福島県）"),
    ]


def test_a_prefecture_only_qualifying_a_name_is_not_suggested_itself(names):
    assert found(names, "三重県鳥羽市の職員") == [("242110", "鳥羽市（三重県）")]


def test_a_prefecture_named_on_its_own_is_suggested(names):
    assert found(names, "日本から東京都・横浜市が参加") == [
        ("130001", "東京都"),
        ("141003", "横浜市（神奈川県）"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "市町村",
        "姉妹都市",
        "見本市",
        "同市",
        "全米都市連盟",
        "国際都市",
        "市町村長",
        "同市事務総長",
    ],
)
def test_words_that_merely_end_like_a_name_never_match(names, text):
    assert suggest(names, [text]) == suggest(names, [])


def test_a_short_name_inside_a_longer_word_does_not_match(names):
    assert found(names, "天津市と赤坂町") == []  # not 津市, not 坂町


def test_a_short_name_after_its_district_matches(names):
    assert found(names, "北海道茅部郡森町") == [("013455", "森町（北海道）")]


def test_a_ward_of_a_designated_city_is_not_a_tokyo_special_ward(names):
    assert found(names, "札幌市中央区で開催") == [("011002", "札幌市（北海道）")]


def test_a_tokyo_special_ward_is_found(names):
    assert found(names, "東京都中央区で開催") == [("131024", "中央区（東京都）")]


def test_a_market_is_not_a_city(names):
    assert found(names, "中央市場を視察") == []
    assert found(names, "中央市を視察") == [("192147", "中央市（山梨県）")]


def test_a_name_broken_by_a_line_break_is_found(names):
    assert found(names, "島根県美郷\n町とバリ") == [("324485", "美郷町（島根県）")]


def test_a_name_does_not_run_from_one_text_into_the_next(names):
    assert found(names, "鳥羽", "市の職員") == []


def test_half_width_katakana_and_the_other_small_ke_are_folded(names):
    assert found(names, "ﾆｾｺ町と茅ケ崎市") == [
        ("013951", "ニセコ町（北海道）"),
        ("142077", "茅ヶ崎市（神奈川県）"),
    ]


def test_a_partner_is_found_by_its_japanese_name(names):
    keys = [p.partner.key for p in suggest(names, ["萩市と蔚山広域市"]).partners]

    assert keys == ["kr-ulsan"]


def test_a_partner_is_found_by_its_english_name_as_a_whole_word(names):
    texts = ["A visit to Ansan and to New South Wales", "Ansanville"]

    assert [p.partner.key for p in suggest(names, texts).partners] == ["kr-ansan", "au-nsw"]
    assert suggest(names, texts).partners[0].mentions == 1


def test_each_suggestion_counts_its_mentions(names):
    [toba] = suggest(names, ["鳥羽市の職員", "鳥羽市職員（左）"]).local_governments

    assert toba.mentions == 2


def test_the_seed_text_names_these_local_governments_in_this_order(names):
    suggestions = suggest(names, [SEED.read_text(encoding="utf-8")])

    assert [(f.place.code, f.place.label) for f in suggestions.local_governments] == [
        ("352047", "萩市（山口県）"),  # 萩市と蔚山広域市
        ("242110", "鳥羽市（三重県）"),  # 三重県鳥羽市
        ("130001", "東京都"),  # 日本から東京都・横浜市
        ("141003", "横浜市（神奈川県）"),
        ("324485", "美郷町（島根県）"),  # 島根県美郷町とバリ州マス村
        ("420000", "長崎県"),  # 長崎県主催
        ("310000", "鳥取県"),  # 鳥取県多文化共生サポーター
        ("320005", "島根県"),  # 島根県外国人地域サポーター
        ("022047", "黒石市（青森県）"),  # 青森県黒石市
        ("472018", "那覇市（沖縄県）"),  # 那覇市若狭公民館
    ]
    assert suggestions.ambiguous == ()


def test_the_seed_text_names_these_partners_abroad(names):
    suggestions = suggest(names, [SEED.read_text(encoding="utf-8")])

    assert [p.partner.name for p in suggestions.partners] == [
        "蔚山広域市",
        "安山市",
        "オーブ県",
        "ニューサウスウェールズ州",  # broken over two lines in the text
    ]


def test_suggesting_from_a_40_page_text_takes_well_under_a_second(names):
    text = SEED.read_text(encoding="utf-8")
    forty_pages = (text * (80_000 // len(text) + 1))[:80_000]

    started = time.perf_counter()
    suggestions = suggest(names, [forty_pages])
    elapsed = time.perf_counter() - started

    assert len(suggestions.local_governments) == 10
    assert elapsed < 0.5  # about 20 ms on the development machine


@pytest.mark.django_db
def test_suggestions_from_the_database_include_the_partners_staff_added():
    Partner.objects.create(name="安山市", name_en="Ansan", country="KR", slug="kr-ansan")

    suggestions = suggestions_for(texts=["安山市を視察し、島根県美郷町と"])

    assert suggestions.codes == ["324485"]
    assert [p.partner.key for p in suggestions.partners] == ["kr-ansan"]


def test_a_prefecture_separated_from_a_district_by_other_words_does_not_qualify_it(names):
    assert ambiguous(names, "秋田県と島根県内、東臼杵郡美郷町") == [
        ("美郷町", ["054348", "324485", "454311"])
    ]
