"""What a public body's site has, and how its text reads: footer, policies, dates,
office pages, language notices, and search snippets that do not cut words."""

import datetime

import pytest
from django.utils import timezone

from reports.models import Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/reports/", "/offices/seoul/", "/en/themes/"])
def test_every_page_has_a_footer_with_the_organisation_contact_policies_and_copyright(client, url):
    footer = client.get(url).text.split('<footer class="site-footer">')[1]
    for link in ("/privacy/", "/terms/", "/accessibility/", "https://www.clair.or.jp/"):
        assert link in footer
    assert "©" in footer


@pytest.mark.parametrize(
    ("url", "heading"),
    [("/privacy/", "プライバシーポリシー"), ("/terms/", "利用規約")],
)
def test_the_privacy_policy_and_terms_of_use_are_pages_of_their_own(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.text


def test_the_terms_of_use_follow_the_government_standard_and_cc_by(client):
    text = client.get("/terms/").text
    assert "政府標準利用規約" in text and "CC BY 4.0" in text


def test_the_privacy_policy_says_what_is_recorded_and_for_how_long(client):
    text = client.get("/en/privacy/").text
    assert "90 days" in text and "cookies" in text


def test_a_report_page_shows_its_publication_and_last_update_dates(client):
    report = make_report(published_at=timezone.make_aware(datetime.datetime(2026, 1, 10, 9)))
    Report.objects.filter(pk=report.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2026, 2, 3, 9))
    )
    text = client.get(report.get_absolute_url()).text
    assert "公開日: <time" in text and "2026年1月10日" in text
    assert "最終更新日: <time" in text and "2026年2月3日" in text


def test_an_office_page_says_what_the_office_is(client):
    text = client.get("/offices/seoul/").text
    assert "担当地域" in text and "大韓民国" in text
    assert 'href="https://www.clair.or.kr/"' in text


def test_a_headquarters_division_page_gives_the_address_in_tokyo(client):
    text = client.get("/offices/jet-division/").text
    assert "東京都千代田区麹町1-7" in text


def test_an_english_report_page_says_the_report_is_in_japanese_only(client):
    report = make_report(title="日本語だけの報告")
    text = client.get(f"/en{report.get_absolute_url()}").text
    assert "This report is available in Japanese only." in text


def test_an_english_report_with_an_english_title_says_which_parts_are_japanese(client):
    report = make_report(title="日本語の題")
    Report.objects.filter(pk=report.pk).update(title_en="English title", summary_en="English.")
    text = client.get(f"/en{report.get_absolute_url()}").text
    assert "The full text of this report" in text and "Japanese only" in text


def test_an_english_list_marks_cards_whose_title_is_japanese_only(client):
    make_report(title="日本語だけの報告")
    assert "In Japanese only" in client.get("/en/reports/").text


def test_a_japanese_page_has_no_language_notice(client):
    report = make_report(title="日本語の報告")
    assert "日本語でのみ" not in client.get(report.get_absolute_url()).text


# Search snippets -------------------------------------------------------------------


def snippet(client, summary, query):
    make_report(title="題", summary=summary)
    card = client.get("/reports/", {"q": query}).text.split('class="report-card__summary"')[1]
    return card.split(">", 1)[1].split("</p>")[0]


def test_a_snippet_starts_at_a_sentence_when_one_is_near(client):
    summary = "あ" * 50 + "。" + "い" * 10 + "交流" + "う" * 100
    assert snippet(client, summary, "交流").startswith("…" + "い" * 10 + "<mark>")


def test_a_snippet_never_starts_inside_a_number(client):
    summary = "あ" * 20 + "12345678901234567890" + "う" * 20 + "交流会" + "え" * 100
    assert snippet(client, summary, "交流会").startswith("…12345678901234567890")


def test_a_snippet_never_starts_inside_a_katakana_word(client):
    summary = "あ" * 20 + "クレアソウルジムショノコウリュウカイギ" + "う" * 21 + "交流" + "え" * 100
    assert snippet(client, summary, "交流").startswith("…クレアソウル")


def test_a_snippet_ends_at_a_sentence_when_one_is_near(client):
    summary = "交流" + "あ" * 98 + "。" + "い" * 100
    assert snippet(client, summary, "交流").endswith("。…")
