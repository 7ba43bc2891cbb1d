"""The offices' admin pages show staff what their work needs, and not who edits
which office: that is the superusers' business (a list of colleagues' user names
is where a password-guessing attack starts)."""

import pytest
from django.contrib.auth.models import Group

from offices.models import Office
from reports import roles
from tests.test_permissions import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def paris_editor(django_user_model):
    return staff(django_user_model, "paris-kanri", group=roles.OFFICE_EDITORS, offices=["paris"])


@pytest.fixture
def seoul_editor(django_user_model):
    return staff(django_user_model, "seoul-tanto", group=roles.OFFICE_EDITORS, offices=["seoul"])


def office_url(code, suffix="change/"):
    return f"/admin/offices/office/{Office.objects.get(code=code).pk}/{suffix}"


@pytest.mark.parametrize(
    "role", [roles.OFFICE_EDITORS, roles.HQ_EDITORS], ids=["office-editor", "hq-editor"]
)
@pytest.mark.parametrize("code", ["paris", "seoul"])
def test_an_editor_reads_no_editor_names_on_an_office_page(
    client, django_user_model, paris_editor, role, code
):
    user = staff(django_user_model, "seoul-tanto", offices=["seoul"])
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    response = client.get(office_url(code))
    assert response.status_code == 200
    assert "パリ事務所" in response.text or "ソウル事務所" in response.text
    assert "paris-kanri" not in response.text
    assert "編集担当の職員" not in response.text


def test_an_office_editor_cannot_list_offices_by_their_editors(client, seoul_editor, paris_editor):
    client.force_login(seoul_editor)
    response = client.get("/admin/offices/office/", {"editors": str(paris_editor.pk)})
    assert response.status_code == 400


def test_an_office_editor_cannot_read_who_changed_an_office(client, seoul_editor):
    client.force_login(seoul_editor)
    assert client.get(office_url("paris", "history/")).status_code == 403
    assert office_url("paris", "history/") not in client.get(office_url("paris")).text


def test_a_superuser_still_assigns_editors_to_an_office(client, django_user_model, paris_editor):
    client.force_login(staff(django_user_model, "boss", superuser=True))
    response = client.get(office_url("paris"))
    assert "paris-kanri" in response.text and "編集担当の職員" in response.text
