"""The filter form of report lists; its parameters are the public URL contract.

ReportFilter reads and checks the query string of /reports/ (invalid parameters
are reported on the page and ignored), names the active filters for people, and
turns the valid ones into a Selection (reports/selection.py), which is what
selects the reports and what the counts are cached under (reports/facets.py).
"""

import functools

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from municipalities.codes import is_code
from municipalities.countries import country_choices
from municipalities.models import LocalGovernment

from . import reference
from .facets import country_name, prefecture_choices
from .models import Report
from .selection import Selection, apply
from .text import split_terms

MAX_QUERY_LENGTH = 200


def office_choices():
    return [(office.code, office.name) for office in reference.offices()]


def theme_choices():
    return [(theme.slug, theme.name) for theme in reference.themes()]


class OneOrMoreSelect(forms.Select):
    """A drop-down that offers one choice but reads every value the URL gives
    (prefecture=13&prefecture=27 is as valid as with checkboxes); empty means any."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [value for value in values if value]


class LocalGovernmentCodesField(forms.MultipleChoiceField):
    """6-digit codes of local governments in the directory (abolished ones too:
    reports keep their links to them). One query, only when the URL has codes."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid_choice": gettext_lazy(
            "自治体コード「%(value)s」は見つかりません（6 桁の全国地方公共団体コード）。"
        ),
    }

    def validate(self, value):
        forms.Field.validate(self, value)
        well_formed = [code for code in value if is_code(code)]
        # Kept for the labels of the active filters, which then need no query of their own.
        self.found = LocalGovernment.objects.in_bulk(well_formed) if well_formed else {}
        for code in value:
            if code not in self.found:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": code},
                )


class LocalGovernmentFilter(django_filters.MultipleChoiceFilter):
    field_class = LocalGovernmentCodesField


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
    """The parameters of /reports/. The declared filters read and check them (their
    forms are the page's filter form); the reports are selected by the Selection
    they make, AND across kinds, OR within a kind (several offices or themes)."""

    q = SearchFilter(
        label=gettext_lazy("キーワード"),
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": gettext_lazy("キーワードは %(limit_value)d 文字以内で入力してください。")
        },
    )
    office = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("事務所・部署"),
        choices=office_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    theme = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("テーマ"),
        choices=theme_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = django_filters.DateFilter(
        label=gettext_lazy("開始日"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=gettext_lazy("終了日"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    fy = IntegerFilter(label=gettext_lazy("年度"), min_value=1900, max_value=2200)
    prefecture = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("都道府県"),
        choices=prefecture_choices,
        widget=OneOrMoreSelect,
    )
    municipality = LocalGovernmentFilter(label=gettext_lazy("自治体"))
    country = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("国・地域"),
        choices=country_choices,
        widget=OneOrMoreSelect,
    )
    sort = django_filters.ChoiceFilter(
        label=gettext_lazy("並び順"),
        choices=[
            ("relevance", gettext_lazy("関連度順")),
            ("newest", gettext_lazy("新しい順")),
            ("oldest", gettext_lazy("古い順")),
        ],
        empty_label=None,
    )

    # The kinds whose options show counts; each count ignores that kind's own selection.
    FACETS = ("office", "theme", "fy", "prefecture", "country")

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

    @property
    def selection(self) -> Selection:
        """The valid filters as one value: equal Selections select the same reports."""
        data = self.cleaned
        return Selection.of(
            q=data.get("q") or "",
            offices=data.get("office") or (),
            themes=data.get("theme") or (),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            fiscal_year=data.get("fy"),
            prefectures=data.get("prefecture") or (),
            municipalities=data.get("municipality") or (),
            countries=data.get("country") or (),
        )

    def filter_queryset(self, queryset):
        return self.order(apply(queryset, self.selection))

    @property
    def sort_in_effect(self) -> str:
        """The order in effect: relevance only with a keyword (there is nothing to rank without)."""
        sort = self.cleaned.get("sort") or ("relevance" if self.search_terms else "newest")
        return "newest" if sort == "relevance" and not self.search_terms else sort

    def sort_options(self) -> list[tuple[str, str]]:
        """The orders the sort menu offers: relevance only when there is a keyword."""
        return [
            (value, label)
            for value, label in self.filters["sort"].extra["choices"]
            if value != "relevance" or self.search_terms
        ]

    def order(self, queryset):
        sort = self.sort_in_effect
        if sort == "relevance" and self.search_terms:
            return queryset.by_relevance()
        return queryset.by_event_date(newest_first=sort != "oldest")

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.filter_queryset(self.queryset.all())
        return self._qs

    @functools.cached_property
    def local_governments(self) -> dict:
        """The local governments the URL names, read once for the labels."""
        codes = self.cleaned.get("municipality") or []
        found = getattr(self.form.fields["municipality"], "found", {})
        return {code: found[code] for code in codes}

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
            label = _("キーワード「%(words)s」") % {"words": data["q"]}
            active.append({"label": label, "query": without("q")})
        for code in data.get("office") or []:
            active.append({"label": offices[code].name, "query": without("office", code)})
        for slug in data.get("theme") or []:
            active.append({"label": themes[slug].name, "query": without("theme", slug)})
        # Dates read as on every page (2025年11月1日, 1 November 2025).
        if data.get("date_from"):
            label = _("%(date)sから") % {"date": date_format(data["date_from"])}
            active.append({"label": label, "query": without("date_from")})
        if data.get("date_to"):
            label = _("%(date)sまで") % {"date": date_format(data["date_to"])}
            active.append({"label": label, "query": without("date_to")})
        if data.get("fy"):
            label = _("%(year)d年度") % {"year": data["fy"]}
            active.append({"label": label, "query": without("fy")})
        for number in data.get("prefecture") or []:
            label = dict(prefecture_choices())[number]
            active.append({"label": label, "query": without("prefecture", number)})
        for code in data.get("municipality") or []:
            label = str(self.local_governments[code])
            active.append({"label": label, "query": without("municipality", code)})
        for code in data.get("country") or []:
            label = country_name(code)
            active.append({"label": label, "query": without("country", code)})
        return active

    def scope(self) -> str:
        """The active filters in words: 「キーワード「交流」、ソウル事務所、2025年度」.

        Joined with 、, not ・: theme names contain ・ (姉妹都市・自治体間交流).
        """
        labels = [item["label"] for item in self.active_filters()]
        return _("、").join(labels) if labels else _("すべての活動報告")

    def summary(self, count: int) -> str:
        """One sentence naming the active filters and the result count."""
        return ngettext(
            "%(scope)s: %(count)s件",
            "%(scope)s: %(count)s件",
            count,
        ) % {"scope": self.scope(), "count": f"{count:,}"}


def filtered_public_reports(data, *, request=None) -> tuple[ReportFilter, QuerySet]:
    """The public reports that the parameters of /reports/ select, in the list's order.

    The one place where the list, feeds, calendars and exports turn a query string
    into reports: invalid parameters are ignored exactly as the list page ignores them.
    """
    filterset = ReportFilter(data or None, queryset=Report.objects.published(), request=request)
    return filterset, filterset.qs
