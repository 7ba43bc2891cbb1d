from django.contrib import admin
from django.core.exceptions import PermissionDenied

from clair_portal.admin_mixins import SuperuserOnlyEditMixin

from .models import Office

# Who edits which office: the superusers' business. Other staff read offices for
# what the public pages show; colleagues' user names are where guessing passwords starts.
EDITORS = "editors"


@admin.register(Office)
class OfficeAdmin(SuperuserOnlyEditMixin, admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "code", "kind", "city_ja", "country", "display_order"]
    list_filter = ["kind"]
    search_fields = ["name_ja", "name_en", "code"]
    ordering = ["display_order"]
    filter_horizontal = [EDITORS]

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        return exclude if request.user.is_superuser else [*exclude, EDITORS]

    def lookup_allowed(self, lookup, value, request):
        # ?editors=<id> would tell which office a user id edits.
        if lookup.split("__")[0] == EDITORS and not request.user.is_superuser:
            return False
        return super().lookup_allowed(lookup, value, request)

    @staticmethod
    def may_read_history(request) -> bool:
        # The change log names the superusers who assigned editors, and to what.
        return request.user.is_superuser

    def history_view(self, request, object_id, extra_context=None):
        if not self.may_read_history(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_read_history": self.may_read_history(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)
