"""Who may do what in the admin: office editors, HQ editors, superusers, plain staff.

Each role is checked against list, view, add, change, delete, publish and import,
for a report of its own office and of another office, through admin URLs.
"""

import pytest
from django.core.management import call_command

from offices.models import Office
from reports import roles
from reports.models import Report
from tests.factories import make_report, staff
from tests.test_admin import report_form

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reports/report/"
ADD_URL = "/admin/reports/report/add/"


def change_url(report):
    return f"/admin/reports/report/{report.pk}/change/"


@pytest.fixture
def own():
    return make_report(title="ソウルの下書き", office="seoul", status=Report.Status.DRAFT)


@pytest.fixture
def other():
    return make_report(title="パリの下書き", office="paris", status=Report.Status.DRAFT)


def as_user(client, user):
    client.force_login(user)
    return client


def form_for(report, **overrides):
    """The admin form of `report` as it stands, with no inline rows, plus overrides."""
    data = report_form(
        title=report.title,
        slug=report.slug,
        office=str(report.office_id),
        status=report.status,
        **{"photos-TOTAL_FORMS": "0", "events-TOTAL_FORMS": "0", "participants-TOTAL_FORMS": "0"},
    )
    data.update(overrides)
    return data


def action(client, name, *reports):
    return client.post(
        CHANGELIST, {"action": name, "_selected_action": [str(r.pk) for r in reports]}
    )


# list ------------------------------------------------------------------------


def test_office_editor_lists_only_own_office_reports(client, seoul_editor, own, other):
    html = as_user(client, seoul_editor).get(CHANGELIST).text
    assert own.title in html and other.title not in html


def test_hq_editor_lists_every_office(client, hq_editor, own, other):
    html = as_user(client, hq_editor).get(CHANGELIST).text
    assert own.title in html and other.title in html


def test_staff_without_a_role_cannot_open_the_report_list(client, django_user_model, own):
    user = staff(django_user_model, "nobody")
    assert as_user(client, user).get(CHANGELIST).status_code == 403


# view and change --------------------------------------------------------------


def test_office_editor_opens_own_report(client, seoul_editor, own):
    assert as_user(client, seoul_editor).get(change_url(own)).status_code == 200


SUFFIXES = ["change/", "delete/", "history/", "preview/", ""]


@pytest.mark.parametrize("suffix", SUFFIXES, ids=lambda s: s or "bare")
def test_office_editor_cannot_reach_another_office_report_by_any_url(
    client, seoul_editor, other, suffix
):
    url = f"/admin/reports/report/{other.pk}/{suffix}"
    response = as_user(client, seoul_editor).get(url, follow=True)
    assert other.title not in response.text
    assert response.status_code in (200, 404)  # the admin's home with "does not exist", or 404


def answer(client, pk, suffix) -> list:
    """What the admin answers for an id, followed to the end, with the id left out."""
    response = client.get(f"/admin/reports/report/{pk}/{suffix}", follow=True)
    said = [(url.replace(str(pk), "ID"), status) for url, status in response.redirect_chain]
    said.append(response.status_code)
    if response.context and "messages" in response.context:
        said += [str(message).replace(str(pk), "ID") for message in response.context["messages"]]
    return said


@pytest.mark.parametrize("suffix", SUFFIXES, ids=lambda s: s or "bare")
def test_another_office_report_answers_exactly_as_a_missing_one(
    client, seoul_editor, other, suffix
):
    as_user(client, seoul_editor)
    assert answer(client, other.pk, suffix) == answer(client, other.pk + 1000, suffix)


@pytest.mark.parametrize("public", [True, False])
def test_view_on_site_answers_another_office_report_as_a_missing_one(client, seoul_editor, public):
    from django.contrib.contenttypes.models import ContentType

    theirs = make_report(office="paris", status="published" if public else "draft")
    kind = ContentType.objects.get_for_model(Report).pk
    as_user(client, seoul_editor)
    response = client.get(f"/admin/r/{kind}/{theirs.pk}/")
    assert response.status_code == 404
    assert response.status_code == client.get(f"/admin/r/{kind}/{theirs.pk + 1000}/").status_code


def test_view_on_site_of_an_own_draft_opens_the_preview(client, seoul_editor, own):
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(Report).pk
    response = as_user(client, seoul_editor).get(f"/admin/r/{kind}/{own.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/reports/report/{own.pk}/preview/"


def test_view_on_site_of_a_public_report_opens_its_page(client, seoul_editor):
    from django.contrib.contenttypes.models import ContentType

    report = make_report(office="seoul")
    kind = ContentType.objects.get_for_model(Report).pk
    response = as_user(client, seoul_editor).get(f"/admin/r/{kind}/{report.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith(report.get_absolute_url())


def test_office_editor_cannot_change_another_office_report_by_post(client, seoul_editor, other):
    as_user(client, seoul_editor).post(change_url(other), form_for(other, title="乗っ取り"))
    assert Report.objects.get(pk=other.pk).title == "パリの下書き"


def test_office_editor_saves_changes_to_own_report(client, seoul_editor, own):
    response = as_user(client, seoul_editor).post(
        change_url(own), form_for(own, title="直した題", status="draft")
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=own.pk).title == "直した題"


def test_office_editor_cannot_move_a_report_to_another_office(client, seoul_editor, own):
    paris = Office.objects.get(code="paris")
    response = as_user(client, seoul_editor).post(
        change_url(own), form_for(own, office=str(paris.pk), status="draft")
    )
    assert response.status_code == 200
    assert Report.objects.get(pk=own.pk).office.code == "seoul"


def test_hq_editor_changes_any_office_report(client, hq_editor, other):
    response = as_user(client, hq_editor).post(
        change_url(other), form_for(other, title="本部が直した題", status="draft")
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=other.pk).title == "本部が直した題"


# add ---------------------------------------------------------------------------


def test_office_editor_add_form_offers_only_own_offices(client, seoul_editor):
    form = as_user(client, seoul_editor).get(ADD_URL).context["adminform"].form
    assert [office.code for office in form.fields["office"].queryset] == ["seoul"]


def test_office_editor_adds_a_draft_for_own_office(client, seoul_editor):
    seoul = Office.objects.get(code="seoul")
    response = as_user(client, seoul_editor).post(
        ADD_URL, report_form(office=str(seoul.pk), status="review")
    )
    assert response.status_code == 302
    assert Report.objects.get(title="管理画面から追加した報告").status == "review"


def test_office_editor_cannot_add_for_another_office(client, seoul_editor):
    response = as_user(client, seoul_editor).post(ADD_URL, report_form(status="draft"))
    assert response.status_code == 200
    assert "office" in response.context["adminform"].form.errors
    assert not Report.objects.filter(title="管理画面から追加した報告").exists()


# publish -----------------------------------------------------------------------


def test_office_editor_cannot_publish_through_the_form(client, seoul_editor, own):
    response = as_user(client, seoul_editor).post(
        change_url(own), form_for(own, status="published")
    )
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert Report.objects.get(pk=own.pk).status == "draft"


def test_office_editor_has_no_publish_action(client, seoul_editor, own):
    action(as_user(client, seoul_editor), "publish", own)
    assert Report.objects.get(pk=own.pk).status == "draft"


def test_office_editor_submits_own_draft_for_review(client, seoul_editor, own, other):
    action(as_user(client, seoul_editor), "submit_for_review", own, other)
    assert Report.objects.get(pk=own.pk).status == "review"
    assert Report.objects.get(pk=other.pk).status == "draft"


def test_hq_editor_publishes_with_the_action(client, hq_editor, own):
    action(as_user(client, hq_editor), "publish", own)
    report = Report.objects.get(pk=own.pk)
    assert report.status == "published" and report.published_at is not None


def test_hq_editor_withdraws_a_published_report(client, hq_editor):
    report = make_report(office="paris")
    action(as_user(client, hq_editor), "withdraw", report)
    assert Report.objects.get(pk=report.pk).status == "withdrawn"
    assert client.get(report.get_absolute_url()).status_code == 404


# delete ------------------------------------------------------------------------


def test_office_editor_deletes_own_draft(client, seoul_editor, own):
    as_user(client, seoul_editor).post(f"/admin/reports/report/{own.pk}/delete/", {"post": "yes"})
    assert not Report.objects.filter(pk=own.pk).exists()


def test_office_editor_cannot_delete_own_published_report(client, seoul_editor):
    report = make_report(office="seoul")
    response = as_user(client, seoul_editor).post(
        f"/admin/reports/report/{report.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Report.objects.filter(pk=report.pk).exists()


def test_office_editor_cannot_bulk_delete_another_office_report(client, seoul_editor, other):
    action(as_user(client, seoul_editor), "delete_selected", other)
    assert Report.objects.filter(pk=other.pk).exists()


def test_hq_editor_deletes_a_published_report(client, hq_editor):
    report = make_report(office="paris")
    as_user(client, hq_editor).post(f"/admin/reports/report/{report.pk}/delete/", {"post": "yes"})
    assert not Report.objects.filter(pk=report.pk).exists()


# import and reference data -----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"), [("office", False), ("hq", True), ("superuser", True)]
)
def test_only_hq_editors_and_superusers_may_import(django_user_model, role, allowed):
    user = {
        "office": lambda: staff(django_user_model, "o", group=roles.OFFICE_EDITORS),
        "hq": lambda: staff(django_user_model, "h", group=roles.HQ_EDITORS),
        "superuser": lambda: staff(django_user_model, "s", superuser=True),
    }[role]()
    assert roles.may_import(user) is allowed


@pytest.mark.parametrize("url", ["/admin/offices/office/1/change/", "/admin/auth/user/"])
def test_editors_cannot_edit_offices_or_users(client, hq_editor, url):
    response = as_user(client, hq_editor).post(url, {"name_ja": "乗っ取り"})
    assert response.status_code == 403


# assign_offices ----------------------------------------------------------------


def test_assign_offices_makes_an_office_editor(django_user_model):
    user = django_user_model.objects.create_user("tanaka", password="pw")
    call_command("assign_offices", "tanaka", "seoul", "beijing", stdout=None)
    user.refresh_from_db()
    assert user.is_staff
    assert sorted(user.offices.values_list("code", flat=True)) == ["beijing", "seoul"]
    assert user.groups.filter(name=roles.OFFICE_EDITORS).exists()


def test_assign_offices_names_unknown_office_codes(django_user_model):
    from django.core.management.base import CommandError

    django_user_model.objects.create_user("tanaka", password="pw")
    with pytest.raises(CommandError, match="tokyo"):
        call_command("assign_offices", "tanaka", "tokyo")
