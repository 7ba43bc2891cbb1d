"""Site-wide pages that belong to no app: robots.txt, the accessibility statement, /healthz."""

import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.generic import TemplateView

DEFAULT_ADMIN_URL = "admin/"


def readyz(request):
    """For load balancers: this process can serve pages, i.e. the database answers.

    503 (with the reason, never a stack trace) while it does not, so the balancer
    stops sending traffic until it is back.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse(
            "database unavailable", status=503, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def healthz(request):
    """For load balancers: the process answers through the whole middleware stack.

    Deliberately no database query, so a slow database does not take every web
    process out of rotation; it is also the floor of the benchmark (bench/).
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


class RobotsTxtView(TemplateView):
    """Crawl everything public except the admin, the bulk exports and the calendars.

    Every Disallow comes before the one Allow: parsers that take the first rule
    matching a path (Python's urllib.robotparser) and those that take the longest
    (Google's) then read the file the same way. The calendars of the lists are
    named outright as well as by the wildcard, which first-match parsers do not read.
    """

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        disallow = []
        # A custom ADMIN_URL exists to keep the admin's address out of sight;
        # naming it here would publish it. The admin's pages are marked noindex
        # anyway, so only the well-known default is listed.
        if settings.ADMIN_URL == DEFAULT_ADMIN_URL:
            disallow.append(f"/{settings.ADMIN_URL}")
        # The exports repeat the report pages as data (and are large): not for search results.
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                disallow += [
                    reverse("reports:json"),
                    reverse("reports:jsonl"),
                    reverse("reports:csv"),
                    reverse("reports:calendar"),
                ]
        disallow.append("/*.ics")  # every calendar, of a list or of one report, in any language
        context["disallow"] = disallow
        context["sitemap_url"] = self.request.build_absolute_uri(reverse("sitemap"))
        return context


class AccessibilityStatementView(TemplateView):
    """What the portal does for accessibility and how that is checked."""

    template_name = "accessibility.html"
    # Change this date whenever the statement (templates/accessibility.html) changes.
    extra_context = {"statement_updated": datetime.date(2026, 12, 4)}


class PrivacyPolicyView(TemplateView):
    """What the portal records about its readers, why and for how long."""

    template_name = "privacy.html"
    # Change this date whenever the policy (templates/privacy.html) changes.
    extra_context = {"updated": datetime.date(2026, 12, 4)}


class TermsOfUseView(TemplateView):
    """The conditions of reuse, modelled on the government's standard terms (CC BY 4.0)."""

    template_name = "terms.html"
    extra_context = {"updated": datetime.date(2026, 12, 4)}
