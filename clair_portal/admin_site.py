"""The staff admin: Django's AdminSite with the portal's names and a guarded "view on site".

Django's "view on site" (/admin/r/<content type>/<id>/) redirects any staff
user to any object's public address: an office editor could turn another
office's draft ids into slugs. Here it answers only for objects the ModelAdmin
lets the user view, and exactly as for a missing object (404) otherwise.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm


class PortalAdminSite(admin.AdminSite):
    site_header = _("CLAIR 活動報告ポータル 管理")
    site_title = _("CLAIR 活動報告ポータル 管理")
    index_title = _("活動報告の入力と公開")
    login_form = AdminLoginForm
    # The sidebar repeats the index's list of models and took 280 px of a laptop's
    # 1280: the report list and the inline tables need that width more.
    enable_nav_sidebar = False

    def get_urls(self):
        guarded = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        others = super().get_urls()
        return [guarded, *(url for url in others if getattr(url, "name", None) != "view_on_site")]

    def view_on_site(self, request, content_type_id, object_id):
        kind = ContentType.objects.filter(pk=content_type_id).first()
        model_admin = self._registry.get(kind.model_class()) if kind else None
        if model_admin is None:
            raise Http404
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404
        target = model_admin.get_view_on_site_url(obj)
        if not target or target == request.path:  # Django's own link to this view
            if not hasattr(obj, "get_absolute_url"):
                raise Http404
            target = request.build_absolute_uri(obj.get_absolute_url())
        return HttpResponseRedirect(target)
