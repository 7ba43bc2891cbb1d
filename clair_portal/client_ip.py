"""The address of the visitor, behind the proxies the deployment names (TRUSTED_PROXY_COUNT).

Behind a TLS proxy every request comes from the proxy's address, so the login
throttle (django-axes, AXES_CLIENT_IP_CALLABLE) would lock a user name out for
everyone after five wrong passwords from anywhere. Each trusted proxy appends the
address it received the request from to X-Forwarded-For; the visitor's address
is therefore the TRUSTED_PROXY_COUNT-th from the right. Entries further left are
whatever the client sent and are never believed.

Not django-ipware: its proxy count must match the header exactly, and a client
that sends its own X-Forwarded-For then gets the proxy's address (or none), which
is the shared lockout again.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # not through all the proxies: only the connection can be believed
    return forwarded[-count]
