"""Staff accounts and their logins in the admin: Django's user and group admins, and
django-axes' admin pages, for its proxies (logins.models), with Japanese where
its own show English: the "Status" column, and yes/no icons whose alt text is
"True" or "False" in any language. AXES_ENABLE_ADMIN is off, so these replace them.
"""

from axes import admin as axes_admin
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clair_portal.admin_mixins import TamperedRequestMixin

from .forms import AdminPasswordChangeForm, PermissionLabelsMixin
from .models import Login, LoginAttempt, LoginFailure


@admin.register(LoginAttempt)
class LoginAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.display(description=_("状態"))
    def status(self, attempt):
        return super().status(attempt)


@admin.register(LoginFailure)
class LoginFailureAdmin(axes_admin.AccessFailureLogAdmin):
    list_display = [
        "locked_out_label" if name == "locked_out" else name
        for name in axes_admin.AccessFailureLogAdmin.list_display
    ]

    @admin.display(description=_("ロックしたか"), ordering="locked_out")
    def locked_out_label(self, failure):
        return gettext("はい") if failure.locked_out else gettext("いいえ")


@admin.register(Login)
class LoginAdmin(axes_admin.AccessLogAdmin):
    pass


# Django's own user and group admins get the same guard against tampered requests,
# and Japanese where Django's own admins have English whatever the language.
class UserAdmin(TamperedRequestMixin, PermissionLabelsMixin, auth_admin.UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "staff_status"]
    change_password_form = AdminPasswordChangeForm

    # Django's boolean column is an icon with the alt text "True" or "False".
    @admin.display(description=_("スタッフ"), ordering="is_staff")
    def staff_status(self, user):
        return gettext("はい") if user.is_staff else gettext("いいえ")


class GroupAdmin(TamperedRequestMixin, PermissionLabelsMixin, auth_admin.GroupAdmin):
    pass


for model, model_admin in ((User, UserAdmin), (Group, GroupAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
