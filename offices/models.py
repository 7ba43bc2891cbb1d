from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    """A CLAIR unit that reports activities: an overseas office or an HQ division.

    The twelve reporting units are reference data created by a data migration;
    their codes appear in public URLs and must never change.
    """

    class Kind(models.TextChoices):
        OVERSEAS = "overseas", _("海外事務所")
        HEADQUARTERS = "headquarters", _("本部")

    code = models.SlugField(
        _("コード"),
        max_length=40,
        unique=True,
        help_text=_("URL に使う半角英小文字の識別子（例: seoul）。公開後は変更しないでください。"),
    )
    name_ja = models.CharField(_("名称（日本語）"), max_length=100)
    name_en = models.CharField(_("名称（英語）"), max_length=100)
    city_ja = models.CharField(_("所在都市（日本語）"), max_length=100)
    city_en = models.CharField(_("所在都市（英語）"), max_length=100)
    country = models.CharField(
        _("国コード"), max_length=2, help_text=_("ISO 3166-1 の 2 文字コード（例: KR）")
    )
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    region_ja = models.CharField(
        _("担当地域（日本語）"), max_length=200, blank=True, help_text=_("例: 大韓民国")
    )
    region_en = models.CharField(_("担当地域（英語）"), max_length=200, blank=True)
    address_ja = models.CharField(_("所在地（日本語）"), max_length=300, blank=True)
    address_en = models.CharField(_("所在地（英語）"), max_length=300, blank=True)
    website = models.URLField(_("ウェブサイト"), blank=True)
    display_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    # Office editors see and edit only the reports of the offices they belong to.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("編集担当の職員"),
        related_name="offices",
        blank=True,
    )

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = _("事務所・部署")
        verbose_name_plural = _("事務所・部署")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("offices:detail", kwargs={"code": self.code})

    @property
    def name(self) -> str:
        """The name in the language of the current request."""
        return self.name_en if get_language() == "en" else self.name_ja

    @property
    def city(self) -> str:
        return self.city_en if get_language() == "en" else self.city_ja

    @property
    def region(self) -> str:
        return self.region_en if get_language() == "en" else self.region_ja

    @property
    def address(self) -> str:
        return self.address_en if get_language() == "en" else self.address_ja
