"""The admin of Japan's local governments: read-only, searchable as a report's autocomplete needs."""

import pytest
from django.urls import reverse

from municipalities.models import LocalGovernment
from reports import roles
from tests.test_permissions import staff

pytestmark = pytest.mark.django_db

LIST = reverse("admin:municipalities_localgovernment_changelist")
AUTOCOMPLETE = reverse("admin:autocomplete")
MISATO = ["054348", "324485", "454311"]  # 美郷町 of 秋田県, 島根県, 宮崎県
ICHIKAWAMISATO = "193461"  # 市川三郷町（山梨県）: いちかわみさとちょう


def found(client, query: str) -> list[str]:
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    return sorted(row.code for row in response.context["cl"].result_list)


def autocomplete(client, term: str) -> list[dict]:
    """What a report's autocomplete field asks for; here through the successor field,
    the one key to local governments until reports have theirs."""
    response = client.get(
        AUTOCOMPLETE,
        {
            "app_label": "municipalities",
            "model_name": "localgovernment",
            "field_name": "successor",
            "term": term,
        },
    )
    assert response.status_code == 200
    return response.json()["results"]


def test_searching_the_reading_in_hiragana_finds_the_three_misato_and_ichikawamisato(
    admin_client_logged_in,
):
    assert found(admin_client_logged_in, "みさとちょう") == sorted(MISATO + [ICHIKAWAMISATO])


def test_searching_the_reading_in_katakana_finds_what_hiragana_finds(admin_client_logged_in):
    assert found(admin_client_logged_in, "ミサトチョウ") == sorted(MISATO + [ICHIKAWAMISATO])


def test_searching_the_reading_in_half_width_katakana_finds_what_hiragana_finds(
    admin_client_logged_in,
):
    assert found(admin_client_logged_in, "ﾐｻﾄﾁｮｳ") == sorted(MISATO + [ICHIKAWAMISATO])


def test_searching_a_name_with_its_prefecture_finds_the_one(admin_client_logged_in):
    assert found(admin_client_logged_in, "美郷町 島根") == ["324485"]


def test_searching_a_code_finds_its_local_government(admin_client_logged_in):
    assert found(admin_client_logged_in, "342084") == ["342084"]


def test_searching_a_nul_character_is_answered_as_a_wrong_filter(admin_client_logged_in):
    response = admin_client_logged_in.get(LIST, {"q": "美郷\x00町"})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_an_autocomplete_term_with_a_nul_character_is_searched_without_it(
    admin_client_logged_in,
):
    assert [row["id"] for row in autocomplete(admin_client_logged_in, "美郷\x00町")] == MISATO


def test_the_autocomplete_lists_each_misato_first_labelled_with_its_prefecture(
    admin_client_logged_in,
):
    results = autocomplete(admin_client_logged_in, "みさとちょう")

    assert [(row["id"], row["text"]) for row in results] == [
        ("054348", "美郷町（秋田県）"),
        ("324485", "美郷町（島根県）"),
        ("454311", "美郷町（宮崎県）"),
        ("193461", "市川三郷町（山梨県）"),
    ]


def test_the_autocomplete_tells_the_two_fuchu_apart(admin_client_logged_in):
    texts = [row["text"] for row in autocomplete(admin_client_logged_in, "府中市")]

    assert texts == ["府中市（東京都）", "府中市（広島県）"]


def test_the_autocomplete_lists_the_two_date_before_names_that_end_in_their_reading(
    admin_client_logged_in,
):
    texts = [row["text"] for row in autocomplete(admin_client_logged_in, "だてし")]

    assert texts[:2] == ["伊達市（北海道）", "伊達市（福島県）"]
    assert "函館市（北海道）" in texts[2:]  # はこだてし


def test_the_prefecture_filter_lists_the_47_prefectures(admin_client_logged_in):
    response = admin_client_logged_in.get(LIST, {"prefecture": "320005"})

    assert response.context["cl"].result_count == 20  # 島根県 and its 19 municipalities
    [prefecture_filter] = [
        spec for spec in response.context["cl"].filter_specs if spec.title == "都道府県"
    ]
    assert len(prefecture_filter.lookup_choices) == 47


def test_nobody_may_add_a_local_government(admin_client_logged_in):
    response = admin_client_logged_in.get(reverse("admin:municipalities_localgovernment_add"))

    assert response.status_code == 403


def test_nobody_may_change_a_local_government(admin_client_logged_in):
    url = reverse("admin:municipalities_localgovernment_change", args=["324485"])

    response = admin_client_logged_in.post(url, {"name": "変更町"})

    assert response.status_code == 403
    assert LocalGovernment.objects.get(code="324485").name == "美郷町"


def test_nobody_may_delete_a_local_government(admin_client_logged_in):
    url = reverse("admin:municipalities_localgovernment_delete", args=["324485"])

    response = admin_client_logged_in.post(url, {"post": "yes"})

    assert response.status_code == 403
    assert LocalGovernment.objects.filter(code="324485").exists()


def test_an_office_editor_may_look_local_governments_up(client, django_user_model):
    client.force_login(staff(django_user_model, "seoul", group=roles.OFFICE_EDITORS))

    assert [row["id"] for row in autocomplete(client, "みさとちょう")][:3] == MISATO


def test_staff_without_a_role_may_not_look_local_governments_up(client, django_user_model):
    client.force_login(staff(django_user_model, "nobody"))

    response = client.get(LIST)

    assert response.status_code == 403


def test_a_local_governments_page_shows_it_without_a_save_button(admin_client_logged_in):
    url = reverse("admin:municipalities_localgovernment_change", args=["324485"])

    response = admin_client_logged_in.get(url)

    assert response.status_code == 200
    assert "みさとちょう" in response.content.decode()
    assert 'name="_save"' not in response.content.decode()


def test_the_list_of_local_governments_shows_a_page_of_them(admin_client_logged_in):
    response = admin_client_logged_in.get(LIST)

    assert response.context["cl"].result_count == 1788
    assert len(response.context["cl"].result_list) == 100
