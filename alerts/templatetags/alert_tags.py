"""{% alert_offer %}: the link to sign up for alerts on a page's search.

    {% alert_offer request.GET %}                  the list page: its query string
    {% alert_offer office=office.code %}           an office's page
    {% alert_offer theme=theme.slug %}             a theme's page
    {% alert_offer municipality=government.code %} a municipality's (any list parameter)

Only a link: the pages that show it are cached and set no cookies; the form is
on the sign-up page, which normalises the search (alerts/saved_search.py).
"""

from django import template
from django.http import QueryDict
from django.urls import reverse

from alerts.saved_search import PRESENTATION_PARAMS

register = template.Library()


@register.inclusion_tag("alerts/_subscribe.html")
def alert_offer(params=None, **filters):
    query = params.copy() if params is not None else QueryDict(mutable=True)
    for name, value in filters.items():
        query[name] = value
    for name in PRESENTATION_PARAMS:
        query.pop(name, None)
    encoded = query.urlencode()
    return {"alert_url": reverse("alerts:subscribe") + (f"?{encoded}" if encoded else "")}
