"""What a report records besides its text: the dated events it covers and the rows
of who took part (participant figures with their qualifiers)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .. import figures


def clean_country_code(value: str) -> str:
    """Upper-case an ISO 3166-1 alpha-2 code, rejecting anything else."""
    value = (value or "").strip().upper()
    if value and not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise ValidationError({"country": _("国コードは ISO 3166-1 の英字 2 文字です（例: JP）。")})
    return value


def fiscal_year_of(day: datetime.date) -> int:
    """Japanese fiscal year: April to March, named after the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


class Event(models.Model):
    """A dated occurrence covered by a report (a report may have several, or none)."""

    # The keys every format gives an event's fields (JSONL, JSON, CSV), and the fields.
    FORMAT_KEYS = {
        "start": "start_date",
        "end": "end_date",
        "venue": "venue",
        "city": "city",
        "country": "country",
        "format": "format",
    }

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("対面")
        ONLINE = "online", _("オンライン")
        HYBRID = "hybrid", _("ハイブリッド")

    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("活動報告"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    start_date = models.DateField(_("開始日"))
    end_date = models.DateField(_("終了日"))
    venue = models.CharField(_("会場"), max_length=200, blank=True)
    city = models.CharField(_("都市"), max_length=100, blank=True)
    country = models.CharField(
        _("国コード"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 の 2 文字コード（例: JP, KR）。オンラインなら空欄。"),
    )
    format = models.CharField(
        _("形式"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )

    class Meta:
        ordering = ["start_date", "end_date", "pk"]
        verbose_name = _("行事")
        verbose_name_plural = _("行事")
        indexes = [
            models.Index(fields=["start_date", "end_date"], name="event_dates_idx"),
            # The country filter and its counts start from the events of a country.
            models.Index(fields=["country", "report"], name="event_country_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="event_end_not_before_start",
                violation_error_message=_("終了日は開始日より前にできません。"),
            ),
        ]

    def __str__(self):
        if self.start_date == self.end_date:
            return f"{self.start_date:%Y-%m-%d} {self.city}".strip()
        return f"{self.start_date:%Y-%m-%d}–{self.end_date:%Y-%m-%d} {self.city}".strip()

    def clean(self):
        self.country = clean_country_code(self.country)


class Participant(models.Model):
    """Who took part in a report's activity, with counts that may be approximate."""

    # The fields every format carries, under these names (JSONL, JSON, CSV).
    FORMAT_KEYS = ("name", "country", "municipalities", "people", "qualifier")

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("正確な数")
        ABOUT = "about", _("約")
        AT_LEAST = "at_least", _("以上")

    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("活動報告"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    name = models.CharField(
        _("団体・区分"), max_length=200, help_text=_("例: 日本の自治体、来場者、鳥羽市")
    )
    country = models.CharField(_("国コード"), max_length=2, blank=True)
    municipalities = models.PositiveIntegerField(_("自治体数"), null=True, blank=True)
    people = models.PositiveIntegerField(_("人数"), null=True, blank=True)
    qualifier = models.CharField(
        _("数の性質"),
        max_length=20,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        help_text=_("「約 800 人」は約、「3,000 人以上」は以上を選びます。"),
    )
    position = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("参加者")
        verbose_name_plural = _("参加者")
        constraints = [
            models.CheckConstraint(
                condition=Q(people__isnull=True) | Q(people__gte=0),
                name="participant_people_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(municipalities__isnull=True) | Q(municipalities__gte=0),
                name="participant_municipalities_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.country = clean_country_code(self.country)

    @property
    def people_display(self) -> str:
        return "" if self.people is None else figures.phrase(self.people, self.qualifier, "people")

    @property
    def municipalities_display(self) -> str:
        if self.municipalities is None:
            return ""
        return figures.phrase(self.municipalities, figures.EXACT, "municipalities")
