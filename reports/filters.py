"""The filter form of report lists; its parameters are the public URL contract."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from offices.models import Office

from .models import Report, Theme

MAX_QUERY_LENGTH = 200


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
        label=_("キーワード"),
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("キーワードは %(limit_value)d 文字以内で入力してください。")
        },
    )
    office = django_filters.ModelMultipleChoiceFilter(
        label=_("事務所・部署"),
        queryset=Office.objects.all(),
        to_field_name="code",
        method="filter_office",
        widget=forms.CheckboxSelectMultiple,
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("テーマ"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_theme",
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = django_filters.DateFilter(
        label=_("開始日"),
        method="filter_dates",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("終了日"),
        method="filter_dates",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    fy = IntegerFilter(
        label=_("年度"),
        method="filter_fy",
        min_value=1900,
        max_value=2200,
        widget=forms.NumberInput(attrs={"placeholder": "2025"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("並び順"),
        choices=[("newest", _("新しい順")), ("oldest", _("古い順"))],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Report
        fields: list[str] = []
        form = ReportFilterForm

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Sorting always applies, whether or not `sort` was given or valid.
        newest = self.form.cleaned_data.get("sort") != "oldest"
        return queryset.by_event_date(newest_first=newest)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_office(self, queryset, name, value):
        return queryset.for_offices([office.code for office in value]) if value else queryset

    def filter_theme(self, queryset, name, value):
        return queryset.with_themes([theme.slug for theme in value]) if value else queryset

    def filter_dates(self, queryset, name, value):
        # Both bounds are applied together, once, by the date_from filter.
        if name == "date_to" and self.form.cleaned_data.get("date_from"):
            return queryset
        return queryset.overlapping(
            self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
        )

    def filter_fy(self, queryset, name, value):
        return queryset.in_fiscal_year(value)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in filter_queryset

    def active_filters(self) -> list[dict]:
        """The valid, active filters, each with the query string that removes it."""
        if not self.is_bound:
            return []
        self.is_valid()
        data = self.form.cleaned_data
        params = self.data
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
        for office in data.get("office") or []:
            active.append({"label": office.name, "query": without("office", office.code)})
        for theme in data.get("theme") or []:
            active.append({"label": theme.name, "query": without("theme", theme.slug)})
        if data.get("date_from"):
            active.append(
                {
                    "label": _("%s から") % data["date_from"].isoformat(),
                    "query": without("date_from"),
                }
            )
        if data.get("date_to"):
            active.append(
                {"label": _("%s まで") % data["date_to"].isoformat(), "query": without("date_to")}
            )
        if data.get("fy"):
            active.append({"label": _("%d年度") % int(data["fy"]), "query": without("fy")})
        return active
