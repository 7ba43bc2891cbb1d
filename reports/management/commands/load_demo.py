"""Load the twelve reports of CLAIR Forum Vol. 436 (February 2026) as demo data."""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from reports import demo


class Command(BaseCommand):
    help = "デモ用の活動報告（自治体国際化フォーラム Vol. 436 の 12 件）を読み込みます。何度実行しても同じ結果になります。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin",
            action="store_true",
            help="ローカルで管理画面を試すための管理者アカウント（admin）を作成し、ログイン方法を表示します。",
        )
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument(
            "--admin-password", help="管理者のパスワード（省略時はランダムに生成して表示）"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="読み込みを試すだけで、データベースは変更しません。",
        )

    def handle(self, *args, **options):
        counts = demo.demo_load(dry_run=options["dry_run"])
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo reports: {counts['created']} {verb} created, {counts['updated']} {verb} updated."
            )
        )
        if options["admin"] and not options["dry_run"]:
            password = options["admin_password"] or secrets.token_urlsafe(9)
            demo.demo_admin_create(username=options["admin_username"], password=password)
            editors = demo.demo_editors_create(password=password)
            self.stdout.write(
                self.style.SUCCESS(
                    "Admin account for local use:\n"
                    f"  URL:      http://127.0.0.1:8000/{settings.ADMIN_URL}\n"
                    f"  username: {options['admin_username']}\n"
                    f"  password: {password}\n"
                    f"To try the review workflow, log in with the same password as "
                    f"{editors[0]} (Seoul office editor) or {editors[1]} (HQ editor)."
                )
            )
