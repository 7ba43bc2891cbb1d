"""The photo pipeline: check an upload, normalise it, make the sizes the pages serve.

Pure image work: nothing here touches the database or the storage. The admin's
photo form, the importer and the demo loader all call process() (through
reports.photos, which stores the result), so they all store the same thing.
Nothing here runs on a public request.

- Accepted: JPEG (MPO, the multi-picture JPEG of many cameras and phones, too),
  PNG and WebP, up to settings.PHOTO_MAX_UPLOAD_BYTES and MAX_PIXELS. Only
  Pillow's decoders for these formats ever see an upload.
- The work an upload can cause is bounded: a JPEG is decoded at the smallest
  scale that still covers ORIGINAL_MAX_SIDE (Pillow's draft mode), any image is
  shrunk by whole factors (reduce) before anything else is done with it, and the
  stored original is at most ORIGINAL_MAX_SIDE on its long side. A single-colour
  7,000 x 7,000 PNG took 2.0 s and 187 MB (plus 0.5 s for a separate check)
  before this, 1.1 s and 46 MB after; a 24 MP JPEG 1.2 s, then 0.6 s
  (bench/photo_upload.py prints the figures).
- Stored "original": at most ORIGINAL_MAX_SIDE pixels on its long side, the EXIF orientation applied, colours converted to sRGB
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
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
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
# The long side of the stored original: twice the display size, enough to
# re-make the renditions at a larger size later, and it bounds the work done.
ORIGINAL_MAX_SIDE = 2400
# Thumbnail for list cards (up to 9rem, so 400 px covers 2x screens), display
# size for the gallery and the link target.
RENDITION_WIDTHS = {"thumb": 400, "display": 1200}
# WebP's largest side (16,383 px); JPEG's (65,535) is larger. A rendition's width is
# below it anyway; its height is capped at it (see _fit).
MAX_RENDITION_HEIGHT = 16_383
RENDITION_FORMATS = {"webp": ("WEBP", {"quality": 80, "method": 4}), "jpeg": ("JPEG", {})}
JPEG_OPTIONS = {"quality": 85, "optimize": True, "progressive": True}
ORIGINAL_OPTIONS = {
    "JPEG": {"quality": 92, "optimize": True},
    "PNG": {"compress_level": 3},  # lossless already; level 6 or optimize take seconds
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
    """Reject what the pipeline cannot turn into a safe photo (the import checks files so)."""
    if not value:
        return
    check_size(value)
    with opened(value) as file:
        decode(file)  # not closed: Image.close() would close the upload too


def check_size(value) -> None:
    """Reject a file over settings.PHOTO_MAX_UPLOAD_BYTES before reading it."""
    if value.size > max_upload_bytes():
        raise ValidationError(
            _("ファイルが大きすぎます（%(size)s）。%(limit)s 以下の画像を選んでください。"),
            code="file_too_large",
            params={
                "size": filesizeformat(value.size),
                "limit": filesizeformat(max_upload_bytes()),
            },
        )


def decode(file, *, fit: int = ORIGINAL_MAX_SIDE) -> Image.Image:
    """Open and decode an upload, at most about `fit` on its long side, or raise a
    ValidationError saying why not.

    A JPEG is decoded at the smallest of its built-in scales (1/2, 1/4, 1/8) that
    still covers `fit`: the decoder still reads every byte, so a truncated file is
    found, but does an eighth of the work. Other formats are decoded whole, then
    shrunk by a whole factor at once, so later steps never hold more than about
    four times the pixels they keep.
    """
    head = file.read(16)
    file.seek(0)
    try:
        image = Image.open(file, formats=PILLOW_FORMATS)
        if image.format not in FORMATS:
            raise _unsupported(image.format)
        if image.width * image.height > MAX_PIXELS:
            raise _too_many_pixels(image.width, image.height)
        if image.format in ("JPEG", "MPO"):
            image.draft(image.mode, (fit, fit))
        # The full decode finds a truncated or corrupt file now, before anything is saved.
        image.load()
        image = _reduce(image, fit)
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


def _reduce(image: Image.Image, fit: int) -> Image.Image:
    """Shrink by the largest whole factor that keeps the long side at least `fit`."""
    factor = max(image.size) // fit
    if factor < 2:
        return image
    reduced = image.reduce(factor)
    reduced.format = image.format  # reduce() keeps the metadata, not the format
    return reduced


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
    image = _fit(_normalise(source), ORIGINAL_MAX_SIDE, height=ORIGINAL_MAX_SIDE)
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


def _fit(image: Image.Image, width: int, *, height: int = MAX_RENDITION_HEIGHT) -> Image.Image:
    """`image` at most `width` wide and `height` tall, never enlarged.

    A narrow, very tall image (100 × 20,000 is only 2 megapixels) stays taller than
    WebP can encode at a rendition's width, so the height is capped as well.
    """
    new_width, new_height = image.size
    if new_width > width:
        new_width, new_height = width, max(1, round(new_height * width / new_width))
    if new_height > height:
        new_width = max(1, round(new_width * height / new_height))
        new_height = height
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
