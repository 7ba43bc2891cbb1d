"""The server-rendered SVG map of Japan: one linked, named shape per prefecture, a dot per municipality."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from municipalities import geometry
from municipalities.maps import DATA_FILE, SHADES, Dot, render_japan_map, scale

SVG = "{http://www.w3.org/2000/svg}"
SHIMANE, HIROSHIMA, TOKYO, OKINAWA = "320005", "340006", "130001", "470007"
MISATO = Dot("324485", "美郷町（島根県）", 35.076690, 132.590559, 2)
NAHA = Dot("472018", "那覇市（沖縄県）", 26.212401, 127.680932, 1)
OGASAWARA = Dot("134210", "小笠原村（東京都）", 27.094366, 142.191918, 1)


def url_for(code: str) -> str:
    return f"/municipalities/{code}/"


def draw(counts=None, dots=(MISATO,), **options):
    options.setdefault("title", "活動報告の地図")
    return render_japan_map(
        prefecture_counts=counts or {SHIMANE: 3, TOKYO: 12}, dots=dots, url_for=url_for, **options
    )


def parse(rendered) -> ET.Element:
    return ET.fromstring(str(rendered.svg))


def links(root: ET.Element, shape: str) -> list[ET.Element]:
    return [a for a in root.iter(f"{SVG}a") if a.find(f"{SVG}{shape}") is not None]


def coordinates(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"([-\d.]+) ([-\d.]+)", path)]


def test_each_of_the_47_prefectures_is_one_path():
    paths = list(parse(draw()).iter(f"{SVG}path"))

    assert len(paths) == 47


def test_each_prefecture_links_to_its_page_and_says_its_name_and_count():
    [shimane] = [a for a in links(parse(draw()), "path") if a.get("href") == url_for(SHIMANE)]

    assert shimane.get("aria-label") == "島根県：3件"
    assert shimane.find(f"{SVG}title").text == "島根県：3件"


def test_a_prefecture_without_reports_is_still_a_link_saying_zero():
    [hiroshima] = [a for a in links(parse(draw()), "path") if a.get("href") == url_for(HIROSHIMA)]

    assert hiroshima.get("aria-label") == "広島県：0件"


def test_each_municipality_with_a_count_is_a_linked_named_dot():
    [dot] = links(parse(draw()), "circle")

    assert (dot.get("href"), dot.get("aria-label")) == (
        url_for(MISATO.code),
        "美郷町（島根県）：2件",
    )


def test_dots_can_be_marked_in_the_language_of_their_names():
    [dot] = links(parse(draw(dot_lang="ja")), "circle")
    shapes = links(parse(draw(dot_lang="ja")), "path")

    assert dot.get("lang") == "ja"
    assert {shape.get("lang") for shape in shapes} == {None}


def test_a_municipality_without_a_count_gets_no_dot():
    zero = Dot("352047", "萩市（山口県）", 34.408116, 131.399085, 0)

    assert len(links(parse(draw(dots=(MISATO, zero))), "circle")) == 1


def test_the_map_is_a_group_named_by_its_title_and_description():
    root = parse(draw(title="活動報告の地図", description="島根県 3件", element_id="m"))

    assert (root.get("role"), root.get("aria-labelledby"), root.get("aria-describedby")) == (
        "group",
        "m-title",
        "m-desc",
    )
    assert root.find(f"{SVG}title").get("id") == "m-title"
    assert root.find(f"{SVG}title").text == "活動報告の地図"
    assert root.find(f"{SVG}desc").text == "島根県 3件"


def test_the_prefecture_with_the_most_reports_is_darkest_and_one_without_is_white():
    fills = {a.get("href"): a.find(f"{SVG}path").get("fill") for a in links(parse(draw()), "path")}

    assert fills[url_for(TOKYO)] == SHADES[-1]
    assert fills[url_for(HIROSHIMA)] == "#ffffff"


def test_a_few_counts_get_a_class_each():
    assert [step.label for step in scale(3)] == ["1", "2", "3"]


def test_many_counts_get_five_classes_growing_geometrically():
    assert [step.label for step in scale(100)] == ["1–3", "4–7", "8–16", "17–40", "41–100"]
    assert [step.colour for step in scale(100)] == list(SHADES)


def test_no_counts_need_no_classes():
    assert scale(0) == ()


def test_the_legend_is_returned_for_the_page_as_well():
    assert draw().legend == scale(12)


def test_the_table_rows_hold_the_same_figures_as_the_map():
    rows = {row.code: row for row in draw().rows}

    assert len(rows) == 47
    assert (rows[SHIMANE].name, rows[SHIMANE].count, rows[SHIMANE].url) == (
        "島根県",
        3,
        url_for(SHIMANE),
    )
    assert [(dot.code, url) for dot, url in rows[SHIMANE].municipalities] == [
        (MISATO.code, url_for(MISATO.code))
    ]
    assert rows[HIROSHIMA].count == 0


def test_the_table_items_escape_names_and_carry_the_dots_language():
    rendered = draw(dots=(Dot("324485", 'A"&<b>', 35, 132, 1),), dot_lang="ja")
    rows = {row.code: row for row in rendered.rows}

    assert str(rows[SHIMANE].municipalities_html) == (
        '<li><a href="/municipalities/324485/" lang="ja">A&quot;&amp;&lt;b&gt;</a> 1件</li>'
    )


def test_names_and_addresses_are_escaped():
    rendered = draw(
        title='<script>alert("x")</script>', dots=(Dot("324485", 'A"&<b>', 35, 132, 1),)
    )
    root = parse(rendered)  # would not parse if anything were left unescaped

    assert root.find(f"{SVG}title").text == '<script>alert("x")</script>'
    assert links(root, "circle")[0].get("aria-label") == 'A"&<b>：1件'


def test_the_map_has_no_script_style_or_event_attribute():
    markup = str(draw().svg)

    assert "<script" not in markup and "<style" not in markup
    assert not re.search(r"\son\w+=", markup)


def test_okinawa_and_its_dots_are_drawn_in_the_inset():
    root = parse(draw(counts={OKINAWA: 1}, dots=(NAHA,)))
    x, y, width, height = geometry.INSETS[0].frame()
    [okinawa] = [a for a in links(root, "path") if a.get("href") == url_for(OKINAWA)]
    [naha] = links(root, "circle")

    outline = coordinates(okinawa.find(f"{SVG}path").get("d"))
    assert all(x <= px <= x + width and y <= py <= y + height for px, py in outline)
    circle = naha.find(f"{SVG}circle")
    assert x <= float(circle.get("cx")) <= x + width and y <= float(circle.get("cy")) <= y + height


def test_ogasawara_is_drawn_in_its_own_inset():
    [dot] = links(parse(draw(dots=(OGASAWARA,))), "circle")
    x, y, width, height = geometry.INSETS[1].frame()

    circle = dot.find(f"{SVG}circle")
    assert x <= float(circle.get("cx")) <= x + width and y <= float(circle.get("cy")) <= y + height


def test_every_outline_lies_inside_the_view_box():
    root = parse(draw())
    _, _, width, height = map(float, root.get("viewBox").split())

    for path in root.iter(f"{SVG}path"):
        assert all(0 <= x <= width and 0 <= y <= height for x, y in coordinates(path.get("d")))


def test_neighbouring_prefectures_still_share_their_border_after_simplification():
    paths = {
        a.get("href"): set(coordinates(a.find(f"{SVG}path").get("d")))
        for a in links(parse(draw()), "path")
    }

    assert len(paths[url_for(SHIMANE)] & paths[url_for(HIROSHIMA)]) >= 5


@pytest.mark.parametrize("key", ["scale", "bounds", "shrink", "insets"])
def test_the_outline_file_was_derived_with_the_projection_the_dots_use(key):
    # A change to geometry.py needs scripts/derive_japan_map.py run again.
    derived = json.loads(DATA_FILE.read_text(encoding="utf-8"))["projection"]

    assert derived[key] == json.loads(json.dumps(geometry.parameters()))[key]
