import datetime

import pytest
from django.db import IntegrityError

from offices.models import Office
from reports.models import Event, Participant, Report, Theme, fiscal_year_of
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_reference_data_has_the_twelve_offices_and_thirteen_themes():
    assert list(Office.objects.values_list("code", flat=True)) == [
        "seoul", "paris", "london", "singapore", "new-york", "beijing", "sydney",
        "jet-division", "multicultural-division", "economic-division",
        "exchange-division", "citizens-plaza",
    ]  # fmt: skip
    assert Theme.objects.count() == 13
    assert Theme.objects.get(slug="environment").name_ja == "環境・ごみ処理"


@pytest.mark.parametrize(
    "day, year",
    [("2025-04-01", 2025), ("2026-03-31", 2025), ("2025-03-31", 2024), ("2025-12-18", 2025)],
)
def test_fiscal_year_runs_april_to_march(day, year):
    assert fiscal_year_of(datetime.date.fromisoformat(day)) == year


def test_fiscal_year_comes_from_the_first_event():
    report = make_report(events=(("2026-04-02", "2026-04-02"), ("2026-03-30", "2026-03-30")))
    report.refresh_from_db()
    assert report.fiscal_year == 2025
    assert report.first_date == datetime.date(2026, 3, 30)
    assert report.last_date == datetime.date(2026, 4, 2)


def test_entered_fiscal_year_is_kept_when_there_is_no_event():
    report = make_report(events=(), fiscal_year=2025)
    report.refresh_from_db()
    assert report.fiscal_year == 2025


def test_database_rejects_an_event_ending_before_it_starts():
    report = make_report(events=())
    with pytest.raises(IntegrityError):
        Event.objects.create(
            report=report,
            start_date=datetime.date(2025, 11, 2),
            end_date=datetime.date(2025, 11, 1),
        )


def test_database_rejects_a_negative_count():
    report = make_report(events=())
    with pytest.raises(IntegrityError):
        Participant.objects.create(report=report, name="x", people=-1)


def test_database_rejects_a_published_report_without_time():
    report = make_report(events=())
    with pytest.raises(IntegrityError):
        Report.objects.filter(pk=report.pk).update(published_at=None)
