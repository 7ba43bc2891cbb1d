"""How the admin's forms present themselves to staff.

- Every field of an inline row has a name that says which row and which column it
  is ("行事 2 の開始日"): a tabular inline shows its column names only in the
  table's header, which a screen reader's forms mode does not read, so axe-core
  found each field of the event and participant rows unlabelled (WCAG 1.3.1, 4.1.2).
- Event dates are typed in the browser's own date field. Django's calendar widget
  warns on every date field that times are in Asia/Tokyo when the browser's clock
  is elsewhere, but a date has no time zone: the warning misled every overseas office.
- When the form has errors, a list under Django's note at the top of the page
  names each one and links to its field (error_summary).
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import images, publishing, roles, slugs
from .models import Photo, Report


class DateInput(forms.DateInput):
    """The browser's date field (a keyboard-accessible picker in the staff's own
    language), which posts ISO dates whatever the browser shows."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RowLabelledFormSet(forms.BaseInlineFormSet):
    """An inline formset whose fields are named after their row and column.

    The template row that the admin's "add another" button copies (index None)
    is named for a new item: the script that copies it renumbers ids and names,
    not labels. `labelled_fields` narrows the naming to some fields, for a stacked
    inline whose other fields have visible labels of their own.
    """

    labelled_fields: frozenset[str] | None = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        item = self.model._meta.verbose_name
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            if self.labelled_fields is not None and name not in self.labelled_fields:
                continue
            field.widget.attrs["aria-label"] = row_field_label(item, index, field.label)


def row_field_label(item, index: int | None, field_label) -> str:
    """ "行事 2 の開始日": the field of an inline row, by its 0-based index (None for
    the row the admin's "add another" button copies)."""
    if index is None:
        return gettext("新しい%(item)sの%(field)s") % {"item": item, "field": field_label}
    return gettext("%(item)s %(number)d の%(field)s") % {
        "item": item,
        "number": index + 1,
        "field": field_label,
    }


@dataclass(frozen=True)
class Problem:
    """One error of an admin form: where it is, what it says, the id to link to."""

    label: str
    message: str
    anchor: str


def error_summary(form, formsets) -> list[Problem]:
    """Every error of a bound admin form and its inline formsets, field by field.

    Django's admin says only 「下記のエラーを修正してください。」 at the top and
    shows each error beside its field, which for a photo is thousands of pixels
    down the page. The change form lists these under that note, each linking to
    its field (or to its row, or its inline group, for errors that are not a
    field's). The form's own non-field errors are left out: Django shows them there.
    """
    problems = [
        Problem(str(form[name].label), str(message), _anchor(form[name]))
        for name, messages in form.errors.items()
        if name != NON_FIELD_ERRORS
        for message in messages
    ]
    for formset in formsets:
        item = formset.model._meta.verbose_name
        problems += [
            Problem(
                str(capfirst(formset.model._meta.verbose_name_plural)),
                str(message),
                f"{formset.prefix}-group",  # the inline group's id in the admin's templates
            )
            for message in formset.non_form_errors()
        ]
        for index, inline_form in enumerate(formset.forms):
            for name, messages in inline_form.errors.items():
                if name == NON_FIELD_ERRORS:
                    label = f"{item} {index + 1}"
                    anchor = f"{formset.prefix}-{index}"  # the row's id in the admin's templates
                else:
                    label = row_field_label(item, index, inline_form[name].label)
                    anchor = _anchor(inline_form[name])
                problems += [Problem(label, str(message), anchor) for message in messages]
    return problems


def _anchor(bound_field) -> str:
    # A group of checkboxes has no one element its label is for: its wrapper has the id.
    return bound_field.id_for_label or bound_field.auto_id or ""


# The report's forms ------------------------------------------------------------


class PhotoInlineFormSet(RowLabelledFormSet):
    """The photo forms of a report; at most settings.PHOTO_MAX_UPLOADS_PER_SAVE new files.

    Each new file is processed while the forms are checked (about a second for a
    large photo), so the number per save bounds how long one request can take.
    """

    # The file input sits in a fieldset whose legend Django gives it instead of a label.
    labelled_fields = frozenset({"image"})

    def new_uploads(self) -> int:
        names = [
            name
            for name in self.files
            if name.startswith(f"{self.prefix}-") and name.endswith("-image")
        ]
        return sum(1 for name in names if self.files.get(name))

    def full_clean(self):
        limit = settings.PHOTO_MAX_UPLOADS_PER_SAVE
        too_many = self.is_bound and self.new_uploads() > limit
        if too_many:
            for form in self.forms:
                form.process_upload = False
        super().full_clean()
        if too_many:
            self._non_form_errors.append(
                forms.ValidationError(
                    _(
                        "一度に追加・差し替えできる写真は %(limit)s 枚までです。"
                        "%(limit)s 枚ずつ保存してください。"
                    )
                    % {"limit": limit},
                    code="too_many_uploads",
                )
            )

    def clean(self):
        super().clean()
        # The report's own form cannot see its photos; the check lives here.
        if self.instance.status != Report.Status.PUBLISHED:
            return
        # Each photo's own alt text field says what is missing, so that the error
        # summary at the top of the page links to it (reports/admin_forms.py).
        for form in self.forms:
            if not (form.has_changed() or form.instance.pk):
                continue  # an empty extra form
            if self.can_delete and self._should_delete_form(form):
                continue
            if publishing.photo_problems([form.instance]):
                form.add_error("alt_text", _("公開する報告の写真には代替テキストが必要です。"))


class PhotoUploadField(forms.FileField):
    """The photo's file input, offering only the formats the pipeline accepts.

    Not forms.ImageField: that one opens the file with Pillow first and answers a
    decompression bomb or a GIF with its generic "not an image". The model's
    validator (reports.images) reads it instead, with a message for each case.
    """

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": "image/jpeg,image/png,image/webp"}


class PhotoForm(forms.ModelForm):
    """A photo's form: a new file is checked and processed here, once, and stored on save.

    The processing is the check: what the pipeline cannot turn into a safe photo
    is an error on the field. The result waits in `processed` for the admin's
    save_formset, which stores it through reports.photos.
    """

    process_upload = True  # off when the formset has too many new files to process
    processed = None

    class Meta:
        model = Photo
        fields = ["image", "caption", "alt_text", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data and self.process_upload:
            with images.opened(image) as source:
                images.check_size(source)
                self.processed = images.process(source)
        return image


class ReportAdminForm(forms.ModelForm):
    # The model and fields come from ReportAdmin (its fieldsets, narrowed for office
    # editors), through modelform_factory; the form adds what they cannot say.
    class Meta:
        widgets = {"themes": forms.CheckboxSelectMultiple}

    # Set by ReportAdmin.get_form: what the editor may choose depends on who they are.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "office" in self.fields:
            self.fields["office"].queryset = roles.offices_of(self.user)
        if "status" in self.fields and not roles.may_publish(self.user):
            self.fields["status"].choices = [
                (value, label)
                for value, label in Report.Status.choices
                if value in publishing.EDITOR_STATUSES
            ]
        if self.instance.is_edition and "status" in self.fields:
            # An edition is published by applying it to its live report: never withdrawn.
            self.fields["status"].choices = [
                choice
                for choice in self.fields["status"].choices
                if choice[0] != Report.Status.WITHDRAWN
            ]

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status not in publishing.EDITOR_STATUSES and not roles.may_publish(self.user):
            raise forms.ValidationError(_("公開と公開停止は本部の編集者が行います。"))
        return status

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if slug and slugs.slug_taken(slug, exclude_pk=self.instance.pk):
            raise forms.ValidationError(
                _("このスラッグはほかの報告（またはその旧 URL）で使われています。")
            )
        return slug

    @property
    def publishing_now(self) -> bool:
        """The form moves the report to 公開 (an edition: applies it to its live report)."""
        return self.cleaned_data.get("status") == Report.Status.PUBLISHED and (
            self.instance.is_edition or "status" in self.changed_data or not self.instance.pk
        )

    @property
    def chosen_publication_time(self):
        """A publication time HQ typed in this form; otherwise None (publish now)."""
        if "published_at" in self.changed_data:
            return self.cleaned_data.get("published_at")
        return None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Report.Status.PUBLISHED:
            if not cleaned.get("published_at"):
                # 公開 without a time: published now (reports.publishing stamps the moment).
                cleaned["published_at"] = timezone.now()
            # Photos are checked by PhotoInlineFormSet, against the submitted photo forms.
            problems = publishing.publication_problems(
                self.instance,
                themes=cleaned.get("themes"),
                summary=cleaned.get("summary", ""),
                photos=[],
            )
            if problems:
                raise forms.ValidationError([_("公開できません。"), *problems])
        return cleaned


# Fields only HQ sets: the address, the publication time and the import's key.
HQ_ONLY_FIELDS = ("slug", "published_at", "external_id")
