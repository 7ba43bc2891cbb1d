"""python manage.py warm_pages --base-url https://portal.example.jp [--watch]"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from clair_portal.replicas import primary_only
from reports import content_revision, warming


class Command(BaseCommand):
    help = (
        "よく見られる一覧・統計のページ（全件、事務所別、テーマ別、年度別、よく検索される語）を"
        "数え直して描画し、キャッシュに入れます。--watch を付けると、変更のたびに繰り返します。"
        "ほかのワーカーに効くのは、共有キャッシュ（REDIS_URL）があるときです。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="",
            help="訪問者が使うアドレス（例 https://portal.example.jp）。ページはその URL ごとに"
            "キャッシュされます。省略時は SITE_URL。",
        )
        parser.add_argument(
            "--watch", action="store_true", help="終了せず、内容が変わるたびに温め直します。"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="--watch で変更を確かめる間隔（秒）"
        )
        parser.add_argument(
            "--searches", type=int, default=10, help="温める検索語の数（直近1日で多い順）"
        )
        parser.add_argument(
            "--gap",
            type=float,
            default=30.0,
            help="--watch で温める間隔の最小値（秒）。数秒ごとに変更があっても、"
            "温め直しはこの間隔より頻繁にはしません（その間は各ページが訪問時に描き直されます）。",
        )

    def handle(
        self, *args, base_url="", watch=False, interval=1.0, searches=10, gap=30.0, **options
    ):
        base_url = base_url or settings.SITE_URL
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url は http:// か https:// で始めてください: {base_url}")
        if interval <= 0 or searches < 0 or gap < 0:
            raise CommandError("--interval は正の数、--searches と --gap は 0 以上にしてください。")
        if not watch:
            self.warm(base_url, searches)
            return
        seen, warmed_at = None, -gap
        while True:
            try:
                token = content_revision.current().token
                if token != seen and time.monotonic() - warmed_at >= gap:
                    warmed_at = time.monotonic()
                    self.warm(base_url, searches)
                    seen = token
            except DatabaseError as error:
                # The database restarting is not a reason to stop: try again next turn.
                self.stderr.write(f"データベースに接続できません（{error}）。再試行します。")
                close_old_connections()
            time.sleep(interval)

    def warm(self, base_url: str, searches: int) -> None:
        started = time.perf_counter()
        with primary_only():
            done = warming.warm(base_url, searches=searches)
        failed = [page for page in done if page.status != 200]
        for page in failed:
            self.stderr.write(f"{page.path}: {page.status}")
        self.stdout.write(
            f"{len(done)} ページを温めました（{time.perf_counter() - started:.2f} 秒、"
            f"最長 {max(page.seconds for page in done) * 1000:.0f} ms、失敗 {len(failed)}）"
        )
