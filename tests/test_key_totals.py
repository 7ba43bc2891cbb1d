"""The counts of every public report (the unfiltered list, one filter's own facet) come
from totals the database keeps (reports/key_totals.py): they follow every change of
which reports are public and where they are counted, by any path."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from offices.models import Office
from reports.facet_keys import refresh_all
from reports.models import KeyTotal, Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/reports/"
HAGI, TOBA = "352047", "242110"  # 山口県, 三重県


def facet(client, kind, **params) -> dict:
    response = client.get(LIST, params)
    return {o["value"]: o["count"] for o in response.context["facets"][kind] if o["count"]}


def total(client, **params) -> int:
    return client.get(LIST, params).context["paginator"].count


def test_publishing_a_draft_counts_it_everywhere(client):
    make_report(office="seoul", themes=("education",))
    draft = make_report(office="paris", themes=("education",), status=Report.Status.DRAFT)
    Report.objects.filter(pk=draft.pk).update(
        status=Report.Status.PUBLISHED, published_at=timezone.now()
    )
    assert facet(client, "office") == {"seoul": 1, "paris": 1}
    assert facet(client, "theme") == {"education": 2}


def test_a_withdrawn_report_is_no_longer_counted(client):
    make_report(office="seoul")
    withdrawn = make_report(office="paris")
    Report.objects.filter(pk=withdrawn.pk).update(status=Report.Status.DRAFT)
    assert facet(client, "office") == {"seoul": 1}
    assert total(client) == 1


def test_a_deleted_report_is_no_longer_counted(client):
    make_report(office="seoul", themes=("education",))
    make_report(office="seoul", themes=("tourism-culture",)).delete()
    assert facet(client, "theme") == {"education": 1}


def test_a_report_moved_to_another_office_is_counted_there(client):
    report = make_report(office="seoul")
    Report.objects.filter(pk=report.pk).update(office=Office.objects.get(code="london"))
    assert facet(client, "office") == {"london": 1}


def test_a_report_moved_to_another_fiscal_year_is_counted_there(client):
    report = make_report(fiscal_year=2024)
    Report.objects.filter(pk=report.pk).update(fiscal_year=2023)
    assert facet(client, "fy") == {2023: 1}


def test_a_report_scheduled_for_later_is_counted_once_its_time_passes(client, clock):
    make_report(office="seoul")
    make_report(office="paris", published_at=clock.now + datetime.timedelta(hours=2))
    assert facet(client, "office") == {"seoul": 1}
    clock.advance(hours=3)
    assert facet(client, "office") == {"seoul": 1, "paris": 1}


def test_a_bulk_withdrawal_takes_every_report_off(client):
    for office in ("seoul", "seoul", "paris", "london"):
        make_report(office=office)
    Report.objects.filter(office__code="seoul").update(status=Report.Status.DRAFT)
    assert facet(client, "office") == {"paris": 1, "london": 1}


def test_a_prefectures_own_counts_follow_a_withdrawal(client):
    # A prefecture's own facet counts every report but the prefecture filter.
    kept = make_report()
    kept.local_governments.add(HAGI)
    withdrawn = make_report()
    withdrawn.local_governments.add(TOBA)
    Report.objects.filter(pk=withdrawn.pk).update(status=Report.Status.DRAFT)
    assert facet(client, "prefecture", prefecture="35") == {"35": 1}


def test_every_count_of_the_list_leads_to_as_many_reports(client, clock):
    for office, themes, year in (
        ("seoul", ("education",), 2024),
        ("seoul", ("education", "tourism-culture"), 2025),
        ("paris", ("multicultural",), None),
        ("london", ("education",), 2025),
    ):
        make_report(office=office, themes=themes, fiscal_year=year)
    make_report(office="paris", published_at=clock.now + datetime.timedelta(days=1))
    make_report(office="london", status=Report.Status.DRAFT)
    response = client.get(LIST)
    for kind in ("office", "theme", "fy"):
        for option in response.context["facets"][kind]:
            assert total(client, **{kind: option["value"]}) == option["count"], (kind, option)


def test_migrate_recounts_totals_that_went_wrong(client):
    make_report(office="seoul", themes=("education",))
    KeyTotal.objects.update(reports=7)
    call_command("migrate", verbosity=0)
    assert facet(client, "theme") == {"education": 1}


def test_recomputing_every_reports_keys_counts_the_totals_again(client):
    make_report(office="seoul", themes=("education",))
    make_report(office="paris", themes=("education",))
    KeyTotal.objects.all().delete()
    refresh_all()
    assert facet(client, "theme") == {"education": 2}
    assert facet(client, "office") == {"seoul": 1, "paris": 1}
