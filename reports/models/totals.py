"""The public reports per key, kept by the database: what the unfiltered counts read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyTotal(models.Model):
    """How many published reports carry one key (reports/key_totals.py).

    The keys are a report's facet keys ("t12", "p13", "cKR") and its place in the
    grid of offices by fiscal year ("g3:2024", "g3:" without a year); the statistics'
    keys ("se:KR", "sP:KR:about", ...) hold sums of the reports' figures. Database
    triggers keep the numbers as reports are published, withdrawn, moved or
    relinked; a report scheduled for later is counted here and taken off when read.
    """

    key = models.CharField(_("キー"), max_length=40, primary_key=True)
    # A sum of people for the statistics' keys ("s..."), which may pass 2**31.
    reports = models.BigIntegerField(_("報告数"), default=0)

    class Meta:
        verbose_name = _("キーごとの公開報告数")
        verbose_name_plural = _("キーごとの公開報告数")

    def __str__(self):
        return f"{self.key}: {self.reports}"
