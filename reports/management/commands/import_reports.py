"""Import reports from a JSONL file: all lines or none (docs/import-export.md)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reports import importing, roles


class Command(BaseCommand):
    help = (
        "JSONL ファイル（1 行に 1 件の活動報告）を取り込みます。外部 ID が同じ報告は更新し、"
        "変更のない報告はそのままにします。1 行でも誤りがあれば何も取り込みません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="取り込む JSONL ファイル")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="検査して、作成・更新される件数を表示するだけで、何も書き込みません。",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="履歴に変更者として記録するユーザー（取り込み権限が必要）",
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            summary = importing.reports_import(
                path=file,
                dry_run=dry_run,
                user=self.acting_user(user),
                progress=self.progress if self.stderr.isatty() else None,
            )
        except importing.ImportRejected as exc:
            listed = [f"line {number}: {message}" for number, message in exc.errors]
            if exc.count > len(exc.errors):
                listed.append(f"... and {exc.count - len(exc.errors)} more")
            errors = "1 error" if exc.count == 1 else f"{exc.count} errors"
            raise CommandError(
                f"{file}: {errors}, nothing was imported:\n" + "\n".join(listed)
            ) from None
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}") from None
        finally:
            self.progress_done()
        if dry_run:
            message = (
                f"Dry run of {file}, nothing was written: {summary.created} would be created, "
                f"{summary.updated} would be updated, {summary.unchanged} unchanged."
            )
        else:
            message = (
                f"Imported {file}: {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged."
            )
        self.stdout.write(self.style.SUCCESS(message))

    def acting_user(self, username: str | None):
        if username is None:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"--user: no user named '{username}'")
        if not roles.may_import(user):
            raise CommandError(
                f"--user: '{username}' may not import reports (needs the import_reports permission)"
            )
        return user

    _progress_shown = False

    def progress(self, phase: str, line: int, fraction: float) -> None:
        self._progress_shown = True
        plain = str  # not in the error colour Django gives stderr
        self.stderr.write(f"\r{phase}: line {line:,} ({fraction:.0%})", plain, ending="")
        self.stderr.flush()

    def progress_done(self) -> None:
        if self._progress_shown:
            self.stderr.write("\r\033[K", str, ending="")  # clear the progress line
            self.stderr.flush()
