"""Write paths outside the admin: plain functions, keyword-only, transactional."""

import datetime
import io
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from offices.models import Office

from .models import Event, Participant, Photo, Report, Theme

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "vol436.json"


def unique_slug(*, title: str, exclude_pk: int | None = None, max_length: int = 200) -> str:
    """A slug from the title (Japanese kept), made unique with a numeric suffix."""
    base = slugify(title, allow_unicode=True)[: max_length - 10].strip("-") or "report"
    slug, n = base, 2
    others = Report.objects.exclude(pk=exclude_pk) if exclude_pk else Report.objects.all()
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def placeholder_image(*, label: str, width: int = 1200, height: int = 800, seed: int = 0) -> bytes:
    """A PNG clearly marked as a placeholder, since the seed text has no photos."""
    hue = [(11, 79, 138), (30, 110, 90), (120, 70, 30), (90, 60, 130)][seed % 4]
    image = Image.new("RGB", (width, height), hue)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=56)
    small = ImageFont.load_default(size=32)
    for i in range(0, width + height, 80):  # diagonal stripes say "not a photo" at a glance
        draw.line(
            [(i, 0), (i - height, height)], fill=tuple(min(c + 25, 255) for c in hue), width=12
        )
    draw.rectangle([60, height // 2 - 120, width - 60, height // 2 + 120], fill=(255, 255, 255))
    draw.text(
        (width // 2, height // 2 - 40),
        "PLACEHOLDER IMAGE",
        font=font,
        fill=(31, 35, 40),
        anchor="mm",
    )
    draw.text((width // 2, height // 2 + 50), label, font=small, fill=(87, 96, 106), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def report_upsert(*, data: dict, user=None, new_files: list | None = None) -> tuple[Report, bool]:
    """Create or update one report (found by external_id) with its related rows.

    Photos are matched by position so that loading twice keeps the same files.
    Names of files written are appended to `new_files`, so a caller that rolls
    back can remove them.
    """
    office = Office.objects.get(code=data["office"])
    themes = list(Theme.objects.filter(slug__in=data["themes"]))
    if len(themes) != len(set(data["themes"])):
        unknown = set(data["themes"]) - {t.slug for t in themes}
        raise ValueError(f"unknown theme(s): {', '.join(sorted(unknown))}")

    report = Report.objects.filter(external_id=data["external_id"]).first()
    created = report is None
    if created:
        report = Report(external_id=data["external_id"], created_by=user)
    report.office = office
    report.slug = data.get("slug") or report.slug or unique_slug(title=data["title"])
    for field in ("title", "title_en", "summary", "summary_en", "body", "status", "source"):
        setattr(report, field, data.get(field) or "")
    report.published_at = parse_datetime(data["published_at"]) if data.get("published_at") else None
    report.fiscal_year = data.get("fiscal_year")
    report.updated_by = user
    report.full_clean(exclude=["themes"])
    report.save()
    report.themes.set(themes)

    report.events.all().delete()
    for row in data.get("events", []):
        event = Event(
            report=report,
            start_date=datetime.date.fromisoformat(row["start"]),
            end_date=datetime.date.fromisoformat(row["end"]),
            venue=row.get("venue") or "",
            city=row.get("city") or "",
            country=row.get("country") or "",
            format=row.get("format") or Event.Format.IN_PERSON,
        )
        event.full_clean()
        event.save()

    report.participants.all().delete()
    for position, row in enumerate(data.get("participants", [])):
        participant = Participant(
            report=report,
            name=row["name"],
            country=row.get("country") or "",
            municipalities=row.get("municipalities"),
            people=row.get("people"),
            qualifier=row.get("qualifier") or Participant.Qualifier.EXACT,
            position=position,
        )
        participant.full_clean()
        participant.save()

    existing = {photo.position: photo for photo in report.photos.all()}
    rows = data.get("photos", [])
    for position, row in enumerate(rows):
        photo = existing.pop(position, None)
        if photo is None:
            photo = Photo(report=report, position=position)
            content = row.get("content") or placeholder_image(
                label=f"{office.name_en} · {report.slug} · {position + 1}", seed=position
            )
            photo.image.save(f"{report.slug}-{position + 1}.png", ContentFile(content), save=False)
            if new_files is not None:
                new_files.append(photo.image.name)
        photo.caption = row.get("caption") or ""
        photo.alt_text = row.get("alt") or ""
        photo.full_clean()
        photo.save()
    for photo in existing.values():
        photo_delete(photo=photo)

    report.refresh_derived_fields(save=True)
    return report, created


def photo_delete(*, photo: Photo) -> None:
    """Delete a photo row and its file once the transaction commits."""
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


def demo_load(*, path: Path = DEMO_FILE, dry_run: bool = False) -> dict:
    """Load the demo reports; running it again leaves the same data.

    With dry_run everything is rolled back, files included.
    """
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    counts = {"created": 0, "updated": 0}
    new_files: list[str] = []
    try:
        with transaction.atomic():
            for item in items:
                _, created = report_upsert(data=item, new_files=new_files)
                counts["created" if created else "updated"] += 1
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        _delete_files(new_files)
        raise
    if dry_run:
        _delete_files(new_files)
    return counts


def _delete_files(names: list[str]) -> None:
    storage = Photo._meta.get_field("image").storage
    for name in names:
        storage.delete(name)


def demo_admin_create(*, username: str, password: str) -> None:
    """A superuser for trying the admin locally; resets the password if it exists."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
