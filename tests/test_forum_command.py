"""drafts_from_text: a Forum page in, lines of import_reports out (drafts), the
fields to check on standard error; bad input is a message and nothing on stdout."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.forum_parse import build_pdf, seed_pages
from reports.models import Report
from tests.forum_helpers import DATA, expected

pytestmark = pytest.mark.django_db

SEED_FILE = DATA / "forum-vol436.txt"
SEED = SEED_FILE.read_text(encoding="utf-8")
SOURCE = "自治体国際化フォーラム Vol. 436 (2026年2月)"
EXPECTED = expected("forum-vol436-expected.json")["reports"]


def drafts(path, *args) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("drafts_from_text", str(path), "--source", SOURCE, *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def refused(path) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("drafts_from_text", str(path), stdout=out, stderr=io.StringIO())
    return str(caught.value), out.getvalue()


def write_jsonl(tmp_path, path) -> object:
    out = io.StringIO()
    call_command(
        "drafts_from_text", str(path), "--source", SOURCE, stdout=out, stderr=io.StringIO()
    )
    target = tmp_path / "drafts.jsonl"
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


def test_the_seed_page_gives_twelve_draft_lines_with_the_source():
    lines, _ = drafts(SEED_FILE)
    assert len(lines) == 12
    assert {(line["status"], line["source"]) for line in lines} == {("draft", SOURCE)}


@pytest.mark.parametrize("index", range(12))
def test_each_line_has_the_expected_fields(index):
    line, hand = drafts(SEED_FILE)[0][index], EXPECTED[index]
    assert {
        "title": line["title"],
        "office": line["office"],
        "fiscal_year": line["fiscal_year"],
        "events": [
            (e["start"], e["end"], e["venue"], e["city"], e["country"] or "", e["format"])
            for e in line["events"]
        ],
        "participants": [
            (p["name"], p["country"] or "", p["municipalities"], p["people"], p["qualifier"])
            for p in line["participants"]
        ],
    } == {
        "title": hand["title"],
        "office": hand["office"],
        "fiscal_year": hand["fiscal_year"],
        "events": [
            (e["start"], e["end"], e["venue"], e["city"], e["country"], e["format"])
            for e in hand["events"]
        ],
        "participants": [
            (p["name"], p["country"], p["municipalities"], p["people"], p["qualifier"])
            for p in hand["participants"]
        ],
    }
    required, allowed = set(hand["themes"]["required"]), set(hand["themes"]["acceptable"])
    assert required <= set(line["themes"]) <= required | allowed
    body = hand["body"]
    if "full" in body:
        assert line["body"] == body["full"]
    else:
        assert line["body"].startswith(body["starts"]) and line["body"].endswith(body["ends"])


def test_the_local_governments_named_are_listed_by_code():
    lines, _ = drafts(SEED_FILE)
    assert lines[0]["municipalities"] == ["352047"]  # 萩市


def test_the_fields_to_check_go_to_standard_error_one_line_each():
    _, err = drafts(SEED_FILE)
    assert "オーブ県で仏版海外自治体幹部交流協力セミナーを開催しました\tsummary\tguessed\t" in err
    assert all(len(line.split("\t")) == 4 for line in err.splitlines())


def test_the_same_text_twice_gives_the_same_external_ids():
    first, _ = drafts(SEED_FILE)
    second, _ = drafts(SEED_FILE)
    assert [line["external_id"] for line in first] == [line["external_id"] for line in second]


def test_the_output_imports_as_drafts_and_a_second_run_creates_nothing(tmp_path):
    call_command("import_reports", write_jsonl(tmp_path, SEED_FILE), stdout=io.StringIO())
    assert Report.objects.filter(status="draft", source=SOURCE).count() == 12
    assert list(
        Report.objects.get(office__code="seoul").local_governments.values_list("pk", flat=True)
    ) == ["352047"]
    out = io.StringIO()
    call_command("import_reports", write_jsonl(tmp_path, SEED_FILE), stdout=out)
    assert "0 created, 0 updated, 12 unchanged" in out.getvalue()
    assert Report.objects.count() == 12


def test_a_pdf_gives_the_same_lines_as_its_text(tmp_path):
    path = tmp_path / "forum.pdf"
    path.write_bytes(build_pdf(seed_pages(SEED)))
    assert [line["title"] for line in drafts(path)[0]] == [
        line["title"] for line in drafts(SEED_FILE)[0]
    ]


def test_standard_input_is_read_for_a_dash(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SEED.encode())))
    assert len(drafts("-")[0]) == 12


def test_an_office_not_found_is_null_and_said_on_standard_error(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(
        "市民交流のつどいを開催しました\n\n2025年11月3日、市民交流のつどいを開催し、約50人が参加しました。\n",
        encoding="utf-8",
    )
    lines, err = drafts(path)
    assert lines[0]["office"] is None
    assert "事務所が分かりません" in err


def test_an_empty_file_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    message, out = refused(path)
    assert "テキストが空です" in message and out == ""


def test_a_file_that_claims_to_be_a_pdf_is_refused(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"%PDF-1.7\nnot really a PDF\n%%EOF")
    message, out = refused(path)
    assert "PDF ファイルではないか" in message and out == ""


def test_a_scanned_pdf_without_text_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    message, out = refused(path)
    assert "文字認識（OCR）" in message and out == ""


def test_a_text_without_an_article_is_refused(tmp_path):
    path = tmp_path / "captions.txt"
    path.write_text("ソウル事務所\n\nワークショップの様子\n", encoding="utf-8")
    message, out = refused(path)
    assert "記事が見つかりませんでした" in message and out == ""


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr("forum.pdf.MAX_UPLOAD_BYTES", 1000)
    message, out = refused(SEED_FILE)
    assert "大きすぎます" in message and out == ""


def test_a_missing_file_is_refused(tmp_path):
    message, out = refused(tmp_path / "missing.txt")
    assert "missing.txt" in message and out == ""


def test_the_command_exits_non_zero_on_bad_input(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "manage.py", "drafts_from_text", str(path)],
        capture_output=True,
        text=True,
        cwd=DATA.parent.parent,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert "テキストが空です" in done.stderr
