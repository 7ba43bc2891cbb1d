"""Normalisation of Japanese text for search.

Both the stored search text and the user's query go through `normalize`, so that
full-width and half-width forms (NFKC), Latin case and hiragana/katakana
differences do not matter.
"""

import re
import unicodedata

# Katakana ァ (U+30A1) .. ヶ (U+30F6) map onto hiragana ぁ (U+3041) .. ゖ (U+3096).
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.casefold().translate(_KATAKANA_TO_HIRAGANA)
    return _WHITESPACE.sub(" ", text).strip()


def split_terms(query: str) -> list[str]:
    """Split a query into normalised terms; NFKC turns the full-width space into a space."""
    seen: list[str] = []
    for term in normalize(query).split(" "):
        if term and term not in seen:
            seen.append(term)
    return seen
