"""Who asked for new reports by email, and for which search.

A Subscriber is an address; its Alerts are saved searches (the query string of
/reports/), each daily or weekly, in the language of the page it was made on.
Nothing is sent to an alert until its confirmation link is followed; an alert
then holds how far its digests have gone (sent_until), which is what makes
sending idempotent (alerts/sending.py).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _


def new_key() -> str:
    return secrets.token_urlsafe(16)


class Subscriber(models.Model):
    """An email address with its alerts; unsubscribing deletes it and them at once."""

    email = models.EmailField(
        _("メールアドレス"), unique=True, help_text=_("ドメイン部分は小文字にそろえます。")
    )
    # Names the subscriber in unsubscribe links, which sign it (alerts/tokens.py):
    # the database holds nothing that would unsubscribe anyone by itself.
    key = models.CharField(_("識別子"), max_length=32, unique=True, default=new_key, editable=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("購読者")
        verbose_name_plural = _("購読者")

    def __str__(self):
        return self.email


class AlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self):
        return self.filter(confirmed_at__isnull=True)

    def counts_by_frequency(self) -> list[dict]:
        """[{"frequency", "confirmed", "pending"}], one per frequency: what staff see."""
        return list(
            self.values("frequency")
            .annotate(
                confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
                pending=Count("pk", filter=Q(confirmed_at__isnull=True)),
            )
            .order_by("frequency")
        )

    def counts_by_query(self, limit: int = 50) -> list[dict]:
        """The most followed searches: [{"query", "confirmed", "pending"}], most confirmed first."""
        return list(
            self.values("query")
            .annotate(
                confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
                pending=Count("pk", filter=Q(confirmed_at__isnull=True)),
            )
            .order_by("-confirmed", "-pending", "query")[:limit]
        )


class Alert(models.Model):
    """A saved search whose new reports are mailed to its subscriber, daily or weekly."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("毎日")
        WEEKLY = "weekly", _("毎週")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("購読者")
    )
    query = models.CharField(
        _("検索条件"),
        max_length=1000,
        blank=True,
        help_text=_(
            "/reports/ のクエリ文字列（有効な条件だけを並べ替えたもの）。空はすべての報告。"
        ),
    )
    language = models.CharField(_("言語"), max_length=8, choices=settings.LANGUAGES, default="ja")
    frequency = models.CharField(
        _("頻度"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    # sha256 of the secret half of the confirmation link; cleared once confirmed.
    confirm_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    requested_at = models.DateTimeField(
        _("確認メールの送信日時"), help_text=_("確認されないまま 7 日たつと削除します。")
    )
    confirmed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    sent_until = models.DateTimeField(
        _("送信済みの範囲"),
        null=True,
        blank=True,
        help_text=_("この日時までに公開された報告は送信済み。次のメールはこの後に公開された報告。"),
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("新着メール")
        verbose_name_plural = _("新着メール")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "query", "frequency"], name="alert_unique_search"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(sent_until__isnull=False),
                name="alert_confirmed_has_sent_until",
            ),
        ]
        indexes = [models.Index(fields=["confirmed_at", "sent_until"], name="alert_due_idx")]

    def __str__(self):
        # Never the address: staff who are not superusers see alerts, not who holds them.
        return f"{self.get_frequency_display()}: {self.query or '*'}"
