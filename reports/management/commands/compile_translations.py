"""Compile the project's .po translation files into .mo files.

Django's own compilemessages needs GNU gettext's msgfmt, which a machine with
only Python lacks; polib does the same in pure Python, so setup works anywhere.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def compile_catalogs(*, force: bool = False) -> list[Path]:
    """Compile every .po under LOCALE_PATHS whose .mo is missing or older; return those written."""
    written = []
    for root in settings.LOCALE_PATHS:
        for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if (
                not force
                and mo_path.exists()
                and mo_path.stat().st_mtime >= po_path.stat().st_mtime
            ):
                continue
            catalog = polib.pofile(str(po_path))
            if catalog.percent_translated() < 100:
                untranslated = [entry.msgid for entry in catalog.untranslated_entries()][:5]
                raise CommandError(
                    f"{po_path}: {len(catalog.untranslated_entries())} untranslated, e.g. {untranslated}"
                )
            catalog.save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "翻訳ファイル（.po）を .mo にコンパイルします（gettext がなくても動きます）。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="新しくても作り直します。")

    def handle(self, *args, force=False, **options):
        written = compile_catalogs(force=force)
        self.stdout.write(self.style.SUCCESS(f"Compiled {len(written)} translation catalog(s)."))
