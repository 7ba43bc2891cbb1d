from django.urls import path, register_converter
from django.urls.converters import StringConverter

from . import feeds, views


class LocalGovernmentCodeConverter(StringConverter):
    """Six ASCII digits: anything else is no local government and a 404 before any query."""

    regex = r"[0-9]{6}"


register_converter(LocalGovernmentCodeConverter, "lg_code")

app_name = "municipalities"

urlpatterns = [
    path("municipalities/", views.DirectoryView.as_view(), name="directory"),
    path(
        "municipalities/<lg_code:code>/", views.LocalGovernmentDetailView.as_view(), name="detail"
    ),
    path("municipalities/<lg_code:code>/feed/", feeds.LocalGovernmentReportFeed(), name="feed"),
    path(
        "municipalities/<lg_code:code>/calendar.ics",
        feeds.local_government_calendar,
        name="calendar",
    ),
    # The id first: a slug may not be all digits in practice, and old links may use the id.
    path("partners/<int:pk>/", views.partner_by_id, name="partner_by_id"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner"),
    path("reports/map/", views.ReportMapView.as_view(), name="report_map"),
]
