"""Report cards: a page of a list, with the cards the card cache already holds.

Each card a list shows (title, summary, dates, office, themes, photo) is cached by
Django's {% cache %} (templates/reports/_report_list.html, the "cards" cache) under
the report's id and last change, the language and stamp(): the release of the code
(a new card template is a new release) and the names of the offices and themes
(reference data, which cards show). It is never stale and needs no invalidation.

A change touches one report, so the other cards of a page are in the cache. Building
the page's 20 reports with their office, themes and photos costs about 4 ms of CPU
(100,000 reports; docs/performance.md). page() reads the reports alone, takes the cards
the cache holds in one read, and fetches the office, themes and photos of only the
reports whose cards it lacks: 1.1 ms when it has them all.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.db.models import prefetch_related_objects
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import reference
from .models import Report

FRAGMENT = "report_card"  # the {% cache %} fragment's name in _report_list.html


def stamp() -> str:
    return f"{settings.RELEASE}:{reference.generation()}"


def key(pk, updated_at, language: str, stamp: str) -> str:
    """The key {% cache %} keeps the card under: the same values, in the same order."""
    return make_template_fragment_key(FRAGMENT, [pk, updated_at, stamp, language])


def page(ids: list[int], *, cached_cards: bool = True) -> list[Report]:
    """The reports of `ids`, in that order. With `cached_cards`, each whose card the
    card cache holds has it as `cached_card`, and only the others get their office,
    themes and photos. A search's cards show a snippet and are not kept."""
    if not cached_cards:
        rows = Report.objects.filter(pk__in=ids).with_list_data().in_bulk()
        return [rows[pk] for pk in ids if pk in rows]
    rows = Report.objects.filter(pk__in=ids).defer("search_text", "search_title").in_bulk()
    language, now = get_language(), stamp()
    keys = {pk: key(pk, report.updated_at, language, now) for pk, report in rows.items()}
    cards = caches["cards"].get_many(list(keys.values()))
    missing = []
    for pk, report in rows.items():
        if keys[pk] in cards:
            report.cached_card = mark_safe(cards[keys[pk]])  # rendered by our own template
        else:
            missing.append(report)
    # What with_list_data() fetches with the rows, for these alone.
    prefetch_related_objects(missing, "office", "themes", "photos")
    return [rows[pk] for pk in ids if pk in rows]
