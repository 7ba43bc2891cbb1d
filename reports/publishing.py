"""How a report moves through review, in one place: submit, publish, withdraw, editions.

The rules (who may do each is in reports/roles.py):
- An office editor writes a draft and submits it for review (draft -> review).
- An HQ editor publishes it: at the moment of publishing, unless HQ gave a
  publication time deliberately (a future time schedules it).
- Once a report has been published, an office editor no longer changes it in
  place: they create an edition, a copy that goes through review while the live
  report stays up unchanged (as GOV.UK keeps the published edition until the
  next is approved). Publishing the edition puts its content into the live
  report, which keeps its address and its first publication time.
- HQ withdraws a published report (it disappears from every public page).

Every function is keyword-only and transactional; the admin's form and actions,
and the importer, call them. Callers check permissions first.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import photos as photo_files
from .models import Event, Participant, Report

# Statuses an editor without the publish permission may set on their own work.
EDITOR_STATUSES = (Report.Status.DRAFT, Report.Status.REVIEW)
# Fields an edition carries over to the live report when it is published.
EDITION_FIELDS = (*Report.TEXT_FIELDS, "fiscal_year")


def photo_problems(photos) -> list[str]:
    """A published report's photos all need a text alternative (WCAG 1.1.1)."""
    missing = [
        str(position)
        for position, photo in enumerate(photos, start=1)
        if not (photo.alt_text or "").strip()
    ]
    if not missing:
        return []
    message = ngettext(
        "写真 %(numbers)s 枚目に代替テキストがありません。",
        "写真 %(numbers)s 枚目に代替テキストがありません。",
        len(missing),
    )
    return [message % {"numbers": "・".join(missing)}]


def publication_problems(
    report: Report | None = None, *, themes=None, summary=None, photos=None
) -> list[str]:
    """What stops a report from being published, each in words staff can act on.

    The admin passes the values being submitted (the form's themes and summary,
    the photo forms), which are not yet saved; otherwise the stored ones are read.
    """
    problems = []
    stored = report is not None and report.pk
    themes = list(report.themes.all()) if themes is None and stored else themes or []
    if not themes:
        problems.append(_("テーマを 1 つ以上選んでください。"))
    summary = (report.summary if report is not None else "") if summary is None else summary
    if not summary.strip():
        problems.append(_("概要を入力してください。"))
    photos = list(report.photos.all()) if photos is None and stored else photos or []
    problems += photo_problems(photos)
    return problems


def _save(report: Report, user, reason: str) -> None:
    report.updated_by = user
    report._change_reason = reason  # django-simple-history's note on this version
    report.save()


@transaction.atomic
def report_submit(*, report: Report, user) -> Report:
    """Draft -> review: ask HQ to publish (or, for an edition, to apply it)."""
    report.status = Report.Status.REVIEW
    _save(report, user, "確認待ちにしました")
    return report


@transaction.atomic
def report_publish(*, report: Report, user, at=None) -> Report:
    """Publish `report`; an edition is applied to its live report, which is returned.

    `at` is a publication time HQ chose deliberately (a future one schedules the
    report). Without it the report is published now: a past time it carries is
    not kept (no report goes out backdated), a future one is (only HQ sets
    those), and a withdrawn report published again keeps its first time.
    """
    if report.is_edition:
        return edition_publish(edition=report, user=user)
    now = timezone.now()
    if at is not None:
        report.published_at = at
    elif report.status == Report.Status.WITHDRAWN and report.published_at:
        pass
    elif report.published_at is None or report.published_at <= now:
        report.published_at = now
    report.status = Report.Status.PUBLISHED
    _save(report, user, "公開しました")
    return report


@transaction.atomic
def report_withdraw(*, report: Report, user) -> Report:
    report.status = Report.Status.WITHDRAWN
    _save(report, user, "公開を停止しました")
    return report


@transaction.atomic
def edition_create(*, report: Report, user) -> Report:
    """A copy of a live report to change through review; its open edition if it has one."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    existing = report.editions.first()
    if existing is not None:
        return existing
    edition = Report(
        edition_of=report,
        office=report.office,
        slug=f"{report.slug[:170]}--edition-{secrets.token_hex(4)}",
        status=Report.Status.DRAFT,
        created_by=user,
        updated_by=user,
        **{name: getattr(report, name) for name in EDITION_FIELDS},
    )
    edition._change_reason = "修正版を作成しました"
    edition.save()
    edition.themes.set(report.themes.all())
    Event.objects.bulk_create(
        Event(report=edition, **{name: getattr(e, name) for name in Event.FORMAT_KEYS.values()})
        for e in report.events.all()
    )
    Participant.objects.bulk_create(
        Participant(
            report=edition,
            position=p.position,
            **{name: getattr(p, name) for name in Participant.FORMAT_KEYS},
        )
        for p in report.participants.all()
    )
    for photo in report.photos.all():
        photo_files.photo_copy(photo=photo, report=edition)
    edition.refresh_derived_fields(save=True)
    return edition


@transaction.atomic
def edition_publish(*, edition: Report, user) -> Report:
    """Put an edition's content into its live report, and delete the edition.

    The live report keeps its id, address and first publication time; a
    withdrawn one is public again. Its old events, participants and photos
    give way to the edition's (photo files are removed once this commits).
    """
    live = Report.objects.select_for_update().get(pk=edition.edition_of_id)
    for name in EDITION_FIELDS:
        setattr(live, name, getattr(edition, name))
    live.status = Report.Status.PUBLISHED
    if live.published_at is None:
        live.published_at = timezone.now()
    live.themes.set(edition.themes.all())
    live.events.all().delete()
    live.participants.all().delete()
    for photo in live.photos.all():
        photo_files.photo_delete(photo=photo)
    edition.events.update(report=live)
    edition.participants.update(report=live)
    edition.photos.update(report=live)
    _save(live, user, "修正版を公開しました")
    live.refresh_derived_fields(save=True)
    edition.delete()
    return live
