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


# Where an excerpt may start or end: after a sentence, then after a clause.
SENTENCE_ENDS = "。！？!?\n"
CLAUSE_ENDS = "、，,）)」』 　"


def _run_kind(ch: str) -> str | None:
    """Characters that form a word which must not be cut: numbers, katakana, Latin letters."""
    if ch.isdigit() or ch in ",，.．":
        return "number"
    if "\u30a0" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f":
        return "katakana"
    if ch.isascii() and ch.isalpha() or "\uff21" <= ch <= "\uff5a":
        return "latin"
    return None


def _inside_word(text: str, index: int) -> bool:
    """A cut before text[index] would split a number, a katakana word or a Latin word."""
    if index <= 0 or index >= len(text):
        return False
    kind = _run_kind(text[index])
    return kind is not None and kind == _run_kind(text[index - 1])


def _excerpt_start(text: str, first: int, lead: int, reach: int) -> int:
    """Where an excerpt showing text[first] starts: a sentence or clause start when one
    lies within `reach` before it, else about `lead` before it, never inside a word."""
    if first <= lead:
        return 0
    low = max(0, first - reach)
    for ends in (SENTENCE_ENDS, CLAUSE_ENDS):
        cuts = [i + 1 for i in range(low, first) if text[i] in ends]
        if cuts:
            start = cuts[-1]
            while start < first and text[start] in " 　":
                start += 1
            return start
    start = first - lead
    while _inside_word(text, start) and start > low:
        start -= 1
    while _inside_word(text, start) and start < first:
        start += 1
    return start


def _excerpt_end(text: str, start: int, last: int, width: int) -> int:
    """Where an excerpt from `start` ends: at most `width` long, after a sentence or a
    clause when one lies in its last quarter, never inside a word (nor before `last`)."""
    end = start + width
    if end >= len(text):
        return len(text)
    low = max(last, end - width // 4)
    for ends in (SENTENCE_ENDS, CLAUSE_ENDS):
        cuts = [i + 1 for i in range(low, end) if text[i] in ends]
        if cuts:
            return cuts[-1]
    while _inside_word(text, end) and end > last:
        end -= 1
    return end


def highlight(text: str, terms: list[str], width: int = 120):
    """A short, escaped excerpt of `text` around the first match, matches in <mark>.

    The excerpt starts and ends at a sentence or clause boundary where one is near,
    and never inside a number or a run of katakana or Latin letters
    (not "…レアソウル事務所", not "…025年11月"). Returns None when no term occurs.
    """
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    text = _WHITESPACE.sub(" ", text or "").strip()
    spans = match_spans(text, terms)
    if not spans:
        return None
    start = _excerpt_start(text, spans[0][0], lead=width // 4, reach=width // 2)
    end = _excerpt_end(text, start, spans[0][1], width)
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
