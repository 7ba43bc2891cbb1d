"""The photo pipeline: check an upload, normalise it, make the sizes the pages serve.

The Photo model calls these functions (the check as a validator in full_clean(),
the processing in save()), so the admin, the importer and the demo loader all
store the same thing. Nothing here runs on a public request.

- Accepted: JPEG (MPO, the multi-picture JPEG of many cameras and phones, too),
  PNG and WebP, up to settings.PHOTO_MAX_UPLOAD_BYTES and MAX_PIXELS. Only
  Pillow's decoders for these formats ever see an upload.
- Stored "original": the EXIF orientation applied, colours converted to sRGB
  (then the profile dropped: untagged images are sRGB to every browser, and a
  phone's Display P3 photo left tagged-but-stripped would look washed out), all
  metadata (EXIF with GPS, XMP, ICC, text chunks) dropped, re-encoded in the
  uploaded format. The uploaded bytes are never kept.
- Renditions: RENDITION_WIDTHS wide (never enlarged), each as WebP (smaller,
  taken by every current browser) and JPEG (the fallback, and what og:image
  uses: link previews in chat apps and social sites do not all read WebP).
  Transparency is flattened onto white in the renditions.
"""

import contextlib
import io
import weakref
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Accepted Pillow formats -> the format the original is stored in (an MPO is
# stored as a plain JPEG: its extra pictures are metadata too).
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Decoders tried on an upload (MPO files are opened by the JPEG plugin).
PILLOW_FORMATS = ["JPEG", "PNG", "WEBP"]
# 50 megapixels is more than any camera photo staff send (a 45 MP full frame
# fits) and caps the memory one upload may take to about 200 MB decoded. It is
# below Pillow's own bomb limit (about 89 MP), so Pillow's check only fires for
# files whose header claims far more.
MAX_PIXELS = 50_000_000
# Thumbnail for list cards (up to 9rem, so 400 px covers 2x screens), display
# size for the gallery and the link target.
RENDITION_WIDTHS = {"thumb": 400, "display": 1200}
# WebP's largest side (16,383 px); JPEG's (65,535) is larger. A rendition's width is
# below it anyway; its height is capped at it (see _fit).
MAX_RENDITION_HEIGHT = 16_383
FILE_NAME_LENGTH = 255  # max_length of the Photo file fields
RENDITION_FORMATS = {"webp": ("WEBP", {"quality": 80, "method": 4}), "jpeg": ("JPEG", {})}
JPEG_OPTIONS = {"quality": 85, "optimize": True, "progressive": True}
ORIGINAL_OPTIONS = {
    "JPEG": {"quality": 92, "optimize": True},
    "PNG": {},  # lossless already; optimize=True would take seconds on a large photo
    "WEBP": {"quality": 92, "method": 4},
}
# Magic bytes of formats people try, to name them in the message; these files
# are never handed to a Pillow decoder.
OTHER_FORMATS = {
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"%PDF": "PDF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"<svg": "SVG",
}
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class Encoded:
    """One encoded image file, ready to store."""

    content: bytes
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class Processed:
    """What a photo stores: the normalised original and its renditions by (size, format)."""

    original: Encoded
    renditions: dict[tuple[str, str], Encoded]


def max_upload_bytes() -> int:
    return settings.PHOTO_MAX_UPLOAD_BYTES


@contextlib.contextmanager
def opened(field_file):
    """A field's file opened for reading at its start, put back as it was afterwards.

    A new upload stays open (the model still has to store it); a stored file is closed.
    """
    committed = getattr(field_file, "_committed", True)
    field_file.open("rb")
    try:
        field_file.seek(0)
        yield field_file
    finally:
        if committed:
            field_file.close()
        else:
            field_file.seek(0)


def validate_photo_file(value) -> None:
    """Model field validator: reject what the pipeline cannot turn into a safe photo.

    A photo's image that is already stored was checked and normalised when it was
    saved; only a newly chosen file (the instance says which) is read again.
    """
    instance = getattr(value, "instance", None)
    if not value or (instance is not None and not getattr(instance, "image_changed", True)):
        return
    if value.size > max_upload_bytes():
        raise ValidationError(
            _("ファイルが大きすぎます（%(size)s）。%(limit)s 以下の画像を選んでください。"),
            code="file_too_large",
            params={
                "size": filesizeformat(value.size),
                "limit": filesizeformat(max_upload_bytes()),
            },
        )
    with opened(value) as file:
        decode(file)  # not closed: Image.close() would close the upload too


def decode(file) -> Image.Image:
    """Open and fully decode an upload, or raise a ValidationError saying why not."""
    head = file.read(16)
    file.seek(0)
    try:
        image = Image.open(file, formats=PILLOW_FORMATS)
        if image.format not in FORMATS:
            raise _unsupported(image.format)
        if image.width * image.height > MAX_PIXELS:
            raise _too_many_pixels(image.width, image.height)
        # The full decode finds a truncated or corrupt file now, before anything is saved.
        image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # The header claims more pixels than Pillow will decode (a warning is an
        # error when warnings are errors, as in the tests).
        raise _too_many_pixels() from exc
    except UnidentifiedImageError as exc:
        name = _sniff(head)
        if name in FORMATS:  # looks like one of ours, but the header is broken
            raise _damaged() from exc
        raise _unsupported(name) from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError… on bad data
        raise _damaged() from exc
    return image


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIC/AVIF"
    for magic, name in OTHER_FORMATS.items():
        if head.lstrip().startswith(magic):
            return name
    return None


def _unsupported(name: str | None) -> ValidationError:
    if name:
        return ValidationError(
            _("%(format)s 形式の画像は使えません。JPEG、PNG、WebP のいずれかを選んでください。"),
            code="unsupported_format",
            params={"format": name},
        )
    return ValidationError(
        _("画像ファイルではありません。JPEG、PNG、WebP のいずれかの画像を選んでください。"),
        code="not_an_image",
    )


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    size = f"{width:,} × {height:,}" if width and height else _("非常に大きな寸法")
    return ValidationError(
        _("画像の画素数が多すぎます（%(size)s）。%(limit)s 画素以下に縮小してから選んでください。"),
        code="too_many_pixels",
        params={"size": size, "limit": f"{MAX_PIXELS:,}"},
    )


def _damaged() -> ValidationError:
    return ValidationError(
        _(
            "画像ファイルが途中で切れているか壊れているため読み込めません。元のファイルをもう一度保存して選んでください。"
        ),
        code="damaged_image",
    )


def process(file) -> Processed:
    """Normalise an upload (already validated) and make its renditions."""
    source = decode(file)
    original_format = source.format
    image = _normalise(source)
    del source  # not closed: Image.close() would close the caller's file too
    stored_format = FORMATS[original_format]
    original = _encode(image, stored_format, **ORIGINAL_OPTIONS[stored_format])
    flat = _flatten(image)
    del image
    renditions = {}
    for size, width in sorted(RENDITION_WIDTHS.items(), key=lambda item: -item[1]):
        # Each size from the previous, larger one: quicker, as sharp.
        flat = _fit(flat, width)
        for key, (pillow_format, options) in RENDITION_FORMATS.items():
            renditions[size, key] = _encode(flat, pillow_format, **options)
    return Processed(original=original, renditions=renditions)


def _fit(image: Image.Image, width: int) -> Image.Image:
    """`image` at most `width` wide and MAX_RENDITION_HEIGHT tall, never enlarged.

    A narrow, very tall image (100 × 20,000 is only 2 megapixels) stays taller than
    WebP can encode at a rendition's width, so the height is capped as well.
    """
    new_width, new_height = image.size
    if new_width > width:
        new_width, new_height = width, max(1, round(new_height * width / new_width))
    if new_height > MAX_RENDITION_HEIGHT:
        new_width = max(1, round(new_width * MAX_RENDITION_HEIGHT / new_height))
        new_height = MAX_RENDITION_HEIGHT
    if (new_width, new_height) == image.size:
        return image
    return image.resize((new_width, new_height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _normalise(image: Image.Image) -> Image.Image:
    """Upright, sRGB, RGB or RGBA, and no metadata at all."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit grey PNG: scale, not clip
        image = image.point(lambda value: value * (1 / 256)).convert("L")
    mode = "RGBA" if image.has_transparency_data else "RGB"
    profile = image.info.get("icc_profile")
    converted = None
    if profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                SRGB,
                outputMode=mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a broken or mismatched profile: take the numbers as sRGB
    image = converted or (image if image.mode == mode else image.convert(mode))
    # Always a new image by now (exif_transpose copies), so its info is ours to drop:
    # EXIF with GPS, XMP, ICC, PNG text. The encoders then write only what is passed.
    image.info = {}
    return image


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image: Image.Image, pillow_format: str, **options) -> Encoded:
    if pillow_format == "JPEG":
        image = _flatten(image)
        options = {**JPEG_OPTIONS, **options}
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format, **options)
    return Encoded(buffer.getvalue(), EXTENSIONS[pillow_format], image.width, image.height)


def store(storage, result: Processed, name: str) -> dict:
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
