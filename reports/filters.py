"""The filter form of report lists; its parameters are the public URL contract."""

import django_filters
from django import forms
from django.db.models import CharField, Count, IntegerField, QuerySet, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import reference, revision
from .models import Report
from .text import split_terms

MAX_QUERY_LENGTH = 200
UNSEARCHED = -1  # the rank of the counts' row of reports selected without the words


def office_choices():
    return [(office.code, office.name) for office in reference.offices()]


def theme_choices():
    return [(theme.slug, theme.name) for theme in reference.themes()]


class ReportFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("終了日は開始日より後の日付にしてください。"))
            cleaned.pop("date_to", None)
        return cleaned


class SearchField(forms.CharField):
    """Control characters (NUL included) mean nothing in a search; drop them."""

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(ch for ch in value if ch.isprintable() or ch in " \u3000")


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ReportFilter(django_filters.FilterSet):
    """AND across kinds, OR within a kind (several offices or themes)."""

    q = SearchFilter(
        label=gettext_lazy("キーワード"),
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": gettext_lazy("キーワードは %(limit_value)d 文字以内で入力してください。")
        },
    )
    office = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("事務所・部署"),
        choices=office_choices,
        method="filter_office",
        widget=forms.CheckboxSelectMultiple,
    )
    theme = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("テーマ"),
        choices=theme_choices,
        method="filter_theme",
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = django_filters.DateFilter(
        label=gettext_lazy("開始日"),
        method="filter_dates",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=gettext_lazy("終了日"),
        method="filter_dates",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    fy = IntegerFilter(
        label=gettext_lazy("年度"), method="filter_fy", min_value=1900, max_value=2200
    )
    sort = django_filters.ChoiceFilter(
        label=gettext_lazy("並び順"),
        choices=[
            ("relevance", gettext_lazy("関連度順（キーワード検索時）")),
            ("newest", gettext_lazy("新しい順")),
            ("oldest", gettext_lazy("古い順")),
        ],
        method="filter_sort",
        empty_label=None,
    )

    # The kinds whose options show counts; each count ignores that kind's own selection.
    FACETS = ("office", "theme", "fy")

    class Meta:
        model = Report
        fields: list[str] = []
        form = ReportFilterForm

    @property
    def cleaned(self) -> dict:
        """The valid filters (invalid ones are reported and ignored)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.form.cleaned_data

    @property
    def search_terms(self) -> list[str]:
        return split_terms(self.cleaned.get("q") or "")

    def filter_queryset(self, queryset, exclude: tuple[str, ...] = ()):
        # The search last: a search page's walk reads what it was applied to
        # (ReportQuerySet.with_match_counts).
        names = sorted(self.cleaned, key=lambda name: name == "q")
        for name in names:
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, self.cleaned[name])
        return self.order(queryset) if not exclude else queryset.order_by()

    def order(self, queryset):
        sort = self.cleaned.get("sort") or ("relevance" if self.search_terms else "newest")
        if sort == "relevance" and self.search_terms:
            return queryset.by_relevance()
        return queryset.by_event_date(newest_first=sort != "oldest")

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.filter_queryset(self.queryset.all())
        return self._qs

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_office(self, queryset, name, value):
        return queryset.for_offices(value)

    def filter_theme(self, queryset, name, value):
        return queryset.with_themes(value)

    def filter_dates(self, queryset, name, value):
        # Both bounds are applied together, once, by whichever filter comes first.
        if name == "date_to" and self.cleaned.get("date_from"):
            return queryset
        return queryset.overlapping(self.cleaned.get("date_from"), self.cleaned.get("date_to"))

    def filter_fy(self, queryset, name, value):
        return queryset.in_fiscal_year(value)

    def filter_sort(self, queryset, name, value):
        return queryset  # ordering is applied last, in order()

    # Facets -----------------------------------------------------------------

    def selection_key(self) -> tuple:
        """The valid filters in a canonical form: equal keys select the same reports."""
        data = self.cleaned
        return (
            tuple(self.search_terms),
            tuple(sorted(data.get("office") or [])),
            tuple(sorted(data.get("theme") or [])),
            data.get("date_from"),
            data.get("date_to"),
            data.get("fy"),
        )

    def counts(self) -> dict:
        """The number of results and of each facet option, cached per content revision.

        Counting is what costs at scale, so it is done once after each change of the
        public content (see reports/revision.py), not on every request.
        """
        # Read once per request: the count, the facets and the search walk all ask.
        if not hasattr(self, "_cached_counts"):
            self._cached_counts = revision.cached(
                self.request, "report-counts", self.selection_key(), self._counts
            )
        return self._cached_counts

    def _counts(self) -> dict:
        """Two queries, whatever the data: offices by fiscal year, then themes.

        Office and fiscal year are both columns of the report, so one grouped query
        over the reports that match every other filter gives both facets, and the
        result count too (each report has one office and at most one fiscal year).
        """
        selected_offices = set(self.cleaned.get("office") or [])
        selected_fy = self.cleaned.get("fy")
        grid = self.filter_queryset(self.queryset, exclude=("office", "fy"))
        if self.search_terms:
            # A search also needs, for its page's walk (ReportQuerySet.list_page),
            # how many matches have every word in the title (rank 0), and how
            # many reports the filters select without the words (rank -1): in
            # the same query, a second branch of it.
            unsearched = (
                self.filter_queryset(self.queryset, exclude=("q",))
                .annotate(
                    no_office=Value(None, output_field=CharField()),
                    no_year=Value(None, output_field=IntegerField()),
                    unsearched=Value(UNSEARCHED),
                )
                .values_list("no_office", "no_year", "unsearched")
                .annotate(n=Count("pk"))
            )
            grid = (
                grid.values_list("office__code", "fiscal_year", "search_rank")
                .annotate(n=Count("pk"))
                .union(unsearched, all=True)
                .order_by()  # a union takes the model's ordering again
            )
        else:
            grid = (
                (code, year, None, n)
                for code, year, n in grid.values_list("office__code", "fiscal_year").annotate(
                    n=Count("pk")
                )
            )
        office_counts: dict[str, int] = {}
        fy_counts: dict[int, int] = {}
        total = in_title = population = 0
        for code, year, rank, n in grid:
            if rank == UNSEARCHED:
                population = n
                continue
            in_offices = not selected_offices or code in selected_offices
            in_year = selected_fy is None or year == selected_fy
            if in_year:
                office_counts[code] = office_counts.get(code, 0) + n
            if in_offices and year is not None:
                fy_counts[year] = fy_counts.get(year, 0) + n
            if in_offices and in_year:
                total += n
                if rank == 0:
                    in_title += n
        through = Report.themes.through.objects.filter(
            report__in=self.filter_queryset(self.queryset, exclude=("theme",)).values("pk")
        )
        # By id, named from the cached themes: joining the themes to name them
        # costs a quarter of the query (a hash join of every counted row).
        slugs = {theme.pk: theme.slug for theme in reference.themes()}
        theme_counts = {
            slugs[theme_id]: n
            for theme_id, n in through.order_by().values_list("theme_id").annotate(n=Count("pk"))
            if theme_id in slugs
        }
        return {
            "office": office_counts,
            "theme": theme_counts,
            "fy": fy_counts,
            "total": total,
            "in_title": in_title,
            "unsearched": population or total,
        }

    def with_match_counts(self, queryset):
        """The list's queryset with what a search page needs to walk (see list_page)."""
        if not self.search_terms:
            return queryset
        counts = self.counts()
        return queryset.with_match_counts(
            total=counts["total"], in_title=counts["in_title"], population=counts["unsearched"]
        )

    def facets(self) -> dict[str, list[dict]]:
        """Options of each facet with the number of reports each would give."""
        selected_offices = set(self.cleaned.get("office") or [])
        selected_themes = set(self.cleaned.get("theme") or [])
        selected_fy = self.cleaned.get("fy")
        counts = self.counts()
        office_counts, theme_counts, fy_counts = counts["office"], counts["theme"], counts["fy"]
        years = set(reference.public_fiscal_years(self.request)) | set(fy_counts)
        if selected_fy:
            years.add(selected_fy)

        def option(value, label, count, selected):
            return {"value": value, "label": label, "count": count, "selected": selected}

        return {
            "office": [
                option(o.code, o.name, office_counts.get(o.code, 0), o.code in selected_offices)
                for o in reference.offices()
            ],
            "theme": [
                option(t.slug, t.name, theme_counts.get(t.slug, 0), t.slug in selected_themes)
                for t in reference.themes()
            ],
            "fy": [
                option(
                    year,
                    _("%(year)d年度") % {"year": year},
                    fy_counts.get(year, 0),
                    year == selected_fy,
                )
                for year in sorted(years, reverse=True)
            ],
        }

    def active_filters(self) -> list[dict]:
        """The valid, active filters, each with the query string that removes it."""
        data = self.cleaned
        if not data:
            return []
        params = self.data
        offices = {o.code: o for o in reference.offices()}
        themes = {t.slug: t for t in reference.themes()}
        active = []

        def without(key, value=None):
            query = params.copy()
            if value is None:
                query.pop(key, None)
            else:
                query.setlist(key, [v for v in query.getlist(key) if v != value])
            query.pop("page", None)
            return query.urlencode()

        if data.get("q"):
            active.append({"label": _("キーワード: %s") % data["q"], "query": without("q")})
        for code in data.get("office") or []:
            active.append({"label": offices[code].name, "query": without("office", code)})
        for slug in data.get("theme") or []:
            active.append({"label": themes[slug].name, "query": without("theme", slug)})
        if data.get("date_from"):
            label = _("%s から") % data["date_from"].isoformat()
            active.append({"label": label, "query": without("date_from")})
        if data.get("date_to"):
            label = _("%s まで") % data["date_to"].isoformat()
            active.append({"label": label, "query": without("date_to")})
        if data.get("fy"):
            label = _("%(year)d年度") % {"year": data["fy"]}
            active.append({"label": label, "query": without("fy")})
        return active

    def summary(self, count: int) -> str:
        """One sentence naming the active filters and the result count."""
        labels = [item["label"] for item in self.active_filters()]
        scope = _("・").join(labels) if labels else _("すべての活動報告")
        return _("%(scope)s: %(count)s件") % {"scope": scope, "count": f"{count:,}"}


def filtered_public_reports(data, *, request=None) -> tuple[ReportFilter, QuerySet]:
    """The public reports that the parameters of /reports/ select, in the list's order.

    The one place where feeds, calendars and exports turn a query string into
    reports: invalid parameters are ignored exactly as the list page ignores them.
    """
    filterset = ReportFilter(data or None, queryset=Report.objects.published(), request=request)
    return filterset, filterset.qs
