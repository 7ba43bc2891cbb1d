from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from offices.sitemaps import OfficeSitemap
from reports.sitemaps import ReportSitemap, StaticPagesSitemap, ThemeSitemap
from reports.views import HomeView, photo_file

from .views import (
    AccessibilityStatementView,
    PrivacyPolicyView,
    RobotsTxtView,
    TermsOfUseView,
    healthz,
    readyz,
)

# A database outage gets the 503 page with Retry-After, any other error the 500 page.
handler500 = "clair_portal.observability.server_error"

sitemaps = {
    "pages": StaticPagesSitemap,
    "offices": OfficeSitemap,
    "themes": ThemeSitemap,
    "reports": ReportSitemap,
}

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # One address for both languages (each sitemap lists the pages in Japanese and
    # English), so outside i18n_patterns. /sitemap.xml is an index of the sections:
    # a sitemap file holds at most 50,000 URLs, and crawlers only find the further
    # pages of a section (?p=2) through an index.
    path("robots.txt", RobotsTxtView.as_view(), name="robots"),
    # Not translated and never redirected: load balancers probe one fixed address.
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Photos in any language, checked on every request (see reports.views.photo_file).
    re_path(r"^photos/(?P<key>[-\w]{1,32})/(?P<name>[a-z]+\.[a-z]+)$", photo_file, name="photo"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
]

# Japanese at the bare URLs, English under /en/; never guessed from the browser.
urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    # Before reports.urls: /reports/map/ would otherwise be taken for a report's slug.
    path("", include("municipalities.urls")),
    path("", include("reports.urls")),
    path("offices/", include("offices.urls")),
    path("alerts/", include("alerts.urls")),
    path("accessibility/", AccessibilityStatementView.as_view(), name="accessibility"),
    path("privacy/", PrivacyPolicyView.as_view(), name="privacy"),
    path("terms/", TermsOfUseView.as_view(), name="terms"),
    prefix_default_language=False,
)
