import secrets

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from clair_portal.admin_mixins import SuperuserOnlyEditMixin, TamperedRequestMixin, is_id

from . import linking, photos, publishing, roles, slugs
from .admin_forms import (
    HQ_ONLY_FIELDS,
    DateInput,
    PhotoForm,
    PhotoInlineFormSet,
    PhotoUploadField,
    ReportAdminForm,
    RowLabelledFormSet,
    error_summary,
)
from .admin_history import ReportHistoryContext
from .exporting import staff_csv_response
from .models import Event, Participant, Photo, Report, SlugRedirect, Theme


@admin.register(Theme)
class ThemeAdmin(SuperuserOnlyEditMixin, admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "slug", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["name_ja", "name_en", "slug"]


class EventInline(admin.TabularInline):
    model = Event
    formset = RowLabelledFormSet
    formfield_overrides = {models.DateField: {"widget": DateInput}}
    extra = 0
    fields = ["start_date", "end_date", "venue", "city", "country", "format"]


class ParticipantInline(admin.TabularInline):
    model = Participant
    formset = RowLabelledFormSet
    extra = 0
    fields = ["name", "country", "municipalities", "people", "qualifier", "position"]


class PhotoInline(admin.StackedInline):
    model = Photo
    form = PhotoForm
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
        return format_html('<img src="{}" alt="{}" width="240">', obj.thumb_url, obj.alt_text)


@admin.register(Report)
class ReportAdmin(TamperedRequestMixin, SimpleHistoryAdmin):
    """Office editors reach only their offices' reports, by every admin URL, and
    change a published report only through an edition; publishing and withdrawing
    are for HQ editors (see reports/roles.py and reports/publishing.py)."""

    form = ReportAdminForm
    inlines = [EventInline, ParticipantInline, PhotoInline]
    list_display = [
        "title",
        "office",
        "first_date",
        "status",
        "published_at",
        "theme_list",
        "edition_note",
    ]
    list_filter = [
        "status",
        ("office", admin.RelatedOnlyFieldListFilter),
        "themes",
        "fiscal_year",
    ]
    actions = ["submit_for_review", "publish", "withdraw", "link_local_governments", "download_csv"]
    object_history_list_template = "admin/reports/report/object_history_list.html"
    object_history_form_template = "admin/reports/report/object_history_form.html"
    list_select_related = ["office", "edition_of"]
    search_fields = ["title", "title_en", "body", "summary"]
    date_hierarchy = "first_date"
    autocomplete_fields = ["local_governments", "partners"]

    class Media:
        js = ["js/admin-autocomplete-a11y.js"]

    readonly_fields = [
        "suggested_local_governments",
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
        (
            _("参加した自治体"),
            {"fields": ["local_governments", "partners", "suggested_local_governments"]},
        ),
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if roles.may_publish(request.user):
            return fieldsets
        # The address, the publication time and the import key are HQ's: an office
        # editor never chooses them, so no "already exists" answer can tell them
        # about another office's report either.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in HQ_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("display_order")))
        )
        return roles.reports_for(request.user, queryset)

    # Another office's report answers exactly as a missing one does (Django's
    # "does not exist" redirect, or a 404), so ids cannot be probed.

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history looks its ids up as they come: text that is not a
        # number raised ValueError (a 500). Another office's report was a 403.
        if not is_id(object_id) or not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Old versions are for reading: restoring one would skip the inlines and the
        # publishing checks, so an editor copies what they need into the report instead.
        if request.method == "POST":
            raise PermissionDenied
        if not (is_id(object_id) and is_id(version_id)):
            raise Http404
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReportHistoryContext(self.model, historical_record)

    def get_deleted_objects(self, objs, request):
        # Deleting a report lists its rows in Django's table linking reports and
        # themes too, named in English ("Report_themes object (1)"); the themes stay.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [
            Report.themes.through._meta,
            Report.local_governments.through._meta,
            Report.partners.through._meta,
        ]
        hidden = tuple(f"{capfirst(meta.verbose_name)}: " for meta in links)

        def without_links(items):
            return [
                without_links(item) if isinstance(item, list) else item
                for item in items
                if isinstance(item, list) or not str(item).startswith(hidden)
            ]

        for meta in links:
            counts.pop(meta.verbose_name_plural, None)
        return without_links(deleted), counts, perms_needed, protected

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if adminform is not None and adminform.form.is_bound:
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            context["error_summary"] = error_summary(adminform.form, formsets)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            offices = roles.offices_of(request.user)
            kwargs["queryset"] = offices
            if len(offices) == 1:
                # An editor of one office has nothing to choose: no empty choice,
                # their office chosen already.
                kwargs["empty_label"] = None
                kwargs["initial"] = offices[0].pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or roles.may_work_on(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return (
            allowed
            and roles.may_work_on(request.user, obj)
            and roles.may_edit_in_place(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return roles.may_delete(request.user, obj)

    def has_publish_permission(self, request):
        return roles.may_publish(request.user)

    def get_view_on_site_url(self, obj=None):
        # Reports that are not public have no public page: "view on site" shows the preview.
        if obj is not None and not obj.is_public:
            return reverse("admin:reports_report_preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="reports_report_preview",
            ),
            path(
                "<path:object_id>/edition/",
                self.admin_site.admin_view(self.edition_view),
                name="reports_report_edition",
            ),
        ]
        return [*own, *super().get_urls()]

    def preview_view(self, request, object_id):
        """The report on its public template, marked as a preview, for staff only."""
        report = self.get_object(request, unquote(object_id))
        if report is None or not self.has_view_permission(request, report):
            raise Http404
        report = Report.objects.with_detail_data().get(pk=report.pk)
        context = {"report": report, "object": report, "preview": True, "related_reports": []}
        response = TemplateResponse(request, "reports/report_detail.html", context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response

    def edition_view(self, request, object_id):
        """POST: make (or open) the edition of a published report, to change it through review."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = self.get_object(request, unquote(object_id))
        if report is None or not self.has_view_permission(request, report):
            raise Http404
        if report.is_edition or report.status in publishing.EDITOR_STATUSES:
            raise Http404  # drafts and reports under review are changed in place
        edition = publishing.edition_create(report=report, user=request.user)
        self.message_user(
            request,
            _(
                "修正版を開きました。修正して「確認待ち」にすると、本部が確認して公開します。"
                "それまで公開中の報告はそのままです。"
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:reports_report_change", args=[edition.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        report = self.get_object(request, unquote(object_id)) if is_id(object_id) else None
        if (
            report is not None
            and not report.is_edition
            and report.status not in (publishing.EDITOR_STATUSES)
        ):
            extra_context["open_edition"] = report.editions.first()
            extra_context["edition_url"] = reverse("admin:reports_report_edition", args=[report.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("修正版"))
    def edition_note(self, obj):
        if obj.edition_of is None:
            return ""
        return _("「%(title)s」の修正版") % {"title": obj.edition_of.title}

    def _move(self, request, reports, move, done: str) -> int:
        """Apply a publishing move to each report the user may work on; say how many."""
        moved = 0
        for report in reports:
            if roles.may_work_on(request.user, report):
                move(report=report, user=request.user)
                moved += 1
        self.message_user(request, done % {"count": moved})
        return moved

    @admin.action(description=_("選んだ報告を確認待ちにする"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._move(
            request,
            queryset.filter(status=Report.Status.DRAFT),
            publishing.report_submit,
            _("%(count)d 件を確認待ちにしました。"),
        )

    @admin.action(description=_("選んだ報告を公開する"), permissions=["publish"])
    def publish(self, request, queryset):
        ready = []
        for report in queryset.exclude(status=Report.Status.PUBLISHED).prefetch_related("photos"):
            problems = publishing.publication_problems(report)
            if problems:
                self.message_user(
                    request,
                    _("「%(title)s」は公開できません: %(problems)s")
                    % {"title": report.title, "problems": " ".join(map(str, problems))},
                    messages.ERROR,
                )
            else:
                ready.append(report)
        self._move(request, ready, publishing.report_publish, _("%(count)d 件を公開しました。"))

    @admin.action(description=_("選んだ報告の公開を停止する"), permissions=["publish"])
    def withdraw(self, request, queryset):
        self._move(
            request,
            queryset.filter(status=Report.Status.PUBLISHED),
            publishing.report_withdraw,
            _("%(count)d 件の公開を停止しました。"),
        )

    @admin.action(description=_("選んだ報告を本文中の自治体に結び付ける"), permissions=["change"])
    def link_local_governments(self, request, queryset):
        results = list(
            linking.link_reports(queryset.prefetch_related("participants", "events"), relink=True)
        )
        added = sum(len(r.local_governments) + len(r.partners) for r in results)
        self.message_user(
            request,
            _("%(count)d 件の自治体を結び付けました。") % {"count": added},
            messages.SUCCESS,
        )
        for result in results:
            for name in result.ambiguous:
                self.message_user(
                    request,
                    _("「%(title)s」の「%(name)s」は %(candidates)s のどれか分かりません。")
                    % {
                        "title": result.report.title,
                        "name": name.name,
                        "candidates": "、".join(place.label for place in name.candidates),
                    },
                    messages.WARNING,
                )

    @admin.display(description=_("本文から見つかった自治体"))
    def suggested_local_governments(self, obj):
        if obj is None or obj.pk is None:
            return _("保存すると、本文などに書かれた自治体をここに表示します。")
        found = linking.suggestions_for(obj)
        linked = set(obj.local_governments.values_list("pk", flat=True))
        lines = [
            format_html(
                "{}（{}）{}",
                f.place.label,
                f.place.code,
                _("・結び付け済み") if f.place.code in linked else "",
            )
            for f in found.local_governments
        ]
        lines += [format_html("{}", f.partner.name) for f in found.partners]
        lines += [
            format_html(
                "{}",
                _("「%(name)s」は %(candidates)s のどれか（都道府県名が書かれていません）")
                % {
                    "name": a.name,
                    "candidates": "、".join(f"{p.label}（{p.code}）" for p in a.candidates),
                },
            )
            for a in found.ambiguous
        ]
        if not lines:
            return _("見つかりませんでした。")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines))
        )

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
        if not obj.slug:
            # A placeholder until the events are saved: the real slug takes their year.
            obj.slug = f"new-{secrets.token_hex(8)}"
            form.slug_pending = True
        if form.publishing_now:
            # Published once everything is saved (save_related), by reports.publishing.
            obj.status = form.initial.get("status") or Report.Status.DRAFT
            if obj.status == Report.Status.PUBLISHED or obj.is_edition:
                obj.status = Report.Status.REVIEW
        old_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        if old_slug and old_slug != obj.slug and obj.published_at is not None:
            # A published report's old address keeps working: a permanent redirect.
            SlugRedirect.objects.filter(old_slug=obj.slug).delete()
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"report": obj})
            self.message_user(
                request,
                _("URL を変更しました。旧 URL（%(old)s）は新しい URL へ転送されます。")
                % {"old": old_slug},
                messages.WARNING,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Photo:
            return super().save_formset(request, form, formset, change)
        # Photo files are written and removed by reports.photos, not by save().
        formset.save(commit=False)
        for photo in formset.deleted_objects:
            photos.photo_delete(photo=photo)
        for photo_form in formset.forms:
            photo = photo_form.instance
            if photo_form.processed is not None and photo_form not in formset.deleted_forms:
                photos.photo_store(photo=photo, processed=photo_form.processed)
            elif photo_form.has_changed() and photo_form not in formset.deleted_forms:
                photo.save()

    def delete_model(self, request, obj):
        photos.reports_delete(reports=Report.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        photos.reports_delete(reports=queryset)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report = form.instance
        # Events and participants are saved now; the derived columns follow them.
        report.refresh_derived_fields(save=True)
        if getattr(form, "slug_pending", False):
            year = report.first_date.year if report.first_date else report.fiscal_year
            report.slug = slugs.unique_slug(
                title=report.title,
                title_en=report.title_en,
                office_code=report.office.code,
                year=year or timezone.localdate().year,
                exclude_pk=report.pk,
            )
            Report.objects.filter(pk=report.pk).update(slug=report.slug)
        if form.publishing_now:
            publishing.report_publish(
                report=report, user=request.user, at=form.chosen_publication_time
            )

    def response_change(self, request, obj):
        if obj.is_edition and not Report.objects.filter(pk=obj.pk).exists():
            # The edition was published into its live report, and is gone.
            live = obj.edition_of
            self.message_user(
                request,
                _("修正版を「%(title)s」に反映して公開しました。") % {"title": live.title},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:reports_report_change", args=[live.pk]))
        return super().response_change(request, obj)
