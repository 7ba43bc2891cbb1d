"""Small factories: build reports with their related rows in one call."""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from offices.models import Office
from reports import photos as photo_services
from reports.models import Event, Participant, Photo, Report, Theme

_counter = itertools.count(1)


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def make_report(
    *,
    title: str | None = None,
    office: str = "seoul",
    themes: tuple[str, ...] = ("sister-cities",),
    events: tuple[tuple[str, str], ...] = (("2025-12-18", "2025-12-19"),),
    participants: tuple[dict, ...] = (),
    photos: int = 0,
    status: str = Report.Status.PUBLISHED,
    published_at: datetime.datetime | None = None,
    fiscal_year: int | None = None,
    summary: str = "概要です。",
    body: str = "本文です。",
    venue: str = "",
    city: str = "",
) -> Report:
    n = next(_counter)
    report = Report.objects.create(
        title=title or f"テスト報告 {n}",
        slug=f"test-report-{n}",
        office=Office.objects.get(code=office),
        summary=summary,
        body=body,
        status=status,
        published_at=published_at
        or (timezone.now() - datetime.timedelta(days=1) if status == "published" else None),
        fiscal_year=fiscal_year,
    )
    report.themes.set(Theme.objects.filter(slug__in=themes))
    for start, end in events:
        Event.objects.create(
            report=report,
            start_date=datetime.date.fromisoformat(start),
            end_date=datetime.date.fromisoformat(end),
            venue=venue,
            city=city,
        )
    for position, row in enumerate(participants):
        Participant.objects.create(report=report, position=position, **row)
    for position in range(photos):
        photo_services.photo_store_upload(
            photo=Photo(
                report=report,
                position=position,
                caption=f"写真 {position + 1}",
                alt_text=f"代替テキスト {position + 1}",
            ),
            file=png_upload(f"p{n}-{position}.png"),
        )
    report.refresh_derived_fields(save=True)
    return report


def staff(django_user_model, username, *, group=None, offices=(), superuser=False):
    """A staff user: a superuser, or a member of `group` editing `offices` (codes)."""
    from django.contrib.auth.models import Group

    if superuser:
        return django_user_model.objects.create_superuser(username, f"{username}@example.org", "pw")
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    user.offices.set(Office.objects.filter(code__in=offices))
    return user


# The links docs/municipalities.md's table gives three demo reports; load_demo does not
# make them yet (see its Integration list), so the page tests that use the demo add them.
