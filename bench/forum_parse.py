"""Time drafting reports from a 40-page Forum PDF: text extraction, then parsing.

    .venv/bin/python bench/forum_parse.py [--pages 40] [--keep forum.pdf]

Builds the PDF from the seed page (tests/data/forum-vol436.txt): its four pages
repeated, one text line per PDF line, in a Japanese CID font (HeiseiKakuGo-W5,
which reportlab, a test-only dependency, names without embedding a font file),
so the PDF carries a real text layer in the form a Japanese PDF uses. Prints the
seconds of extraction (forum.pdf) and parsing (forum.parsing) and checks that
every article was found. The issue's bar: under 10 seconds for 40 pages.
"""

import argparse
import importlib
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "forum-vol436.txt"
FONT = "HeiseiKakuGo-W5"


def seed_pages(text: str) -> list[list[str]]:
    """The seed's lines cut into its four printed pages (each starts with a new text run)."""
    pages: list[list[str]] = [[]]
    for line in text.split("\n"):
        if pages[-1] and (line.startswith(" ") or line == "CLAIRトピックス"):
            pages.append([])
        pages[-1].append(line)
    return pages


def build_pdf(pages: list[list[str]], *, size: float = 8.0) -> bytes:
    """A PDF with one line of text per line given; an empty line leaves a line's gap."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    leading = size * 1.3
    for lines in pages:
        pdf.setFont(FONT, size)
        y = A4[1] - 40
        for line in lines:
            if line.strip():
                pdf.drawString(40, y, line)
            y -= leading
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def offices():
    from forum.offices import OfficeRef

    migration = importlib.import_module("offices.migrations.0002_load_reporting_units")
    return [
        OfficeRef(code, name_ja, country, kind)
        for code, name_ja, _, _, _, country, kind in migration.OFFICES
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=40, help="pages of the PDF (a multiple of 4)")
    parser.add_argument("--keep", type=Path, help="write the PDF there too")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from forum.parsing import parse_text
    from forum.pdf import read_upload

    seed = seed_pages(SEED.read_text(encoding="utf-8"))
    copies = max(1, args.pages // len(seed))
    data = build_pdf(seed * copies)
    if args.keep:
        args.keep.write_bytes(data)
    started = time.perf_counter()
    text = read_upload(data)
    extracted = time.perf_counter()
    result = parse_text(text, offices=offices())
    parsed = time.perf_counter()
    expected = 12 * copies
    print(f"PDF: {len(seed) * copies} pages, {len(data):,} bytes, {len(text):,} characters")
    print(f"extraction: {extracted - started:.2f} s")
    print(f"parsing:    {parsed - extracted:.2f} s ({len(result.reports)} reports)")
    print(f"total:      {parsed - started:.2f} s (bar: 10 s)")
    if len(result.reports) != expected:
        print(f"FAILED: {len(result.reports)} reports found, {expected} expected", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
