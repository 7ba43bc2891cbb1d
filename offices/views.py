from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import ListView

from reports import content_revision, facets
from reports.models import Report
from reports.pagination import ForgivingPaginationMixin

from .models import Office


@method_decorator(content_revision.conditional, name="dispatch")
class OfficeListView(ListView):
    template_name = "offices/office_list.html"
    context_object_name = "offices"

    def get_queryset(self):
        return facets.offices_with_counts(self.request)


class OfficeDetailView(ForgivingPaginationMixin, ListView):
    """One office and its public reports."""

    template_name = "offices/office_detail.html"
    context_object_name = "reports"

    def get_queryset(self):
        self.office = get_object_or_404(Office, code=self.kwargs["code"])
        return Report.objects.published().for_office_ids([self.office.pk]).by_event_date()

    def get_context_data(self, **kwargs):
        return super().get_context_data(office=self.office, **kwargs)
