"""python manage.py link_municipalities [--dry-run] [--office CODE] [--relink]"""

from django.core.management.base import BaseCommand, CommandError

from offices.models import Office
from reports.linking import link_reports
from reports.models import Report


class Command(BaseCommand):
    help = (
        "報告の本文などに書かれた国内の自治体・海外の自治体を探し、確実なものを報告に結び付けます。"
        "同名の自治体が複数あって都道府県が書かれていない名前は、候補とともに表示するだけです。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="結び付けずに、結び付ける予定だけを表示します。"
        )
        parser.add_argument("--office", help="この事務所・部署のコードの報告だけを対象にします。")
        parser.add_argument(
            "--relink",
            action="store_true",
            help="すでに結び付けのある報告にも、見つかった自治体を追加します（外しはしません）。",
        )

    def handle(self, *args, dry_run=False, office=None, relink=False, **options):
        reports = Report.objects.order_by("pk").prefetch_related("participants", "events")
        if office:
            if not Office.objects.filter(code=office).exists():
                raise CommandError(f"事務所・部署のコード「{office}」はありません。")
            reports = reports.filter(office__code=office)
        verb = "結び付け予定" if dry_run else "結び付けました"
        linked = reports_with_links = ambiguous = 0
        for result in link_reports(
            reports.iterator(chunk_size=500), dry_run=dry_run, relink=relink
        ):
            names = result.local_governments + result.partners
            if names:
                reports_with_links += 1
                linked += len(names)
                self.stdout.write(
                    f"{result.report.pk}\t{result.report.title}\t{verb}: {'、'.join(names)}"
                )
            for name in result.ambiguous:
                ambiguous += 1
                candidates = "、".join(place.label for place in name.candidates)
                self.stdout.write(
                    f"{result.report.pk}\t{result.report.title}\t要確認: 「{name.name}」は {candidates} のどれか"
                )
        summary = f"{reports_with_links} 件の報告に {linked} 件の自治体（{verb}）。要確認の名前: {ambiguous} 件。"
        self.stdout.write(self.style.SUCCESS(summary))
