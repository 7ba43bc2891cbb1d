"""Atom feeds and iCalendar files for any filtered list of reports.

Both take the parameters of /reports/ (see ReportFilter) through
filtered_public_reports(), so a feed or calendar holds exactly the reports of
the list page with the same query string; invalid parameters are ignored the
same way.
"""

import copy
import datetime
import functools
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import QueryDict
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from offices.models import Office

from . import content_revision
from .filters import ReportFilter, filtered_public_reports
from .models import Theme

FEED_SIZE = 50
CHUNK_SIZE = 500
# Query parameters that change how a list is shown, not which reports it holds.
PRESENTATION_PARAMS = ("page", "sort")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def selection_title(*labels: str) -> str:
    """ "CLAIR 活動報告: ソウル事務所、多文化共生", naming what a feed or calendar holds."""
    base = _("CLAIR 活動報告")
    return f"{base}: {_('、').join(labels)}" if labels else base


def filters_title(filterset: ReportFilter) -> str:
    return selection_title(*(item["label"] for item in filterset.active_filters()))


def xml_text(text: str) -> str:
    """XML 1.0 cannot carry most control characters; pasted text sometimes has them."""
    return CONTROL_CHARACTERS.sub("", text)


def list_query(params: QueryDict) -> str:
    """The query string of a list without its presentation parameters."""
    query = params.copy()
    for name in PRESENTATION_PARAMS:
        query.pop(name, None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


@dataclass
class Selection:
    """Which reports a feed or calendar holds, and how to name and link it."""

    title: str
    link: str
    reports: QuerySet


def list_selection(request) -> Selection:
    filterset, reports = filtered_public_reports(request.GET, request=request)
    link = reverse("reports:list") + list_query(request.GET)
    return Selection(title=filters_title(filterset), link=link, reports=reports)


def office_selection(request, code: str) -> Selection:
    office = get_object_or_404(Office, code=code)
    _filterset, reports = filtered_public_reports(QueryDict(urlencode({"office": office.code})))
    return Selection(
        title=selection_title(office.name), link=office.get_absolute_url(), reports=reports
    )


def theme_selection(request, slug: str) -> Selection:
    theme = get_object_or_404(Theme, slug=slug)
    _filterset, reports = filtered_public_reports(QueryDict(urlencode({"theme": theme.slug})))
    return Selection(
        title=selection_title(theme.name), link=theme.get_absolute_url(), reports=reports
    )


def tag_authority() -> str:
    """The domain that mints the entries' tag: URIs: configured, never the request's Host,
    so a reader that fetches the feed by two names sees each entry once."""
    domain, _port = split_domain_port(settings.SITE_DOMAIN)
    return domain or "localhost"


# Atom ------------------------------------------------------------------------


class ReportFeed(Feed):
    """Atom feed of the latest public reports of /reports/ with the same parameters."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # Item methods need the request (absolute links, the tag authority); a
        # copy per request keeps the shared instance free of request state.
        feed = copy.copy(self)
        feed.request = request
        return content_revision.conditional(functools.partial(Feed.__call__, feed))(
            request, *args, **kwargs
        )

    def get_object(self, request):
        return list_selection(request)

    def title(self, selection):
        return selection.title

    def link(self, selection):
        return selection.link

    def feed_url(self, selection):
        return self.request.get_full_path()

    def subtitle(self, selection):
        return _("自治体国際化協会（クレア）の海外事務所と本部の活動報告")

    def author_name(self):
        return _("自治体国際化協会")

    def items(self, selection):
        return selection.reports.with_list_data().order_by("-published_at", "-pk")[:FEED_SIZE]

    def item_title(self, report):
        return xml_text(report.display_title)  # Atom titles are text: no HTML escaping

    def item_description(self, report):
        return escape(xml_text(report.display_summary))  # the summary is type="html"

    def item_author_name(self, report):
        return report.office.name

    def item_author_link(self, report):
        return self.request.build_absolute_uri(report.office.get_absolute_url())

    def item_categories(self, report):
        return [report.office.name, *(theme.name for theme in report.themes.all())]

    def item_guid(self, report):
        # Neither the title, the slug nor the host's port may change an entry's id.
        created = report.created_at.astimezone(datetime.UTC).date()
        return f"tag:{tag_authority()},{created:%Y-%m-%d}:report-{report.pk}"

    def item_pubdate(self, report):
        return report.published_at

    def item_updateddate(self, report):
        return report.updated_at


class OfficeReportFeed(ReportFeed):
    """The feed of one office's page: /reports/feed/?office=<code>, linked to the office."""

    def get_object(self, request, code):
        return office_selection(request, code)


class ThemeReportFeed(ReportFeed):
    """The feed of one theme's page: /reports/feed/?theme=<slug>, linked to the theme."""

    def get_object(self, request, slug):
        return theme_selection(request, slug)
