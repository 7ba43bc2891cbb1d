"""Short, readable report addresses, and old addresses that keep working."""

import pytest

from reports.models import Report, SlugRedirect
from tests.factories import make_report
from tests.test_admin import ADD_URL, report_form
from tests.test_permissions import as_user, change_url, form_for

pytestmark = pytest.mark.django_db


def add_report(client, **fields) -> Report:
    response = client.post(ADD_URL, report_form(slug="", **fields))
    assert response.status_code == 302
    return Report.objects.get(title=fields.get("title", "管理画面から追加した報告"))


def test_a_new_reports_slug_comes_from_its_english_title_and_year(admin_client_logged_in):
    report = add_report(
        admin_client_logged_in,
        title="日韓公務員交流ワークショップ",
        title_en="Japan–Korea Public Officials Exchange Workshop",
    )
    assert report.slug == "2025-japan-korea-public-officials-exchange-workshop"


def test_without_an_english_title_the_slug_is_the_office_and_the_titles_kana(
    admin_client_logged_in,
):
    report = add_report(admin_client_logged_in, title="多文化共生セミナー")
    assert report.slug == "2025-sydney-seminaa"


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ("日韓公務員交流ワークショップ", "waakushoppu"),
        ("第3回ジャパンフェスティバル", "3-japanfesutibaru"),
        ("しょうへいセミナー", "shouhei-seminaa"),
        ("シティセールス", "shitiseerusu"),
    ],
)
def test_kana_in_a_title_are_romanised_for_its_slug(title, words):
    from reports.slugs import words_of

    assert words_of(title, office_code="seoul") == f"seoul-{words}"


def test_a_long_title_gives_a_short_slug(admin_client_logged_in):
    title = "海外自治体幹部交流セミナー（フランス編）をオーブ県で開催し多くの自治体が参加しました"
    report = add_report(admin_client_logged_in, title=title)
    assert len(report.slug) <= 70
    assert report.slug.isascii()


def test_two_reports_with_the_same_title_get_different_slugs(admin_client_logged_in):
    first = add_report(admin_client_logged_in, title="交流会")
    Report.objects.filter(pk=first.pk).update(title="交流会（一）")
    second = add_report(admin_client_logged_in, title="交流会")
    assert first.slug != second.slug and second.slug.endswith("-2")


def test_an_office_editor_never_chooses_a_slug(client, seoul_editor):
    form = as_user(client, seoul_editor).get(ADD_URL).context["adminform"].form
    assert "slug" not in form.fields and "external_id" not in form.fields


def test_editing_a_title_never_changes_the_address(admin_client_logged_in):
    report = make_report(title="元の題")
    admin_client_logged_in.post(change_url(report), form_for(report, title="新しい題"))
    assert Report.objects.get(pk=report.pk).slug == report.slug


def test_hq_changing_a_published_slug_redirects_the_old_address_permanently(
    admin_client_logged_in, client
):
    report = make_report(title="移る報告")
    old = report.slug
    response = admin_client_logged_in.post(
        change_url(report), form_for(report, slug="2025-moved-report"), follow=True
    )
    assert "旧 URL" in response.text
    redirect = client.get(f"/reports/{old}/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "/reports/2025-moved-report/"
    assert client.get(f"/en/reports/{old}/")["Location"] == "/en/reports/2025-moved-report/"


def test_the_old_calendar_address_redirects_too(admin_client_logged_in, client):
    report = make_report(title="移る報告")
    old = report.slug
    admin_client_logged_in.post(change_url(report), form_for(report, slug="2025-moved-report"))
    response = client.get(f"/reports/{old}/calendar.ics")
    assert (response.status_code, response["Location"]) == (
        301,
        "/reports/2025-moved-report/calendar.ics",
    )


def test_an_old_slug_is_not_given_to_another_report(admin_client_logged_in):
    report = make_report(title="移る報告")
    SlugRedirect.objects.create(old_slug="2025-taken", report=report)
    other = make_report(title="別の報告")
    response = admin_client_logged_in.post(change_url(other), form_for(other, slug="2025-taken"))
    assert response.status_code == 200
    assert "旧 URL" in response.text


def test_an_old_address_of_a_withdrawn_report_is_not_found(admin_client_logged_in, client):
    report = make_report(title="停止した報告", status="withdrawn")
    SlugRedirect.objects.create(old_slug="2025-old", report=report)
    assert client.get("/reports/2025-old/").status_code == 404


def test_an_import_without_a_slug_gets_a_short_one(tmp_path):
    import json

    from django.core.management import call_command

    line = {
        "external_id": "x-1",
        "office": "seoul",
        "title": "日韓交流",
        "title_en": "Japan Korea Exchange",
        "summary": "概要",
        "themes": ["sister-cities"],
        "status": "draft",
        "events": [{"start": "2024-05-01", "end": "2024-05-01"}],
    }
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_reports", path, stdout=None)
    assert Report.objects.get().slug == "2024-japan-korea-exchange"
