"""axe-core finds no WCAG 2.2 A/AA violation on the public pages, in Japanese and
English; the skip link and the filter form work from the keyboard; the accessibility
statement describes these checks as they are."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from reports.models import Photo
from tests.factories import make_report

from . import axe

PAGES = {
    "home": "/",
    "list-with-results": "/reports/?office=seoul",
    "list-without-results": "/reports/?office=seoul&theme=jet-programme",
    "report": "/reports/japan-korea-officials-workshop-2025/",
    "offices": "/offices/",
    "office": "/offices/seoul/",
    "themes": "/themes/",
    "theme": "/themes/multicultural/",
    "municipalities": "/municipalities/",
    "municipality": "/municipalities/324485/",
    "prefecture": "/municipalities/320005/",
    "partner": "/partners/kr-ulsan-metropolitan-city/",
    "report-map": "/reports/map/?office=seoul",
    "statistics": "/reports/stats/?theme=multicultural",
    "accessibility": "/accessibility/",
    "privacy": "/privacy/",
    "terms": "/terms/",
    "alerts-subscribe": "/alerts/subscribe/?office=seoul&theme=multicultural",
    "alerts-link-not-found": "/alerts/confirm/no-such-link/",
    "not-found": "/no-such-page/",
}
LANGUAGES = {"ja": "", "en": "/en"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_axe_violations(page, demo, assert_no_axe_violations, name, language):
    response = page.goto(LANGUAGES[language] + PAGES[name])
    assert response.status == (404 if name.endswith("not-found") else 200)
    assert page.locator("html").get_attribute("lang") == language
    assert_no_axe_violations(page)


def test_photo_without_alt_text_still_names_its_link(page, assert_no_axe_violations):
    report = make_report(photos=1)
    Photo.objects.filter(report=report).update(alt_text="")
    page.goto(report.get_absolute_url())
    assert page.get_by_role("link", name=re.compile(r"^写真 1 ")).count() == 1
    assert_no_axe_violations(page)


def test_skip_link_is_the_first_tab_stop_and_shows_its_focus(page, demo):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.get_attribute("class") == "skip-link"
    box = focused.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # moved on screen, no longer hidden off to the left
    style = focused.evaluate(
        "el => { const s = getComputedStyle(el); "
        "return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }"
    )
    assert style["outline"] == "solid" and style["width"] == "3px"
    assert style["shadow"] != "none"  # the second colour of the focus indicator
    page.keyboard.press("Enter")
    # The jump to #main lands after the key press returns; expect() waits for it.
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("#main")).to_be_focused()


def test_filter_form_works_with_the_keyboard_alone(page, demo):
    page.goto("/reports/")
    seoul = page.locator('input[name="office"][value="seoul"]')
    for _ in range(40):  # Tab through the header and the search field to the checkbox
        page.keyboard.press("Tab")
        if seoul.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the ソウル事務所 checkbox")
    page.keyboard.press("Space")
    assert seoul.is_checked()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["office"] == ["seoul"]
    assert page.locator(".results-summary").inner_text() == "ソウル事務所: 1件"


def test_statement_names_the_checks_that_run(client, db):
    text = client.get("/accessibility/").text
    assert f"axe-core {axe.pinned_version()} を読み込んで" in text
    assert "、".join(axe.AXE_TAGS) in text
    assert f"の {len(PAGES)} ページを、日本語版と英語版の両方（計 {len(PAGES) * 2} 画面）" in text
