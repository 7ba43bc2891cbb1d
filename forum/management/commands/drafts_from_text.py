"""Draft reports from a Forum page: JSONL for import_reports (docs/forum-drafts.md, "Using it")."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum import drafting, pdf
from forum.errors import ForumInputError, InputTooLarge
from offices.models import Office
from reports.exporting import dump_line


class Command(BaseCommand):
    help = (
        "フォーラム「CLAIRトピックス」のテキストまたは PDF から、記事ごとの下書き（import_reports の"
        " JSONL、状態は下書き）を標準出力に書きます。確認が必要な項目は標準エラーに書きます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="UTF-8 のテキストまたは PDF（- で標準入力）")
        parser.add_argument(
            "--source", default="", help="出典（例: 自治体国際化フォーラム Vol. 436 (2026年2月)）"
        )
        parser.add_argument(
            "--year", type=int, help="発行年: 年の書かれていない日付をこの年として読みます"
        )
        parser.add_argument("--month", type=int, choices=range(1, 13), help="発行月（--year と）")

    def handle(self, *args, file: str, source: str, year, month, **options):
        if month and not year:
            raise CommandError("--month には --year も必要です。")
        try:
            text = pdf.read_upload(self.read(file))
            result = drafting.proposals_read(
                text=text,
                offices=Office.objects.all(),
                source=source,
                issue=drafting.issue_month(year, month),
            )
        except ForumInputError as exc:
            raise CommandError(f"{file}: {exc}") from None
        source_name = result.source.value
        if not source_name:
            self.warn(f"{file}: 出典が分かりません。--source で指定してください。")
        # Everything is read before anything is written: bad input leaves stdout empty.
        lines = [drafting.import_line(report, source=source_name) for report in result.reports]
        for report, line in zip(result.reports, lines, strict=True):
            self.stdout.write(dump_line(line), ending="")
            self.describe(report, line)

    def read(self, file: str) -> bytes:
        if file == "-":
            data = sys.stdin.buffer.read(pdf.MAX_UPLOAD_BYTES + 1)
            if len(data) > pdf.MAX_UPLOAD_BYTES:
                raise CommandError(f"-: {InputTooLarge(len(data), pdf.MAX_UPLOAD_BYTES)}")
            return data
        path = Path(file)
        try:
            size = path.stat().st_size
            if size > pdf.MAX_UPLOAD_BYTES:  # refused before it is read
                raise CommandError(f"{file}: {InputTooLarge(size, pdf.MAX_UPLOAD_BYTES)}")
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}") from None

    def describe(self, report, line) -> None:
        """The fields staff must check, one line each: title, field, certainty, note."""
        title = report.title.value or f"（記事 {report.position}）"
        if line["office"] is None:
            self.warn(
                f"{title}\toffice\t事務所が分かりません。import_reports は office を"
                " 入れるまでこの行を取り込みません。"
            )
        for name, field in report.uncertain():
            self.warn(f"{title}\t{name}\t{field.certainty}\t{field.note}")
        for named in report.local_governments:
            if named.place.kind == "local_government" and not named.place.code:
                candidates = "、".join(f"{c.label} {c.code}" for c in named.place.candidates)
                self.warn(
                    f"{title}\tmunicipalities\t{named.certainty}\t"
                    f"「{named.place.name}」は {candidates} のどれか分かりません。"
                )

    def warn(self, message: str) -> None:
        self.stderr.write(message, str)  # plain: not in the error colour
