from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginsConfig(AppConfig):
    default = True  # for "logins" in INSTALLED_APPS: this module holds three configs
    name = "logins"
    verbose_name = _("ログインの記録")


class AxesConfig(AxesAppConfig):
    """django-axes, named in Japanese where its name shows (permissions, content
    types): its own is "Axes"."""

    verbose_name = _("ログインの制限")
