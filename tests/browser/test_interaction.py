"""What a visitor does in a real browser: filter, page through results, switch
language, open a report and its photo."""

from urllib.parse import parse_qs, urlsplit

from tests.factories import make_report

SEOUL_REPORT = "「日韓国交正常化60周年記念 日韓公務員交流ワークショップ」を開催しました"


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def report_titles(page) -> list[str]:
    return page.locator(".results .report-card__title").all_inner_texts()


def test_ticking_an_office_and_a_theme_then_submitting_lists_their_reports(page, demo):
    page.goto("/reports/")
    page.locator('input[name="office"][value="seoul"]').check()
    page.locator('input[name="theme"][value="multicultural"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="この条件で表示").click()
    assert urlsplit(page.url).path == "/reports/"
    assert query(page)["office"] == ["seoul"]
    assert query(page)["theme"] == ["multicultural"]
    assert page.locator(".results-summary").inner_text() == "ソウル事務所、多文化共生: 1件"
    assert report_titles(page) == [SEOUL_REPORT]


def test_paging_through_results_keeps_the_filters(page):
    # One more than a page (20) in the filtered list, and one report outside it.
    for _ in range(21):
        make_report(office="sydney", themes=("education",))
    make_report(office="paris", themes=("education",))
    page.goto("/reports/?office=sydney&theme=education")
    assert len(report_titles(page)) == 20

    with page.expect_navigation():
        page.locator('.pagination a[rel="next"]').click()
    assert query(page) == {"office": ["sydney"], "theme": ["education"], "page": ["2"]}
    assert len(report_titles(page)) == 1
    assert page.locator('.pagination [aria-current="page"]').inner_text() == "2 / 2 ページ"
    assert page.locator('input[name="office"][value="sydney"]').is_checked()
    assert page.locator(".results-summary").inner_text() == "シドニー事務所、教育: 21件"

    with page.expect_navigation():
        page.locator('.pagination a[rel="prev"]').click()
    assert query(page) == {"office": ["sydney"], "theme": ["education"], "page": ["1"]}


def test_switching_language_keeps_the_filters(page, demo):
    page.goto("/reports/?office=seoul&theme=multicultural")
    with page.expect_navigation():
        page.get_by_test_id("language-switch").click()
    assert urlsplit(page.url).path == "/en/reports/"
    assert query(page) == {"office": ["seoul"], "theme": ["multicultural"]}
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('input[name="theme"][value="multicultural"]').is_checked()
    assert page.locator(".results-summary").inner_text().endswith(": 1 report")

    with page.expect_navigation():
        page.get_by_test_id("language-switch").click()
    assert urlsplit(page.url).path == "/reports/"
    assert query(page) == {"office": ["seoul"], "theme": ["multicultural"]}
    assert page.locator("html").get_attribute("lang") == "ja"


def test_opening_a_report_and_its_photo_shows_the_image(page, demo):
    page.goto("/reports/?office=seoul")
    with page.expect_navigation():
        page.get_by_role("link", name=SEOUL_REPORT).click()
    assert urlsplit(page.url).path == "/reports/japan-korea-officials-workshop-2025/"
    assert page.locator("h1").inner_text() == SEOUL_REPORT

    photo = page.get_by_role(
        "link", name="日韓の自治体職員が会議室でワークショップに参加している様子"
    )
    with page.expect_navigation() as navigation:
        photo.click()
    response = navigation.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/")
    # Chromium shows an image file as a page holding that one image, decoded.
    assert page.evaluate("document.images[0].naturalWidth") > 0
