import dataclasses
import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.signals import post_delete
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from offices.models import Office

from . import images
from .text import normalize, split_terms


def clean_country_code(value: str) -> str:
    """Upper-case an ISO 3166-1 alpha-2 code, rejecting anything else."""
    value = (value or "").strip().upper()
    if value and not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise ValidationError({"country": _("国コードは ISO 3166-1 の英字 2 文字です（例: JP）。")})
    return value


def fiscal_year_of(day: datetime.date) -> int:
    """Japanese fiscal year: April to March, named after the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


# Larger than any number of reports: a LIMIT that only keeps a subquery apart.
SUBQUERY_LIMIT = 2**62


class BigramMatch(models.Func):
    """PostgreSQL only: the report's search text holds every bigram of `term`.

    `clair_bigrams()` and the GIN index on `clair_bigrams(search_text)` are
    created by a migration; this SQL must match the indexed expression exactly.
    """

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, term: str):
        super().__init__(F("search_text"), models.Value(term))

    def as_sql(self, compiler, connection, **extra_context):
        column, term = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        term_sql, term_params = compiler.compile(term)
        return (
            f"clair_bigrams({column_sql}) @> clair_bigrams({term_sql})",
            (*column_params, *term_params),
        )


def plan_bigram_queries_without_seq_scans(execute, sql, params, many, context):
    """PostgreSQL execute wrapper: queries that match bigrams never compute them per row.

    clair_bigrams() costs about half a millisecond a report: a minute at 100,000
    reports. Two plans compute it for every row: a sequential scan, which the
    planner picks for words that most reports contain (the GIN index would read
    almost every page anyway), and a bitmap scan whose bitmap outgrew work_mem and
    went lossy, which rechecks every row of its pages. So these queries run with
    sequential scans off and room for an exact bitmap of a million reports
    (about 16 MB). Installed on each connection (ReportsConfig.ready).
    """
    if "clair_bigrams(" not in sql:
        return execute(sql, params, many, context)
    connection = context["connection"]
    # Django's error classes, as for any query: a lost connection is an outage (503).
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off; SET work_mem = '64MB'")
    try:
        return execute(sql, params, many, context)
    finally:
        try:
            with connection.connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan; RESET work_mem")
        except Exception:  # a failed transaction rolls the SETs back by itself
            pass


class ContentRevision(models.Model):
    """One row whose number changes whenever what public pages show may have changed.

    Database triggers (reports/revision.py, installed after every migrate) bump it
    on every statement that writes reports, events, participants, photos, report
    themes, themes or offices: bulk writes and raw SQL included, in the writing
    transaction. Cached counts and the ETags of public pages are keyed by it.
    """

    number = models.PositiveBigIntegerField(_("番号"), default=0)
    changed_at = models.DateTimeField(_("変更日時"), default=timezone.now)

    class Meta:
        verbose_name = _("公開内容の版")
        verbose_name_plural = _("公開内容の版")

    def __str__(self):
        return str(self.number)

    @classmethod
    def bump(cls, using: str = "default") -> None:
        """For writes that bypass the triggers (the benchmark's bulk load does)."""
        updated = (
            cls.objects.using(using)
            .filter(pk=1)
            .update(number=F("number") + 1, changed_at=timezone.now())
        )
        if not updated:
            cls.objects.using(using).get_or_create(pk=1)


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


# The order of public lists, newest event first (and its reverse). On PostgreSQL
# partial indexes in this order (migration 0009) let a list stop after its page.
PUBLIC_ORDER = (
    F("first_date").desc(nulls_last=True),
    F("published_at").desc(),
    F("id").desc(),
)
PUBLIC_ORDER_OLDEST = (F("first_date").asc(nulls_last=True), F("published_at").asc(), F("id").asc())
# The same orders in SQL, for the walk of a search page (ReportQuerySet.list_page).
WALK_ORDER_SQL = {
    PUBLIC_ORDER: "first_date DESC NULLS LAST, published_at DESC, id DESC",
    PUBLIC_ORDER_OLDEST: "first_date ASC NULLS LAST, published_at ASC, id ASC",
}
# A search page is read by walking the list's order, testing each report, when
# the counts say its last row lies within this many reports; otherwise every
# match is ranked. Testing a report costs about 15 microseconds (its text is
# read), ranking costs about 3 per match plus the bitmap of all of them.
WALK_BUDGET = 5_000
# A walk reads up to three times the reports expected (matches are rarely spread
# evenly over the years), and never fewer than this.
WALK_MIN_WINDOW = 1_000


@dataclasses.dataclass(frozen=True)
class SearchScope:
    """What a search() matched, kept on the queryset for list_page()."""

    base: models.QuerySet  # the queryset search() narrowed: every other filter
    terms: tuple[str, ...]
    total: int | None = None  # matches, from the cached counts (with_match_counts)
    in_title: int | None = None  # matches with every term in the title
    population: int | None = None  # the reports `base` selects


class ReportQuerySet(models.QuerySet):
    _search_scope: SearchScope | None = None

    def _clone(self):
        clone = super()._clone()
        clone._search_scope = self._search_scope
        return clone

    def published(self, now=None):
        """Reports the public may see: published, with a publication time that has passed."""
        return self.filter(
            status=Report.Status.PUBLISHED,
            published_at__lte=now or timezone.now(),
        )

    def for_offices(self, codes):
        # By id, from the cached reference data: the planner can then walk the
        # office's index in the list's order instead of joining the offices first.
        from .reference import offices

        return self.filter(office_id__in=[o.pk for o in offices() if o.code in set(codes)])

    def with_themes(self, slugs):
        """Reports tagged with any of the themes (OR within the kind)."""
        from .reference import themes

        theme_ids = [t.pk for t in themes() if t.slug in set(slugs)]
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

    def search(self, query: str):
        """Every normalised term must occur in the report's search text.

        Annotates `search_rank`: 0 when every term is in the title, else 1.
        On PostgreSQL the terms of two or more characters are first narrowed by
        the GIN index of bigrams (see migration 0004); LIKE then confirms the
        exact substring of the longer ones, so both databases return the same rows.
        """
        terms = split_terms(query)
        if not terms:
            return self
        qs = self
        use_index = connections[self.db].vendor == "postgresql"
        indexed = [term for term in terms if use_index and len(term) >= 2]
        if indexed:
            # One subquery for all the terms, which a LIMIT (never reached) keeps
            # PostgreSQL from merging into the outer query: planned alone, with no
            # order to produce, it can only read the bigram index (one scan
            # intersects the terms), so clair_bigrams() is never computed row by
            # row for other reports.
            matches = Report.objects.all()
            for term in indexed:
                matches = matches.filter(BigramMatch(term))
                if not (len(term) == 2 and term.isalnum()):
                    # A two-character term is its own one bigram: the index match is
                    # exact. Longer ones are confirmed on the index's candidates.
                    matches = matches.filter(search_text__contains=term)
            qs = qs.filter(pk__in=matches.values("pk")[:SUBQUERY_LIMIT])
        for term in terms:
            if term not in indexed:
                qs = qs.filter(search_text__contains=term)
        in_title = Q()
        for term in terms:
            in_title &= Q(search_title__contains=term)
        qs = qs.annotate(
            search_rank=models.Case(
                models.When(in_title, then=models.Value(0)),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        )
        qs._search_scope = SearchScope(base=self, terms=tuple(terms))
        return qs

    def with_match_counts(self, *, total: int, in_title: int, population: int):
        """Give a search its match counts, so list_page() can walk instead of ranking.

        Apply search() last among the filters: the walk reads `base`, the queryset
        search() was applied to, so a filter added after it would be lost.
        """
        if self._search_scope is None:
            return self
        clone = self._chain()
        clone._search_scope = dataclasses.replace(
            self._search_scope, total=total, in_title=in_title, population=population
        )
        return clone

    def by_relevance(self):
        """Title matches first, then newest event first (after search())."""
        return self.order_by("search_rank", *PUBLIC_ORDER)

    def by_event_date(self, newest_first: bool = True):
        return self.order_by(*(PUBLIC_ORDER if newest_first else PUBLIC_ORDER_OLDEST))

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
                models.Prefetch("photos", queryset=Photo.objects.order_by("position", "pk")),
            )
        )

    def list_page(self, bottom: int, top: int) -> list:
        """Reports [bottom, top) in this queryset's order, with what a list page shows.

        Ids first, then the rows by id: the ordered query alone walks an index (on
        a deep page, past the rows it skips without reading them), and the filters
        are not evaluated again on the page's rows.
        """
        ids = self._walked_search_ids(bottom, top)
        if ids is None:
            ids = list(self.values_list("pk", flat=True)[bottom:top])
        rows = Report.objects.filter(pk__in=ids).with_list_data().in_bulk()
        return [rows[pk] for pk in ids if pk in rows]

    def _walked_search_ids(self, bottom: int, top: int) -> list[int] | None:
        """Ids [bottom, top) of a search with match counts, read in the list's order.

        Ranking every match costs as much as there are matches: 86 % of the reports
        for 交流, whose bitmap and sort grow with the data. But where matches are
        dense, walking the list's index and testing each report finds a page after
        about (end of page x reports / matches) of them, whatever the size. By
        relevance that is two walks, title matches then the others (each newest
        first); by date, one. None when a walk would pass WALK_BUDGET reports, or
        found too few (the matches are bunched at the other end): rank them all.
        """
        scope = self._search_scope
        if scope is None or scope.total is None:
            return None
        order = tuple(self.query.order_by)
        if order[:1] == ("search_rank",):
            order = order[1:]
            others = scope.total - scope.in_title
            ranks = [(True, 0, scope.in_title), (False, scope.in_title, others)]
        else:
            ranks = [(None, 0, scope.total)]
        if order not in WALK_ORDER_SQL:
            return None
        ids = []
        for in_title, start, matches in ranks:
            lo, hi = max(bottom - start, 0), min(top - start, matches)
            if lo >= hi:
                continue
            expected = hi * scope.population // matches
            if expected > WALK_BUDGET:
                return None
            found = self._walk(
                scope, in_title, order, lo, hi, window=max(3 * expected, WALK_MIN_WINDOW)
            )
            if len(found) < hi - lo:
                return None
            ids += found
        return ids

    def _walk(self, scope, in_title, order, lo, hi, *, window) -> list[int]:
        """Matches [lo, hi) among the first `window` reports of `scope.base`, in order.

        The inner query walks the list's index and stops at `window`; the outer
        one tests each report's text and stops at `hi`, so a page of common
        words reads only a few reports more than it shows.
        """
        connection = connections[self.db]
        inner = scope.base.order_by(*order).values_list(
            "pk", "first_date", "published_at", "search_title", "search_text"
        )[:window]
        inner_sql, inner_params = inner.query.sql_with_params()
        like = connection.operators["contains"]  # with SQLite's ESCAPE clause
        patterns = ["%" + connection.ops.prep_for_like_query(term) + "%" for term in scope.terms]
        in_text = " AND ".join(f"body {like}" for _ in patterns)
        conditions, params = [in_text], list(patterns)
        if in_title is not None:
            title_sql = " AND ".join(f"title {like}" for _ in patterns)
            conditions.insert(0, title_sql if in_title else f"NOT ({title_sql})")
            params[:0] = patterns
        sql = (
            f"WITH walk (id, first_date, published_at, title, body) AS ({inner_sql}) "
            f"SELECT id FROM walk WHERE {' AND '.join(conditions)} "
            f"ORDER BY {WALK_ORDER_SQL[order]} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*inner_params, *params, hi - lo, lo))
            return [row[0] for row in cursor.fetchall()]

    def with_detail_data(self):
        return self.with_list_data().prefetch_related("events", "participants")

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
        windows = [w.order_by(*PUBLIC_ORDER).values("pk")[:candidates] for w in windows]
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

    Workflow: an office editor writes a draft and submits it for review; an HQ
    editor publishes it (a future publication time schedules it) or withdraws it.
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
        help_text=_("報告の URL に使います。日本語も使えます。公開後は変更しないでください。"),
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("事務所・部署"),
        on_delete=models.PROTECT,  # an office with reports must not vanish with them
        related_name="reports",
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("テーマ"), related_name="reports")
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
        help_text=_("この日時以降に公開されます。公開にするときは必須です。"),
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

    objects = ReportQuerySet.as_manager()
    # Who changed what and when, status included; the derived search columns are
    # recomputed from the rest, so keeping them would only double the table.
    history = HistoricalRecords(
        excluded_fields=["search_text", "search_title"],
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
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"slug": self.slug})

    def change_status(self, status: str, *, user) -> None:
        """Move to `status` and save (recorded in the history with `user`).

        Publishing without a publication time publishes now; callers check
        permissions and publication_problems() first.
        """
        self.status = status
        if status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.updated_by = user
        self.save()

    def publication_problems(self, *, themes=None, summary=None, photos=None) -> list[str]:
        """What stops this report from being published, each in words staff can act on.

        The admin passes the values being submitted (the form's themes and summary,
        the photo forms), which are not yet saved; otherwise the stored ones are read.
        """
        problems = []
        themes = list(self.themes.all()) if themes is None and self.pk else themes or []
        if not themes:
            problems.append(_("テーマを 1 つ以上選んでください。"))
        if not (self.summary if summary is None else summary).strip():
            problems.append(_("概要を入力してください。"))
        photos = list(self.photos.all()) if photos is None and self.pk else photos or []
        problems += self.photo_problems(photos)
        return problems

    @staticmethod
    def photo_problems(photos) -> list[str]:
        """A published report's photos all need a text alternative (WCAG 1.1.1)."""
        missing = [
            str(position)
            for position, photo in enumerate(photos, start=1)
            if not (photo.alt_text or "").strip()
        ]
        if not missing:
            return []
        message = ngettext(
            "写真 %(numbers)s 枚目に代替テキストがありません。",
            "写真 %(numbers)s 枚目に代替テキストがありません。",
            len(missing),
        )
        return [message % {"numbers": "・".join(missing)}]

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

        Called by every write path (admin, services) once the related rows are saved,
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
        """Total people and municipalities across participant rows, with a qualifier.

        The total is approximate if any row is, and a lower bound if any row is.
        """
        rows = list(self.participants.all())
        people = [row.people for row in rows if row.people is not None]
        if len(rows) < 2 or not people:
            return None
        qualifiers = {row.qualifier for row in rows if row.people is not None}
        if Participant.Qualifier.AT_LEAST in qualifiers or len(people) < len(rows):
            qualifier = Participant.Qualifier.AT_LEAST
        elif Participant.Qualifier.ABOUT in qualifiers:
            qualifier = Participant.Qualifier.ABOUT
        else:
            qualifier = Participant.Qualifier.EXACT
        municipalities = [r.municipalities for r in rows if r.municipalities is not None]
        return {
            "people": Participant.format_count(sum(people), qualifier, "people"),
            "municipalities": (
                Participant.format_count(
                    sum(municipalities),
                    Participant.Qualifier.EXACT
                    if len(municipalities) == len(rows)
                    else Participant.Qualifier.AT_LEAST,
                    "municipalities",
                )
                if municipalities
                else ""
            ),
        }


class Event(models.Model):
    """A dated occurrence covered by a report (a report may have several, or none)."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("対面")
        ONLINE = "online", _("オンライン")
        HYBRID = "hybrid", _("ハイブリッド")

    report = models.ForeignKey(
        Report, verbose_name=_("活動報告"), on_delete=models.CASCADE, related_name="events"
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

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("正確な数")
        ABOUT = "about", _("約")
        AT_LEAST = "at_least", _("以上")

    report = models.ForeignKey(
        Report,
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

    @staticmethod
    def format_count(number: int, qualifier: str, unit: str) -> str:
        """ "約800人", "3,000人以上": whole phrases, so each language orders them its own way."""
        templates = {
            ("people", "exact"): _("%(n)s人"),
            ("people", "about"): _("約%(n)s人"),
            ("people", "at_least"): _("%(n)s人以上"),
            ("municipalities", "exact"): _("%(n)s自治体"),
            ("municipalities", "about"): _("約%(n)s自治体"),
            ("municipalities", "at_least"): _("%(n)s自治体以上"),
        }
        return str(templates[unit, qualifier]) % {"n": f"{number:,}"}

    @property
    def people_display(self) -> str:
        if self.people is None:
            return ""
        return self.format_count(self.people, self.qualifier, "people")

    @property
    def municipalities_display(self) -> str:
        if self.municipalities is None:
            return ""
        return self.format_count(self.municipalities, Participant.Qualifier.EXACT, "municipalities")


def photo_upload_to(instance, filename):
    return f"photos/{timezone.now():%Y/%m}/{filename}"


class Photo(models.Model):
    """A captioned photo of a report, stored normalised with the sizes the pages serve.

    `image` is the normalised original (upright, sRGB, no metadata, re-encoded:
    never the uploaded bytes); thumb_* and display_* are the renditions, made in
    save() whenever the image changes (see reports/images.py). A new image is
    checked by the field's validator in full_clean(), which every write path calls.
    Files go with their row: replaced or deleted ones are removed once the
    transaction commits, and files written for a rolled-back save are removed too.
    """

    # (size, format) of each rendition; the field is named f"{size}_{format}".
    RENDITIONS = [
        (size, fmt) for size in images.RENDITION_WIDTHS for fmt in images.RENDITION_FORMATS
    ]

    report = models.ForeignKey(
        Report, verbose_name=_("活動報告"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("画像"),
        upload_to=photo_upload_to,
        max_length=255,
        validators=[images.validate_photo_file],
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

    # The image file name and all file names as last read from or written to the
    # database: what tells a new image from the stored one, and what to delete.
    _stored_image_name = None
    _stored_names: frozenset = frozenset()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("写真")
        verbose_name_plural = _("写真")

    def __str__(self):
        return self.caption or self.image.name

    def save(self, *args, **kwargs):
        storage = self.image.storage
        using = kwargs.get("using") or router.db_for_write(Photo, instance=self)
        written = self._process_image() if self.image_changed else []
        try:
            super().save(*args, **kwargs)
        except BaseException:
            images.delete_files(storage, written)
            raise
        images.delete_if_rolled_back(storage, written, using=using)
        images.delete_on_commit(storage, self._stored_names - set(self.file_names()), using=using)
        self._remember_files()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._remember_files()
        return instance

    def refresh_from_db(self, using=None, fields=None, **kwargs):
        super().refresh_from_db(using=using, fields=fields, **kwargs)
        if fields is None or "image" in fields:
            self._remember_files()

    def _remember_files(self):
        # Read the raw values, so that a deferred field is not fetched for this.
        self._stored_image_name = _file_name(self.__dict__.get("image"))
        self._stored_names = frozenset(
            _file_name(self.__dict__.get(name)) for name in self._file_field_names()
        ) - {""}

    @classmethod
    def _file_field_names(cls) -> list[str]:
        return ["image", *(f"{size}_{fmt}" for size, fmt in cls.RENDITIONS)]

    def file_names(self) -> list[str]:
        """Every stored file of this photo: the original and its renditions."""
        return [name for name in (getattr(self, f).name for f in self._file_field_names()) if name]

    @property
    def image_changed(self) -> bool:
        """A new image was chosen (an upload, or another stored file) since the last save."""
        return bool(self.image) and (
            not self.image._committed or self.image.name != self._stored_image_name
        )

    def _process_image(self) -> list[str]:
        """Store the normalised original and the renditions; return the names written."""
        storage = self.image.storage
        with images.opened(self.image) as source:
            result = images.process(source)
        # A file stored by the caller before save() (image.save(..., save=False))
        # holds the uploaded bytes with their metadata: it must not stay.
        uploaded = self.image.name if self.image._committed else None
        if (
            uploaded
            and uploaded not in self._stored_names
            and not Photo.objects.filter(image=uploaded).exists()
        ):
            storage.delete(uploaded)
        name = self.image.field.generate_filename(
            self, f"{PurePosixPath(self.image.name).stem}.{result.original.extension}"
        )
        for field, value in images.store(storage, result, name).items():
            setattr(self, field, value)
        return self.file_names()

    def delete_files_on_commit(self, using=None) -> None:
        images.delete_on_commit(self.image.storage, self.file_names(), using=using)

    # What the templates serve. A photo saved before renditions existed falls back
    # to the original (the photo_renditions migration makes them for stored photos).
    @property
    def display_url(self) -> str:
        return (self.display_jpeg or self.image).url

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
            file = getattr(self, f"{size}_{fmt}")
            if file:
                candidates.setdefault(getattr(self, f"{size}_width"), file.url)
        return ", ".join(f"{url} {width}w" for width, url in sorted(candidates.items()))


def _file_name(value) -> str:
    return getattr(value, "name", value) or ""


# Deleting a report deletes its photos in a cascade, and the admin's bulk action
# deletes a queryset: neither calls Photo.delete(), but both send this signal.
post_delete.connect(
    lambda sender, instance, using, **kwargs: instance.delete_files_on_commit(using=using),
    sender=Photo,
    weak=False,
    dispatch_uid="reports.photo.delete_files",
)
