"""The Atom feed and the calendar of a local government's page.

Each holds the reports of /reports/ with the page's filter (municipality=<code>,
or prefecture=NN for a prefecture), through the feeds and calendars of reports/,
as an office's or a theme's feed does.
"""

from urllib.parse import urlencode

from django.http import QueryDict
from django.shortcuts import get_object_or_404

from reports import calendars, content_revision
from reports.feeds import ReportFeed, Selection, selection_title
from reports.filters import filtered_public_reports

from .models import LocalGovernment


def local_government_selection(request, code: str) -> Selection:
    place = get_object_or_404(LocalGovernment, code=code)
    name, value = place.report_filter
    _filterset, reports = filtered_public_reports(QueryDict(urlencode({name: value})))
    return Selection(
        title=selection_title(str(place)), link=place.get_absolute_url(), reports=reports
    )


class LocalGovernmentReportFeed(ReportFeed):
    """/reports/feed/?municipality=<code> (or ?prefecture=NN), linked to the page."""

    def get_object(self, request, code):
        return local_government_selection(request, code)


@content_revision.conditional
def local_government_calendar(request, code):
    """/reports/calendar.ics with the page's filter."""
    selection = local_government_selection(request, code)
    return calendars.calendar_response(
        selection.title, calendars.calendar_events(selection.reports), request, f"{code}.ics"
    )
