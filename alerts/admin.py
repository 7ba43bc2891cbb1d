"""Alerts in the admin: counts for staff, addresses for superusers only.

Staff see how many alerts there are, by frequency and by search, and nothing
that names or singles out a subscriber: no addresses, no rows, no filters or
searches that could narrow the counts down to one person. Superusers (abuse
handling) see the addresses, the alerts and may delete them.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import saved_search
from .models import Alert, Subscriber


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("確認")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("確認済み")), ("no", _("確認待ち"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.confirmed()
        if self.value() == "no":
            return queryset.unconfirmed()
        return queryset


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["subscriber", "search", "frequency", "language", "confirmed_at", "sent_until"]
    list_filter = ["frequency", "language", ConfirmedFilter]
    list_select_related = ["subscriber"]
    readonly_fields = ["search"]

    @admin.display(description=_("検索条件"))
    def search(self, alert):
        return saved_search.in_words(alert.query)

    # Every staff member may see the counts; only superusers any alert itself.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return request.user.is_superuser
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False  # alerts are made by their subscribers, confirmed by mail

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if request.user.is_superuser else [f for f in shown if f != "subscriber"]

    def get_search_fields(self, request):
        return ["subscriber__email"] if request.user.is_superuser else []

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else []

    def lookup_allowed(self, lookup, value, request):
        # Staff get the overall counts only: no parameter may narrow them.
        return request.user.is_superuser and super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        alerts = Alert.objects.all()
        by_query = alerts.counts_by_query()
        for row in by_query:
            row["search"] = saved_search.in_words(row["query"])
        frequencies = dict(Alert.Frequency.choices)
        by_frequency = alerts.counts_by_frequency()
        for row in by_frequency:
            row["label"] = frequencies.get(row["frequency"], row["frequency"])
        extra_context = {
            **(extra_context or {}),
            "by_frequency": by_frequency,
            "by_query": by_query,
            "may_see_addresses": request.user.is_superuser,
        }
        return super().changelist_view(request, extra_context)


class AlertInline(admin.TabularInline):
    model = Alert
    fields = ["search", "frequency", "language", "confirmed_at", "sent_until"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("検索条件"))
    def search(self, alert):
        return saved_search.in_words(alert.query)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Addresses: superusers only, to handle abuse (deleting one unsubscribes it)."""

    list_display = ["email", "alert_count", "created_at"]
    search_fields = ["email"]
    fields = ["email", "created_at"]
    readonly_fields = ["email", "created_at"]
    inlines = [AlertInline]

    @admin.display(description=_("新着メールの数"))
    def alert_count(self, subscriber):
        return subscriber.alerts.count()

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
