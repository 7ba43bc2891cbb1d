"""Counts are recounted after changes that can change them, and only then."""

import datetime

import pytest
from django.utils import timezone

from offices.models import Office
from reports import content_revision as revision
from reports.models import Event, Report, Theme
from tests.factories import make_report

pytestmark = pytest.mark.django_db

LIST = "/reports/"


def edit_text(report, summary):
    """What the admin's save does for a changed summary."""
    report.summary = summary
    report.save()
    report.refresh_derived_fields()


def test_a_text_edit_changes_the_search_counts_but_not_the_others():
    report = make_report()
    before = revision.current()
    edit_text(report, "要約を直しました。")
    after = revision.current()
    assert after.token != before.token
    assert after.counts_token == before.counts_token
    assert after.search_token != before.search_token


def test_an_edit_that_changes_nothing_searched_recounts_nothing():
    report = make_report()
    before = revision.current()
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    after = revision.current()
    assert after.token != before.token
    assert (after.counts_token, after.search_token) == (before.counts_token, before.search_token)


def test_editing_a_draft_recounts_nothing():
    draft = make_report(status=Report.Status.DRAFT)
    before = revision.current()
    edit_text(draft, "下書きの要約")
    Report.objects.filter(pk=draft.pk).update(fiscal_year=2020)
    after = revision.current()
    assert (after.counts_token, after.search_token) == (before.counts_token, before.search_token)


def test_publishing_a_draft_changes_the_counts():
    draft = make_report(status=Report.Status.DRAFT)
    before = revision.current().counts_token
    Report.objects.filter(pk=draft.pk).update(
        status=Report.Status.PUBLISHED, published_at=timezone.now()
    )
    assert revision.current().counts_token != before


def test_withdrawing_a_report_changes_the_counts():
    report = make_report()
    before = revision.current().counts_token
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DRAFT)
    assert revision.current().counts_token != before


def test_moving_a_report_to_another_office_changes_the_counts():
    report = make_report(office="seoul")
    before = revision.current().counts_token
    Report.objects.filter(pk=report.pk).update(office=Office.objects.get(code="paris"))
    assert revision.current().counts_token != before


def test_changing_an_event_changes_the_counts():
    report = make_report()
    before = revision.current().counts_token
    Event.objects.filter(report=report).update(country="FR")
    assert revision.current().counts_token != before


def test_tagging_a_theme_changes_the_counts():
    report = make_report(themes=("sister-cities",))
    before = revision.current().counts_token
    report.themes.add(Theme.objects.get(slug="multicultural"))
    assert revision.current().counts_token != before


def test_deleting_a_public_report_changes_the_counts():
    report = make_report()
    before = revision.current().counts_token
    report.delete()
    assert revision.current().counts_token != before


def test_a_scheduled_report_changes_the_counts_when_it_goes_public():
    publish_at = timezone.now() + datetime.timedelta(hours=1)
    make_report(published_at=publish_at)
    before = revision.current(now=publish_at - datetime.timedelta(seconds=1))
    after = revision.current(now=publish_at)
    assert before.counts_token != after.counts_token


def test_a_list_is_not_recounted_after_a_text_edit(client, django_assert_max_num_queries):
    report = make_report(office="seoul")
    client.get(LIST, {"office": "seoul"})
    edit_text(report, "要約だけを直しました。")
    # The revision, the page's ids and their last changes (which cards are cached), the
    # edited report's row, its themes and photos: no count.
    with django_assert_max_num_queries(6):
        response = client.get(LIST, {"office": "seoul"})
    assert response.context["paginator"].count == 1


def test_a_list_is_recounted_after_a_report_is_published(client):
    make_report(office="seoul")
    assert client.get(LIST, {"office": "seoul"}).context["paginator"].count == 1
    make_report(office="seoul")
    response = client.get(LIST, {"office": "seoul"})
    assert response.context["paginator"].count == 2
    office = {o["value"]: o["count"] for o in response.context["facets"]["office"]}
    assert office["seoul"] == 2


def test_a_search_follows_a_text_edit(client):
    report = make_report(summary="最初の要約")
    assert client.get(LIST, {"q": "琥珀"}).context["paginator"].count == 0
    edit_text(report, "琥珀の工芸を紹介しました。")
    response = client.get(LIST, {"q": "琥珀"})
    assert response.context["paginator"].count == 1
    assert [r.pk for r in response.context["reports"]] == [report.pk]
