"""Stable external IDs: the same article of the same source gets the same ID every time.

`import_reports` updates the report with a line's `external_id`, so drafting
the same page twice must give the same IDs to create nothing new. The ID is
derived from the source's name and the article's title, both folded (NFKC,
without spaces) so that a re-extraction that spaces them differently (「2025 年」,
「2025年」) still gives the same ID.
"""

import hashlib
import re
import unicodedata

PREFIX = "forum-"


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


def stable_external_id(source: str, title: str, *, occurrence: int = 1) -> str:
    """「forum-」 and 24 hex digits of SHA-256 of the folded source and title.

    `occurrence` tells apart two articles of one source with the same title (the
    second is 「-2」), in the order they appear.
    """
    digest = hashlib.sha256(f"{_fold(source)}\n{_fold(title)}".encode()).hexdigest()[:24]
    return f"{PREFIX}{digest}" + (f"-{occurrence}" if occurrence > 1 else "")
