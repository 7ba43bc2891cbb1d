"""Sending the digests, so that a run can be interrupted and run again safely.

A run fixes `until` once, when it starts (less SETTLE, see below). For each
confirmed alert that is due, it covers the reports published in
(alert.sent_until, until]. In one transaction per alert it locks the row, moves
sent_until to `until`, hands the mail to the backend and commits right after a
successful send:

- the mail fails (SMTP error, server down): the transaction rolls back, the
  alert is still due, and the next run sends the same reports;
- the run is killed after the server accepted the mail but before the commit:
  that one digest is sent again by the next run. This is at-least-once for at
  most one digest per interrupted run; committing before sending would be
  at-most-once and could lose a digest instead. A lost report is worse than one
  repeated mail.
- a report published while a run is going has published_at > until: it is in
  the next digest, never skipped. A scheduled report (published_at in the
  future) is in the first digest after its time has passed.

SETTLE: a report's published_at is set before its transaction commits, so a
run that started in between would not see it yet and would move sent_until
past it; `until` therefore lags the start of the run by SETTLE, longer than any
publishing transaction takes.

Two runs at once (cron overlapping a slow run) do not send twice: the row is
locked with SELECT ... FOR UPDATE SKIP LOCKED and re-checked as still due
(SQLite has no row locks, but it lets one writer at a time).
"""

import contextlib
import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from . import mail as alert_mail
from . import saved_search
from .models import Alert

logger = logging.getLogger(__name__)

SETTLE = datetime.timedelta(seconds=60)
# Due a little early, so that a cron job at the same time every day or week
# finds the alert due however long the previous run took.
INTERVALS = {
    Alert.Frequency.DAILY: datetime.timedelta(hours=23),
    Alert.Frequency.WEEKLY: datetime.timedelta(days=6, hours=22),
}


@dataclass
class RunSummary:
    until: datetime.datetime
    sent: int = 0  # digests handed to the mail server
    empty: int = 0  # due alerts with nothing new: no mail, only sent_until moved
    failed: list[int] = field(default_factory=list)  # ids of alerts whose mail failed


def due(until: datetime.datetime):
    """Confirmed alerts whose last digest (or confirmation) is an interval before `until`."""
    alerts = Alert.objects.none()
    for frequency, interval in INTERVALS.items():
        alerts |= Alert.objects.confirmed().filter(
            frequency=frequency, sent_until__lte=until - interval
        )
    return alerts


def _lock(alert_id: int, until: datetime.datetime) -> Alert | None:
    """The alert, locked for this transaction, if it is still due (another run may have sent it)."""
    alerts = due(until).select_related("subscriber").filter(pk=alert_id)
    if connection.features.has_select_for_update_skip_locked:
        alerts = alerts.select_for_update(skip_locked=True, of=("self",))
    return alerts.first()


class Outbox:
    """One connection to the mail server for the run, opened at the first mail and
    opened anew after a failure (the old one may be in any state)."""

    def __init__(self):
        self.backend = None

    def send(self, message) -> None:
        if self.backend is None:
            self.backend = mail.mailers.default
            self.backend.open()
        try:
            if self.backend.send_messages([message]) != 1:
                raise smtplib.SMTPException("The mail backend did not send the message.")
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.backend is not None:
            with contextlib.suppress(Exception):
                self.backend.close()
            self.backend = None


def send_digests(*, dry_run: bool = False, report=None) -> RunSummary:
    """Send every due alert its new reports; `report(alert, count)` hears of each one.

    With dry_run, nothing is sent or written.
    """
    until = timezone.now() - SETTLE
    summary = RunSummary(until=until)
    outbox = Outbox()
    try:
        for alert_id in list(due(until).order_by("pk").values_list("pk", flat=True)):
            try:
                count = _send_one(alert_id, until, outbox, dry_run=dry_run)
            except (smtplib.SMTPException, OSError):
                logger.exception(
                    "The digest of alert %s was not sent; the next run retries.", alert_id
                )
                summary.failed.append(alert_id)
                continue
            if count is None:
                continue
            if count:
                summary.sent += 1
            else:
                summary.empty += 1
            if report:
                report(alert_id, count)
    finally:
        outbox.close()
    return summary


def _send_one(alert_id: int, until, outbox: Outbox, *, dry_run: bool) -> int | None:
    """The number of reports sent to the alert, or None if another run has it."""
    with transaction.atomic():
        alert = _lock(alert_id, until)
        if alert is None:
            return None
        reports = saved_search.new_reports(alert.query, after=alert.sent_until, until=until)
        total = reports.count()
        if dry_run:
            return total
        # Recorded before the send, committed after it: see the module's docstring.
        alert.sent_until = until
        alert.save(update_fields=["sent_until"])
        if total:
            listed = list(reports[: alert_mail.DIGEST_MAX_REPORTS])
            outbox.send(alert_mail.digest(alert=alert, reports=listed, total=total))
        return total
