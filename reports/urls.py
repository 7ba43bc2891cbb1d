from django.urls import path, register_converter
from django.urls.converters import StringConverter

from . import calendars, feeds, open_data, views


class ReportSlugConverter(StringConverter):
    """What a report slug may hold (validate_unicode_slug): letters, Japanese too,
    digits, - and _. Anything else is no report, so it never reaches the database
    (PostgreSQL refuses a NUL character in a query with an error, not a miss)."""

    regex = r"[-\w]+"


register_converter(ReportSlugConverter, "report_slug")

app_name = "reports"

urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="list"),
    # Before the report pages, whose slugs could otherwise take these names.
    path("reports/feed/", feeds.ReportFeed(), name="feed"),
    path("reports/stats/", views.ReportStatsView.as_view(), name="stats"),
    path("reports/stats/<slug:name>.csv", views.stats_csv, name="stats_csv"),
    path("reports/calendar.ics", calendars.list_calendar, name="calendar"),
    path("reports.json", open_data.reports_json, name="json"),
    path("reports.jsonl", open_data.reports_jsonl, name="jsonl"),
    path("reports.csv", open_data.reports_csv, name="csv"),
    # Not slug: report slugs may be Japanese.
    path("reports/<report_slug:slug>/", views.ReportDetailView.as_view(), name="detail"),
    path(
        "reports/<report_slug:slug>/calendar.ics", calendars.report_calendar, name="report_calendar"
    ),
    path("themes/", views.ThemeListView.as_view(), name="themes"),
    path("themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme"),
    path("themes/<slug:slug>/feed/", feeds.ThemeReportFeed(), name="theme_feed"),
    # Served here rather than in offices/urls.py: the feed belongs with the other feeds.
    path("offices/<slug:code>/feed/", feeds.OfficeReportFeed(), name="office_feed"),
]
