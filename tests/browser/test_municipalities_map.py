"""The map of Japan in Chromium: axe-core finds nothing, and the keyboard reaches its links.

The page around the map comes later (/municipalities/, /reports/map/); here the
renderer's markup stands in a minimal page of its own.
"""

from django.utils.html import format_html, format_html_join

from municipalities.maps import Dot, render_japan_map

from . import axe


def map_page(browser):
    rendered = render_japan_map(
        prefecture_counts={"320005": 3, "130001": 12, "470007": 1},
        dots=[Dot("324485", "美郷町（島根県）", 35.07669, 132.590559, 2)],
        url_for=lambda code: f"/municipalities/{code}/",
        title="活動報告の地図",
        description="都道府県の色は活動報告の件数を表します。",
    )
    table = format_html_join(
        "",
        "<tr><th scope='row'><a href='{}'>{}</a></th><td>{}</td></tr>",
        ((row.url, row.name, row.count) for row in rendered.rows),
    )
    html = format_html(
        "<!doctype html><html lang='ja'><head><meta charset='utf-8'><title>地図</title></head>"
        "<body><main><h1>地図</h1>{}<table><caption>件数</caption>{}</table></main></body></html>",
        rendered.svg,
        table,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.set_content(str(html))
    return context, page


def test_the_map_has_no_axe_violations(browser, axe_source):
    context, page = map_page(browser)
    try:
        found = axe.violations(page, axe_source)
    finally:
        context.close()

    assert not found, axe.describe(found)


def test_the_first_tab_stop_of_the_map_is_the_first_prefecture_with_its_name(browser):
    context, page = map_page(browser)
    try:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.getAttribute('href'),"
            " document.activeElement.getAttribute('aria-label')]"
        )
    finally:
        context.close()

    assert focused == ["/municipalities/010006/", "北海道：0件"]
