"""iCalendar files for any filtered list of reports, and for one report.

They take the parameters of /reports/ (through reports/feeds.py's selections), so
a calendar holds the events of exactly the reports of the list with the same
query string; invalid parameters are ignored the same way. Streamed one VEVENT
at a time; each event is all day, its end exclusive, its UID stable.
"""

import datetime

import icalendar
from django.db.models import QuerySet
from django.http import Http404, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation

from . import content_revision
from .feeds import list_selection, selection_title
from .models import Event, Report

CHUNK_SIZE = 500

CALENDAR_END = b"END:VCALENDAR\r\n"


def calendar_events(reports: QuerySet) -> QuerySet:
    """Every event of the given reports, with what a VEVENT shows, by date."""
    return (
        Event.objects.filter(report__in=reports.order_by().values("pk"))
        .select_related("report__office")
        .prefetch_related("report__themes")
        .order_by("start_date", "end_date", "pk")
    )


def vevent(event: Event, request) -> icalendar.Event:
    """One all-day VEVENT; DTEND is exclusive, so the day after the last day."""
    report = event.report
    url = request.build_absolute_uri(report.get_absolute_url())
    component = icalendar.Event()
    component.add("uid", f"event-{event.pk}@clair-portal")
    component.add("dtstamp", report.updated_at)
    component.add("dtstart", event.start_date)
    component.add("dtend", event.end_date + datetime.timedelta(days=1))
    component.add("summary", report.display_title)
    location = ", ".join(part for part in (event.venue, event.city, event.country) if part)
    if location:
        component.add("location", location)
    component.add("categories", [report.office.name, *(t.name for t in report.themes.all())])
    component.add("url", url)
    component.add("description", f"{report.display_summary}\n\n{url}")
    return component


def calendar_chunks(name: str, events: QuerySet, request, language: str):
    """The calendar, one VEVENT at a time, so a large one is never held in memory."""
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//CLAIR//CLAIR exchange portal//JA")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", name)
        head = calendar.to_ical()
        yield head.removesuffix(CALENDAR_END)
        for event in events.iterator(chunk_size=CHUNK_SIZE):
            yield vevent(event, request).to_ical()
        yield CALENDAR_END


def calendar_response(name: str, events: QuerySet, request, filename: str):
    response = StreamingHttpResponse(
        calendar_chunks(name, events, request, translation.get_language()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # A report's calendar has no fixed prefix for robots.txt to name: crawlers
    # that ignore its wildcard still leave it out of search results.
    response["X-Robots-Tag"] = "noindex"
    return response


@content_revision.conditional
def list_calendar(request):
    """/reports/calendar.ics: the events of the reports of /reports/ with the same parameters."""
    selection = list_selection(request)
    return calendar_response(
        selection.title, calendar_events(selection.reports), request, "reports.ics"
    )


@content_revision.conditional
def report_calendar(request, slug):
    """/reports/<slug>/calendar.ics: the events of one public report."""
    report = Report.objects.published().filter(slug=slug).first()
    if report is None:
        moved = Report.objects.published().filter(old_slugs__old_slug=slug).first()
        if moved is None:
            raise Http404
        return HttpResponsePermanentRedirect(
            reverse("reports:report_calendar", kwargs={"slug": moved.slug})
        )
    return calendar_response(
        selection_title(report.display_title),
        calendar_events(Report.objects.filter(pk=report.pk)),
        request,
        f"report-{report.pk}.ics",
    )
