"""The portal's URLs plus its uploads, for the live server of the browser tests.

The test settings leave SERVE_MEDIA off (as production does: there the web server
serves /media/), yet the browser must load the photos.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from clair_portal.urls import urlpatterns as portal_urlpatterns


def media(request, path):
    # MEDIA_ROOT is a fresh folder in every test, so it is read per request.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    *portal_urlpatterns,
    re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", media),
]
