from django.db.models import OuterRef

from reports.sitemaps import BilingualSitemap, latest_public_update

from .models import Office


class OfficeSitemap(BilingualSitemap):
    """Each office's page, last modified when one of its public reports was."""

    changefreq = "weekly"

    def items(self):
        return Office.objects.annotate(
            last_report_update=latest_public_update(office=OuterRef("pk"))
        ).order_by("display_order", "code")

    def lastmod(self, office):
        return office.last_report_update
