"""Where each article starts and ends: titles, bodies, office tabs and captions.

The text of a Forum page comes out of the PDF frame by frame, not in reading
order: a page's titles may come first, then its bodies, then the office tabs
(「ソウル事務所」) and the photo captions; a narrow column leaves blank lines in the
middle of words. docs/forum-drafts.md ("Finding the articles") gives the rules;
in short:

1. Lines are grouped into blocks (at blank lines, page breaks and lines that start
   a new text run with a space). A line that is an office's name is a tab; the
   header and footer of the page are dropped; a block with a sentence (「。」) is
   body text, and the title lines at its top are split off; any other block is
   short: a title or a caption.
2. Between two runs of body text, the short blocks are the captions of the page
   before and the titles of what follows: the titles are the last of them, as many
   as make the best score (a title's ending, 「を開催しました」, against a caption's,
   「の様子」, and whether its words are those of the body after it or before it).
3. A run of body blocks is shared among the titles before it in order, cutting
   only at the end of a sentence, where each piece reads most like its title and
   a new article's opening (a date, 「クレア…事務所は」) stands.
"""

import math
import re
from dataclasses import dataclass, field

from .text import Piece, ends_sentence, join, join_lines

HEADER = re.compile(
    r"^(?:CLAIR\s*トピックス|CLAIR\s*TOPICS|\d{1,3}|[-‐ー―]\s*\d{1,3}\s*[-‐ー―]"
    r"|\d{0,3}\s*自治体国際化フォーラム.{0,40}|.{0,40}Vol\.\s*\d+.{0,20})$",
    re.IGNORECASE,
)
TITLE_END = re.compile(
    r"(?:しました|します|しています|いたしました|ました|開催|開催報告|報告|参加|実施|発足|"
    r"セミナー|シンポジウム|フォーラム|会議|総会|会合|研修会?|ワークショップ|交流会|説明会|"
    r"訪問|締結|調印|展|祭|フェア|ツアー|キャンペーン|のご案内|のお知らせ|について|紹介|事業|"
    r"プログラム|受賞|決定|発表|完成|式典|大会|サミット|ミッション|派遣|視察)"
    r"[!！?？]*$|[!！]$"
)
CAPTION_END = re.compile(
    r"(?:様子|風景|模様|撮影|写真|コード|ホームページ|ブース|会場|実績|一覧|ロゴ|ポスター|チラシ|"
    r"知事|市長|町長|村長|区長|大臣|大使|総領事|領事|氏|さん|教授|議長|会長|理事長|所長|職員)$"
    r"|[（(](?:右|左|中央|前列|後列)[^）)]*[）)]"
)
# How an article opens: its date, or the office that acts (strong); a year (weak).
REPORT_OPENING = re.compile(
    r"^(?:(?:(?:令和|平成)(?:元|\d{1,2})|\d{4})\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日|"
    r"^(?:クレア|CLAIR|(?:一般財団法人)?自治体国際化協会)"
)
YEAR_OPENING = re.compile(r"^(?:(?:令和|平成)(?:元|\d{1,2})|\d{4})\s*年")
CONTINUATION = re.compile(
    r"^(?:また|さらに|一方|そのほか|その他|このほか|この|その|翌|今後|当事務所|当日|当協会|同|"
    r"本(?:セミナー|会議|事業|ワークショップ|総会|研修|イベント|フォーラム|行事|展|大会|会合)|"
    r"参加者|これ|最後に|なお|特に|加えて|次に|続いて|午後|午前|\d+\s*日目|初日|最終日)"
)
CLOSING = re.compile(
    r"(?:まいります|参ります|いきます|いく予定です|期待されます|ください|下さい|予定です|"
    r"機会となりました|幕を閉じました|考えています|願っています|お待ちしています)[。！!]?$"
    r"|https?://\S+$|\S+@\S+\.\w+$"
)
# Small kana, the long-vowel mark, closing brackets and particles do not start a sentence.
_CONTINUES_LINE = re.compile(
    r"^[ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶーをにはがでとへやもの、。）」』]"
)
# An article's first block names its subject: there, 0.1 more of the title's (weighted)
# pairs is worth one opening word. Further blocks count less (they share general words).
LIKENESS_FIRST = 10.0
LIKENESS_REST = 3.0
_BIGRAM_CHARS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u30a0-\u30ffA-Za-z\u3040-\u309f]")
_HIRAGANA = re.compile(r"[\u3040-\u309f]+")


@dataclass
class Line:
    """One line of the prepared text: `text` is prepared[start:end], spaces stripped."""

    text: str
    start: int
    end: int
    indented: bool = False

    @property
    def piece(self) -> Piece:
        return Piece.of(self.text, self.start)

    def cut(self, position: int) -> tuple["Line", "Line"]:
        return (
            Line(self.text[:position], self.start, self.start + position, self.indented),
            Line(self.text[position:], self.start + position, self.end),
        )


@dataclass
class Unit:
    """A block of lines and what it is: body, short (title or caption), label, header, page."""

    kind: str
    lines: list[Line]
    office: str | None = None  # a label's office code
    indented: bool = False

    @property
    def text(self) -> str:
        return join_lines([line.text for line in self.lines])

    @property
    def piece(self) -> Piece:
        return join([line.piece for line in self.lines])

    @property
    def start(self) -> int:
        return self.lines[0].start if self.lines else 0

    @property
    def end(self) -> int:
        return self.lines[-1].end if self.lines else 0


@dataclass
class Article:
    """One article: its title block (None when none was found) and its body blocks."""

    title: Unit | None
    body: list[Unit]
    page: int
    notes: list[str] = field(default_factory=list)


@dataclass
class Page:
    """Articles that share office tabs, with the tabs and what was left out."""

    number: int
    articles: list[Article] = field(default_factory=list)
    labels: list[Unit] = field(default_factory=list)
    left_out: list[Unit] = field(default_factory=list)


@dataclass
class Layout:
    pages: list[Page]
    headers: list[Unit]

    @property
    def articles(self) -> list[Article]:
        return [article for page in self.pages for article in page.articles]


# Reading the lines ------------------------------------------------------------------


def read_lines(text: str) -> list[Line | None]:
    """Lines of the prepared text; None for a blank line, Line('\\f') for a page break."""
    lines: list[Line | None] = []
    position = 0
    for raw in text.split("\n"):
        stripped = raw.strip(" ")
        if raw == "\f":
            lines.append(Line("\f", position, position + 1))
        elif not stripped.strip("\u3000"):
            lines.append(None)
        else:
            offset = raw.index(stripped)
            lines.append(
                Line(
                    stripped,
                    position + offset,
                    position + offset + len(stripped),
                    indented=raw[:1] in (" ", "\u3000") and bool(stripped),
                )
            )
        position += len(raw) + 1
    return lines


def read_units(text: str, label_of) -> list[Unit]:
    """The blocks of the text, each classified (see the module's doc, step 1).

    `label_of(line_text)` returns an office code when the line is an office's tab.
    """
    units: list[Unit] = []
    block: list[Line] = []

    def flush():
        if block:
            units.extend(_classify(list(block)))
            block.clear()

    lines = read_lines(text)
    for number, line in enumerate(lines):
        if line is None:
            flush()
        elif line.text == "\f":
            flush()
            units.append(Unit("page", [line]))
        elif HEADER.match(line.text):
            flush()
            units.append(Unit("header", [line]))
        elif (code := label_of(line.text)) is not None and _alone(lines, number):
            flush()
            units.append(Unit("label", [line], office=code))
        else:
            if line.indented:
                flush()
            block.append(line)
    flush()
    return units


def _alone(lines: list, number: int) -> bool:
    """A line with a blank line, a page break or a new text run on either side: a tab,
    not the first line of a caption that names the office (「クレアロンドン事務所」)."""
    before = lines[number - 1] if number else None
    after = lines[number + 1] if number + 1 < len(lines) else None
    return (before is None or before.text == "\f") and (
        after is None or after.text == "\f" or after.indented
    )


# A title or caption never ends on a particle or a comma; a piece of a sentence
# that a blank line cut off does (「…静岡県浜松市と」).
_ENDS_MID_SENTENCE = re.compile(r"[、，をにはがでともへやの]$")


def _classify(lines: list[Line]) -> list[Unit]:
    text = join_lines([line.text for line in lines])
    indented = lines[0].indented
    fragment = _ENDS_MID_SENTENCE.search(text) or ("、" in text and len(text) >= 50)
    if "。" not in text and len(lines) <= 3 and len(text) <= 100 and not fragment:
        return [Unit("short", lines, indented=indented)]
    split = _title_lines(lines)
    if split:
        return [
            Unit("short", lines[:split], indented=indented),
            Unit("body", lines[split:]),
        ]
    return [Unit("body", lines, indented=indented)]


def _title_lines(lines: list[Line]) -> int:
    """How many lines at the top of a body block are its title (0 if none)."""
    for split in range(1, min(3, len(lines) - 1) + 1):
        head = join_lines([line.text for line in lines[:split]])
        if "。" in head or "、" in head or head.endswith(("：", ":")):
            return 0
        first_body = lines[split].text
        if _CONTINUES_LINE.match(first_body):
            continue
        if TITLE_END.search(head) or REPORT_OPENING.match(first_body):
            return split
    return 0


# Words in common ------------------------------------------------------------------------


def bigrams(text: str) -> set[str]:
    """Pairs of neighbouring letters, leaving out numbers, punctuation and kana-only grammar."""
    chars = "".join(_BIGRAM_CHARS.findall(text)).upper()
    pairs = {chars[i : i + 2] for i in range(len(chars) - 1)}
    return {pair for pair in pairs if not _HIRAGANA.fullmatch(pair)}


def coverage(title: set[str], text: set[str], weight=None) -> float:
    """The share of the title's pairs (weighted) that the text has."""
    if not title:
        return 0.0
    weigh = weight or (lambda pair: 1.0)
    total = sum(weigh(pair) for pair in title)
    return sum(weigh(pair) for pair in title & text) / total if total else 0.0


# Titles and captions ---------------------------------------------------------------------


def title_score(unit: Unit, before: set[str], after: set[str]) -> float:
    """How much a short block reads as the title of the text after it rather than a caption."""
    text = unit.text
    score = 0.0
    if CAPTION_END.search(text):
        score -= 2.0
    elif TITLE_END.search(text):
        score += 2.0
    words = bigrams(text)
    score += 3.0 * (coverage(words, after) - coverage(words, before))
    if unit.indented:
        score += 0.5
    if "、" in text:
        score -= 0.5
    if len(text) < 6:
        score -= 1.0
    return score


def _choose_titles(gap: list[Unit], before: set[str], after: set[str], room: int) -> int:
    """How many of the gap's short blocks, counted from its end, are titles."""
    shorts = [index for index, unit in enumerate(gap) if unit.kind == "short"]
    best, best_score = 0, 0.0
    running = 0.0
    for count in range(1, min(len(shorts), room) + 1):
        position = shorts[-count]
        running += title_score(gap[position], before, after)
        score = running
        previous = shorts[-count - 1] if count < len(shorts) else -1
        if any(unit.kind in ("label", "header", "page") for unit in gap[previous + 1 : position]):
            score += 1.0  # a tab, header or page break stands right before the titles
        if score > best_score:
            best, best_score = count, score
    return best


# Sharing a body run among its titles -----------------------------------------------------


def _sentences(unit: Unit) -> list[Unit]:
    """A body block cut after each sentence, for when there are more titles than blocks."""
    pieces: list[Unit] = []
    current: list[Line] = []
    for line in unit.lines:
        rest = line
        while True:
            match = re.search(r"[。！？][」』）]*", rest.text)
            if not match or match.end() == len(rest.text):
                current.append(rest)
                if match:
                    pieces.append(Unit("body", current))
                    current = []
                break
            head, rest = rest.cut(match.end())
            current.append(head)
            pieces.append(Unit("body", current))
            current = []
    if current:
        pieces.append(Unit("body", current))
    return pieces


def share(titles: list[Unit], run: list[Unit]) -> list[list[Unit]]:
    """The body blocks of each title, in order (see the module's doc, step 3)."""
    if len(titles) <= 1:
        return [run]
    if len(run) < len(titles):
        run = [piece for unit in run for piece in _sentences(unit)]
    if len(run) < len(titles):
        return [run] + [[] for _ in titles[1:]]
    texts = [unit.text for unit in run]
    words = [bigrams(text) for text in texts]
    title_words = [bigrams(unit.text) for unit in titles]
    frequency: dict[str, int] = {}
    for pairs in words:
        for pair in pairs:
            frequency[pair] = frequency.get(pair, 0) + 1

    def weight(pair: str) -> float:
        return 1.0 / (1 + frequency.get(pair, 0))

    likeness = [[coverage(t, w, weight) for w in words] for t in title_words]
    opening = []
    for index, text in enumerate(texts):
        if index == 0:
            opening.append(0.0)
            continue
        if not ends_sentence(texts[index - 1]):
            opening.append(-math.inf)
            continue
        score = 0.0
        if REPORT_OPENING.match(text):
            score += 1.5
        elif YEAR_OPENING.match(text):
            score += 0.3
        if CONTINUATION.match(text) or "今後" in text[:12]:
            score -= 1.0
        if CLOSING.search(texts[index - 1]):
            score += 0.5
        opening.append(score)

    count, size = len(titles), len(run)
    # best[i][j]: the best score with block j belonging to title i, i never decreasing.
    best = [[-math.inf] * size for _ in range(count)]
    back = [[0] * size for _ in range(count)]
    best[0][0] = LIKENESS_FIRST * likeness[0][0]
    for j in range(1, size):
        for i in range(count):
            stay = best[i][j - 1] + LIKENESS_REST * likeness[i][j]
            move = (
                best[i - 1][j - 1] + opening[j] + LIKENESS_FIRST * likeness[i][j]
                if i
                else -math.inf
            )
            if stay >= move:
                best[i][j], back[i][j] = stay, i
            else:
                best[i][j], back[i][j] = move, i - 1
    if best[count - 1][size - 1] == -math.inf:
        return [run] + [[] for _ in titles[1:]]
    owner = [0] * size
    i = count - 1
    for j in range(size - 1, -1, -1):
        owner[j] = i
        i = back[i][j]
    groups: list[list[Unit]] = [[] for _ in titles]
    for unit, i in zip(run, owner, strict=True):
        groups[i].append(unit)
    return groups


# The whole text -----------------------------------------------------------------------------


def lay_out(units: list[Unit]) -> Layout:
    """Articles grouped into pages, from the classified blocks."""
    # Alternate gaps (anything but body) and runs of body blocks.
    gaps: list[list[Unit]] = [[]]
    runs: list[list[Unit]] = []
    for unit in units:
        if unit.kind == "body":
            if len(runs) < len(gaps):
                runs.append([])
            runs[-1].append(unit)
        else:
            if len(runs) == len(gaps):
                gaps.append([])
            gaps[-1].append(unit)
    if len(gaps) == len(runs):
        gaps.append([])

    headers = [unit for gap in gaps for unit in gap if unit.kind == "header"]
    pages: list[Page] = [Page(1)]
    for index, run in enumerate(runs):
        gap = gaps[index]
        before = bigrams(" ".join(unit.text for unit in runs[index - 1])) if index else set()
        after = bigrams(" ".join(unit.text for unit in run))
        room = len(run) if len(run) > 1 else 1
        room = max(room, sum(1 for unit in run for _ in _sentences(unit)))
        count = _choose_titles(gap, before, after, room)
        shorts = [position for position, unit in enumerate(gap) if unit.kind == "short"]
        cut = shorts[-count] if count else len(gap)
        page = pages[-1]
        _close_page(page, gap[:cut])
        starts_page = (
            count
            and index
            and any(unit.kind in ("short", "label", "header", "page") for unit in gap[:cut])
        )
        if starts_page and page.articles:
            page = Page(len(pages) + 1)
            pages.append(page)
        titles = [unit for unit in gap[cut:] if unit.kind == "short"]
        page.labels.extend(unit for unit in gap[cut:] if unit.kind == "label")
        if not titles:
            if page.articles:
                page.articles[-1].body.extend(run)
                page.articles[-1].notes.append("本文の途中に写真の説明などがあり、つなげました。")
            else:
                page.articles.append(Article(None, list(run), page.number))
            continue
        for title, body in zip(titles, share(titles, run), strict=True):
            page.articles.append(Article(title, body, page.number))
    _close_page(pages[-1], gaps[len(runs)])
    return Layout([page for page in pages if page.articles], headers)


def _close_page(page: Page, trailer: list[Unit]) -> None:
    """Tabs and captions after a page's articles belong to it."""
    for unit in trailer:
        if unit.kind == "label":
            page.labels.append(unit)
        elif unit.kind == "short":
            page.left_out.append(unit)
