"""Report cards rendered once per content, not once per list.

A list page is rendered afresh after every change anywhere (reports/revision.py),
but a change touches one report: the other cards are the same as before. Rendering
twenty cards is most of a list page's cost, so each card is cached under a digest
of everything it shows. The key is the content itself, so a card is never stale
and needs no invalidation; a card that changed just gets a new key.
"""

import hashlib

from django import template
from django.core.cache import caches
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

CARD_TEMPLATE = "reports/_report_card.html"
# Cards change rarely; the cache's size, not time, bounds what is kept.
CARD_TTL = 24 * 3600


def card_key(report) -> str:
    """A digest of every value the card template shows, in the active language."""
    office = report.office
    photo = report.first_photo
    parts = (
        get_language(),
        report.pk,
        report.slug,
        report.title,
        report.title_en,
        report.summary,
        report.summary_en,
        report.first_date,
        report.last_date,
        report.fiscal_year,
        office.code,
        office.name,
        [(theme.slug, theme.name) for theme in report.themes.all()],
        photo and (photo.pk, photo.file_names(), photo.html_width, photo.html_height),
    )
    return "card:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@register.simple_tag(takes_context=True)
def report_card(context, report):
    """The card of `report`; on a search page, with the snippet of the words searched."""
    card = get_template(CARD_TEMPLATE)
    search_terms = context.get("search_terms")
    if search_terms:  # the snippet depends on the words, so it is not kept
        return card.render({"report": report, "search_terms": search_terms})
    cache = caches["cards"]
    key = card_key(report)
    html = cache.get(key)
    if html is None:
        html = card.render({"report": report})
        cache.set(key, str(html), CARD_TTL)
    return mark_safe(html)  # rendered by the template engine, auto-escaped
