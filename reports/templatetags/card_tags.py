"""What a cached report card's key needs beyond the report itself.

Report cards are cached with Django's {% cache %} (templates/reports/_report_list.html)
under the report's id and last change, the language, and this stamp: the release of
the code (a new card template is a new release) and the names of the offices and
themes (reference data, which cards show). A change touches one report, so after it
the other cards of a list come from the cache: that saves 3-7 ms of a list page's
20-40 ms when it is rendered after a change (docs/performance.md).
"""

from django import template
from django.conf import settings

from reports import reference

register = template.Library()


@register.simple_tag
def card_cache_stamp() -> str:
    return f"{settings.RELEASE}:{reference.generation()}"
