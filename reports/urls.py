from django.urls import path

from . import exports, feeds, views

app_name = "reports"

urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="list"),
    # Before the report pages, whose slugs could otherwise take these names.
    path("reports/feed/", feeds.ReportFeed(), name="feed"),
    path("reports/calendar.ics", feeds.list_calendar, name="calendar"),
    path("reports.json", exports.reports_json, name="json"),
    path("reports.csv", exports.reports_csv, name="csv"),
    # str, not slug: report slugs may be Japanese.
    path("reports/<str:slug>/", views.ReportDetailView.as_view(), name="detail"),
    path("reports/<str:slug>/calendar.ics", feeds.report_calendar, name="report_calendar"),
    path("themes/", views.ThemeListView.as_view(), name="themes"),
    path("themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme"),
    path("themes/<slug:slug>/feed/", feeds.ThemeReportFeed(), name="theme_feed"),
    # Served here rather than in offices/urls.py: the feed belongs with the other feeds.
    path("offices/<slug:code>/feed/", feeds.OfficeReportFeed(), name="office_feed"),
]
