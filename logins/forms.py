"""Staff accounts in Japanese: permission names and the password form."""

from django.contrib.auth import forms as auth_forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# Django stores a permission's name in English when it creates it ("Can add 活動報告"),
# so the names of the four default permissions are made again from their codename.
DEFAULT_PERMISSION_NAMES = {
    "add": _("%(model)sを追加できる"),
    "change": _("%(model)sを変更できる"),
    "delete": _("%(model)sを削除できる"),
    "view": _("%(model)sを閲覧できる"),
}


def permission_label(permission) -> str:
    """ "活動報告 | 写真 | 写真を追加できる", as Django's "app | model | name"."""
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    name = permission.name
    if action in DEFAULT_PERMISSION_NAMES and model and model._meta.model_name == model_name:
        name = DEFAULT_PERMISSION_NAMES[action] % {"model": model._meta.verbose_name}
    return f"{permission.content_type} | {name}"


class PermissionLabelsMixin:
    """For the user and group admins: permissions listed by their Japanese names."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """Django's, with the warning that its help text appends in English only."""

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        auth_forms.SetUnusablePasswordMixin.usable_password_help_text,
        _("無効にすると、このユーザーの今のパスワードは失われます。"),
    )
