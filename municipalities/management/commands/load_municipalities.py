"""Load Japan's local governments from municipalities/data/municipalities.csv."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from municipalities.loading import load_local_governments


class Command(BaseCommand):
    help = (
        "国内の自治体の一覧（municipalities/data/municipalities.csv）を読み込みます。"
        "新しい行を作成し、変わった行を更新し、何も削除しません。何度実行しても同じ結果になります。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="読み込みを試すだけで、データベースは変更しません。",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            try:
                counts = load_local_governments()
            except ValueError as error:  # a bad row: nothing was written
                raise CommandError(str(error)) from error
            if options["dry_run"]:
                transaction.set_rollback(True)
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"Local governments: {counts['created']} {verb} created, "
                f"{counts['updated']} {verb} updated, {counts['unchanged']} unchanged."
            )
        )
