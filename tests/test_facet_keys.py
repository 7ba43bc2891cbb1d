"""The counts beside the list follow every change to what they count: themes, linked
local governments, events' countries and partners', added, changed or removed by any
path (the keys each report keeps are maintained by the database, reports/facet_keys.py)."""

import pytest
from django.core.management import call_command

from municipalities.models import Partner
from reports.facet_keys import refresh_all
from reports.models import Event, Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/reports/"
HAGI, TOBA = "352047", "242110"


def facet(client, kind, **params) -> dict:
    response = client.get(LIST, params)
    return {o["value"]: o["count"] for o in response.context["facets"][kind] if o["count"]}


@pytest.fixture
def ulsan():
    return Partner.objects.create(
        name="蔚山広域市", name_en="Ulsan Metropolitan City", country="KR", slug="kr-ulsan"
    )


def test_a_theme_added_later_is_counted(client):
    report = make_report(themes=("education",))
    report.themes.add(*report.themes.model.objects.filter(slug="tourism-culture"))
    assert facet(client, "theme") == {"education": 1, "tourism-culture": 1}


def test_a_theme_removed_is_no_longer_counted(client):
    report = make_report(themes=("education", "tourism-culture"))
    report.themes.remove(*report.themes.filter(slug="education"))
    assert facet(client, "theme") == {"tourism-culture": 1}


def test_themes_replaced_in_one_set_are_counted_as_they_are_now(client):
    report = make_report(themes=("education",))
    report.themes.set(
        report.themes.model.objects.filter(slug__in=["economy-trade", "tourism-culture"])
    )
    assert facet(client, "theme") == {"economy-trade": 1, "tourism-culture": 1}


def test_a_prefecture_counts_a_report_once_for_two_of_its_municipalities(client):
    report = make_report()
    report.local_governments.add("324485", "322016")  # 美郷町 and 松江市, both 島根県
    assert facet(client, "prefecture") == {"32": 1}


def test_an_unlinked_municipality_takes_its_prefecture_with_it(client):
    report = make_report()
    report.local_governments.add(HAGI, TOBA)
    report.local_governments.remove(HAGI)
    assert facet(client, "prefecture") == {"24": 1}


def test_an_event_moved_to_another_country_moves_its_count(client):
    report = make_report()
    report.events.update(country="FR")
    assert facet(client, "country") == {"FR": 1}
    Event.objects.filter(report=report).update(country="GB")
    assert facet(client, "country") == {"GB": 1}


def test_a_deleted_event_takes_its_country_with_it(client):
    report = make_report()
    report.events.update(country="FR")
    report.events.all().delete()
    assert facet(client, "country") == {}


def test_a_country_with_both_an_event_and_a_partner_counts_the_report_once(client, ulsan):
    report = make_report()
    report.events.update(country="KR")
    report.partners.add(ulsan)
    assert facet(client, "country") == {"KR": 1}


def test_a_partner_whose_country_is_corrected_moves_its_reports(client, ulsan):
    make_report().partners.add(ulsan)
    Partner.objects.filter(pk=ulsan.pk).update(country="CN")
    assert facet(client, "country") == {"CN": 1}


def test_reports_loaded_in_bulk_are_counted(client):
    call_command("load_demo", verbosity=0)
    themes = facet(client, "theme")
    assert sum(themes.values()) >= Report.objects.published().count() > 0


def test_recomputing_every_report_changes_no_count(client, ulsan):
    report = make_report(themes=("education", "tourism-culture"))
    report.local_governments.add(HAGI)
    report.partners.add(ulsan)
    before = [facet(client, kind) for kind in ("theme", "prefecture", "country")]
    refresh_all()
    assert [facet(client, kind) for kind in ("theme", "prefecture", "country")] == before


def test_saving_a_report_loaded_before_its_links_changed_keeps_its_keys(client):
    # The instance still holds the keys of its creation ("[]"); the save writes every
    # column, and the database keeps the keys its links give.
    report = make_report(themes=("multicultural",))
    report.summary = "要約を直しました。"
    report.save()
    assert facet(client, "theme") == {"multicultural": 1}
