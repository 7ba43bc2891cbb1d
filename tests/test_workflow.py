"""Review and publishing: scheduling, preview, completeness checks, history, CSV download."""

import datetime

import pytest
from django.utils import timezone

from reports.models import Report
from tests.factories import make_report, png_upload
from tests.test_admin import inline_management, report_form

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/reports/report/add/"
CHANGELIST = "/admin/reports/report/"


def test_report_scheduled_for_later_is_hidden_until_its_time(client):
    later = timezone.now() + datetime.timedelta(hours=2)
    report = make_report(title="予約した報告", published_at=later)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert "予約した報告" not in client.get("/reports/").text


def test_scheduled_report_appears_once_its_time_has_passed(client):
    report = make_report(
        title="予約した報告", published_at=timezone.now() + datetime.timedelta(hours=2)
    )
    Report.objects.filter(pk=report.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(report.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("status", ["draft", "review", "withdrawn"])
def test_unpublished_statuses_are_not_public(client, status):
    report = make_report(status=status, published_at=timezone.now() - datetime.timedelta(days=1))
    assert client.get(report.get_absolute_url()).status_code == 404


def test_staff_preview_shows_a_draft_marked_as_preview(admin_client_logged_in):
    report = make_report(title="下書きの報告", status="draft")
    response = admin_client_logged_in.get(f"/admin/reports/report/{report.pk}/preview/")
    assert response.status_code == 200
    assert "下書きの報告" in response.text and "プレビュー" in response.text
    assert response["X-Robots-Tag"].startswith("noindex")


def test_public_gets_404_for_a_draft_it_could_preview(client):
    report = make_report(status="review")
    assert client.get(report.get_absolute_url()).status_code == 404


def test_preview_needs_a_staff_login(client):
    report = make_report(status="draft")
    response = client.get(f"/admin/reports/report/{report.pk}/preview/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_view_on_site_of_a_draft_opens_the_preview(admin_client_logged_in):
    report = make_report(status="draft")
    html = admin_client_logged_in.get(f"/admin/reports/report/{report.pk}/change/").text
    assert f"/admin/reports/report/{report.pk}/preview/" in html


def test_publishing_without_themes_or_summary_says_what_is_missing(admin_client_logged_in):
    response = admin_client_logged_in.post(ADD_URL, report_form(themes=[], summary=" "))
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "テーマを 1 つ以上選んでください" in errors
    assert not Report.objects.filter(slug="admin-added-report").exists()


def test_publishing_with_a_photo_without_alt_text_names_the_photo(admin_client_logged_in):
    data = report_form(**inline_management("photos", 2))
    data.update(
        {
            "photos-1-image": png_upload("second.png"),
            "photos-1-caption": "二枚目",
            "photos-1-alt_text": "",
            "photos-1-position": "1",
        }
    )
    response = admin_client_logged_in.post(ADD_URL, data)
    assert response.status_code == 200
    assert "写真 2 の代替テキスト: 公開する報告の写真には代替テキストが必要です。" in response.text
    assert not Report.objects.filter(slug="admin-added-report").exists()


def test_a_draft_may_have_photos_without_alt_text(admin_client_logged_in):
    response = admin_client_logged_in.post(
        ADD_URL, report_form(status="draft", **{"photos-0-alt_text": ""})
    )
    assert response.status_code == 302


def test_publish_action_refuses_an_incomplete_report_and_names_it(admin_client_logged_in):
    report = make_report(title="テーマのない報告", status="draft", themes=())
    response = admin_client_logged_in.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [str(report.pk)]},
        follow=True,
    )
    assert "「テーマのない報告」は公開できません" in response.text
    assert Report.objects.get(pk=report.pk).status == "draft"


def test_history_records_who_changed_the_status(admin_client_logged_in):
    report = make_report(status="draft")
    admin_client_logged_in.post(
        CHANGELIST, {"action": "publish", "_selected_action": [str(report.pk)]}
    )
    latest = report.history.first()
    assert (latest.status, latest.history_user.username) == ("published", "boss")
    assert latest.prev_record.status == "draft"


def test_history_page_lists_the_changes(admin_client_logged_in):
    report = make_report(status="draft")
    admin_client_logged_in.post(
        CHANGELIST, {"action": "submit_for_review", "_selected_action": [str(report.pk)]}
    )
    html = admin_client_logged_in.get(f"/admin/reports/report/{report.pk}/history/").text
    assert "確認待ち" in html and "boss" in html


def test_csv_action_downloads_the_selected_reports_for_excel(admin_client_logged_in):
    draft = make_report(title="下書きも出す報告", status="draft")
    response = admin_client_logged_in.post(
        CHANGELIST, {"action": "download_csv", "_selected_action": [str(draft.pk)]}
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeffstatus,external_id,id,")
    assert "下書きも出す報告" in body and "\r\ndraft," in body


def test_an_old_version_can_be_read_but_not_restored(admin_client_logged_in):
    report = make_report(title="最初の題", status="draft")
    Report.objects.filter(pk=report.pk).update(title="新しい題")
    version = report.history.earliest()
    url = f"/admin/reports/report/{report.pk}/history/{version.history_id}/"
    assert admin_client_logged_in.get(url).status_code == 200
    assert admin_client_logged_in.post(url, {"title": "最初の題"}).status_code == 403
    assert Report.objects.get(pk=report.pk).title == "新しい題"
