from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from . import reference, revision
from .filters import ReportFilter
from .models import Report, Theme

PAGE_SIZE = 20
# Page n costs an index walk past (n - 1) * PAGE_SIZE rows: beyond this page a
# list says to narrow it instead, so that no page costs much more than the first.
MAX_PAGES = 500


class CappedPaginator(Paginator):
    """Pages of a list whose count is known (cached), served up to MAX_PAGES."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count = count

    @property
    def count(self) -> int:
        return self._count

    @property
    def last_reachable(self) -> int:
        return min(self.num_pages, MAX_PAGES)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list.list_page(bottom, top), number, self)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)


class CappedPage(Page):
    def has_next(self) -> bool:
        return self.number < self.paginator.last_reachable

    @property
    def capped(self) -> bool:
        """The list has pages past MAX_PAGES, which are not served."""
        return self.paginator.num_pages > MAX_PAGES


class ForgivingPaginationMixin:
    """A page parameter that is not a positive number shows page 1 with a message;
    a page past the end is a 404, since that URL really has no content; a page
    past MAX_PAGES shows the last one served, with a message.

    Lists are public pages: they answer conditional requests (see revision.py).
    """

    paginate_by = PAGE_SIZE
    paginator_class = CappedPaginator

    @method_decorator(revision.conditional)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def result_count(self, queryset) -> int:
        """The number of results, cached per content revision."""
        key = (type(self).__name__, sorted(self.kwargs.items()))
        return revision.cached(self.request, "list-count", key, queryset.count)

    def paginate_queryset(self, queryset, page_size):
        raw = self.request.GET.get(self.page_kwarg, "")
        if raw and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            self.page_error = _(
                "ページ番号「%(page)s」は正しくないため、1 ページ目を表示しています。"
            ) % {"page": raw[:20]}
            raw = "1"
        paginator = self.get_paginator(
            queryset, page_size, count=self.result_count(queryset), allow_empty_first_page=True
        )
        number = int(raw or 1)
        if MAX_PAGES < number <= paginator.num_pages:
            self.page_error = _(
                "表示できるのは %(max)s ページ目までです。条件で絞り込むか、並び順を変えてください。"
            ) % {"max": MAX_PAGES}
            number = MAX_PAGES
        try:
            page = paginator.page(number)
        except InvalidPage:
            raise Http404(_("このページはありません。")) from None
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_error"] = getattr(self, "page_error", "")
        return context


@method_decorator(revision.conditional, name="dispatch")
class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_reports"] = (
            Report.objects.published()
            .with_list_data()
            .order_by("-published_at", "-first_date", "-pk")[:6]
        )
        context["offices"] = reference.offices_with_counts(self.request)
        context["themes"] = reference.themes_with_counts(self.request)
        return context


class ReportListView(ForgivingPaginationMixin, FilterView):
    """All public reports, filtered by the query string (see ReportFilter)."""

    filterset_class = ReportFilter
    template_name = "reports/report_list.html"
    # Invalid parameters are reported on the page and ignored, not turned into an empty list.
    strict = False

    def get_queryset(self):
        return Report.objects.published().with_list_data().by_event_date()

    def result_count(self, queryset) -> int:
        return self.filterset.counts()["total"]

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(self.filterset.with_match_counts(queryset), page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        context["active_filters"] = filterset.active_filters()
        context["facets"] = filterset.facets()
        context["results_summary"] = filterset.summary(context["paginator"].count)
        context["search_terms"] = filterset.search_terms
        context["filter_errors"] = (
            [error for errors in filterset.form.errors.values() for error in errors]
            if filterset.is_bound
            else []
        )
        return context


@method_decorator(revision.conditional, name="dispatch")
class ReportDetailView(DetailView):
    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return Report.objects.published().with_detail_data()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related_reports"] = (
            Report.objects.published().with_list_data().related_to(self.object)
        )
        return context


@method_decorator(revision.conditional, name="dispatch")
class ThemeListView(ListView):
    template_name = "reports/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return reference.themes_with_counts(self.request)


class ThemeDetailView(ForgivingPaginationMixin, ListView):
    """One theme and its public reports."""

    template_name = "reports/theme_detail.html"
    context_object_name = "reports"

    def get_queryset(self):
        self.theme = get_object_or_404(Theme, slug=self.kwargs["slug"])
        return (
            Report.objects.published()
            .with_themes([self.theme.slug])
            .with_list_data()
            .by_event_date()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(theme=self.theme, **kwargs)
