"""Reports and what they hold: the report and its QuerySet, its events and participants,
and the former slugs that still lead to it."""

from django.conf import settings
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from offices.models import Office

from .. import figures, search
from ..text import normalize, split_terms
from .activity import Event, fiscal_year_of
from .theme import Theme


class ReportQuerySet(models.QuerySet):
    """The vocabulary of report queries; reports/selection.py composes them for a list."""

    def published(self, now=None):
        """Reports the public may see: published, with a publication time that has passed."""
        return self.filter(
            status=Report.Status.PUBLISHED,
            published_at__lte=now or timezone.now(),
        )

    def for_office_ids(self, office_ids):
        # By id (reports/selection.py reads them from the cached offices): the
        # planner can then walk the office's index in the list's order instead of
        # joining the offices first.
        return self.filter(office_id__in=list(office_ids))

    def with_theme_ids(self, theme_ids):
        """Reports tagged with any of the themes (OR within the kind)."""
        theme_ids = list(theme_ids)
        return self.filter(
            Exists(
                Report.themes.through.objects.filter(
                    report_id=OuterRef("pk"), theme_id__in=theme_ids
                )
            )
        )

    def overlapping(self, start=None, end=None):
        """Reports with at least one event overlapping [start, end] (either bound optional).

        Such a report's first and last dates (the span of its events) overlap the
        range too: a condition on the report's own, indexed columns that lets the
        database skip most reports before looking at their events.
        """
        events = Event.objects.filter(report_id=OuterRef("pk"))
        span = Q()
        if start:
            events = events.filter(end_date__gte=start)
            span &= Q(last_date__gte=start)
        if end:
            events = events.filter(start_date__lte=end)
            span &= Q(first_date__lte=end)
        return self.filter(span, Exists(events))

    def in_fiscal_year(self, year: int):
        return self.filter(fiscal_year=year)

    def involving_local_governments(self, codes):
        """Reports linked to any of the local governments (6-digit codes)."""
        links = Report.local_governments.through.objects
        return self.filter(
            Exists(links.filter(report_id=OuterRef("pk"), localgovernment_id__in=list(codes)))
        )

    def involving_prefectures(self, numbers):
        """Reports linked to a prefecture or any of its municipalities (2-digit numbers).

        A code begins with its prefecture's number, so each prefecture is a range of
        the join table's own index: no join with the local governments.
        """
        links = Report.local_governments.through.objects.filter(report_id=OuterRef("pk"))
        within = Q()
        for number in numbers:
            # gte/lte, not range: a foreign key supports no range lookup (a FieldError).
            within |= Q(
                localgovernment_id__gte=f"{number}0000", localgovernment_id__lte=f"{number}9999"
            )
        return self.filter(Exists(links.filter(within)))

    def in_countries(self, countries):
        """Reports with an event in, or a partner from, any of the countries (ISO codes).

        Two uncorrelated id lists, not two EXISTS: PostgreSQL hashes each list once,
        where an OR of EXISTS was run for every report (2 s at 100,000 reports).
        """
        countries = list(countries)
        events = Event.objects.filter(country__in=countries).order_by().values("report_id")
        partners = (
            Report.partners.through.objects.filter(partner__country__in=countries)
            .order_by()
            .values("report_id")
        )
        return self.filter(Q(pk__in=events) | Q(pk__in=partners))

    def search(self, query: str):
        """Every word of `query` occurs in the report (see reports/search.py);
        annotates search_rank, 0 when every word is in the title."""
        return search.matching(self, split_terms(query))

    def by_relevance(self):
        """Title matches first, then newest event first (after search())."""
        return self.order_by("search_rank", *search.NEWEST_FIRST)

    def by_event_date(self, newest_first: bool = True):
        return self.order_by(*(search.NEWEST_FIRST if newest_first else search.OLDEST_FIRST))

    def with_list_data(self):
        """What a list page shows per report, fetched in a fixed number of queries.

        The search columns stay in the database: nothing shows them, and they would
        double the text read per report.
        """
        return (
            self.defer("search_text", "search_title")
            .select_related("office")
            .prefetch_related(
                "themes",
                "photos",  # in Photo's order: position, then id
            )
        )

    def with_detail_data(self):
        return self.with_list_data().prefetch_related(
            "events", "participants", "local_governments", "partners"
        )

    def related_to(self, report, limit: int = 4, candidates: int = 100):
        """Other reports sharing a theme or the office with `report`, best first.

        Score: the number of shared themes, plus one for the same office; ties
        go to the newest event. The scored reports are the newest `candidates` of
        the office and of each theme, so a report page reads a few hundred index
        entries at any size, not every report that shares a theme; an old report
        sharing more may then be left out (related reports are a way on, not a
        ranking). One query (the report's themes are read from its prefetch when
        there is one); compose after published() and with_list_data().
        """
        theme_ids = [theme.pk for theme in report.themes.all()]
        through = Report.themes.through.objects
        windows = [self.filter(office_id=report.office_id)] + [
            self.filter(Exists(through.filter(report_id=OuterRef("pk"), theme_id=theme_id)))
            for theme_id in theme_ids
        ]
        windows = [w.order_by(*search.NEWEST_FIRST).values("pk")[:candidates] for w in windows]
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            nearby = Q(pk__in=windows[0].union(*windows[1:]))  # one semi-join
        else:  # SQLite: no LIMIT inside UNION
            nearby = Q()
            for window in windows:
                nearby |= Q(pk__in=window)
        shared_themes = models.Count("themes", filter=Q(themes__in=theme_ids), distinct=True)
        same_office = models.Case(
            models.When(office_id=report.office_id, then=models.Value(1)),
            default=models.Value(0),
        )
        return (
            self.filter(nearby)
            .exclude(pk=report.pk)
            .annotate(related_score=shared_themes + same_office)
            .filter(related_score__gt=0)
            .order_by(
                "-related_score",
                F("first_date").desc(nulls_last=True),
                "-published_at",
                "-pk",
            )[:limit]
        )


class Report(models.Model):
    """An activity report of one office: the page municipal officials read.

    Workflow (reports/publishing.py): an office editor writes a draft and submits
    it for review; an HQ editor publishes it (a future publication time schedules
    it) or withdraws it. A report that has been published is changed by office
    editors only through an edition: a copy (`edition_of` names the live report)
    that goes through review while the live report stays as it is, and replaces
    its content when HQ publishes it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        REVIEW = "review", _("確認待ち")
        PUBLISHED = "published", _("公開")
        WITHDRAWN = "withdrawn", _("公開停止")

    external_id = models.CharField(
        _("外部 ID"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("一括取り込みで使う識別子。同じ ID で取り込むと更新になります。"),
    )
    title = models.CharField(_("タイトル"), max_length=200)
    title_en = models.CharField(
        _("タイトル（英語）"),
        max_length=200,
        blank=True,
        help_text=_("任意。英語ページで表示します。"),
    )
    slug = models.SlugField(
        _("URL スラッグ"),
        max_length=200,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "報告の URL に使います。空欄なら英語タイトル（なければローマ字にしたタイトル）と年から作ります。"
            "公開後に変えると、古い URL は新しい URL へ転送されます。"
        ),
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("事務所・部署"),
        on_delete=models.PROTECT,  # an office with reports must not vanish with them
        related_name="reports",
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("テーマ"), related_name="reports")
    # Who took part: Japan's local governments (reference data keyed by their code)
    # and the local governments and regions abroad that staff add.
    local_governments = models.ManyToManyField(
        "municipalities.LocalGovernment",
        verbose_name=_("国内の自治体"),
        related_name="reports",
        blank=True,
        help_text=_(
            "この報告に参加・協力した日本の都道府県・市区町村。名称・よみ・コードで探せます。"
        ),
    )
    partners = models.ManyToManyField(
        "municipalities.Partner",
        verbose_name=_("海外の自治体・地域"),
        related_name="reports",
        blank=True,
        help_text=_("この報告に参加・協力した海外の自治体・地域。"),
    )
    summary = models.TextField(_("概要"), help_text=_("一覧に表示する 1〜2 文のリード文。"))
    summary_en = models.TextField(_("概要（英語）"), blank=True)
    body = models.TextField(
        _("本文"), blank=True, help_text=_("段落は空行で区切ります。HTML は使えません。")
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("公開日時"),
        null=True,
        blank=True,
        help_text=_(
            "空欄のまま公開すると、本部が公開した時刻が公開日時になります。"
            "未来の日時を入れると、その日時に公開されます（予約公開）。"
        ),
    )
    source = models.CharField(
        _("出典"),
        max_length=200,
        blank=True,
        help_text=_("例: 自治体国際化フォーラム Vol. 436 (2026年2月)"),
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"),
        null=True,
        blank=True,
        help_text=_(
            "日付のある行事がない報告だけ入力します（例: 2025）。行事があれば最初の行事の日付から自動で決まります。"
        ),
    )
    # Derived from the events by refresh_derived_fields(); stored so that lists
    # sort and filter on indexed columns instead of joining events per row.
    first_date = models.DateField(_("最初の行事の日"), null=True, blank=True, editable=False)
    last_date = models.DateField(_("最後の行事の日"), null=True, blank=True, editable=False)
    search_text = models.TextField(_("検索用テキスト"), blank=True, editable=False)
    search_title = models.TextField(_("検索用タイトル"), blank=True, editable=False)
    # Its themes, prefectures and countries as the counts beside the list read them;
    # kept by database triggers (reports/facet_keys.py).
    facet_keys = models.TextField(_("集計用の分類"), default="[]", editable=False)
    # Its figures as the statistics add them up (events per country, participants per
    # country and qualifier, local governments, partners), a JSON object of key to
    # number; kept by the same triggers.
    stat_keys = models.TextField(_("統計用の数"), default="{}", editable=False)
    edition_of = models.ForeignKey(
        "self",
        verbose_name=_("修正元の報告"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="editions",
        help_text=_(
            "公開済みの報告の修正版であれば、その報告。本部が公開すると元の報告に反映されます。"
        ),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最終更新者"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # What a report says in words: every format carries these as they are (JSONL,
    # JSON, CSV), an import compares them, and an edition copies them.
    TEXT_FIELDS = ("title", "title_en", "summary", "summary_en", "body", "source")

    objects = ReportQuerySet.as_manager()
    # Who changed what and when, status included; the derived search columns are
    # recomputed from the rest, so keeping them would only double the table.
    history = HistoricalRecords(
        excluded_fields=["search_text", "search_title", "facet_keys", "stat_keys"],
        verbose_name=_("活動報告の履歴"),
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("活動報告")
        verbose_name_plural = _("活動報告")
        permissions = [
            ("publish_report", _("活動報告を公開・公開停止できる")),
            ("import_reports", _("活動報告を一括で取り込める")),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="report_public_idx"),
            models.Index(fields=["office", "first_date"], name="report_office_date_idx"),
            models.Index(fields=["first_date"], name="report_first_date_idx"),
            models.Index(fields=["fiscal_year"], name="report_fiscal_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="report_published_has_time",
                violation_error_message=_("公開にするには公開日時が必要です。"),
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__isnull=True)
                | Q(fiscal_year__gte=1900, fiscal_year__lte=2200),
                name="report_fiscal_year_range",
                violation_error_message=_("年度は 1900〜2200 の範囲で入力してください。"),
            ),
            # An edition is never public: publishing it changes the live report instead.
            models.CheckConstraint(
                # Equalities, not IN: pg_dump writes an IN list back differently.
                condition=Q(edition_of__isnull=True) | Q(status="draft") | Q(status="review"),
                name="report_edition_not_public",
            ),
            models.UniqueConstraint(
                fields=["edition_of"],
                condition=Q(edition_of__isnull=False),
                name="report_one_open_edition",
                violation_error_message=_("この報告にはすでに修正版があります。"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"slug": self.slug})

    @property
    def export_id(self) -> str:
        """The report's key in the import format: a report entered in the admin has no
        external ID, so its line gets a stable one from its number."""
        return self.external_id or f"report-{self.pk}"

    @property
    def is_edition(self) -> bool:
        return self.edition_of_id is not None

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def display_title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title

    @property
    def display_summary(self) -> str:
        return self.summary_en if get_language() == "en" and self.summary_en else self.summary

    # Language of Japanese-only content shown on a page in another language, for
    # lang attributes (screen readers switch voice); "" when it is the page's language.
    @property
    def title_lang(self) -> str:
        return "" if self.display_title != self.title or get_language() == "ja" else "ja"

    @property
    def summary_lang(self) -> str:
        return "" if self.display_summary != self.summary or get_language() == "ja" else "ja"

    @property
    def content_lang(self) -> str:
        return "" if get_language() == "ja" else "ja"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]

    @property
    def first_photo(self):
        photos = list(self.photos.all())  # prefetched on list pages
        return photos[0] if photos else None

    def refresh_derived_fields(self, *, save: bool = True, events=None, participants=None) -> None:
        """Recompute the columns derived from events and participants.

        Called by every write path (admin, import, publishing) once the related rows are saved,
        or before the report is saved with the rows it will get (the import does,
        saving two queries per report).
        """
        if events is None:
            events = list(self.events.order_by("start_date", "end_date"))
        else:
            events = sorted(events, key=lambda event: (event.start_date, event.end_date))
        if events:
            self.first_date = events[0].start_date
            self.last_date = max(event.end_date for event in events)
            self.fiscal_year = fiscal_year_of(self.first_date)
        else:
            self.first_date = self.last_date = None
        parts = [self.title, self.title_en, self.summary, self.summary_en, self.body]
        for event in events:
            parts += [event.venue, event.city]
        parts += [
            p.name for p in (self.participants.all() if participants is None else participants)
        ]
        self.search_text = normalize("\n".join(part for part in parts if part))
        self.search_title = normalize("\n".join(part for part in parts[:2] if part))
        if save:
            Report.objects.filter(pk=self.pk).update(
                first_date=self.first_date,
                last_date=self.last_date,
                fiscal_year=self.fiscal_year,
                search_text=self.search_text,
                search_title=self.search_title,
            )

    def participant_total(self) -> dict | None:
        """Total people and municipalities over the participant rows (reports/figures.py)."""
        return figures.participants_total(self.participants.all())


class SlugRedirect(models.Model):
    """A report's former slug: its old address answers with a permanent redirect."""

    old_slug = models.SlugField(_("旧スラッグ"), max_length=200, unique=True, allow_unicode=True)
    report = models.ForeignKey(
        Report, verbose_name=_("活動報告"), on_delete=models.CASCADE, related_name="old_slugs"
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("旧 URL の転送")
        verbose_name_plural = _("旧 URL の転送")

    def __str__(self):
        return f"{self.old_slug} → {self.report.slug}"
