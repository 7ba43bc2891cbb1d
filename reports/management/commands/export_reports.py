"""Export reports as JSONL, the format import_reports reads (docs/import-export.md)."""

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from offices.models import Office
from reports import exporting


class Command(BaseCommand):
    help = (
        "活動報告を JSONL（1 行に 1 件、外部 ID 順）で書き出します。import_reports で"
        "そのまま取り込めます。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--office",
            dest="offices",
            metavar="CODE",
            action="extend",
            nargs="+",
            help="この事務所・部署の報告だけ書き出します（複数可）。",
        )
        parser.add_argument(
            "--photos-dir",
            type=Path,
            help="写真ファイルをこのフォルダーにコピーします（出力ファイルのフォルダーの中）。",
        )
        parser.add_argument(
            "--output", "-o", type=Path, help="書き出すファイル（省略時は標準出力）"
        )

    def handle(self, *args, offices, photos_dir, output, **options):
        codes = list(Office.objects.values_list("code", flat=True))
        unknown = [code for code in offices or [] if code not in codes]
        if unknown:
            raise CommandError(f"--office '{unknown[0]}' is not one of: {', '.join(codes)}")
        if output is None and not options.get("stdout") and hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")  # JSONL is UTF-8 whatever the locale
        relative_to = output.resolve().parent if output else Path.cwd()
        export = {
            "offices": offices,
            "photos_dir": photos_dir,
            "relative_to": relative_to,
            "warn": lambda message: self.stderr.write(f"warning: {message}"),
        }
        try:
            if output is None:
                count = exporting.reports_export(out=self.stdout, **export)
            else:
                # Written beside the target and renamed: a failed export leaves no half file.
                partial = output.with_name(f".{output.name}.partial")
                # Like --photos-dir: a new backup folder needs no mkdir first.
                output.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with open(partial, "w", encoding="utf-8", newline="\n") as out:
                        count = exporting.reports_export(out=out, **export)
                    os.replace(partial, output)
                finally:
                    partial.unlink(missing_ok=True)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"{exc.filename or output}: {exc.strerror or exc}") from None
        if output is not None:
            self.stderr.write(self.style.SUCCESS(f"Exported {count} reports to {output}."))
