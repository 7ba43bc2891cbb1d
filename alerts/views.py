"""The pages of alerts: sign up, confirm, unsubscribe.

The list, office and theme pages only link here (alerts/templatetags): they are
cached per content revision and set no cookies, so the form with its CSRF token
is on a page of its own. Links in mail are followed by scanners too, so a GET
never changes anything: confirming and unsubscribing are POSTs of a button.
"""

from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clair_portal.client_ip import client_ip

from . import limits, saved_search, services
from .forms import AlertRequestForm


def _invalid_link(request):
    return render(request, "alerts/invalid_link.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        query = saved_search.normalise(request.GET)
        form = AlertRequestForm(initial={"query": query})
    else:
        if not limits.client_allowed(client_ip(request)):
            return render(request, "alerts/rate_limited.html", status=429)
        form = AlertRequestForm(request.POST)
        if form.is_valid():
            services.alert_request(**form.cleaned_data, language=get_language())
            return render(request, "alerts/check_mail.html")
        query = saved_search.normalise(QueryDict(request.POST.get("query", "")))
    return render(
        request,
        "alerts/subscribe.html",
        {"form": form, "title": saved_search.title(query), "query": query},
        status=400 if form.is_bound else 200,  # bound here means it had errors
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    alert = services.pending_alert(token)
    if alert is None:
        return _invalid_link(request)
    if request.method == "POST":
        alert = services.alert_confirm(alert=alert)
        template = "alerts/confirmed.html"
    else:
        template = "alerts/confirm.html"
    return render(request, template, {"alert": alert, "title": saved_search.title(alert.query)})


# RFC 8058: mail programs POST "List-Unsubscribe=One-Click" to the link with no
# cookie and no CSRF token. The token in the URL is what authenticates.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber = services.unsubscribing(token)
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "POST":
        services.subscriber_delete(subscriber=subscriber)
        return render(request, "alerts/unsubscribed.html")
    return render(request, "alerts/unsubscribe.html", {"email": subscriber.email})
