"""Photo files: written, copied and removed by these functions, never by save() or signals.

A photo row and its files go together: the original and four renditions named
after the photo's random key (Photo.key). Every write path (the admin's photo
forms, the import, the demo loader, editions) stores through photo_store(),
and every removal goes through photo_delete() or reports_delete(), which
remove the files once the transaction that dropped the rows commits. Files
written for a transaction that rolls back are removed too, so no file outlives
its row and no row points to a missing file.
"""

import weakref
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import router, transaction

from . import images
from .models import Photo, Report, photo_key, photo_upload_to

FILE_NAME_LENGTH = 255  # max_length of the Photo file fields


def storage():
    return Photo._meta.get_field("image").storage


def store_files(storage, result: images.Processed, name: str) -> dict:
    """Write the original as `name` and the renditions beside it; return Photo field values.

    Rendition fields are named f"{size}_{format}", with f"{size}_width" and
    f"{size}_height". If a write fails, the files already written are removed.
    """
    values, written = {}, []
    try:
        values["image"] = storage.save(
            name, ContentFile(result.original.content), max_length=FILE_NAME_LENGTH
        )
        written.append(values["image"])
        values["width"], values["height"] = result.original.width, result.original.height
        base = values["image"].rsplit(".", 1)[0]
        for (size, fmt), rendition in result.renditions.items():
            values[f"{size}_{fmt}"] = storage.save(
                f"{base}-{size}.{rendition.extension}",
                ContentFile(rendition.content),
                max_length=FILE_NAME_LENGTH,
            )
            written.append(values[f"{size}_{fmt}"])
            values[f"{size}_width"], values[f"{size}_height"] = rendition.width, rendition.height
    except BaseException:
        delete_files(storage, written)
        raise
    return values


def delete_files(storage, names) -> None:
    for name in names:
        storage.delete(name)


def delete_on_commit(storage, names, *, using=None) -> None:
    """Delete files once the transaction that dropped their rows commits."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: delete_files(storage, names), using=using, robust=True)


def delete_if_rolled_back(storage, names, *, using=None) -> None:
    """Delete files written for a row if the transaction that saved it rolls back.

    Django has no on-rollback hook, but a rolled-back transaction or savepoint
    drops its on-commit callbacks without calling them. So: register a callback
    that only marks the files as kept, and a finalizer that deletes them unless
    that happened. The finalizer runs as soon as Django lets go of the callback:
    after calling it on commit (keep), or on rollback (delete).
    """
    names = [name for name in names if name]
    if not names:
        return
    state = {"committed": False}

    def keep():
        state["committed"] = True

    weakref.finalize(keep, _delete_unless_committed, storage, names, state)
    transaction.on_commit(keep, using=using)


def _delete_unless_committed(storage, names, state) -> None:
    if not state["committed"]:
        delete_files(storage, names)


def photo_store(*, photo: Photo, processed: images.Processed) -> Photo:
    """Save `photo` with the files of `processed` (from images.process()).

    A photo that had files gets a new key, so a replaced image never answers at
    the old address, and its old files are removed once this commits.
    """
    files = storage()
    using = router.db_for_write(Photo, instance=photo)
    # The names stored now: a form may already have put an upload in `image`.
    stored = Photo.objects.filter(pk=photo.pk).first() if photo.pk else None
    old = stored.file_names() if stored else []
    if old:
        photo.key = photo_key()
    name = photo_upload_to(photo, f"photo.{processed.original.extension}")
    values = store_files(files, processed, name)
    for field, value in values.items():
        setattr(photo, field, value)
    try:
        photo.save()
    except BaseException:
        delete_files(files, photo.file_names())
        raise
    delete_if_rolled_back(files, photo.file_names(), using=using)
    delete_on_commit(files, old, using=using)
    return photo


def photo_store_upload(*, photo: Photo, file) -> Photo:
    """Check, normalise and store an uploaded or imported file; ValidationError if unfit."""
    with images.opened(file) as source:
        images.check_size(source)
        processed = images.process(source)
    return photo_store(photo=photo, processed=processed)


def photo_delete(*, photo: Photo) -> None:
    """Delete a photo row; its files go once the transaction commits."""
    names = photo.file_names()
    using = router.db_for_write(Photo, instance=photo)
    photo.delete()
    delete_on_commit(storage(), names, using=using)


def reports_delete(*, reports) -> None:
    """Delete reports (a queryset), their rows in a cascade and their photos' files on commit."""
    names = [
        name
        for photo in Photo.objects.filter(report__in=reports.values("pk")).only(
            *Photo.file_field_names()
        )
        for name in photo.file_names()
    ]
    reports.delete()
    delete_on_commit(storage(), names, using=reports.db)


def photo_copy(*, photo: Photo, report: Report) -> Photo:
    """A copy of `photo`, with copies of its files under a new key, for another report."""
    files = storage()
    copy = Photo(
        report=report,
        caption=photo.caption,
        alt_text=photo.alt_text,
        position=photo.position,
        source_sha256=photo.source_sha256,
    )
    written = []
    try:
        for field in Photo.file_field_names():
            source = getattr(photo, field)
            if not source:
                continue
            base = PurePosixPath(source.name).name
            tail = base.removeprefix(photo.key) if base.startswith(photo.key) else f"-{field}"
            if "." not in tail:
                tail += PurePosixPath(base).suffix
            name = str(PurePosixPath(photo_upload_to(copy, "x.jpg")).with_name(copy.key + tail))
            with files.open(source.name, "rb") as stream:
                saved = files.save(name, stream, max_length=FILE_NAME_LENGTH)
            written.append(saved)
            setattr(copy, field, saved)
        for field in ("width", "height", "thumb_width", "thumb_height"):
            setattr(copy, field, getattr(photo, field))
        copy.display_width, copy.display_height = photo.display_width, photo.display_height
        copy.save()
    except BaseException:
        delete_files(files, written)
        raise
    delete_if_rolled_back(files, written, using=router.db_for_write(Photo, instance=copy))
    return copy
