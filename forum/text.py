"""Text as it comes out of a PDF, made readable: the rules of docs/forum-drafts.md, "Text".

`prepare` cleans the whole source once and remembers, for every character it
keeps, where it was in the source, so that every field can point back at the
words it came from. `join_lines` and `tidy` turn the lines of a title or a body
into the text staff see: column line breaks joined (no space between Japanese
characters), spaces around numbers removed, the rest as written.
"""

import re
import unicodedata
from dataclasses import dataclass

# Full-width digits become ASCII ones: 「11 月６日」 and 「11 月 6 日」 are the same date.
_DIGITS = {ord("０") + n: ord("0") + n for n in range(10)}

# Wide characters: kana, kanji, CJK punctuation and full-width forms. Japanese
# typesetting never puts a typed space between one of these and a number, so a
# space there is the PDF's spacing, not the author's.
WIDE = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6"
_WIDE_CH = re.compile(f"[{WIDE}]")
_SPACE_DIGIT_WIDE = re.compile(f"(?<=[0-9]) +(?=[{WIDE}])|(?<=[{WIDE}]) +(?=[0-9])")
# No space after a closing bracket or a comma/full stop before a wide character,
# inside brackets, or before the exclamation mark that ends a title.
_CLOSERS = "）」』】〕〉》、。"
_OPENERS = "（「『【〔〈《"
_SPACE_AFTER_CLOSER = re.compile(f"(?<=[{_CLOSERS}]) +(?=[{WIDE}0-9])")
_SPACE_BEFORE_CLOSER = re.compile(f" +(?=[{_CLOSERS}])")
_SPACE_AFTER_OPENER = re.compile(f"(?<=[{_OPENERS}]) +")
_SPACE_BEFORE_BANG = re.compile(f"(?<=[{WIDE}]) +(?=[!?！？])")
_SPACES = re.compile(r" {2,}")

SENTENCE_END = re.compile(r"(?:[。！？!?]|[。！？!?][」』）)]+|https?://\S+|\S+@\S+\.\w+)$")
# A line that starts one of these opens a paragraph of its own (notes, contacts, lists).
_PARAGRAPH_MARK = re.compile(r"^(?:[■□○●◆◇◎※▼▲★☆・【]|（注\s*\d*）|\(注\s*\d*\)|注\d|＊)")


@dataclass(frozen=True)
class Prepared:
    """The cleaned source and, for each of its characters, the offset in the source."""

    text: str
    origin: tuple[int, ...]  # one more entry than text: the end of the source

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The offsets in the original source of text[start:end]."""
        if start >= end:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def prepare(raw: str) -> Prepared:
    """Line breaks made \\n, full-width digits made ASCII, control characters dropped.

    A form feed (a page break, as extractors write it) is kept as a line of its own.
    """
    out: list[str] = []
    origin: list[int] = []
    index = 0
    length = len(raw)
    while index < length:
        ch = raw[index]
        if ch == "\r":
            out.append("\n")
            origin.append(index)
            if index + 1 < length and raw[index + 1] == "\n":
                index += 1
        elif ch == "\f":
            out.extend("\n\f\n")
            origin.extend((index, index, index))
        elif ch in "\t\u00a0\u2002\u2003\u2009\u200a":
            out.append(" ")
            origin.append(index)
        elif ch == "\n" or ch == "\u3000":
            out.append(ch)
            origin.append(index)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\u2028\u2029":
            pass  # NUL from a broken font encoding, soft hyphens, zero-width spaces
        else:
            out.append(ch.translate(_DIGITS))
            origin.append(index)
        index += 1
    origin.append(length)
    return Prepared("".join(out), tuple(origin))


def is_wide(ch: str) -> bool:
    return bool(ch) and bool(_WIDE_CH.match(ch))


@dataclass(frozen=True)
class Piece:
    """Text built from the prepared source, with the prepared offset of each character.

    Titles and bodies are built by joining lines and removing spaces; each kept
    character remembers where it stood, so a date found in a body points at the
    words of the source.
    """

    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str, start: int) -> "Piece":
        return cls(text, tuple(range(start, start + len(text))))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The prepared offsets of text[start:end]."""
        if not self.origin:
            return 0, 0
        if start >= end:
            at = self.origin[min(start, len(self.origin) - 1)]
            return at, at
        return self.origin[start], self.origin[end - 1] + 1

    def __add__(self, other: "Piece") -> "Piece":
        return Piece(self.text + other.text, self.origin + other.origin)

    def delete(self, pattern: re.Pattern) -> "Piece":
        """Without the characters the pattern matches."""
        drop = [False] * len(self.text)
        for match in pattern.finditer(self.text):
            for index in range(match.start(), match.end()):
                drop[index] = True
        if not any(drop):
            return self
        keep = [index for index, dropped in enumerate(drop) if not dropped]
        return Piece("".join(self.text[i] for i in keep), tuple(self.origin[i] for i in keep))

    def replace_chars(self, table: dict) -> "Piece":
        """One character for another (the same length, so the offsets hold)."""
        return Piece(self.text.translate(table), self.origin)


EMPTY = Piece("", ())
_RUN_OF_SPACES = re.compile(r"(?<= ) +|^ +| +$")


def tidy(piece: Piece) -> Piece:
    """Spaces the PDF put around numbers and brackets removed; the rest as written."""
    for pattern in (
        _SPACE_DIGIT_WIDE,
        _SPACE_AFTER_CLOSER,
        _SPACE_BEFORE_CLOSER,
        _SPACE_AFTER_OPENER,
        _SPACE_BEFORE_BANG,
        _RUN_OF_SPACES,
    ):
        piece = piece.delete(pattern)
    return piece


def tidy_text(text: str) -> str:
    return tidy(Piece.of(text, 0)).text


_WHITESPACE = {ord(ch): " " for ch in "\u3000\t\n"}


def one_line(piece: Piece) -> Piece:
    """A title: the full-width space and line breaks as spaces, runs of spaces as one."""
    return tidy(piece.replace_chars(_WHITESPACE))


def _separator(before: str, after: str) -> str:
    """Nothing between Japanese characters a column broke apart; a space between words."""
    tail = before.rstrip(" ")
    if not tail or not after:
        return ""
    last, first = tail[-1], after[0]
    if (last.isascii() and (last.isalnum() or last in ",.;:!?)]")) and (
        first.isascii() and (first.isalnum() or first in "([")
    ):
        return " "
    return ""


def join(pieces: list[Piece]) -> Piece:
    """Lines broken by a column joined into one line of text."""
    result = EMPTY
    for piece in pieces:
        piece = piece.delete(re.compile(r"^[ \u3000]+|[ ]+$"))
        if not piece.text:
            continue
        if result.text:
            result = result.delete(re.compile(r" +$"))
            separator = _separator(result.text, piece.text)
            if separator:
                result = result + Piece(separator, (result.origin[-1],))
        result = result + piece
    return result


def join_lines(lines: list[str]) -> str:
    """join() for plain strings."""
    return join([Piece.of(line, 0) for line in lines]).text


def ends_sentence(text: str) -> bool:
    return bool(SENTENCE_END.search(text.rstrip(" \u3000")))


def opens_paragraph(line: str) -> bool:
    return bool(_PARAGRAPH_MARK.match(line.strip(" \u3000")))


def paragraphs(blocks: list[list[Piece]]) -> Piece:
    """A body from its blocks of lines: paragraphs separated by a blank line.

    A blank line is a paragraph break only after the end of a sentence: narrow
    columns leave blank lines in the middle of words too (「大韓民」「国市道」).
    A line that opens a note or a list item (※, ■, （注1）) or is indented with a
    full-width space starts a paragraph.
    """
    result: list[list[Piece]] = []
    for block in blocks:
        for number, line in enumerate(block):
            if not line.text.strip(" \u3000"):
                continue
            starts_new = not result or (
                opens_paragraph(line.text)
                or (number == 0 and ends_sentence(join(result[-1]).text))
                or line.text.startswith("\u3000")
            )
            if starts_new:
                result.append([line])
            else:
                result[-1].append(line)
    body = EMPTY
    for lines in result:
        paragraph = tidy(join(lines))
        if body.text:
            body = body + Piece("\n\n", (body.origin[-1], body.origin[-1]))
        body = body + paragraph
    return body
