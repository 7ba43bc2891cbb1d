"""Japanese at the bare URLs, English under /en/, and a switch that keeps filters."""

import pytest

from tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_language_switch_keeps_the_current_filters(client):
    html = client.get("/reports/", {"office": "seoul", "q": "交流"}).text
    assert 'href="/en/reports/?office=seoul&amp;q=%E4%BA%A4%E6%B5%81"' in html


def test_english_page_switches_back_to_japanese(client):
    html = client.get("/en/offices/seoul/").text
    assert 'href="/offices/seoul/"' in html and 'lang="ja"' in html


def test_english_pages_show_office_and_theme_names_in_english(client):
    html = client.get("/en/offices/").text
    assert '<html lang="en">' in html
    assert "Seoul Office" in html and "ソウル事務所" not in html


def test_english_title_and_summary_are_shown_when_present(client):
    report = make_report(title="日本語の題", summary="日本語の概要")
    report.title_en, report.summary_en = "English title", "English summary"
    report.save()
    html = client.get(f"/en{report.get_absolute_url()}").text
    assert "<h1>English title</h1>" in html and "English summary" in html


def test_japanese_text_without_translation_is_marked_lang_ja(client):
    report = make_report(title="日本語だけの題")
    html = client.get(f"/en{report.get_absolute_url()}").text
    assert '<h1 lang="ja">日本語だけの題</h1>' in html


def test_report_url_in_english_is_prefixed(client):
    report = make_report()
    from django.utils import translation

    with translation.override("en"):
        assert report.get_absolute_url().startswith("/en/reports/")
