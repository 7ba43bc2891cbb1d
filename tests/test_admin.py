import csv
import io

import pytest

from offices.models import Office
from reports.models import Report, Theme
from tests.factories import make_report, png_upload

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/reports/report/add/"


def inline_management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def report_form(**overrides):
    data = {
        "title": "管理画面から追加した報告",
        "slug": "admin-added-report",
        "office": str(Office.objects.get(code="sydney").pk),
        "themes": [str(Theme.objects.get(slug="environment").pk)],
        "summary": "管理画面で入力した概要",
        "body": "本文の一段落目\n\n二段落目",
        "status": "published",
        "published_at_0": "2026-01-10",
        "published_at_1": "09:00:00",
        "source": "テスト",
        "fiscal_year": "",
        "title_en": "",
        "summary_en": "",
        "external_id": "",
        **inline_management("events", 2),
        "events-0-start_date": "2025-11-14",
        "events-0-end_date": "2025-11-15",
        "events-0-venue": "会場A",
        "events-0-city": "ロサンゼルス",
        "events-0-country": "us",
        "events-0-format": "in_person",
        "events-1-start_date": "2025-11-21",
        "events-1-end_date": "2025-11-23",
        "events-1-venue": "会場B",
        "events-1-city": "ニューヨーク",
        "events-1-country": "US",
        "events-1-format": "in_person",
        **inline_management("participants", 2),
        "participants-0-name": "日本の自治体",
        "participants-0-country": "JP",
        "participants-0-municipalities": "7",
        "participants-0-people": "10",
        "participants-0-qualifier": "exact",
        "participants-0-position": "0",
        "participants-1-name": "来場者",
        "participants-1-country": "US",
        "participants-1-municipalities": "",
        "participants-1-people": "3000",
        "participants-1-qualifier": "at_least",
        "participants-1-position": "1",
        **inline_management("photos", 1),
        "photos-0-image": png_upload("booth.png", width=80, height=60),
        "photos-0-caption": "ブースの様子",
        "photos-0-alt_text": "来場者で賑わうブース",
        "photos-0-position": "0",
    }
    data.update(overrides)
    return data


def test_admin_adds_a_report_with_events_participants_and_a_photo(admin_client_logged_in, client):
    response = admin_client_logged_in.post(ADD_URL, report_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    report = Report.objects.get(slug="admin-added-report")
    assert report.events.count() == 2
    assert [e.country for e in report.events.all()] == ["US", "US"]
    assert report.participants.count() == 2
    photo = report.photos.get()
    assert (photo.width, photo.height) == (80, 60)
    assert report.fiscal_year == 2025 and str(report.first_date) == "2025-11-14"
    assert report.created_by.username == "boss"

    client.logout()
    listing = client.get("/reports/", {"date_from": "2025-11-20", "office": "sydney"})
    assert [r.title for r in listing.context["object_list"]] == [report.title]
    page = client.get(report.get_absolute_url()).text
    assert "3,010人以上" in page
    assert 'alt="来場者で賑わうブース"' in page


def test_admin_rejects_an_event_that_ends_before_it_starts(admin_client_logged_in):
    response = admin_client_logged_in.post(
        ADD_URL, report_form(**{"events-0-end_date": "2025-11-01"})
    )
    assert response.status_code == 200
    assert "終了日は開始日より前にできません。" in response.text
    assert not Report.objects.exists()


def test_admin_rejects_a_file_that_is_not_an_image(admin_client_logged_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    response = admin_client_logged_in.post(ADD_URL, report_form(**{"photos-0-image": fake}))
    assert response.status_code == 200
    assert "画像ファイルではありません。" in response.text
    assert not Report.objects.exists()


def test_admin_rejects_a_negative_participant_count(admin_client_logged_in):
    response = admin_client_logged_in.post(ADD_URL, report_form(**{"participants-0-people": "-5"}))
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_admin_publish_without_time_publishes_now(admin_client_logged_in, client):
    data = report_form(published_at_0="", published_at_1="")
    assert admin_client_logged_in.post(ADD_URL, data).status_code == 302
    report = Report.objects.get()
    assert report.published_at is not None
    client.logout()
    assert client.get(report.get_absolute_url()).status_code == 200


def test_admin_report_list_filters_and_searches(admin_client_logged_in):
    make_report(title="ソウルの報告", office="seoul", themes=("multicultural",))
    make_report(title="パリの報告", office="paris")
    base = "/admin/reports/report/"
    assert admin_client_logged_in.get(base).status_code == 200
    office = Office.objects.get(code="seoul")
    filtered = admin_client_logged_in.get(base, {"office__id__exact": office.pk})
    assert [r.title for r in filtered.context["cl"].result_list] == ["ソウルの報告"]
    searched = admin_client_logged_in.get(base, {"q": "パリ"})
    assert [r.title for r in searched.context["cl"].result_list] == ["パリの報告"]
    by_fy = admin_client_logged_in.get(base, {"fiscal_year": "2025"})
    assert by_fy.context["cl"].result_count == 2


def test_admin_is_in_japanese(admin_client_logged_in):
    html = admin_client_logged_in.get(ADD_URL).text
    assert "活動報告" in html and "保存" in html


def test_staff_cannot_change_offices_but_superuser_can(
    client, django_user_model, admin_client_logged_in
):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("staff", password="pw-staff-123", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["change_office", "view_office"])
    )
    client.force_login(staff)
    office = Office.objects.get(code="seoul")
    url = f"/admin/offices/office/{office.pk}/change/"
    response = client.post(url, {"name_ja": "改ざん"})
    assert Office.objects.get(pk=office.pk).name_ja == "ソウル事務所"
    assert response.status_code in (200, 403)
    assert admin_client_logged_in.get(url).status_code == 200


# Found by probing the admin's URLs with hostile parameters (tests/test_hostile_admin.py
# covers the form): each was a 500, on PostgreSQL or on both databases.


def test_a_nul_character_in_a_list_filter_goes_back_to_the_list(admin_client_logged_in):
    # Django's status filter passed the NUL to the query; PostgreSQL refused it.
    response = admin_client_logged_in.get("/admin/reports/report/", {"status__exact": "\x00"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/reports/report/?e=1"


@pytest.mark.parametrize(
    "changelist, name",
    [("auth/user", "is_staff__exact"), ("offices/office", "q"), ("reports/theme", "q")],
)
def test_a_nul_character_in_any_admin_list_goes_back_to_the_list(
    admin_client_logged_in, changelist, name
):
    response = admin_client_logged_in.get(f"/admin/{changelist}/", {name: "\x00"})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/{changelist}/?e=1"


@pytest.mark.parametrize(
    "suffix", ["abc/history/", "%00/history/", "abc/history/1/", "{pk}/history/abc/"]
)
def test_history_of_an_id_that_is_not_a_number_is_404(admin_client_logged_in, suffix):
    report = make_report(title="履歴のある報告")
    url = "/admin/reports/report/" + suffix.format(pk=report.pk)
    assert admin_client_logged_in.get(url).status_code == 404


def test_history_of_a_report_still_opens(admin_client_logged_in):
    report = make_report(title="履歴のある報告")
    version = report.history.first()
    base = f"/admin/reports/report/{report.pk}/history/"
    assert admin_client_logged_in.get(base).status_code == 200
    assert admin_client_logged_in.get(f"{base}{version.history_id}/").status_code == 200


@pytest.mark.parametrize("page", ["change", "delete"])
def test_an_empty_to_field_parameter_means_the_primary_key(admin_client_logged_in, page):
    # Django looked the empty name up as a field: FieldDoesNotExist, a 500.
    report = make_report(title="空の _to_field")
    url = f"/admin/reports/report/{report.pk}/{page}/"
    response = admin_client_logged_in.get(url, {"_to_field": ""})
    assert response.status_code == 200
    assert "空の _to_field" in response.text


def test_an_empty_to_field_on_an_office_page_means_the_primary_key(admin_client_logged_in):
    office = Office.objects.get(code="seoul")
    url = f"/admin/offices/office/{office.pk}/change/"
    assert admin_client_logged_in.get(url, {"_to_field": ""}).status_code == 200


@pytest.mark.parametrize("action", ["delete_selected", "download_csv", "publish"])
@pytest.mark.parametrize("bad_id", ["abc", "9" * 30])
def test_an_action_on_rows_that_are_not_ids_selects_nothing(admin_client_logged_in, action, bad_id):
    # Django filtered pk__in with them as they came: ValueError (or, for a number no
    # column holds, OverflowError on SQLite), a 500, in every action.
    report = make_report(title="選ばれない報告", status=Report.Status.DRAFT)
    response = admin_client_logged_in.post(
        "/admin/reports/report/",
        {"action": action, "_selected_action": [str(report.pk), bad_id], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert "操作を実行するには、対象を選択する必要があります" in response.text
    assert Report.objects.get().status == Report.Status.DRAFT


@pytest.mark.parametrize(
    "dates",
    [
        {"first_date__year": "-59181109403674"},
        {"first_date__year": "9999", "first_date__month": "12"},
        {"first_date__year": "9999", "first_date__month": "12", "first_date__day": "31"},
    ],
)
def test_a_date_hierarchy_past_the_calendar_goes_back_to_the_list(admin_client_logged_in, dates):
    # Found by tests/test_hostile_admin.py: Django's date hierarchy caught only
    # ValueError, and these overflowed (OverflowError, a 500).
    response = admin_client_logged_in.get("/admin/reports/report/", dates)
    assert response.status_code == 302
    assert response["Location"] == "/admin/reports/report/?e=1"


def test_a_date_hierarchy_year_still_filters(admin_client_logged_in):
    make_report(title="2025年の報告", events=(("2025-12-18", "2025-12-19"),))
    response = admin_client_logged_in.get("/admin/reports/report/", {"first_date__year": "2025"})
    assert [r.title for r in response.context["cl"].result_list] == ["2025年の報告"]


@pytest.mark.parametrize("model", ["user", "group"])
@pytest.mark.parametrize("page", ["change", "delete"])
def test_an_empty_to_field_on_a_user_or_group_page_means_the_primary_key(
    admin_client_logged_in, django_user_model, model, page
):
    from django.contrib.auth.models import Group

    pk = (django_user_model.objects.get() if model == "user" else Group.objects.first()).pk
    url = f"/admin/auth/{model}/{pk}/{page}/"
    assert admin_client_logged_in.get(url, {"_to_field": ""}).status_code == 200


def test_a_user_action_on_rows_that_are_not_ids_selects_nothing(admin_client_logged_in):
    response = admin_client_logged_in.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": ["abc"], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert "操作を実行するには、対象を選択する必要があります" in response.text


def test_the_admin_csv_download_neutralises_formulas(admin_client_logged_in):
    report = make_report(title="=1+2", status=Report.Status.DRAFT)
    response = admin_client_logged_in.post(
        "/admin/reports/report/",
        {"action": "download_csv", "_selected_action": [str(report.pk)]},
    )
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [row["title"] for row in rows] == ["'=1+2"]
