"""Published reports change only through HQ: editions, and what office editors cannot do.

The security audit's attacks on a live report, each retried: the status menu
offering 公開, moving the publication time to 2030 or 1999, setting 下書き, and a
report under review given a past time that HQ's bulk publish then kept.
"""

import datetime

import pytest
from django.utils import timezone

from reports.models import Event, Photo, Report
from tests.factories import make_report
from tests.test_permissions import as_user, change_url, form_for

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reports/report/"


@pytest.fixture
def live():
    """A published report of the Seoul office, public since a day ago, with a photo."""
    return make_report(
        title="公開中の報告",
        office="seoul",
        photos=1,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )


def edition_of(client, report) -> Report:
    response = client.post(f"/admin/reports/report/{report.pk}/edition/")
    assert response.status_code == 302
    return Report.objects.get(edition_of=report)


def test_an_office_editor_gets_no_form_to_change_a_published_report(client, seoul_editor, live):
    response = as_user(client, seoul_editor).get(change_url(live))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert "修正版を作成" in response.text


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "published", "title": "書き換えた題"},
        {"status": "draft"},
        {"status": "published", "published_at_0": "2030-01-01", "published_at_1": "09:00:00"},
        {"status": "published", "published_at_0": "1999-01-01", "published_at_1": "09:00:00"},
    ],
    ids=["rewrite", "unpublish", "hide-until-2030", "backdate-to-1999"],
)
def test_an_office_editor_cannot_change_a_published_report_in_place(
    client, seoul_editor, live, changes
):
    before = Report.objects.get(pk=live.pk)
    response = as_user(client, seoul_editor).post(change_url(live), form_for(live, **changes))
    assert response.status_code == 403
    after = Report.objects.get(pk=live.pk)
    assert (after.title, after.status, after.published_at) == (
        before.title,
        before.status,
        before.published_at,
    )
    assert client.get(live.get_absolute_url()).status_code == 200


def test_an_office_editors_form_has_no_publication_time(client, seoul_editor):
    draft = make_report(office="seoul", status="draft")
    form = as_user(client, seoul_editor).get(change_url(draft)).context["adminform"].form
    assert "published_at" not in form.fields


def test_an_office_editor_is_offered_only_draft_and_review(client, seoul_editor):
    draft = make_report(office="seoul", status="draft")
    form = as_user(client, seoul_editor).get(change_url(draft)).context["adminform"].form
    assert [value for value, _ in form.fields["status"].choices] == ["draft", "review"]


def test_a_past_time_on_a_report_under_review_is_not_kept_by_hq_bulk_publish(client, hq_editor):
    review = make_report(
        office="seoul", status="review", published_at=timezone.now() - datetime.timedelta(days=900)
    )
    before = timezone.now()
    as_user(client, hq_editor).post(
        CHANGELIST, {"action": "publish", "_selected_action": [str(review.pk)]}
    )
    assert Report.objects.get(pk=review.pk).published_at >= before


def test_an_office_editor_opens_an_edition_of_a_published_report(client, seoul_editor, live):
    edition = edition_of(as_user(client, seoul_editor), live)
    assert (edition.status, edition.title, edition.office.code) == ("draft", live.title, "seoul")
    assert edition.photos.count() == 1 and edition.events.count() == live.events.count()


def test_opening_an_edition_twice_gives_the_same_edition(client, seoul_editor, live):
    as_user(client, seoul_editor)
    assert edition_of(client, live).pk == edition_of(client, live).pk


def test_the_live_report_stays_as_it_is_while_its_edition_waits(client, seoul_editor, live):
    edition = edition_of(as_user(client, seoul_editor), live)
    response = client.post(
        change_url(edition),
        form_for(edition, title="修正した題", status="review"),
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(live.get_absolute_url())
    assert "公開中の報告" in page.text and "修正した題" not in page.text


def test_an_edition_is_on_no_public_page(client, seoul_editor, live):
    edition = edition_of(as_user(client, seoul_editor), live)
    Report.objects.filter(pk=edition.pk).update(title="修正版だけの題")
    client.logout()
    for url in ("/reports/", "/reports.json", "/reports/feed/", "/sitemap-reports.xml"):
        assert "修正版だけの題" not in client.get(url).content.decode()
    assert client.get(f"/reports/{edition.slug}/").status_code == 404


def test_hq_publishing_an_edition_changes_the_live_report_at_its_address(
    client, seoul_editor, hq_editor, live
):
    edition = edition_of(as_user(client, seoul_editor), live)
    client.post(change_url(edition), form_for(edition, title="修正した題", status="review"))
    as_user(client, hq_editor).post(
        CHANGELIST, {"action": "publish", "_selected_action": [str(edition.pk)]}
    )
    after = Report.objects.get(pk=live.pk)
    assert (after.title, after.slug, after.status) == ("修正した題", live.slug, "published")
    assert after.published_at == live.published_at
    assert not Report.objects.filter(pk=edition.pk).exists()


def test_publishing_an_edition_through_its_form_sends_hq_to_the_live_report(
    client, seoul_editor, hq_editor, live
):
    edition = edition_of(as_user(client, seoul_editor), live)
    response = as_user(client, hq_editor).post(
        change_url(edition), form_for(edition, title="本部が確認した題", status="published")
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(live)
    assert Report.objects.get(pk=live.pk).title == "本部が確認した題"


def test_a_published_edition_brings_its_events_and_photos(client, seoul_editor, hq_editor, live):
    edition = edition_of(as_user(client, seoul_editor), live)
    Event.objects.filter(report=edition).update(city="釜山")
    kept_photo = edition.photos.get()
    as_user(client, hq_editor).post(
        CHANGELIST, {"action": "publish", "_selected_action": [str(edition.pk)]}
    )
    assert [e.city for e in Event.objects.filter(report=live)] == ["釜山"]
    assert [p.pk for p in Photo.objects.filter(report=live)] == [kept_photo.pk]


def test_an_office_editor_may_discard_their_edition(client, seoul_editor, live):
    edition = edition_of(as_user(client, seoul_editor), live)
    client.post(f"/admin/reports/report/{edition.pk}/delete/", {"post": "yes"})
    assert not Report.objects.filter(pk=edition.pk).exists()
    assert Report.objects.filter(pk=live.pk, status="published").exists()


def test_an_office_editor_cannot_open_an_edition_of_another_offices_report(client, seoul_editor):
    theirs = make_report(office="paris")
    response = as_user(client, seoul_editor).post(f"/admin/reports/report/{theirs.pk}/edition/")
    assert response.status_code == 404
    assert not Report.objects.filter(edition_of=theirs).exists()
