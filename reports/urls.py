from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="list"),
    # str, not slug: report slugs may be Japanese.
    path("reports/<str:slug>/", views.ReportDetailView.as_view(), name="detail"),
    path("themes/", views.ThemeListView.as_view(), name="themes"),
    path("themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme"),
]
