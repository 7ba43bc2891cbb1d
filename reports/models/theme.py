"""Themes: the subject areas reports are tagged with (reference data, see migrations)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    """A subject area that reports are tagged with (reference data, see migrations)."""

    slug = models.SlugField(_("スラッグ"), max_length=60, unique=True)
    name_ja = models.CharField(_("名称（日本語）"), max_length=100)
    name_en = models.CharField(_("名称（英語）"), max_length=100)
    display_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["display_order", "slug"]
        verbose_name = _("テーマ")
        verbose_name_plural = _("テーマ")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:theme", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ja
