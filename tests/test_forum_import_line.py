"""The proposed reports are lines of import_reports: checked by its own rules, imported
as drafts, and imported again without creating anything."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from forum.parsing import parse_text
from offices.models import Office
from reports.models import Report
from tests.forum_helpers import DATA, THEME_SLUGS

SEED = (DATA / "forum-vol436.txt").read_text(encoding="utf-8")
SOURCE = "自治体国際化フォーラム Vol. 436 (2026年2月)"

pytestmark = pytest.mark.django_db


def lines():
    result = parse_text(SEED, offices=Office.objects.all(), theme_slugs=THEME_SLUGS)
    return [report.to_import_line(source=SOURCE) for report in result.reports]


def write(tmp_path, rows):
    path = tmp_path / "drafts.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    return path


def test_the_seed_page_imports_as_twelve_drafts(tmp_path):
    call_command("import_reports", write(tmp_path, lines()), stdout=io.StringIO())
    assert set(Report.objects.values_list("status", flat=True)) == {"draft"}
    assert Report.objects.count() == 12


def test_importing_the_same_page_again_creates_nothing(tmp_path):
    path = write(tmp_path, lines())
    call_command("import_reports", path, stdout=io.StringIO())
    again = write(tmp_path, lines())
    call_command("import_reports", again, stdout=io.StringIO())
    assert Report.objects.count() == 12


def test_an_imported_draft_keeps_the_figures_and_dates_read(tmp_path):
    call_command("import_reports", write(tmp_path, lines()), stdout=io.StringIO())
    seoul = Report.objects.get(title__startswith="「日韓国交正常化60周年記念")
    assert (
        list(seoul.events.values_list("start_date", "end_date", "city", "country")),
        list(seoul.participants.values_list("name", "municipalities", "people", "qualifier")),
    ) == (
        [
            (
                datetime.date(2025, 12, 18),
                datetime.date(2025, 12, 19),
                "ソウル",
                "KR",
            )
        ],
        [("日本", 18, 27, "exact"), ("韓国", 15, 25, "exact")],
    )
