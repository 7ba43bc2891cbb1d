"""Sitemaps of the public pages, in Japanese and English (see clair_portal/urls.py)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse

from .models import Report, Theme


class BilingualSitemap(Sitemap):
    """Every page in both languages, each URL listing the other as an hreflang alternate.

    x-default is the Japanese page, which is also what the bare URLs serve.
    """

    i18n = True
    alternates = True
    x_default = True


def last_change():
    """When a report last changed for the public: an edit, or going public when scheduled."""
    return Greatest("updated_at", "published_at")


def latest_public_update(**match):
    """Subquery: the last change of the public reports matching `match` (OuterRef lookups)."""
    return Subquery(
        Report.objects.published()
        .filter(**match)
        .annotate(changed=last_change())
        .order_by("-changed")
        .values("changed")[:1]
    )


class StaticPagesSitemap(BilingualSitemap):
    """The home page and the top-level lists."""

    changefreq = "daily"

    def items(self):
        return [
            "home",
            "reports:list",
            "offices:list",
            "reports:themes",
            "accessibility",
            "privacy",
            "terms",
        ]

    def location(self, item):
        return reverse(item)


class ThemeSitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        return Theme.objects.annotate(
            last_report_update=latest_public_update(themes=OuterRef("pk"))
        ).order_by("display_order", "slug")

    def lastmod(self, theme):
        return theme.last_report_update


class ReportSitemap(BilingualSitemap):
    """Every public report; drafts and scheduled reports are left out."""

    # URLs per file (two per report). Each URL carries three alternates, which
    # costs about 0.3 ms to build: a file of 5,000 takes under two seconds and
    # weighs about 2 MB, where the protocol's maximum of 50,000 would take
    # fifteen. The index at /sitemap.xml lists every file (?p=2, ?p=3, …).
    limit = 5000

    def items(self):
        # Only what location() and lastmod() read: the list is built in memory
        # (twice, one entry per language), so keep each row small.
        return Report.objects.published().only("slug", "updated_at", "published_at").order_by("pk")

    def lastmod(self, report):
        # A scheduled report goes public at published_at, after its last edit.
        return max(report.updated_at, report.published_at)

    def get_latest_lastmod(self):
        # For the index: one aggregate rather than Django's default of loading every report.
        return Report.objects.published().aggregate(latest=Max(last_change()))["latest"]
