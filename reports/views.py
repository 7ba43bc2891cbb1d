from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from offices.models import Office

from .filters import ReportFilter
from .models import Report, Theme

PAGE_SIZE = 20


class ForgivingPaginationMixin:
    """A page parameter that is not a positive number shows page 1 with a message;
    a page past the end is a 404, since that URL really has no content."""

    paginate_by = PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        raw = self.request.GET.get(self.page_kwarg, "")
        if raw and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            self.page_error = _(
                "ページ番号「%(page)s」は正しくないため、1 ページ目を表示しています。"
            ) % {"page": raw[:20]}
            raw = "1"
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        try:
            page = paginator.page(int(raw or 1))
        except InvalidPage:
            raise Http404(_("このページはありません。")) from None
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_error"] = getattr(self, "page_error", "")
        return context


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_reports"] = (
            Report.objects.published()
            .with_list_data()
            .order_by("-published_at", "-first_date", "-pk")[:6]
        )
        context["offices"] = Office.objects.with_public_report_counts()
        context["themes"] = Theme.objects.with_public_report_counts()
        return context


class ReportListView(ForgivingPaginationMixin, FilterView):
    """All public reports, filtered by the query string (see ReportFilter)."""

    filterset_class = ReportFilter
    template_name = "reports/report_list.html"
    # Invalid parameters are reported on the page and ignored, not turned into an empty list.
    strict = False

    def get_queryset(self):
        return Report.objects.published().with_list_data().by_event_date()

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


class ThemeListView(ListView):
    template_name = "reports/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return Theme.objects.with_public_report_counts()


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
