"""Pages of report lists: counted once per change, read an index walk at a time, capped.

A list (of a filter, an office, a theme, or the JSON export) is a Results: the
reports in the list's order, whose count comes from the cached counts and whose
pages Django's Paginator slices. A page reads its report ids first, then the rows
by id: the ordered query alone walks an index (on a deep page, past the rows it
skips without reading them), and the filters are not evaluated again on the
page's rows. A search page's ids come from its walk where that is short
(reports/search.py). Page n costs an index walk past (n - 1) × 20 rows, so lists
stop at settings.LIST_settings.LIST_MAX_PAGES (500: page 500 costs 1.1-1.2 times page 1,
docs/performance.md) and say how to narrow them instead.
"""

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from . import cards, content_revision, facets, selection
from .models import Report
from .search import Walk
from .selection import Selection

PAGE_SIZE = 20


class Results:
    """The reports of a list in its order, for Django's Paginator: count() and slices.

    `queryset` is ordered; `count` is known (cached); `walk`, for a search, lets a
    page be read by walking the list instead of ranking every match. With
    `cached_cards`, a page is for a list of cards: each report whose card the card
    cache holds carries it as `cached_card`, and only the others are read with their
    office, themes and photos (reports/cards.py).
    """

    def __init__(
        self, queryset, *, count: int, walk: Walk | None = None, cached_cards: bool = False
    ):
        self.queryset, self._count, self.walk = queryset, count, walk
        self.cached_cards = cached_cards

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list:
        bottom, top = index.start or 0, index.stop
        ids = None
        if self.walk is not None:
            ids = self.walk.page_ids(tuple(self.queryset.query.order_by), bottom, top)
        if ids is None:
            ids = list(self.queryset.values_list("pk", flat=True)[bottom:top])
        return cards.page(ids, cached_cards=self.cached_cards)


def list_results(chosen: Selection, queryset, *, request=None, as_cards=False) -> Results:
    """The Results of a filtered list of public reports: `queryset` is the filtered,
    ordered list (ReportFilter.qs), `chosen` its Selection, counted once per revision.
    With `as_cards`, a page shown as cards takes those the card cache holds (cards.page)."""
    found = facets.counts(chosen, request=request)
    walk = None
    if chosen.is_search:
        others = selection.apply(Report.objects.published(), chosen.without("terms"))
        walk = found.walk(others, chosen.terms)
    return Results(
        queryset, count=found.total, walk=walk, cached_cards=as_cards and not chosen.is_search
    )


class CappedPaginator(Paginator):
    """Pages of a list served up to settings.LIST_MAX_PAGES."""

    @property
    def last_reachable(self) -> int:
        return min(self.num_pages, settings.LIST_MAX_PAGES)

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)


class CappedPage(Page):
    def has_next(self) -> bool:
        return self.number < self.paginator.last_reachable

    @property
    def capped(self) -> bool:
        """The list has pages past settings.LIST_MAX_PAGES, which are not served."""
        return self.paginator.num_pages > settings.LIST_MAX_PAGES


class ForgivingPaginationMixin:
    """For the list views: a page parameter that is not a positive number shows page 1
    with a message; a page past the end shows the last page with a message (the
    list may have shrunk since the link was made); a page past settings.LIST_MAX_PAGES shows the
    last one served, with a message.

    Lists are public pages: they answer conditional requests (content_revision.py).
    get_queryset() returns the ordered QuerySet; results() turns it into Results.
    """

    paginate_by = PAGE_SIZE
    paginator_class = CappedPaginator

    @method_decorator(content_revision.conditional)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def results(self, queryset) -> Results:
        """The list's Results; by default counted once per content revision."""
        key = (type(self).__name__, sorted(self.kwargs.items()))
        count = content_revision.cached(self.request, "list-count", key, queryset.count)
        return Results(queryset, count=count, cached_cards=True)

    def paginate_queryset(self, queryset, page_size):
        raw = self.request.GET.get(self.page_kwarg, "")
        if raw and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            self.page_error = _(
                "ページ番号「%(page)s」は正しくないため、1 ページ目を表示しています。"
            ) % {"page": raw[:20]}
            raw = "1"
        paginator = self.get_paginator(
            self.results(queryset), page_size, allow_empty_first_page=True
        )
        number = int(raw or 1)
        if settings.LIST_MAX_PAGES < number <= paginator.num_pages:
            self.page_error = _(
                "表示できるのは %(max)s ページ目までです。条件で絞り込むか、並び順を変えてください。"
            ) % {"max": settings.LIST_MAX_PAGES}
            number = settings.LIST_MAX_PAGES
        last = max(1, min(paginator.num_pages, settings.LIST_MAX_PAGES))
        if number > last:
            self.page_error = _(
                "%(page)s ページ目はありません。最後の %(last)s ページ目を表示しています。"
            ) % {"page": f"{number:,}", "last": last}
            number = last
        try:
            page = paginator.page(number)
        except InvalidPage:
            raise Http404(_("このページはありません。")) from None
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_error"] = getattr(self, "page_error", "")
        page = context.get("page_obj")
        # For the <title>: each page of a list is a page of its own to a reader.
        context["page_suffix"] = (
            _("（%(number)s ページ目）") % {"number": page.number}
            if page is not None and page.number > 1
            else ""
        )
        return context
