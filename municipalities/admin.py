from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# The project's guard against tampered admin requests (NUL characters in a filter,
# ids that are not ids); it lives with the reports admin until the shared admin
# pieces get a module of their own.
from clair_portal.admin_mixins import TamperedRequestMixin

from .models import LocalGovernment, Partner


class PrefectureFilter(admin.SimpleListFilter):
    """The 47 prefectures, not every row the self-referencing key could point at."""

    title = _("都道府県")
    parameter_name = "prefecture"

    def lookups(self, request, model_admin):
        return [(row.code, row.name) for row in LocalGovernment.objects.prefectures()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(prefecture_id=self.value())
        return queryset


@admin.register(LocalGovernment)
class LocalGovernmentAdmin(TamperedRequestMixin, admin.ModelAdmin):
    """Reference data: read-only for everyone, searchable by name, reading and code.

    The search is what a report's autocomplete_fields will call: every term,
    folded like the site's search (katakana or hiragana, full- or half-width),
    must occur in the name, reading, code or prefecture; the label shows the
    prefecture, so the three 美郷町 can be told apart.
    """

    list_display = ["code", "name", "reading", "prefecture_label", "kind", "status"]
    list_filter = [PrefectureFilter, "kind", "status"]
    search_fields = ["search_text"]  # the autocomplete needs one; get_search_results does the work
    search_help_text = _(
        "名称・よみ（ひらがな・カタカナ）・団体コードで検索できます。例: みさとちょう"
    )
    list_per_page = 100
    ordering = ["code"]
    fields = [
        "code",
        "name",
        "reading",
        "kind",
        "prefecture",
        "latitude",
        "longitude",
        "status",
        "abolished_on",
        "successor",
        "note",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("prefecture")

    def get_search_results(self, request, queryset, search_term):
        # Unlike the admin's own search, folds each term as the stored text was folded
        # (LocalGovernmentQuerySet.matching). The autocomplete keeps its order; the
        # change list sorts by its own columns.
        return queryset.matching(search_term), False

    @admin.display(description=_("都道府県"), ordering="prefecture__code")
    def prefecture_label(self, obj):
        return obj.prefecture.name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(TamperedRequestMixin, admin.ModelAdmin):
    """Partners abroad, kept by staff with the partner permissions (see migration 0003)."""

    list_display = ["name", "name_en", "country", "kind", "slug"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_en", "other_names", "slug"]
    prepopulated_fields = {"slug": ["country", "name_en"]}
    fields = ["name", "name_en", "country", "kind", "slug", "other_names"]
