from django.contrib import admin

from reports.admin import SuperuserOnlyEditMixin

from .models import Office


@admin.register(Office)
class OfficeAdmin(SuperuserOnlyEditMixin, admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "code", "kind", "city_ja", "country", "display_order"]
    list_filter = ["kind"]
    search_fields = ["name_ja", "name_en", "code"]
    ordering = ["display_order"]
    filter_horizontal = ["editors"]
