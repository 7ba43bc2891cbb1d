"""How the report form names its inline fields, takes its dates and says what
stops it from being saved.

axe-core in the browser (tests/browser/test_admin_pages.py) checks the whole
page; these check the names and messages themselves, through the admin form.
"""

import pytest

from offices.models import Office
from reports import roles
from reports.models import Report
from tests.factories import make_report, png_upload
from tests.test_admin import ADD_URL, inline_management, report_form
from tests.test_permissions import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return make_report(
        status=Report.Status.DRAFT,
        events=(("2025-12-18", "2025-12-19"), ("2026-01-05", "2026-01-05")),
        participants=({"name": "日本の自治体", "people": 10},),
        photos=1,
    )


def change_page(client, report):
    return client.get(f"/admin/reports/report/{report.pk}/change/").text


def test_each_field_of_an_event_row_is_named_after_its_row_and_column(
    admin_client_logged_in, report
):
    html = change_page(admin_client_logged_in, report)
    for label in ["行事 2 の開始日", "行事 2 の会場", "行事 2 の形式", "行事 2 の削除"]:
        assert f'aria-label="{label}"' in html


def test_each_field_of_a_participant_row_is_named_after_its_row_and_column(
    admin_client_logged_in, report
):
    html = change_page(admin_client_logged_in, report)
    assert 'aria-label="参加者 1 の人数"' in html and 'aria-label="参加者 1 の数の性質"' in html


def test_the_row_added_by_the_button_is_named_for_a_new_item(admin_client_logged_in, report):
    assert 'aria-label="新しい行事の終了日"' in change_page(admin_client_logged_in, report)


def test_a_photos_file_input_is_named_though_django_gives_it_no_label(
    admin_client_logged_in, report
):
    html = change_page(admin_client_logged_in, report)
    assert 'aria-label="写真 1 の画像"' in html
    assert 'aria-label="写真 1 のキャプション"' not in html  # it has a visible label


def test_event_dates_are_typed_in_the_browsers_date_field(admin_client_logged_in, report):
    html = change_page(admin_client_logged_in, report)
    assert 'type="date" name="events-0-start_date" value="2025-12-18"' in html
    assert 'class="vDateField"' not in html.split('id="events-group"')[1].split("</fieldset>")[0]


# Why saving failed -------------------------------------------------------------


def publish_with_a_photo_without_alt_text(client):
    data = report_form(**inline_management("photos", 2))
    data.update(
        {
            "photos-1-image": png_upload("second.png"),
            "photos-1-caption": "二枚目",
            "photos-1-alt_text": "",
            "photos-1-position": "1",
        }
    )
    return client.post(ADD_URL, data)


def summary_of(response) -> str:
    html = response.text
    assert html.index('class="errornote"') < html.index('id="error-summary"')
    assert html.index('id="error-summary"') < html.index("<fieldset")  # before the first field
    return html.split('id="error-summary"')[1].split("</ul>")[0]


def test_the_top_of_the_page_links_a_photo_without_alt_text_to_its_field(
    admin_client_logged_in,
):
    response = publish_with_a_photo_without_alt_text(admin_client_logged_in)
    assert response.status_code == 200
    assert (
        '<a href="#id_photos-1-alt_text">'
        "写真 2 の代替テキスト: 公開する報告の写真には代替テキストが必要です。</a>"
    ) in summary_of(response)


def test_a_photo_without_alt_text_shows_the_error_on_its_own_field(admin_client_logged_in):
    response = publish_with_a_photo_without_alt_text(admin_client_logged_in)
    photos = response.context["inline_admin_formsets"][2].formset
    assert photos.forms[0].errors == {}
    assert photos.forms[1].errors["alt_text"] == ["公開する報告の写真には代替テキストが必要です。"]


def test_the_top_of_the_page_links_each_field_with_an_error(admin_client_logged_in):
    data = report_form(title="", **{"participants-1-people": "-5"})
    summary = summary_of(admin_client_logged_in.post(ADD_URL, data))
    assert '<a href="#id_title">タイトル: このフィールドは必須です。</a>' in summary
    assert '<a href="#id_participants-1-people">参加者 2 の人数: ' in summary


def test_an_error_of_a_whole_row_links_to_the_row(admin_client_logged_in):
    data = report_form(**{"events-1-end_date": "2025-11-01"})
    summary = summary_of(admin_client_logged_in.post(ADD_URL, data))
    assert '<a href="#events-1">行事 2: 終了日は開始日より前にできません。</a>' in summary


# The office ----------------------------------------------------------------------


def office_choices(client) -> list[tuple[str, bool]]:
    """The add form's office menu: (label, selected) of each option."""
    form = client.get(ADD_URL).context["adminform"].form
    field = form["office"]
    chosen = str(field.value() or "")
    return [(str(label), str(value) == chosen) for value, label in field.field.choices]


def editor_of(django_user_model, *codes, group=roles.OFFICE_EDITORS):
    return staff(django_user_model, "editor", group=group, offices=codes)


def test_an_editor_of_one_office_gets_it_chosen_and_nothing_else(client, django_user_model):
    client.force_login(editor_of(django_user_model, "seoul"))
    assert office_choices(client) == [("ソウル事務所", True)]


def test_the_add_form_of_an_editor_of_one_office_renders_one_option(client, django_user_model):
    client.force_login(editor_of(django_user_model, "seoul"))
    html = client.get(ADD_URL).text
    menu = html.split('name="office"')[1].split("</select>")[0]
    assert menu.count("<option") == 1 and "selected" in menu


def test_an_editor_of_two_offices_chooses_between_them(client, django_user_model):
    client.force_login(editor_of(django_user_model, "seoul", "paris"))
    labels = [label for label, _chosen in office_choices(client)]
    assert labels == ["選択してください", "ソウル事務所", "パリ事務所"]


def test_an_hq_editor_chooses_among_every_office(client, django_user_model):
    client.force_login(editor_of(django_user_model, group=roles.HQ_EDITORS))
    choices = office_choices(client)
    assert choices[0] == ("選択してください", True)
    assert len(choices) == 1 + Office.objects.count()
