"""Public reports as plain data, for the open-data exports (see README, "Open data").

The shape does not depend on the language of the request: names and URLs are
given in both languages, dates and times in ISO 8601 (times in Japan time).
"""

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone, translation

from .models import Event, Participant, Photo, Report


def iso(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return value.isoformat()


def localized_path(report: Report, language: str) -> str:
    with translation.override(language):
        return reverse("reports:detail", kwargs={"slug": report.slug})


def event_to_dict(event: Event) -> dict:
    return {
        "start": iso(event.start_date),
        "end": iso(event.end_date),
        "venue": event.venue,
        "city": event.city,
        "country": event.country,
        "format": event.format,
    }


def participant_to_dict(participant: Participant) -> dict:
    return {
        "name": participant.name,
        "country": participant.country,
        "municipalities": participant.municipalities,
        "people": participant.people,
        "qualifier": participant.qualifier,
    }


def photo_to_dict(photo: Photo, absolute: Callable[[str], str]) -> dict:
    return {
        "url": absolute(photo.image.url),
        "caption": photo.caption,
        "alt": photo.alt_text,
        "width": photo.width,
        "height": photo.height,
    }


def report_to_dict(report: Report, *, absolute: Callable[[str], str]) -> dict:
    """Every public field of a report and its events, participants and photos.

    `absolute` turns a path into an absolute URL (request.build_absolute_uri).
    Expects office, themes, events, participants and photos to be fetched
    with the report (Report.objects.with_detail_data()).
    """
    office = report.office
    return {
        "id": report.pk,
        "slug": report.slug,
        "url": absolute(localized_path(report, "ja")),
        "url_en": absolute(localized_path(report, "en")),
        "title": report.title,
        "title_en": report.title_en,
        "summary": report.summary,
        "summary_en": report.summary_en,
        "body": report.body,
        "office": {"code": office.code, "name_ja": office.name_ja, "name_en": office.name_en},
        "themes": [
            {"slug": theme.slug, "name_ja": theme.name_ja, "name_en": theme.name_en}
            for theme in report.themes.all()
        ],
        "published_at": iso(report.published_at),
        "updated_at": iso(report.updated_at),
        "fiscal_year": report.fiscal_year,
        "source": report.source,
        "first_date": iso(report.first_date),
        "last_date": iso(report.last_date),
        "events": [event_to_dict(event) for event in report.events.all()],
        "participants": [participant_to_dict(p) for p in report.participants.all()],
        "photos": [photo_to_dict(photo, absolute) for photo in report.photos.all()],
    }
