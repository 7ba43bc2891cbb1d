from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import reference
from .models import Event, Participant, Photo, Report, Theme


class SuperuserOnlyEditMixin:
    """Reference data: staff may look, only superusers change.

    Changes clear this process's cache of reference data; other processes
    pick them up within reference.REFERENCE_TTL.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(reference.clear)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(reference.clear)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Theme)
class ThemeAdmin(SuperuserOnlyEditMixin, admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "slug", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["name_ja", "name_en", "slug"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["start_date", "end_date", "venue", "city", "country", "format"]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["name", "country", "municipalities", "people", "qualifier", "position"]


class PhotoInline(admin.StackedInline):
    model = Photo
    extra = 0
    fields = ["image", "preview", "caption", "alt_text", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("プレビュー"))
    def preview(self, obj):
        if not obj.pk or not obj.image:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="max-width:240px;height:auto">',
            obj.image.url,
            obj.alt_text,
        )


class ReportAdminForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = [
            "title",
            "slug",
            "office",
            "themes",
            "summary",
            "body",
            "status",
            "published_at",
            "source",
            "fiscal_year",
            "title_en",
            "summary_en",
            "external_id",
        ]
        widgets = {"themes": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        # Choosing 公開 without a time means "publish now".
        if cleaned.get("status") == Report.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
            self.instance.published_at = cleaned["published_at"]
        return cleaned


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    form = ReportAdminForm
    inlines = [EventInline, ParticipantInline, PhotoInline]
    list_display = ["title", "office", "first_date", "status", "published_at", "theme_list"]
    list_filter = ["status", "office", "themes", "fiscal_year"]
    list_select_related = ["office"]
    search_fields = ["title", "title_en", "body", "summary"]
    date_hierarchy = "first_date"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "first_date",
        "last_date",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    ]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "office", "themes", "summary", "body"]}),
        (_("公開"), {"fields": ["status", "published_at", "source", "fiscal_year"]}),
        (_("英語版（任意）"), {"classes": ["collapse"], "fields": ["title_en", "summary_en"]}),
        (
            _("記録"),
            {
                "classes": ["collapse"],
                "fields": [
                    "external_id",
                    "first_date",
                    "last_date",
                    "created_at",
                    "created_by",
                    "updated_at",
                    "updated_by",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("display_order")))
        )

    @admin.display(description=_("テーマ"))
    def theme_list(self, obj):
        return "、".join(theme.name for theme in obj.themes.all())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Events and participants are saved now; the derived columns follow them.
        form.instance.refresh_derived_fields(save=True)
