from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from reports.views import HomeView

admin.site.site_header = "CLAIR 活動報告ポータル 管理"
admin.site.site_title = "CLAIR 活動報告ポータル 管理"
admin.site.index_title = "活動報告の入力と公開"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
]

# Japanese at the bare URLs, English under /en/; never guessed from the browser.
urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("", include("reports.urls")),
    path("offices/", include("offices.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
