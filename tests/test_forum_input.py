"""Bad input gets a clear message in Japanese (a ForumInputError), never a crash;
a PDF is read like the text copied from it."""

import io

import pytest

from bench.forum_parse import build_pdf, seed_pages
from forum import errors
from forum.parsing import MAX_TEXT_CHARS, parse_text
from forum.pdf import MAX_UPLOAD_BYTES, read_upload
from tests.forum_helpers import DATA, OFFICES

SEED = (DATA / "forum-vol436.txt").read_text(encoding="utf-8")


def parse(text):
    return parse_text(text, offices=OFFICES)


def test_an_empty_text_is_refused_with_a_message_in_japanese():
    with pytest.raises(errors.EmptyInput, match="テキストが空です"):
        parse(" \n\u3000\n")


def test_a_text_without_any_article_is_refused():
    with pytest.raises(errors.NoReportFound, match="記事が見つかりませんでした"):
        parse("ソウル事務所\n\nワークショップの様子\n\nHello, world.")


def test_a_text_longer_than_forty_issues_is_refused():
    with pytest.raises(errors.InputTooLarge, match="大きすぎます"):
        parse("あ。" * (MAX_TEXT_CHARS // 2 + 1))


def test_a_fifty_megabyte_upload_is_refused_before_it_is_read():
    with pytest.raises(errors.InputTooLarge, match="上限は 31,457,280 バイト"):
        read_upload(b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024))
    assert MAX_UPLOAD_BYTES < 50 * 1024 * 1024


def test_an_empty_upload_is_refused():
    with pytest.raises(errors.EmptyInput):
        read_upload(b"")


def test_a_binary_file_that_is_not_a_pdf_is_refused():
    with pytest.raises(errors.NotText, match="UTF-8"):
        read_upload(bytes(range(256)) * 4)


def test_a_damaged_pdf_is_refused_as_not_a_pdf():
    with pytest.raises(errors.NotAPdf, match="PDF ファイルではないか"):
        read_upload(b"%PDF-1.7\nthis is not really a PDF\n%%EOF")


def test_a_scanned_pdf_without_a_text_layer_is_refused():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for _ in range(3):
        pdf.rect(50, 50, 400, 600, fill=1)  # a page that is a picture, no text
        pdf.showPage()
    pdf.save()
    with pytest.raises(errors.PdfWithoutText, match="3 ページ.*文字認識（OCR）"):
        read_upload(buffer.getvalue())


def test_a_password_protected_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(build_pdf([["テスト。"]]))))
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(errors.EncryptedPdf, match="パスワード"):
        read_upload(buffer.getvalue())


def test_a_utf8_text_file_with_a_byte_order_mark_is_read_as_text():
    assert read_upload("本文です。".encode("utf-8-sig")) == "本文です。"


def test_the_seed_as_a_pdf_proposes_the_same_reports_as_its_text():
    from_pdf = parse(read_upload(build_pdf(seed_pages(SEED))))
    from_text = parse(SEED)

    def fields(result):
        return [
            [(name, field.value) for name, field in report.fields()] for report in result.reports
        ]

    assert fields(from_pdf) == fields(from_text)


def test_every_input_error_is_a_value_error_with_its_message():
    error = errors.PdfWithoutText(2)
    assert isinstance(error, ValueError) and str(error).startswith("この PDF（2 ページ）")
