from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import reference, roles
from .exports import staff_csv_response
from .models import Event, Participant, Photo, Report, Theme

MAX_ID = 2**63 - 1  # the largest id a (big) integer column holds


def is_id(text: str) -> bool:
    """A database id as a URL or form holds it: ASCII digits only (int() takes "٣"
    and " 3"), and no larger than a column holds (SQLite raises OverflowError)."""
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


class TamperedRequestMixin:
    """Answers requests no admin page sends, that Django's admin took for a 500.

    - An empty ?_to_field= means the primary key, as no ?_to_field= does: Django
      skips its check of the parameter when it is empty, then looks the empty
      name up as a field (FieldDoesNotExist on the change and delete pages).
    - An action on rows that are not ids (_selected_action=abc) selects nothing:
      Django filters pk__in with them as they come (ValueError in every action).
    - A list address with a NUL character, or a date hierarchy past the calendar,
      is a wrong filter: the list with ?e=1, as Django answers other wrong filters.
    """

    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)

    def get_changelist_instance(self, request):
        # Django's choice filters (status) pass their parameter to the query
        # unchecked, and PostgreSQL answers a NUL character with an error, not a
        # miss. Such a list address is a wrong filter: the admin's answer to those
        # is the list with ?e=1.
        if any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
            raise IncorrectLookupParameters
        try:
            return super().get_changelist_instance(request)
        except OverflowError as exc:
            # The date hierarchy makes dates of ?first_date__year= (and __month,
            # __day) and the day after the range, catching only ValueError: a year
            # of -59181109403674, or December 9999 (its end is in year 10000).
            raise IncorrectLookupParameters(exc) from exc

    def response_action(self, request, queryset, *args, **kwargs):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_id(value) for value in selected):
            # Django's own message for an action without a selection.
            self.message_user(
                request,
                gettext(
                    "Items must be selected in order to perform actions on them. No items "
                    "have been changed."
                ),
                messages.WARNING,
            )
            return None  # back to the list, as Django does then
        return super().response_action(request, queryset, *args, **kwargs)


class SuperuserOnlyEditMixin(TamperedRequestMixin):
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


class PhotoInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The report's own form cannot see its photos; the check lives here.
        if self.instance.status != Report.Status.PUBLISHED:
            return
        kept = [
            form.instance
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]
        problems = Report.photo_problems(kept)
        if problems:
            raise forms.ValidationError([_("公開できません。"), *problems])


class PhotoUploadField(forms.FileField):
    """The photo's file input, offering only the formats the pipeline accepts.

    Not forms.ImageField: that one opens the file with Pillow first and answers a
    decompression bomb or a GIF with its generic "not an image". The model's
    validator (reports.images) reads it instead, with a message for each case.
    """

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": "image/jpeg,image/png,image/webp"}


class PhotoInline(admin.StackedInline):
    model = Photo
    formset = PhotoInlineFormSet
    extra = 0
    fields = ["image", "preview", "caption", "alt_text", "position"]
    readonly_fields = ["preview"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            kwargs["form_class"] = PhotoUploadField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("プレビュー"))
    def preview(self, obj):
        if not obj.pk or not obj.image:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="240">',
            (obj.thumb_jpeg or obj.image).url,
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

    # Set by ReportAdmin.get_form: what the editor may choose depends on who they are.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "office" in self.fields:
            self.fields["office"].queryset = roles.offices_of(self.user)
        if "status" in self.fields and not roles.may_publish(self.user):
            allowed = {*roles.EDITOR_STATUSES, self.instance.status}
            self.fields["status"].choices = [
                (value, label) for value, label in Report.Status.choices if value in allowed
            ]

    def clean_status(self):
        status = self.cleaned_data["status"]
        changing = status != self.instance.status or self.instance.pk is None
        if changing and status not in roles.EDITOR_STATUSES and not roles.may_publish(self.user):
            raise forms.ValidationError(_("公開と公開停止は本部の編集者が行います。"))
        return status

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Report.Status.PUBLISHED:
            # Choosing 公開 without a time means "publish now"; a future time schedules it.
            if not cleaned.get("published_at"):
                cleaned["published_at"] = timezone.now()
                self.instance.published_at = cleaned["published_at"]
            # Photos are checked by PhotoInlineFormSet, against the submitted photo forms.
            problems = self.instance.publication_problems(
                themes=cleaned.get("themes"), summary=cleaned.get("summary", ""), photos=[]
            )
            if problems:
                raise forms.ValidationError([_("公開できません。"), *problems])
        return cleaned


@admin.register(Report)
class ReportAdmin(TamperedRequestMixin, SimpleHistoryAdmin):
    """Office editors reach only their offices' reports, by every admin URL;
    publishing and withdrawing are for HQ editors (see reports/roles.py)."""

    form = ReportAdminForm
    inlines = [EventInline, ParticipantInline, PhotoInline]
    list_display = ["title", "office", "first_date", "status", "published_at", "theme_list"]
    list_filter = [
        "status",
        ("office", admin.RelatedOnlyFieldListFilter),
        "themes",
        "fiscal_year",
    ]
    actions = ["submit_for_review", "publish", "withdraw", "download_csv"]
    history_list_display = ["status", "published_at"]
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
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("display_order")))
        )
        return roles.reports_for(request.user, queryset)

    def get_object(self, request, object_id, from_field=None):
        from_field = from_field or None  # see TamperedRequestMixin
        report = super().get_object(request, object_id, from_field)
        if report is None and from_field is None:
            # Another office's report: say so plainly instead of "perhaps it was deleted".
            other = Report.objects.filter(pk=object_id).first() if object_id.isdigit() else None
            if other is not None:
                raise PermissionDenied
        return report

    # django-simple-history's views look up the ids of their URL as they come, so
    # text that is not a number raised ValueError (a 500): it is no report or version.

    def history_view(self, request, object_id, extra_context=None):
        if not is_id(object_id):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Old versions are for reading: restoring one would skip the inlines and the
        # publishing checks, so an editor copies what they need into the report instead.
        if request.method == "POST":
            raise PermissionDenied
        if not (is_id(object_id) and is_id(version_id)):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or roles.may_work_on(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.may_work_on(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return roles.may_delete(request.user, obj)

    def has_publish_permission(self, request):
        return roles.may_publish(request.user)

    def get_view_on_site_url(self, obj=None):
        # Unpublished reports have no public page yet: "view on site" shows the preview.
        if obj is not None and not obj.is_public:
            return reverse("admin:reports_report_preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="reports_report_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, object_id):
        """The report on its public template, marked as a preview, for staff only."""
        report = self.get_object(request, unquote(object_id))
        if report is None:
            raise Http404
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        report = Report.objects.with_detail_data().get(pk=report.pk)
        context = {"report": report, "object": report, "preview": True, "related_reports": []}
        response = TemplateResponse(request, "reports/report_detail.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=_("選んだ報告を確認待ちにする"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        submitted = 0
        for report in queryset.filter(status=Report.Status.DRAFT):
            report.change_status(Report.Status.REVIEW, user=request.user)
            submitted += 1
        self.message_user(request, _("%(count)d 件を確認待ちにしました。") % {"count": submitted})

    @admin.action(description=_("選んだ報告を公開する"), permissions=["publish"])
    def publish(self, request, queryset):
        published = 0
        for report in queryset.exclude(status=Report.Status.PUBLISHED).prefetch_related("photos"):
            problems = report.publication_problems()
            if problems:
                self.message_user(
                    request,
                    _("「%(title)s」は公開できません: %(problems)s")
                    % {"title": report.title, "problems": " ".join(map(str, problems))},
                    messages.ERROR,
                )
                continue
            report.change_status(Report.Status.PUBLISHED, user=request.user)
            published += 1
        self.message_user(request, _("%(count)d 件を公開しました。") % {"count": published})

    @admin.action(description=_("選んだ報告の公開を停止する"), permissions=["publish"])
    def withdraw(self, request, queryset):
        withdrawn = 0
        for report in queryset.filter(status=Report.Status.PUBLISHED):
            report.change_status(Report.Status.WITHDRAWN, user=request.user)
            withdrawn += 1
        self.message_user(request, _("%(count)d 件の公開を停止しました。") % {"count": withdrawn})

    @admin.action(description=_("選んだ報告を CSV でダウンロード"), permissions=["view"])
    def download_csv(self, request, queryset):
        return staff_csv_response(request, queryset)

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


# Django's own user and group admins get the same guard against tampered requests.
class UserAdmin(TamperedRequestMixin, auth_admin.UserAdmin):
    pass


class GroupAdmin(TamperedRequestMixin, auth_admin.GroupAdmin):
    pass


for model, model_admin in ((User, UserAdmin), (Group, GroupAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
