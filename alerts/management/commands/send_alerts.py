from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alerts import sending, services


class Command(BaseCommand):
    """Mail each due alert the reports published since its last digest, and delete
    sign-up requests not confirmed within 7 days. Run it from cron or a systemd
    timer (docs/alerts.md); running it again, or after an interruption, sends no
    report twice."""

    help = "新着メールを送り、確認されないまま 7 日たった申し込みを削除します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="送らず、書き込まず、送る予定の件数だけを表示します。",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        expired = services.expire_unconfirmed(dry_run=dry_run)

        def report(alert_id, count):
            if verbosity >= 2:
                self.stdout.write(f"新着メール {alert_id}: {count} 件")

        summary = sending.send_digests(dry_run=dry_run, report=report)
        verb = "送る予定" if dry_run else "送信"
        until = timezone.localtime(summary.until)
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {summary.sent} 通、新着なし: {summary.empty} 件、"
                f"期限切れで削除した申し込み: {expired} 件（{until:%Y-%m-%d %H:%M:%S} までに公開の報告）"
            )
        )
        if summary.failed:
            ids = ", ".join(map(str, summary.failed))
            raise CommandError(
                f"{len(summary.failed)} 通を送れませんでした。次の実行で送り直します（新着メール {ids}）。"
            )
