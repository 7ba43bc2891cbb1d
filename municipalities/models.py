"""Japan's local governments (reference data) and the local governments abroad that take part."""

from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.languages import japanese
from reports.text import split_terms

from .codes import prefecture_name
from .countries import countries, country_choices


class LocalGovernmentQuerySet(models.QuerySet):
    def current(self):
        """Those that exist today: not merged into another, not abolished."""
        return self.filter(status=LocalGovernment.Status.CURRENT)

    def prefectures(self):
        return self.filter(kind=LocalGovernment.Kind.PREFECTURE)

    def municipalities(self):
        return self.exclude(kind=LocalGovernment.Kind.PREFECTURE)

    def matching(self, text: str):
        """Those whose name, reading, code or prefecture holds every word of `text`,
        folded as the site's search folds it (katakana or hiragana, full- or half-width).

        Whole names first, then names that begin with the first word: みさとちょう
        lists the three 美郷町 before 市川三郷町, だてし the two 伊達市 before 函館市.
        The admin's search and the public directory's search box both use it.
        """
        # A NUL character can be in no name, and PostgreSQL refuses it in a query.
        terms = split_terms(text.replace("\x00", ""))
        queryset = self
        for term in terms:
            queryset = queryset.filter(search_text__contains=term)
        if terms:
            first = terms[0]
            whole = Q(reading=first) | Q(name=first) | Q(code=first)
            start = Q(reading__startswith=first) | Q(name__startswith=first)
            rank = Case(When(whole, then=0), When(start, then=1), default=2)
            queryset = queryset.order_by(rank, "code")
        return queryset


class LocalGovernment(models.Model):
    """A prefecture or a municipality of Japan (市町村 or one of Tokyo's 23 special wards).

    Reference data, loaded from data/municipalities.csv by the migrations (see
    municipalities/loading.py) and read-only in the admin. The primary key is the
    6-digit 全国地方公共団体コード, check digit included, so links, URLs and exports
    carry the code itself. A prefecture is its own `prefecture`: "reports involving a
    prefecture or any of its municipalities" is then one join on `prefecture`.

    A municipality that merges or is abolished keeps its row, marked abolished, with
    a pointer to its successor: reports linked to it keep their link.
    """

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("都道府県")
        DESIGNATED_CITY = "designated_city", _("政令指定都市")
        CITY = "city", _("市")
        TOWN = "town", _("町")
        VILLAGE = "village", _("村")
        SPECIAL_WARD = "special_ward", _("特別区")

    class Status(models.TextChoices):
        CURRENT = "current", _("現存")
        ABOLISHED = "abolished", _("合併・廃止")

    code = models.CharField(
        _("団体コード"),
        max_length=6,
        primary_key=True,
        help_text=_("全国地方公共団体コード（検査数字を含む 6 桁）。例: 324485"),
    )
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    prefecture = models.ForeignKey(
        "self",
        verbose_name=_("都道府県"),
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("都道府県の行では、その都道府県自身。"),
    )
    name = models.CharField(_("名称"), max_length=50, help_text=_("例: 美郷町"))
    reading = models.CharField(
        _("よみ"), max_length=100, help_text=_("ひらがな（検索と同じ正規化）。例: みさとちょう")
    )
    latitude = models.DecimalField(_("緯度"), max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("経度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.CURRENT
    )
    abolished_on = models.DateField(_("合併・廃止日"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("承継団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("合併・編入先の団体。"),
    )
    note = models.CharField(_("備考"), max_length=200, blank=True)
    search_text = models.CharField(
        _("検索用テキスト"),
        max_length=300,
        editable=False,
        help_text=_("名称・よみ・都道府県・コードを検索と同じ規則で正規化したもの。"),
    )

    objects = LocalGovernmentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("国内の自治体")
        verbose_name_plural = _("国内の自治体")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="prefecture", prefecture=F("code"))
                | (~Q(kind="prefecture") & ~Q(prefecture=F("code"))),
                name="localgovernment_prefecture_is_itself_only_for_prefectures",
            ),
            models.CheckConstraint(
                condition=Q(status="abolished")
                | Q(successor__isnull=True, abolished_on__isnull=True),
                name="localgovernment_successor_only_when_abolished",
            ),
        ]

    def __str__(self):
        return self.label_of(self.code, self.name, self.kind, self.status)

    def get_absolute_url(self):
        return reverse("municipalities:detail", kwargs={"code": self.code})

    @classmethod
    def label_of(cls, code: str, name: str, kind: str, status: str) -> str:
        """美郷町（島根県）, with ［廃止］ when abolished: from the values, so that a list
        of 1,800 (the map's) needs no instances."""
        # The prefecture's name is the code's first two digits: no query for the label.
        label = name if kind == cls.Kind.PREFECTURE else f"{name}（{prefecture_name(code)}）"
        if status == cls.Status.ABOLISHED:
            label += gettext("［廃止］")
        return label

    @property
    def prefecture_code(self) -> str:
        """The 2-digit prefecture number that begins the code (JIS X 0401)."""
        return self.code[:2]

    @property
    def is_prefecture(self) -> bool:
        return self.kind == self.Kind.PREFECTURE

    @property
    def is_abolished(self) -> bool:
        return self.status == self.Status.ABOLISHED

    @property
    def report_filter(self) -> tuple[str, str]:
        """The parameter of /reports/ that selects its reports: a prefecture's covers
        its municipalities (prefecture=32), a municipality's is its code."""
        if self.is_prefecture:
            return ("prefecture", self.prefecture_code)
        return ("municipality", self.code)


class Partner(models.Model):
    """A local government or region abroad that takes part in exchanges (蔚山広域市, Aube, NSW).

    Added by staff in the admin. Two partners of one country may not share a name,
    in Japanese or in the local/English form (case aside). `slug` names its public page.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("市・基礎自治体")
        REGION = "region", _("州・省・県などの広域自治体")
        NATIONAL = "national", _("国レベルの団体")

    name = models.CharField(_("名称（日本語）"), max_length=200, help_text=_("例: 蔚山広域市"))
    name_en = models.CharField(
        _("名称（現地語または英語）"),
        max_length=200,
        help_text=_("例: Ulsan Metropolitan City"),
    )
    country = models.CharField(
        _("国"),
        max_length=2,
        choices=country_choices,
        help_text=_("ISO 3166-1 の 2 文字コード。"),
    )
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    slug = models.SlugField(
        _("URL 名"),
        max_length=100,
        unique=True,
        help_text=_("公開ページの URL に使う英小文字・数字・ハイフン。例: kr-ulsan"),
    )
    other_names = models.TextField(
        _("別の表記"),
        blank=True,
        help_text=_(
            "本文で使われるほかの表記を 1 行に 1 つ（例: 蔚山市）。本文からの候補探しに使います。"
        ),
    )

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("海外の自治体・地域")
        verbose_name_plural = _("海外の自治体・地域")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"],
                name="partner_unique_name_per_country",
                violation_error_message=_(
                    "この国には同じ名称（日本語）の自治体・地域がすでにあります。"
                ),
            ),
            models.UniqueConstraint(
                Lower("name_en"),
                "country",
                name="partner_unique_name_en_per_country",
                violation_error_message=_(
                    "この国には同じ名称（現地語または英語）の自治体・地域がすでにあります。"
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipalities:partner", kwargs={"slug": self.slug})

    @property
    def display_name(self) -> str:
        """The name in the page's language: Japanese, or the local/English form."""
        return self.name if japanese() else self.name_en

    @property
    def country_name(self) -> str:
        """The country's name in the page's language."""
        country = countries().get(self.country)
        if country is None:
            return self.country
        return country.name_ja if japanese() else country.name_en

    def names(self) -> list[str]:
        """Every form a text may use for it: the two names and the other names."""
        forms = [self.name, self.name_en, *self.other_names.splitlines()]
        return [form.strip() for form in forms if form.strip()]
