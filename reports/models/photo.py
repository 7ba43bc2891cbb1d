"""A report's photos: the row that names a photo's files (reports/photos.py writes them)."""

import secrets
from pathlib import PurePosixPath

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import images
from .report import Report


def photo_key() -> str:
    """A photo's public name: 128 random bits, so no photo can be found by guessing."""
    return secrets.token_urlsafe(16)


def photo_upload_to(instance, filename):
    """photos/<2 characters of the key>/<key>.<extension>: the camera's name is never kept."""
    extension = PurePosixPath(filename).suffix.lower()
    return f"photos/{instance.key[:2]}/{instance.key}{extension}"


class Photo(models.Model):
    """A captioned photo of a report, stored normalised with the sizes the pages serve.

    `image` is the normalised original (upright, sRGB, no metadata, re-encoded:
    never the uploaded bytes); thumb_* and display_* are the renditions. Files
    are written and removed by reports/photos.py, never by save(). They are named
    after `key`, a random token, and served only by the photo view, which gives
    the public the photos of public reports and no others (reports/views.py).
    """

    # (size, format) of each rendition; the field is named f"{size}_{format}".
    RENDITIONS = [
        (size, fmt) for size in images.RENDITION_WIDTHS for fmt in images.RENDITION_FORMATS
    ]
    # The file name in a photo's URL for each file field (see reports/urls.py).
    URL_NAMES = {
        "thumb_webp": "thumb.webp",
        "thumb_jpeg": "thumb.jpg",
        "display_webp": "display.webp",
        "display_jpeg": "display.jpg",
    }

    report = models.ForeignKey(
        Report, verbose_name=_("活動報告"), on_delete=models.CASCADE, related_name="photos"
    )
    key = models.CharField(
        _("公開名"), max_length=32, unique=True, default=photo_key, editable=False
    )
    image = models.ImageField(
        _("画像"),
        upload_to=photo_upload_to,
        max_length=255,
        help_text=_(
            "JPEG、PNG または WebP の画像。向きは撮影時の情報で直し、位置情報などのメタデータは保存しません。"
        ),
    )
    width = models.PositiveIntegerField(_("幅"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("高さ"), null=True, blank=True, editable=False)
    thumb_webp = models.FileField(
        _("サムネイル（WebP）"), max_length=255, blank=True, editable=False
    )
    thumb_jpeg = models.FileField(
        _("サムネイル（JPEG）"), max_length=255, blank=True, editable=False
    )
    thumb_width = models.PositiveIntegerField(
        _("サムネイルの幅"), null=True, blank=True, editable=False
    )
    thumb_height = models.PositiveIntegerField(
        _("サムネイルの高さ"), null=True, blank=True, editable=False
    )
    display_webp = models.FileField(
        _("表示用画像（WebP）"), max_length=255, blank=True, editable=False
    )
    display_jpeg = models.FileField(
        _("表示用画像（JPEG）"), max_length=255, blank=True, editable=False
    )
    display_width = models.PositiveIntegerField(
        _("表示用画像の幅"), null=True, blank=True, editable=False
    )
    display_height = models.PositiveIntegerField(
        _("表示用画像の高さ"), null=True, blank=True, editable=False
    )
    caption = models.CharField(_("キャプション"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("代替テキスト"),
        max_length=300,
        blank=True,
        help_text=_("画像が見えない人のための説明（例: 会議室で意見交換する参加者）。"),
    )
    position = models.PositiveSmallIntegerField(_("表示順"), default=0)
    source_sha256 = models.CharField(
        _("取り込み元ファイルの SHA-256"), max_length=64, blank=True, editable=False
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("写真")
        verbose_name_plural = _("写真")

    def __str__(self):
        return self.caption or _("写真 %(number)s") % {"number": self.position + 1}

    @classmethod
    def file_field_names(cls) -> list[str]:
        return ["image", *(f"{size}_{fmt}" for size, fmt in cls.RENDITIONS)]

    def file_names(self) -> list[str]:
        """Every stored file of this photo: the original and its renditions."""
        return [name for name in (getattr(self, f).name for f in self.file_field_names()) if name]

    def url_name(self, field: str) -> str:
        """The file name of one of this photo's files in its URL."""
        if field == "image":
            return "original" + PurePosixPath(self.image.name).suffix.lower()
        return self.URL_NAMES[field]

    def file_url(self, field: str) -> str:
        """Where the photo view serves one of this photo's files (see reports/urls.py)."""
        return reverse("photo", kwargs={"key": self.key, "name": self.url_name(field)})

    @property
    def original_url(self) -> str:
        return self.file_url("image")

    # What the templates serve. A photo saved before renditions existed falls back
    # to the original (the photo_renditions migration makes them for stored photos).
    @property
    def display_url(self) -> str:
        return self.file_url("display_jpeg" if self.display_jpeg else "image")

    @property
    def thumb_url(self) -> str:
        return self.file_url("thumb_jpeg" if self.thumb_jpeg else "image")

    # The width and height attributes of the served <img>: its aspect ratio, so
    # the page keeps the space before the image arrives.
    @property
    def html_width(self) -> int | None:
        return self.display_width if self.display_jpeg else self.width

    @property
    def html_height(self) -> int | None:
        return self.display_height if self.display_jpeg else self.height

    @property
    def webp_srcset(self) -> str:
        return self._srcset("webp")

    @property
    def jpeg_srcset(self) -> str:
        return self._srcset("jpeg")

    def _srcset(self, fmt: str) -> str:
        candidates = {}  # by width: a small photo's two sizes may be the same
        for size in images.RENDITION_WIDTHS:
            field = f"{size}_{fmt}"
            if getattr(self, field):
                candidates.setdefault(getattr(self, f"{size}_width"), self.file_url(field))
        return ", ".join(f"{url} {width}w" for width, url in sorted(candidates.items()))
