"""django-axes' records of logins, as the admin shows them to staff.

Proxies: the rows are django-axes' own, in its tables. Its models name a row in
English whatever the language ("Attempted Access: 2026-12-04 02:54:18+00:00",
in UTC), and that name is the title, the breadcrumb and the checkbox label of
every admin page about the row.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _when_and_where(record) -> dict[str, str]:
    return {
        "username": record.username or "—",
        "time": formats.localize(timezone.localtime(record.attempt_time)),
        "address": record.ip_address or "—",
    }


class LoginAttempt(AccessAttempt):
    """Failed logins of one username from one address, counted towards a lockout."""

    class Meta:
        proxy = True
        verbose_name = _("ログインの試行")
        verbose_name_plural = _("ログインの試行")

    def __str__(self):
        return gettext("%(username)s の試行（%(time)s、%(address)s）") % _when_and_where(self)


class LoginFailure(AccessFailureLog):
    """One failed login."""

    class Meta:
        proxy = True
        verbose_name = _("ログインの失敗")
        verbose_name_plural = _("ログインの失敗")

    def __str__(self):
        return gettext("%(username)s の失敗（%(time)s、%(address)s）") % _when_and_where(self)


class Login(AccessLog):
    """One successful login, with the time of its logout."""

    class Meta:
        proxy = True
        verbose_name = _("ログイン")
        verbose_name_plural = _("ログイン")

    def __str__(self):
        return gettext("%(username)s のログイン（%(time)s、%(address)s）") % _when_and_where(self)
