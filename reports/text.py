"""Normalisation of Japanese text for search.

Both the stored search text and the user's query go through `normalize`, so that
full-width and half-width forms (NFKC), Latin case and hiragana/katakana
differences do not matter.
"""

import re
import unicodedata

# Katakana ァ (U+30A1) .. ヶ (U+30F6) map onto hiragana ぁ (U+3041) .. ゖ (U+3096).
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_KATAKANA_RUN = re.compile("[\u30a1-\u30f6]+")
_WHITESPACE = re.compile(r"\s+")


def _to_hiragana(match: re.Match) -> str:
    return match.group().translate(_KATAKANA_TO_HIRAGANA)


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    # Translating only the katakana runs gives the same text as translating the
    # whole of it, several times faster: str.translate looks up every character.
    text = _KATAKANA_RUN.sub(_to_hiragana, text)
    return _WHITESPACE.sub(" ", text).strip()


def split_terms(query: str) -> list[str]:
    """Split a query into normalised terms; NFKC turns the full-width space into a space."""
    seen: list[str] = []
    for term in normalize(query).split(" "):
        if term and term not in seen:
            seen.append(term)
    return seen


def _normalize_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).casefold().translate(_KATAKANA_TO_HIRAGANA)


def match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Spans of `text` (original offsets) where any normalised term occurs.

    Normalises character by character so offsets map back to the original;
    the rare sequences that NFKC only composes as a whole (half-width kana
    with voicing marks) may then go unhighlighted, never mis-highlighted.
    """
    normalized: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for out in _normalize_char(ch):
            normalized.append(out)
            origin.append(index)
    haystack = "".join(normalized)
    spans = []
    for term in terms:
        start = haystack.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((origin[start], origin[end - 1] + 1))
            start = haystack.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[str], width: int = 120):
    """A short, escaped excerpt of `text` around the first match, matches in <mark>.

    Returns None when no term occurs in the text.
    """
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    text = _WHITESPACE.sub(" ", text or "").strip()
    spans = match_spans(text, terms)
    if not spans:
        return None
    start = max(0, spans[0][0] - width // 4)
    end = min(len(text), start + width)
    parts = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts))  # every piece of user text above is escaped
