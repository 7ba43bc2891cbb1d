"""Report cards are cached by content: a list never shows a card older than its report."""

import pytest

from offices.models import Office
from reports.models import Photo, Theme
from tests.factories import make_report, png_upload

pytestmark = pytest.mark.django_db


def card_of(client, url, report):
    html = client.get(url).content.decode()
    link = html.index(f'href="/{"en/" if url.startswith("/en/") else ""}reports/{report.slug}/"')
    start = html.rindex("<article", 0, link)
    return html[start : html.index("</article>", start)]


def test_an_edited_report_shows_its_new_card_at_once(client):
    report = make_report(title="古いタイトル", summary="古い概要")
    assert "古いタイトル" in card_of(client, "/reports/", report)
    report.title, report.summary = "新しいタイトル", "新しい概要"
    report.save()
    card = card_of(client, "/reports/", report)
    assert "新しいタイトル" in card
    assert "新しい概要" in card


def test_renamed_office_and_theme_show_in_the_card(client):
    report = make_report(office="seoul", themes=("sister-cities",))
    card_of(client, "/reports/", report)
    Office.objects.filter(code="seoul").update(name_ja="ソウル事務所（改称）")
    Theme.objects.filter(slug="sister-cities").update(name_ja="姉妹都市（改称）")
    report.refresh_from_db()
    from django.core.cache import cache

    cache.clear()  # the reference data is cached for five minutes, by design
    card = card_of(client, "/reports/", report)
    assert "ソウル事務所（改称）" in card
    assert "姉妹都市（改称）" in card


def test_a_photo_replaced_in_the_admin_shows_in_the_card(client, admin_client_logged_in):
    from tests.test_photos import change_form

    report = make_report(photos=1)
    before = card_of(client, "/reports/", report)
    photo = Photo.objects.get(report=report)
    admin_client_logged_in.post(
        f"/admin/reports/report/{report.pk}/change/",
        change_form(
            report,
            photo,
            title=report.title,
            slug=report.slug,
            office=str(report.office_id),
            **{"photos-0-image": png_upload("replacement.png", width=90, height=40)},
        ),
    )
    after = card_of(client, "/reports/", report)
    assert after != before
    assert Photo.objects.get(report=report).display_url in after


def test_the_english_list_gets_the_english_card(client):
    report = make_report(title="日本語のタイトル")
    report.title_en = "English title"
    report.save()
    assert "日本語のタイトル" in card_of(client, "/reports/", report)
    assert "English title" in card_of(client, "/en/reports/", report)


def test_a_search_shows_the_snippet_not_a_cached_card(client):
    report = make_report(title="交流の報告", summary="前半。" * 40 + "琥珀の展示。" + "後半。" * 40)
    card_of(client, "/reports/", report)
    card = card_of(client, "/reports/?q=琥珀", report)
    assert "<mark>琥珀</mark>" in card


def list_queries(client, url="/reports/") -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import ContentRevision

    ContentRevision.bump()  # a new revision: the page is rendered again, counts recounted
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return len(queries), html[html.index('<ol class="report-list">') :]


def test_a_page_whose_cards_are_cached_builds_none_of_its_reports(client):
    from django.core.cache import caches

    for n in range(3):
        make_report(title=f"報告 {n}", themes=("sister-cities", "education"), photos=1)
    list_queries(client)  # offices, themes and counts read: the same for both below
    caches["cards"].clear()
    rendered, fresh = list_queries(client)
    cached, again = list_queries(client)
    assert again == fresh
    assert cached < rendered  # no report, theme or photo read for the cards


def test_only_the_edited_reports_card_is_rendered_again(client):
    reports = [make_report(title=f"報告 {n}") for n in range(3)]
    list_queries(client)
    reports[1].title = "直した報告"
    reports[1].save()
    _count, html = list_queries(client)
    assert "直した報告" in html
    assert "報告 0" in html and "報告 2" in html
