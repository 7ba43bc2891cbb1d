"""The public pages on a phone (375 px), at 200 % zoom and on a desktop: results come
first, cards stack, tables reflow without splitting words, nothing overflows."""

import pytest

from reports.models import Report
from tests.factories import make_report

PHONE = {"width": 375, "height": 812}
ZOOMED = {"width": 640, "height": 400}  # a 1280 px window at 200 %
LIST = "/reports/?theme=sister-cities"
REPORT = "/reports/japan-korea-officials-workshop-2025/"


def top(page, selector) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def test_on_a_phone_the_first_result_is_on_the_first_screen(page, demo):
    page.set_viewport_size(PHONE)
    page.goto(LIST)
    assert top(page, ".report-card") < PHONE["height"]
    assert not page.locator(".filters-panel").evaluate("el => el.open")


def test_on_a_phone_the_filters_open_from_one_labelled_control_without_javascript(
    browser, live_server, demo
):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, locale="ja-JP", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(LIST)
    assert not page.get_by_label("キーワード").is_visible()
    page.get_by_text("絞り込み・並び替え").click()
    assert page.get_by_label("キーワード").is_visible()
    context.close()


def test_on_a_desktop_the_filters_are_always_shown(page, demo):
    page.goto(LIST)
    assert page.get_by_label("キーワード").is_visible()


def test_on_a_phone_cards_stack_the_photo_above_the_title(page, demo):
    page.set_viewport_size(PHONE)
    page.goto("/reports/")
    card = page.locator(".report-card").filter(has=page.locator("picture")).first
    photo, title = card.locator("picture").bounding_box(), card.locator("h3").bounding_box()
    assert photo["y"] + photo["height"] <= title["y"] + 1
    assert title["width"] > 300


def test_on_a_phone_tables_reflow_into_labelled_rows(page, demo):
    page.set_viewport_size(PHONE)
    page.goto(REPORT)
    cells = page.locator("#events-heading + table td")
    assert cells.count() > 0
    for index in range(cells.count()):
        cell = cells.nth(index)
        assert cell.evaluate("el => getComputedStyle(el).display") == "block"
        assert cell.bounding_box()["width"] > 300  # no column narrow enough to split 会場


@pytest.mark.parametrize("url", ["/", LIST, REPORT, "/offices/seoul/"])
def test_at_200_percent_zoom_nothing_scrolls_sideways(page, demo, url):
    page.set_viewport_size(ZOOMED)
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= ZOOMED["width"]


def test_a_long_address_in_a_snippet_does_not_overflow_its_card(page):
    url = "https://www.example.org/" + "very-long-path-segment/" * 8
    make_report(title="アドレスの報告", summary=f"詳しくは {url} を見てください。交流の報告です。")
    assert Report.objects.count() == 1
    page.set_viewport_size(ZOOMED)
    page.goto("/reports/?q=交流")
    assert page.evaluate("document.documentElement.scrollWidth") <= ZOOMED["width"]


def test_interactive_controls_are_at_least_44_px_tall(page, demo):
    page.goto(LIST)
    for selector in (".site-nav a", ".filters button", ".facet li", ".tag", ".pagination a"):
        boxes = page.locator(selector)
        for index in range(min(boxes.count(), 5)):
            assert boxes.nth(index).bounding_box()["height"] >= 44, selector


@pytest.mark.parametrize("url", ["/reports/stats/", "/reports/map/", "/municipalities/"])
def test_on_a_phone_charts_and_maps_fit_the_screen(page, demo, url):
    page.set_viewport_size(PHONE)
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    drawings = page.locator("svg.chart, svg.japan-map").all()
    assert drawings
    for svg in drawings:
        assert svg.bounding_box()["width"] <= PHONE["width"]
