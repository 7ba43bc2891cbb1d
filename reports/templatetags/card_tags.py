"""What a cached report card's key needs beyond the report itself (reports/cards.py)."""

from django import template

from reports import cards

register = template.Library()


@register.simple_tag
def card_cache_stamp() -> str:
    return cards.stamp()
