"""The content revision: one row whose number changes with anything public pages show."""

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContentRevision(models.Model):
    """One row whose number changes whenever what public pages show may have changed.

    Database triggers (reports/content_revision.py, installed after every migrate) bump it
    on every statement that writes reports, events, participants, photos, report
    themes, themes or offices: bulk writes and raw SQL included, in the writing
    transaction. Cached counts and the ETags of public pages are keyed by it.
    """

    number = models.PositiveBigIntegerField(_("番号"), default=0)
    changed_at = models.DateTimeField(_("変更日時"), default=timezone.now)
    # Bumped only by changes that can change what a selection counts (which public
    # reports, their offices, years, dates, keys and links), and by changes of the
    # public reports' search text: counts are cached under these, so an edit of a
    # report's text, photos or a draft recounts nothing, or only the searches.
    counts_number = models.PositiveBigIntegerField(_("集計の番号"), default=0, db_default=0)
    search_number = models.PositiveBigIntegerField(_("検索の番号"), default=0, db_default=0)

    class Meta:
        verbose_name = _("公開内容の版")
        verbose_name_plural = _("公開内容の版")

    def __str__(self):
        return str(self.number)

    @classmethod
    def bump(cls, using: str = "default") -> None:
        """For writes that bypass the triggers (the benchmark's bulk load does)."""
        updated = (
            cls.objects.using(using)
            .filter(pk=1)
            .update(
                number=F("number") + 1,
                counts_number=F("counts_number") + 1,
                search_number=F("search_number") + 1,
                changed_at=timezone.now(),
            )
        )
        if not updated:
            cls.objects.using(using).get_or_create(pk=1)
