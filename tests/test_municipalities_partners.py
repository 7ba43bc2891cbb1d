"""Partners abroad: added by staff in the admin, one per name and country."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from municipalities.countries import countries, is_country_code
from municipalities.models import Partner
from reports import roles
from tests.test_permissions import staff

pytestmark = pytest.mark.django_db

ADD = reverse("admin:municipalities_partner_add")


def partner_form(**overrides) -> dict:
    return {
        "name": "蔚山広域市",
        "name_en": "Ulsan Metropolitan City",
        "country": "KR",
        "kind": "city",
        "slug": "kr-ulsan",
        "other_names": "蔚山市",
        **overrides,
    }


@pytest.fixture
def ulsan():
    return Partner.objects.create(
        name="蔚山広域市", name_en="Ulsan Metropolitan City", country="KR", slug="kr-ulsan"
    )


def test_staff_add_a_partner_in_the_admin(admin_client_logged_in):
    response = admin_client_logged_in.post(ADD, partner_form())

    assert response.status_code == 302
    partner = Partner.objects.get()
    assert (partner.name, partner.country, partner.kind, partner.slug) == (
        "蔚山広域市",
        "KR",
        "city",
        "kr-ulsan",
    )


def test_a_second_partner_of_the_same_name_and_country_is_refused_with_a_message(
    admin_client_logged_in, ulsan
):
    response = admin_client_logged_in.post(ADD, partner_form(name_en="Ulsan", slug="ulsan-2"))

    assert response.status_code == 200
    assert (
        "この国には同じ名称（日本語）の自治体・地域がすでにあります。" in response.content.decode()
    )
    assert Partner.objects.count() == 1


def test_a_second_partner_of_the_same_english_name_in_other_case_is_refused(
    admin_client_logged_in, ulsan
):
    response = admin_client_logged_in.post(
        ADD, partner_form(name="ウルサン", name_en="ULSAN metropolitan city", slug="ulsan-2")
    )

    assert "この国には同じ名称（現地語または英語）の自治体・地域がすでにあります。" in (
        response.content.decode()
    )
    assert Partner.objects.count() == 1


def test_the_same_name_in_another_country_is_a_different_partner(admin_client_logged_in, ulsan):
    admin_client_logged_in.post(ADD, partner_form(country="KP", slug="kp-ulsan"))

    assert Partner.objects.filter(name="蔚山広域市").count() == 2


def test_the_database_refuses_a_duplicate_name_and_country_written_around_the_form(ulsan):
    with pytest.raises(IntegrityError):
        Partner.objects.create(name="蔚山広域市", name_en="Other", country="KR", slug="other")


@pytest.mark.parametrize("code", ["XX", "kr", "KOR", "1A", ""])
def test_a_country_that_is_not_an_assigned_iso_code_is_refused(admin_client_logged_in, code):
    response = admin_client_logged_in.post(ADD, partner_form(country=code))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["country"]
    assert not Partner.objects.exists()


def test_the_country_list_holds_every_assigned_code_with_its_japanese_name():
    assert len(countries()) == 249
    assert (countries()["KR"].name_ja, countries()["AU"].name_en) == ("韓国", "Australia")
    assert is_country_code("FR") and not is_country_code("EU")


def test_an_office_editor_may_add_a_partner(client, django_user_model):
    client.force_login(staff(django_user_model, "seoul", group=roles.OFFICE_EDITORS))

    client.post(ADD, partner_form())

    assert Partner.objects.filter(slug="kr-ulsan").exists()


def test_an_office_editor_may_not_delete_a_partner(client, django_user_model, ulsan):
    client.force_login(staff(django_user_model, "seoul", group=roles.OFFICE_EDITORS))

    response = client.post(
        reverse("admin:municipalities_partner_delete", args=[ulsan.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Partner.objects.filter(pk=ulsan.pk).exists()


def test_staff_without_the_permission_may_not_add_a_partner(client, django_user_model):
    client.force_login(staff(django_user_model, "nobody"))

    response = client.post(ADD, partner_form())

    assert response.status_code == 403
    assert not Partner.objects.exists()


def test_a_partner_is_found_by_its_names_and_other_names(ulsan):
    ulsan.other_names = "蔚山市\n\n ウルサン \n"

    assert ulsan.names() == ["蔚山広域市", "Ulsan Metropolitan City", "蔚山市", "ウルサン"]
