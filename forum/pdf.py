"""The text of an uploaded file: a PDF's text layer (pypdf), or UTF-8 text.

`read_upload(data)` is what the admin page and the command call: it refuses an
empty or oversized file, a file that is neither a PDF nor UTF-8 text, a
password-protected PDF and a scanned PDF without text, each with a message in
Japanese (forum.errors), and otherwise returns text for `parse_text`.

Pages are separated by a form feed, which the parser reads as a page break.
Within a page, pypdf gives the text in the order of the PDF's frames; a blank
line is put where the next line is far below the last one or starts higher up
(a new column or frame), as a PDF viewer's copy does: the parser uses those gaps
to tell titles, bodies and captions apart.
"""

import codecs
import io
import logging

from .errors import EmptyInput, EncryptedPdf, InputTooLarge, NotAPdf, NotText, PdfWithoutText

MAX_UPLOAD_BYTES = 30 * 1024 * 1024  # a 40-page issue with photos is about 10-20 MB
MAX_PAGES = 300
MAX_TEXT_BYTES = 4 * 1024 * 1024
MIN_CHARACTERS_PER_PAGE = 20  # fewer, and the PDF has no text layer worth reading

# How far below the last line (in line heights) the next one must be to be a new block.
_BLOCK_GAP = 1.7


def read_upload(data: bytes) -> str:
    """The text of an uploaded file (see the module's doc)."""
    if not data or not data.strip():
        raise EmptyInput()
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputTooLarge(len(data), MAX_UPLOAD_BYTES)
    if _looks_like_pdf(data):
        return extract_text(data)
    if len(data) > MAX_TEXT_BYTES:
        raise InputTooLarge(len(data), MAX_TEXT_BYTES)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotText() from None
    if "\x00" in text:
        raise NotText()
    return text


def _looks_like_pdf(data: bytes) -> bool:
    # The header may follow a little junk; readers accept it within the first kilobyte.
    return b"%PDF-" in data[:1024]


def extract_text(data: bytes) -> str:
    """The text of a PDF's pages, separated by form feeds."""
    if not data:
        raise EmptyInput()
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputTooLarge(len(data), MAX_UPLOAD_BYTES)
    if not _looks_like_pdf(data):
        raise NotAPdf("先頭に %PDF- がありません")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # font warnings are not the staff's
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise EncryptedPdf()
            except PyPdfError:
                raise EncryptedPdf() from None
        pages = reader.pages
        count = len(pages)
    except EncryptedPdf:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise NotAPdf(type(exc).__name__) from None
    if count == 0:
        raise NotAPdf("ページがありません")
    if count > MAX_PAGES:
        raise InputTooLarge(count, MAX_PAGES, "ページ")
    texts = []
    for page in pages:
        try:
            texts.append(_page_text(page))
        except Exception:  # one damaged page must not lose the others
            texts.append("")
    if sum(len("".join(text.split())) for text in texts) < MIN_CHARACTERS_PER_PAGE * count:
        raise PdfWithoutText(count)
    return "\f".join(texts)


def _page_text(page) -> str:
    parts: list[str] = []
    last_y: float | None = None

    def visit(text, cm, tm, font_dict, font_size):
        nonlocal last_y
        if not text:
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        height = abs((font_size or 10) * (tm[3] or 1) * (cm[3] or 1)) or 10.0
        if text.strip() and last_y is not None and parts and parts[-1].endswith("\n"):
            gap = last_y - y
            if gap > _BLOCK_GAP * height or gap < -0.5 * height:
                parts.append("\n")
        parts.append(text)
        if text.strip():
            last_y = y

    page.extract_text(visitor_text=visit)
    return "".join(parts)
