"""The public pages of reports: home, the filtered list, a report, themes, photos.

Thin: the query string is read by reports/filters.py, counted by facets.py and
paged by pagination.py; every page answers conditional requests and is cached
per content revision (content_revision.py).
"""

import mimetypes

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from municipalities.presentation import filtered_map, names_lang, table_rows

from . import charts, content_revision, facets, roles, statistics, warming
from .exporting import table_csv
from .filters import ReportFilter, filtered_public_reports
from .models import Photo, Report, Theme
from .pagination import ForgivingPaginationMixin, Results, list_results


@method_decorator(content_revision.conditional, name="dispatch")
class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_reports"] = (
            Report.objects.published()
            .with_list_data()
            .order_by("-published_at", "-first_date", "-pk")[:6]
        )
        context["offices"] = facets.offices_with_counts(self.request)
        context["themes"] = facets.themes_with_counts(self.request)
        return context


class ReportListView(ForgivingPaginationMixin, FilterView):
    """All public reports, filtered by the query string (see ReportFilter)."""

    filterset_class = ReportFilter
    template_name = "reports/report_list.html"
    # Invalid parameters are reported on the page and ignored, not turned into an empty list.
    strict = False

    def dispatch(self, request, *args, **kwargs):
        # Before the page cache: every request for a search counts, cached or not.
        if request.method == "GET":
            warming.record_search(request.GET.get("q", ""))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Report.objects.published()

    def results(self, queryset) -> Results:
        """The filtered reports, counted (and, for a search, walked) from the cached counts."""
        return list_results(self.filterset.selection, queryset, request=self.request, as_cards=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        context["active_filters"] = filterset.active_filters()
        chosen = filterset.selection
        context["facets"] = facets.options(chosen, request=self.request)
        context["results_summary"] = filterset.summary(context["paginator"].count)
        context["selection"] = filterset.scope() if context["active_filters"] else ""
        context["sort"], context["sort_options"] = (
            filterset.sort_in_effect,
            filterset.sort_options(),
        )
        context["search_terms"] = filterset.search_terms
        context["filter_errors"] = (
            [error for errors in filterset.form.errors.values() for error in errors]
            if filterset.is_bound
            else []
        )
        return context


@method_decorator(content_revision.conditional, name="dispatch")
class ReportDetailView(DetailView):
    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A slug HQ changed: the old address moved for good.
            report = Report.objects.published().filter(old_slugs__old_slug=kwargs["slug"]).first()
            if report is None:
                raise
            return HttpResponsePermanentRedirect(report.get_absolute_url())

    def get_queryset(self):
        return Report.objects.published().with_detail_data()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related_reports"] = (
            Report.objects.published().with_list_data().related_to(self.object)
        )
        return context


@method_decorator(content_revision.conditional, name="dispatch")
class ThemeListView(ListView):
    template_name = "reports/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return facets.themes_with_counts(self.request)


class ThemeDetailView(ForgivingPaginationMixin, ListView):
    """One theme and its public reports."""

    template_name = "reports/theme_detail.html"
    context_object_name = "reports"

    def get_queryset(self):
        self.theme = get_object_or_404(Theme, slug=self.kwargs["slug"])
        return Report.objects.published().with_theme_ids([self.theme.pk]).by_event_date()

    def get_context_data(self, **kwargs):
        return super().get_context_data(theme=self.theme, **kwargs)


# How long browsers and proxies may keep a public photo: a withdrawn report's
# photos stop being served at once, and copies already fetched expire after this.
PUBLIC_PHOTO_MAX_AGE = 600


def photo_file(request, key, name):
    """A photo's file: to anyone if its report is public, to its editors otherwise.

    Photos are never served from the media folder directly: a draft's, a
    scheduled report's or a withdrawn report's photos are 404 to the public,
    and a scheduled report's become visible the moment it is published, with no
    file to move. With settings.PHOTO_ACCEL_REDIRECT the web server (nginx's
    X-Accel-Redirect) sends the file after this check.
    """
    photo = Photo.objects.select_related("report").filter(key=key).first()
    if photo is None:
        raise Http404
    public = photo.report.is_public
    if not public and not (
        request.user.is_authenticated and roles.may_work_on(request.user, photo.report)
    ):
        raise Http404
    field = next((f for f in Photo.file_field_names() if photo.url_name(f) == name), None)
    stored = getattr(photo, field) if field else None
    if not stored:
        raise Http404
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    if settings.PHOTO_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PHOTO_ACCEL_REDIRECT + stored.name
    else:
        try:
            response = FileResponse(stored.open("rb"), content_type=content_type)
        except OSError:
            raise Http404 from None
    if public:
        response["Cache-Control"] = f"public, max-age={PUBLIC_PHOTO_MAX_AGE}"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


@method_decorator(content_revision.conditional, name="dispatch")
class ReportStatsView(TemplateView):
    """/reports/stats/: the figures of the reports /reports/ would list, same parameters."""

    template_name = "reports/report_stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, reports = filtered_public_reports(self.request.GET, request=self.request)
        found = statistics.figures_of(filterset.selection, request=self.request)
        scope = filterset.scope()
        context["japan_map"] = filtered_map(
            self.request.GET,
            reports,
            scope=scope,
            selection=filterset.selection,
            request=self.request,
        )
        context["map_rows"] = table_rows(context["japan_map"])
        context["names_lang"] = names_lang()
        context["tables"] = [
            {
                "table": table,
                "chart": charts.bar_chart(
                    table.rows,
                    title=table.title,
                    element_id=f"chart-{table.name}",
                    labels_lang=table.labels_lang,
                ),
            }
            for table in statistics.tables(found)
        ]
        context["total"] = found.total
        context["active_filters"] = filterset.active_filters()
        context["selection"] = filterset.scope() if context["active_filters"] else ""
        context["results_summary"] = filterset.summary(found.total)
        context["filter_errors"] = (
            [e for errors in filterset.form.errors.values() for e in errors]
            if filterset.is_bound
            else []
        )
        return context


@content_revision.conditional
def stats_csv(request, name):
    """/reports/stats/<name>.csv: one table of /reports/stats/, formula-safe, UTF-8 with BOM."""
    if name not in statistics.TABLES:
        raise Http404
    filterset = ReportFilter(request.GET or None, queryset=Report.objects.published())
    found = statistics.figures_of(filterset.selection, request=request)
    [table] = [table for table in statistics.tables(found) if table.name == name]
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
