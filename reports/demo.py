"""The demo data: the twelve reports of 自治体国際化フォーラム Vol. 436, and users to try them.

load_demo loads reports/demo/vol436.json (the import format, in our own words,
with photos that have no file: they get placeholder images) through the
import's write path, and can make a superuser and two editors for the workflow.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from offices.models import Office

from . import roles
from .importing import ANALYZE_AFTER, delete_files, format_context, reports_write, tables_analyze
from .interchange import parse_report
from .models import Report

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "vol436.json"


def demo_load(*, path: Path = DEMO_FILE, dry_run: bool = False) -> dict:
    """Load the demo reports; running it again leaves the same data.

    The demo file is a JSON array in the import format, with photos that have no
    file (placeholder images). With dry_run everything is rolled back, files included.
    """
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    context = format_context(base_dir=None)
    counts = {"created": 0, "updated": 0}
    new_files: list[str] = []
    try:
        with transaction.atomic():
            for index, item in enumerate(items, start=1):
                data, errors = parse_report(item, context)
                if errors:
                    raise ValueError(f"{Path(path).name}, report {index}: {'; '.join(errors)}")
                report = Report.objects.filter(external_id=data.external_id).first()
                [(_, created)] = reports_write(
                    items=[(data, report)], new_files=new_files, placeholder_photos=True
                )
                counts["created" if created else "updated"] += 1
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        delete_files(new_files)
        raise
    if dry_run:
        delete_files(new_files)
    elif counts["created"] + counts["updated"] >= ANALYZE_AFTER:
        tables_analyze()
    return counts


def demo_admin_create(*, username: str, password: str) -> None:
    """A superuser for trying the admin locally; resets the password if it exists."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()


DEMO_EDITORS = {"seoul-editor": ["seoul"], "hq-editor": None}


def demo_editors_create(*, password: str) -> list[str]:
    """An office editor (Seoul) and an HQ editor, to try the review workflow locally."""

    User = get_user_model()
    for username, offices in DEMO_EDITORS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff, user.is_superuser = True, False
        user.set_password(password)
        user.save()
        group = roles.OFFICE_EDITORS if offices else roles.HQ_EDITORS
        user.groups.set([Group.objects.get(name=group)])
        user.offices.set(Office.objects.filter(code__in=offices or []))
    return list(DEMO_EDITORS)
