"""The public pages of local governments: the directory, a local government's page,
a partner's page, and the map of any filtered list of reports.

Thin, like the office and theme pages: the counting is municipalities/activity.py,
the reports of a filter are reports.filters.filtered_public_reports, the map is
municipalities/maps.py; every page answers conditional requests (content_revision).
"""

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from reports import content_revision, facets, reference
from reports.feeds import list_query
from reports.filters import filtered_public_reports
from reports.pagination import ForgivingPaginationMixin
from reports.selection import Selection

from . import activity
from .codes import prefecture_name
from .forms import LocalGovernmentSearchForm
from .models import LocalGovernment, Partner
from .presentation import (
    detail_url_for,
    filtered_map,
    japan_map,
    json_ld,
    localised_prefecture,
    names_lang,
    plain_label,
    table_rows,
)


@method_decorator(content_revision.conditional, name="dispatch")
class DirectoryView(TemplateView):
    """/municipalities/: the local governments that took part in public reports, by
    prefecture, with the map; the search box finds any local government."""

    template_name = "municipalities/directory.html"

    def get_context_data(self, **kwargs):
        form = LocalGovernmentSearchForm(self.request.GET or None)
        query = form.cleaned_data["q"].strip() if form.is_valid() else ""
        results = None
        if query:
            results = activity.with_counts(
                LocalGovernment.objects.matching(query), request=self.request
            )
        own = activity.counted_local_governments(Selection(), request=self.request)
        totals = activity.counted_prefectures(Selection(), request=self.request)
        rendered = japan_map(
            prefecture_counts=totals,
            dots=activity.municipality_dots(own),
            url_for=detail_url_for(),
            title=_("活動報告に参加した自治体の地図"),
            description=_(
                "都道府県の色は、その都道府県とその市区町村が参加した活動報告の件数を表します。"
                "円は参加した市区町村です。同じ数字を地図の横の表にも示しています。"
            ),
        )
        return super().get_context_data(
            form=form,
            names_lang=names_lang(),
            query=query,
            results=results,
            directory=[
                (entry, localised_prefecture(entry.prefecture.code))
                for entry in activity.directory(own, totals)
            ],
            japan_map=rendered,
            map_rows=table_rows(rendered),
            **kwargs,
        )


class LocalGovernmentDetailView(ForgivingPaginationMixin, ListView):
    """A prefecture or municipality and its public reports (a prefecture's include its
    municipalities'), who it worked with abroad, and its themes and years."""

    template_name = "municipalities/local_government_detail.html"
    context_object_name = "reports"

    def get_queryset(self):
        self.place = get_object_or_404(
            LocalGovernment.objects.select_related("prefecture", "successor"),
            code=self.kwargs["code"],
        )
        return activity.reports_involving(self.place).by_event_date()

    def get_context_data(self, **kwargs):
        place = self.place
        name, value = place.report_filter
        # The counts of the list page's facets for the same filter, cached per revision.
        chosen = (
            Selection.of(prefectures=[value])
            if place.is_prefecture
            else Selection.of(municipalities=[value])
        )
        found = facets.counts(chosen, request=self.request)
        themes = [
            (theme, found.theme[theme.slug])
            for theme in reference.themes()
            if found.theme.get(theme.slug)
        ]
        years = sorted(found.fy.items(), reverse=True)
        return super().get_context_data(
            place=place,
            names_lang=names_lang(),
            page_title=plain_label(place),
            prefecture_label=localised_prefecture(place.code),
            filter_query=urlencode({name: value}),
            partners=activity.partners_of(activity.reports_involving(place)),
            themes_with_counts=themes,
            years_with_counts=years,
            structured_data=json_ld(
                {
                    "@context": "https://schema.org",
                    "@type": "GovernmentOrganization",
                    "name": place.name,
                    "alternateName": str(place),
                    "identifier": place.code,
                    "address": {
                        "@type": "PostalAddress",
                        "addressRegion": prefecture_name(place.code),
                        "addressCountry": "JP",
                    },
                    "url": self.request.build_absolute_uri(place.get_absolute_url()),
                }
            ),
            **kwargs,
        )


class PartnerDetailView(ForgivingPaginationMixin, ListView):
    """A local government or region abroad, the Japanese local governments it worked
    with (through shared reports) and its public reports."""

    template_name = "municipalities/partner_detail.html"
    context_object_name = "reports"

    def get_queryset(self):
        self.partner = get_object_or_404(Partner, slug=self.kwargs["slug"])
        return activity.reports_with_partner(self.partner).by_event_date()

    def get_context_data(self, **kwargs):
        partner = self.partner
        return super().get_context_data(
            partner=partner,
            names_lang=names_lang(),
            local_governments=activity.local_governments_of(activity.reports_with_partner(partner)),
            structured_data=json_ld(
                {
                    "@context": "https://schema.org",
                    "@type": "GovernmentOrganization",
                    "name": partner.name_en,
                    "alternateName": partner.name,
                    "address": {"@type": "PostalAddress", "addressCountry": partner.country},
                    "url": self.request.build_absolute_uri(partner.get_absolute_url()),
                }
            ),
            **kwargs,
        )


def partner_by_id(request, pk):
    """/partners/<id>/: the partner's page has its slug in the address."""
    return HttpResponsePermanentRedirect(get_object_or_404(Partner, pk=pk).get_absolute_url())


@method_decorator(content_revision.conditional, name="dispatch")
class ReportMapView(TemplateView):
    """/reports/map/: the map of the reports of /reports/ with the same parameters."""

    template_name = "municipalities/report_map.html"

    def get_context_data(self, **kwargs):
        filterset, reports = filtered_public_reports(self.request.GET, request=self.request)
        list_url = reverse("reports:list") + list_query(self.request.GET)
        scope = filterset.scope()
        rendered = filtered_map(
            self.request.GET,
            reports,
            scope=scope,
            selection=filterset.selection,
            request=self.request,
        )
        return super().get_context_data(
            filter=filterset,
            names_lang=names_lang(),
            scope=scope,
            list_url=list_url,
            active_filters=filterset.active_filters(),
            japan_map=rendered,
            map_rows=table_rows(rendered),
            **kwargs,
        )
