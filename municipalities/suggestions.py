"""The local governments a report's texts name, for staff to link.

Pure: no database, no Django. A `Gazetteer` holds the names (Japan's local
governments and the known partners abroad) as one compiled regular expression
built from a trie of every name, so a text is scanned once, in C. The seed text
(6,900 characters) takes 1.6 ms, of which the scan 0.1 ms; a 40-page text
(80,000 characters) 21 ms, of which the scan 1.3 ms: the rest is folding the
text as search folds it (docs/municipalities.md).

`suggest(gazetteer, texts)` returns what it found, in order of first mention:
- local governments named unambiguously, each with its code;
- names that several local governments share (美郷町: 秋田県, 島根県, 宮崎県),
  resolved when a prefecture is named with it (島根県美郷町, 島根県邑智郡美郷町)
  or anywhere else in the same texts, otherwise listed as ambiguous with their
  candidates, for staff to choose;
- known partners abroad, by any of their names.

Only whole names of local governments match, so words that merely end like one
(市町村, 姉妹都市, 見本市, 同市, 全米都市, 国際都市) never do. A name is further
refused where it is most likely part of a longer word:
- a short name (one kanji, or one or two kana, before 市/町/村/区) right after a
  character of the same script: 天津市 is not 津市, 赤坂町 not 坂町, unless a
  prefecture or a district (郡) stands right before it;
- a Tokyo special ward right after 市: 札幌市中央区 and 名古屋市港区 are wards of
  designated cities, not Tokyo's 中央区 and 港区;
- a name ending in 市 right before 場, 街 or 況: 中央市場 is not 中央市;
- a name in Latin letters inside a longer word.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reports.text import normalize

# Scanned text and names are folded alike: NFKC, case, katakana to hiragana (the
# site's search folding), then without the spaces and line breaks between two
# wide characters, since text copied from a PDF breaks lines inside names.
_SPACE_BETWEEN_WIDE = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")
_HIRAGANA = re.compile("[\u3041-\u309f\u30fc]+")
_KANJI = re.compile("[\u3400-\u9fff\uf900-\ufaff々]")
_ASCII_WORD = re.compile("[0-9a-z]")
_NOT_AFTER_CITY = frozenset("場街況")


def fold(text: str) -> str:
    return _SPACE_BETWEEN_WIDE.sub("", normalize(text))


@dataclass(frozen=True)
class Place:
    """A prefecture or municipality as the scanner needs it."""

    code: str
    name: str
    prefecture: str  # the prefecture's name (a prefecture's is its own)
    kind: str  # as LocalGovernment.Kind: "prefecture", "city", "special_ward", ...

    @property
    def is_prefecture(self) -> bool:
        return self.kind == "prefecture"

    @property
    def label(self) -> str:
        return self.name if self.is_prefecture else f"{self.name}（{self.prefecture}）"


@dataclass(frozen=True)
class PartnerName:
    """A partner abroad with every name a text may use for it."""

    key: str  # its slug
    name: str
    country: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Found:
    """A local government the texts name unambiguously."""

    place: Place
    mentions: int


@dataclass(frozen=True)
class Ambiguous:
    """A name several local governments share, named without its prefecture."""

    name: str
    candidates: tuple[Place, ...]
    mentions: int


@dataclass(frozen=True)
class FoundPartner:
    partner: PartnerName
    mentions: int


@dataclass(frozen=True)
class Suggestions:
    local_governments: tuple[Found, ...] = ()
    ambiguous: tuple[Ambiguous, ...] = ()
    partners: tuple[FoundPartner, ...] = ()

    @property
    def codes(self) -> list[str]:
        return [found.place.code for found in self.local_governments]


@dataclass
class _Mention:
    start: int
    end: int
    places: tuple[Place, ...]
    partners: tuple[PartnerName, ...]
    # The prefecture named right before it, and where that name ends.
    qualifier: tuple[Place, int] | None = None
    qualifies: bool = False  # a prefecture naming the municipality after it


@dataclass
class _Tally:
    first: int
    count: int = 0
    extra: object = field(default=None)


def _variants(name: str) -> set[str]:
    """茅ヶ崎市 is also written 茅ケ崎市 (and folding keeps them apart)."""
    forms = {name}
    for small, large in (("ヶ", "ケ"), ("ケ", "ヶ")):
        forms |= {form.replace(small, large) for form in forms}
    return {fold(form) for form in forms}


def _trie_pattern(words: Iterable[str]) -> re.Pattern:
    """One regular expression matching any of `words`, longest first at each position.

    A plain alternation of 2,000 names makes the engine try each at every
    character; a trie shares the prefixes, so each position costs a few steps.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends_here = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            return f"(?:{body})?"
        return body

    return re.compile(build(trie))


class Gazetteer:
    """The names to look for: local governments and partners abroad, compiled once.

    The names are compiled reversed and the text scanned from its end: names of
    local governments end in one of a few characters (市町村区都道府県), so the
    expression's first step is a choice among a handful, and the engine skips
    every other character at C speed. Scanning forward, the first step would be
    a choice among a thousand first characters: three times slower.
    """

    def __init__(self, places: Iterable[Place], partners: Iterable[PartnerName] = ()):
        self.places: dict[str, list[Place]] = {}
        self.partners: dict[str, list[PartnerName]] = {}
        self.short: set[str] = set()
        for place in places:
            for form in _variants(place.name):
                self.places.setdefault(form, []).append(place)
                stem = form[:-1]
                if not place.is_prefecture and (
                    len(stem) == 1 or (len(stem) <= 2 and _HIRAGANA.fullmatch(stem))
                ):
                    self.short.add(form)
        for partner in partners:
            for name in partner.names:
                form = fold(name)
                if form and partner not in self.partners.get(form, []):
                    self.partners.setdefault(form, []).append(partner)
        self.prefectures = {
            form: found[0]
            for form, found in self.places.items()
            if len(found) == 1 and found[0].is_prefecture
        }
        forms = set(self.places) | set(self.partners)
        self.pattern = _trie_pattern(form[::-1] for form in forms)

    def scan(self, text: str) -> list[_Mention]:
        """Every accepted mention in `text` (folded), in order."""
        backwards = text[::-1]
        length = len(text)
        mentions: list[_Mention] = []
        position = 0
        while match := self.pattern.search(backwards, position):
            start, end = length - match.end(), length - match.start()
            mention = self._accept(text, text[start:end], start, end)
            if mention is None:
                position = match.start() + 1  # a shorter name may end further on
                continue
            mentions.append(mention)
            position = match.end()
        mentions.reverse()
        return mentions

    def _prefecture_before(self, text: str, position: int) -> tuple[Place, int] | None:
        """The prefecture named right before `position`, directly or before a district
        (島根県美郷町, 島根県邑智郡美郷町), with where its name ends."""
        ends = [position]
        if text[position - 1 : position] == "郡":
            ends += [
                position - length
                for length in range(2, min(7, position + 1))
                if all(_KANJI.match(ch) for ch in text[position - length : position])
            ]
        for end in ends:
            for length in (3, 4):  # 北海道 .. 神奈川県
                prefecture = (
                    self.prefectures.get(text[end - length : end]) if end >= length else None
                )
                if prefecture is not None:
                    return prefecture, end
        return None

    def _accept(self, text: str, form: str, start: int, end: int) -> _Mention | None:
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if _ASCII_WORD.match(form[0]) and _ASCII_WORD.match(before):
            return None
        if _ASCII_WORD.match(form[-1]) and _ASCII_WORD.match(after):
            return None
        places = tuple(self.places.get(form, ()))
        partners = tuple(self.partners.get(form, ()))
        qualifier = None
        if places and not places[0].is_prefecture:
            qualifier = self._prefecture_before(text, start)
            if form in self.short and before and qualifier is None and before != "郡":
                same_script = (_KANJI.match(before) and _KANJI.match(form[0])) or (
                    _HIRAGANA.match(before) and _HIRAGANA.match(form[0])
                )
                if same_script:
                    places = ()
            if places and places[0].kind == "special_ward" and before == "市":
                places = ()
            if places and form.endswith("市") and after in _NOT_AFTER_CITY:
                places = ()
        if not places and not partners:
            return None
        return _Mention(start, end, places, partners, qualifier=qualifier)


def suggest(gazetteer: Gazetteer, texts: Iterable[str]) -> Suggestions:
    """The local governments and partners abroad that `texts` name (see the module's doc)."""
    text = "\n".join(fold(text) for text in texts if text)
    mentions = gazetteer.scan(text)

    ending_at = {mention.end: mention for mention in mentions}
    named_prefectures = set()
    for mention in mentions:
        if mention.qualifier is not None:
            prefecture, prefecture_end = mention.qualifier
            named_prefectures.add(prefecture.name)
            named = tuple(p for p in mention.places if p.prefecture == prefecture.name)
            if named:
                mention.places = named
                if prefecture_end in ending_at:
                    ending_at[prefecture_end].qualifies = True
        named_prefectures.update(p.name for p in mention.places if p.is_prefecture)

    found: dict[str, _Tally] = {}
    ambiguous: dict[str, _Tally] = {}
    partners: dict[str, _Tally] = {}
    for mention in mentions:
        places = mention.places
        if len(places) > 1:
            narrowed = tuple(p for p in places if p.prefecture in named_prefectures)
            if len(narrowed) == 1:
                places = narrowed
        if len(places) == 1 and not (places[0].is_prefecture and mention.qualifies):
            tally = found.setdefault(places[0].code, _Tally(mention.start, extra=places[0]))
            tally.count += 1
        elif len(places) > 1:
            name = places[0].name
            tally = ambiguous.setdefault(name, _Tally(mention.start, extra=places))
            tally.count += 1
        for partner in mention.partners:
            tally = partners.setdefault(partner.key, _Tally(mention.start, extra=partner))
            tally.count += 1

    def ordered(tallies: dict[str, _Tally]) -> list[_Tally]:
        return sorted(tallies.values(), key=lambda tally: tally.first)

    return Suggestions(
        local_governments=tuple(Found(t.extra, t.count) for t in ordered(found)),
        ambiguous=tuple(
            Ambiguous(t.extra[0].name, tuple(sorted(t.extra, key=lambda p: p.code)), t.count)
            for t in ordered(ambiguous)
        ),
        partners=tuple(FoundPartner(t.extra, t.count) for t in ordered(partners)),
    )
