"""Sharing and search engines: sitemap, robots.txt, canonical and share tags,
related reports, and the accessibility statement."""

import datetime
import html
import re
import urllib.robotparser
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from offices.models import Office
from reports.models import Report, Theme
from tests.factories import make_report

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
HOST = "http://testserver"


def sitemap_urls(client, section: str) -> dict[str, ET.Element]:
    response = client.get(f"/sitemap-{section}.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {url.findtext("sm:loc", namespaces=NS): url for url in root.findall("sm:url", NS)}


def head_tags(page: str) -> dict[str, str]:
    """<link rel> and <meta property/name> of a page's head, by rel/property/name."""
    head = page.split("</head>", 1)[0]
    tags = {}
    for rel, href in re.findall(r'<link rel="([^"]+)"(?: hreflang="[^"]+")? href="([^"]*)"', head):
        tags.setdefault(rel, html.unescape(href))
    for hreflang, href in re.findall(
        r'<link rel="alternate" hreflang="([^"]+)" href="([^"]*)"', head
    ):
        tags[f"hreflang:{hreflang}"] = html.unescape(href)
    for key, content in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', head):
        tags.setdefault(key, html.unescape(content))
    return tags


def related_links(page: str) -> list[str]:
    if 'id="related-heading"' not in page:
        return []
    section = page.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<h3 class="report-card__title"><a href="([^"]+)"', section)


# Sitemap


def test_sitemap_is_an_index_of_the_page_office_theme_and_report_sitemaps(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)] == [
        f"{HOST}/sitemap-pages.xml",
        f"{HOST}/sitemap-offices.xml",
        f"{HOST}/sitemap-themes.xml",
        f"{HOST}/sitemap-reports.xml",
    ]


def test_report_sitemap_lists_exactly_the_public_reports_in_both_languages(client):
    public = [make_report(), make_report()]
    make_report(status=Report.Status.DRAFT)
    make_report(published_at=timezone.now() + datetime.timedelta(days=3))  # scheduled
    assert set(sitemap_urls(client, "reports")) == {
        f"{HOST}{prefix}/reports/{report.slug}/" for report in public for prefix in ("", "/en")
    }


def test_report_sitemap_entry_names_both_languages_and_japanese_as_default(client):
    report = make_report()
    entry = sitemap_urls(client, "reports")[f"{HOST}/en/reports/{report.slug}/"]
    alternates = {
        link.get("hreflang"): link.get("href") for link in entry.findall("xhtml:link", NS)
    }
    assert alternates == {
        "ja": f"{HOST}/reports/{report.slug}/",
        "en": f"{HOST}/en/reports/{report.slug}/",
        "x-default": f"{HOST}/reports/{report.slug}/",
    }


def test_report_sitemap_lastmod_is_the_day_of_the_last_change(client):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(
        updated_at=datetime.datetime(2026, 1, 20, 12, tzinfo=datetime.UTC),
        published_at=datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC),
    )
    entry = sitemap_urls(client, "reports")[f"{HOST}/reports/{report.slug}/"]
    assert entry.findtext("sm:lastmod", namespaces=NS) == "2026-01-20"


def test_report_sitemap_reads_the_reports_in_one_query(client, django_assert_max_num_queries):
    for _ in range(5):
        make_report()
    with django_assert_max_num_queries(1):
        client.get("/sitemap-reports.xml")


def test_page_sitemaps_list_home_lists_every_office_and_every_theme(client):
    pages = set(sitemap_urls(client, "pages"))
    offices = set(sitemap_urls(client, "offices"))
    themes = set(sitemap_urls(client, "themes"))
    for prefix in ("", "/en"):
        for path in ("/", "/reports/", "/offices/", "/themes/", "/accessibility/"):
            assert f"{HOST}{prefix}{path}" in pages
        for office in Office.objects.all():
            assert f"{HOST}{prefix}/offices/{office.code}/" in offices
        for theme in Theme.objects.all():
            assert f"{HOST}{prefix}/themes/{theme.slug}/" in themes
    assert len(offices) == 2 * Office.objects.count()
    assert len(themes) == 2 * Theme.objects.count()


def test_office_sitemap_lastmod_follows_its_latest_public_report(client):
    report = make_report(office="paris")
    Report.objects.filter(pk=report.pk).update(
        updated_at=datetime.datetime(2026, 2, 3, 12, tzinfo=datetime.UTC),
        published_at=datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC),
    )
    make_report(office="paris", status=Report.Status.DRAFT)  # a later draft does not count
    offices = sitemap_urls(client, "offices")
    assert offices[f"{HOST}/offices/paris/"].findtext("sm:lastmod", namespaces=NS) == "2026-02-03"
    assert offices[f"{HOST}/offices/seoul/"].find("sm:lastmod", NS) is None


def test_sitemap_index_lists_every_file_of_a_long_report_sitemap(client, monkeypatch):
    from reports.sitemaps import ReportSitemap

    monkeypatch.setattr(ReportSitemap, "limit", 4)  # two reports a file
    reports = [make_report() for _ in range(3)]
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locs = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    assert locs[-2:] == [f"{HOST}/sitemap-reports.xml", f"{HOST}/sitemap-reports.xml?p=2"]
    second = client.get("/sitemap-reports.xml", {"p": 2})
    assert [loc.text for loc in ET.fromstring(second.content).findall("sm:url/sm:loc", NS)] == [
        f"{HOST}/reports/{reports[2].slug}/",
        f"{HOST}/en/reports/{reports[2].slug}/",
    ]


@pytest.mark.parametrize(
    "url", ["/sitemap-nothing.xml", "/sitemap-reports.xml?p=abc", "/sitemap-reports.xml?p=99"]
)
def test_unknown_sitemap_section_or_page_is_not_found(client, url):
    assert client.get(url).status_code == 404


# robots.txt


def test_robots_txt_allows_all_but_the_admin_and_the_exports_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.split("\n") == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /reports.json",
        "Disallow: /reports.jsonl",
        "Disallow: /reports.csv",
        "Disallow: /reports/calendar.ics",
        "Disallow: /en/reports.json",
        "Disallow: /en/reports.jsonl",
        "Disallow: /en/reports.csv",
        "Disallow: /en/reports/calendar.ics",
        "Disallow: /*.ics",
        "Allow: /",
        "",
        "Sitemap: http://testserver/sitemap.xml",
        "",
    ]


def robots_parser(client):
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(client.get("/robots.txt").text.splitlines())
    return parser


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/reports/report/",
        "/reports.csv",
        "/reports.csv?office=seoul",
        "/reports.json",
        "/reports.jsonl",
        "/reports/calendar.ics",
        "/en/reports.csv",
        "/en/reports/calendar.ics?theme=multicultural",
    ],
)
def test_a_first_match_robots_parser_reads_the_admin_exports_and_calendars_as_disallowed(
    client, path
):
    assert not robots_parser(client).can_fetch("*", f"http://testserver{path}")


@pytest.mark.parametrize(
    "path", ["/", "/reports/", "/reports/?office=seoul", "/reports/some-report/", "/offices/seoul/"]
)
def test_a_first_match_robots_parser_reads_the_public_pages_as_allowed(client, path):
    assert robots_parser(client).can_fetch("*", f"http://testserver{path}")


def test_a_reports_calendar_asks_crawlers_not_to_index_it(client):
    report = make_report()
    response = client.get(f"/reports/{report.slug}/calendar.ics")
    assert response["X-Robots-Tag"] == "noindex"


def test_robots_txt_does_not_reveal_a_custom_admin_address(client, settings):
    settings.ADMIN_URL = "staff-7f3a/"
    text = client.get("/robots.txt").text
    assert "staff-7f3a" not in text and "/admin/" not in text
    assert "Disallow: /reports.json" in text


# Canonical, hreflang and share tags


def test_report_page_has_its_canonical_url_and_both_languages(client):
    report = make_report()
    tags = head_tags(client.get(f"{report.get_absolute_url()}?utm_source=mail").text)
    assert tags["canonical"] == f"{HOST}/reports/{report.slug}/"
    assert tags["og:url"] == tags["canonical"]
    assert tags["hreflang:ja"] == f"{HOST}/reports/{report.slug}/"
    assert tags["hreflang:en"] == f"{HOST}/en/reports/{report.slug}/"
    assert tags["hreflang:x-default"] == f"{HOST}/reports/{report.slug}/"


def test_list_canonical_keeps_the_filters_and_drops_noise(client):
    page = client.get(
        "/en/reports/",
        {
            "theme": "multicultural",
            "office": ["seoul", "paris"],
            "q": "",
            "page": "1",
            "fbclid": "x",
        },
    ).text
    tags = head_tags(page)
    assert tags["canonical"] == f"{HOST}/en/reports/?office=paris&office=seoul&theme=multicultural"
    assert tags["hreflang:ja"] == f"{HOST}/reports/?office=paris&office=seoul&theme=multicultural"


def test_a_list_asked_in_both_languages_links_each_to_the_other(client):
    # Each language's page of one list, asked one after the other in one process.
    for path in ("/reports/", "/en/reports/") * 2:
        tags = head_tags(client.get(path, {"office": "seoul"}).text)
        assert tags["canonical"] == f"{HOST}{path}?office=seoul"
        assert tags["hreflang:ja"] == f"{HOST}/reports/?office=seoul"
        assert tags["hreflang:en"] == f"{HOST}/en/reports/?office=seoul"


def test_a_very_long_search_keeps_its_words_in_the_other_languages_link(client):
    words = "交流" * 300
    tags = head_tags(client.get("/reports/", {"q": words}).text)
    assert tags["hreflang:en"] == f"{HOST}/en/reports/?{urlencode({'q': words})}"


def test_list_canonical_keeps_a_page_number_after_the_first(client):
    for _ in range(21):
        make_report(office="london")
    tags = head_tags(client.get("/reports/", {"office": "london", "page": "2"}).text)
    assert tags["canonical"] == f"{HOST}/reports/?office=london&page=2"


def test_office_page_canonical_has_no_query_and_its_title_is_shared(client):
    tags = head_tags(client.get("/offices/seoul/?ref=newsletter").text)
    assert tags["canonical"] == f"{HOST}/offices/seoul/"
    assert tags["og:title"] == "ソウル事務所"
    assert tags["og:type"] == "website"
    assert tags["og:locale"] == "ja_JP"
    assert tags["twitter:card"] == "summary"


def test_report_with_photos_is_shared_with_its_first_photo_as_a_large_card(client):
    report = make_report(title="ソウルでの交流会", summary="交流会の概要。", photos=2)
    first = report.photos.order_by("position").first()
    tags = head_tags(client.get(report.get_absolute_url()).text)
    assert tags["og:type"] == "article"
    assert tags["og:title"] == "ソウルでの交流会"
    assert tags["og:description"] == "交流会の概要。"
    assert tags["og:image"] == f"{HOST}{first.file_url('display_jpeg')}"
    assert tags["og:image:alt"] == "代替テキスト 1"
    assert tags["twitter:card"] == "summary_large_image"


def test_report_without_photos_is_shared_as_a_summary_card_without_image(client):
    report = make_report(photos=0)
    page = client.get(report.get_absolute_url()).text
    tags = head_tags(page)
    assert tags["og:type"] == "article"
    assert tags["twitter:card"] == "summary"
    assert "og:image" not in page


def test_english_report_page_is_shared_in_english(client):
    report = make_report(title="日本語の題")
    report.title_en = "Exchange & friendship"
    report.save()
    tags = head_tags(client.get(f"/en/reports/{report.slug}/").text)
    assert tags["og:title"] == "Exchange & friendship"
    assert tags["og:locale"] == "en_US" and tags["og:locale:alternate"] == "ja_JP"
    assert tags["canonical"] == f"{HOST}/en/reports/{report.slug}/"


def test_unknown_address_has_no_canonical_link(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'rel="canonical"' not in response.text


# Related reports


def test_related_reports_rank_by_shared_themes_plus_office_then_newest(client):
    report = make_report(office="seoul", themes=("sister-cities", "multicultural"))

    def other(office, themes, day):
        return make_report(office=office, themes=themes, events=((day, day),))

    two_themes = other("paris", ("sister-cities", "multicultural"), "2025-01-10")
    office_and_theme = other("seoul", ("multicultural",), "2025-06-01")  # 1 + 1, newer
    office_only = other("seoul", ("environment",), "2025-12-01")
    one_theme = other("london", ("sister-cities",), "2024-04-01")
    other("paris", ("multicultural",), "2023-05-01")  # fifth: beyond the four shown
    other("london", ("environment",), "2026-01-01")  # nothing in common
    page = client.get(report.get_absolute_url()).text
    assert related_links(page) == [
        office_and_theme.get_absolute_url(),
        two_themes.get_absolute_url(),
        office_only.get_absolute_url(),
        one_theme.get_absolute_url(),
    ]


def test_related_reports_leave_out_drafts_scheduled_reports_and_the_report_itself(client):
    report = make_report(office="seoul", themes=("multicultural",))
    public = make_report(office="paris", themes=("multicultural",))
    make_report(office="seoul", themes=("multicultural",), status=Report.Status.DRAFT)
    make_report(
        office="seoul",
        themes=("multicultural",),
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert related_links(client.get(report.get_absolute_url()).text) == [public.get_absolute_url()]


def test_report_without_related_reports_has_no_related_section(client):
    report = make_report(office="sydney", themes=("environment",))
    make_report(office="london", themes=("education",))
    assert 'id="related-heading"' not in client.get(report.get_absolute_url()).text


def test_report_page_with_related_reports_takes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    report = make_report(office="seoul", themes=("multicultural",), photos=1)
    for _ in range(6):
        make_report(office="seoul", themes=("multicultural", "education"), photos=2)
    # The content revision (conditional GET); the report and its themes, photos,
    # events, participants, local governments, partners; the related reports and
    # their themes and photos.
    with django_assert_max_num_queries(11):
        page = client.get(report.get_absolute_url()).text
    assert len(related_links(page)) == 4


# Accessibility statement


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_accessibility_statement_is_served_in_both_languages(client, prefix):
    response = client.get(f"{prefix}/accessibility/")
    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert "axe-core" in response.text and "Playwright" in response.text


@pytest.mark.parametrize(
    "url, link", [("/", "/accessibility/"), ("/en/themes/", "/en/accessibility/")]
)
def test_every_page_footer_links_the_accessibility_statement(client, url, link):
    footer = client.get(url).text.split('<footer class="site-footer">', 1)[1]
    assert f'href="{link}"' in footer
