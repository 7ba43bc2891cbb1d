"""Participant figures and their qualifiers (docs/forum-drafts.md, "Participants").

Only sentences about taking part count (参加, 出席, 集まる, 来場, 出展, 受講, 迎える,
…), so 「1万9,000以上の市町村を代表する」 is not a figure of participants. In them:

- 「日本18自治体27人、韓国15自治体25人、計52人」: a row per country, with the
  number of local governments and of people; a total that the rows add up to is
  left out (the rows say it), one that they do not is noted for staff;
- 「約800人」「およそ」「概ね」「800人程度」 are about; 「3,000人以上」「超」「余り」 at least;
- 「7自治体から10事業者」: 7 local governments (businesses are not people);
- 「1万9,000人」 is 19,000.

A row is named by the words before its figures when the text gives them
(「日本」, 「オーストラリアの自治体幹部」, 「ロサンゼルス会場」, 「参加者は」), otherwise by
the role its verb gives (出席 → 出席者, 出展 → 出展者, …): a guess.
"""

import re
from dataclasses import dataclass

from .places import COUNTRIES

_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"
_COUNTRY = "|".join(re.escape(name) for name in sorted(COUNTRIES, key=len, reverse=True))
_PEOPLE = (
    rf"(?P<about>約|およそ|概ね|おおよそ|ほぼ)?"
    rf"(?P<people>(?:{_NUMBER})(?:万(?:{_NUMBER})?)?)(?:人|名)"
    rf"(?!目|分|当|口|乗|部屋)"
    rf"(?P<more>以上|超|余り|あまり|余|強|を超える|を超す|を上回る)?"
    rf"(?P<near>程度|ほど|前後|規模|弱)?"
)
_MUNICIPALITIES = rf"(?P<mun>{_NUMBER})(?:自治体|市町村|団体)(?:から|の|、)?"
_ROW = re.compile(
    rf"(?:(?P<country>{_COUNTRY})(?:側)?(?:から(?:は)?|は|の)?)?"
    rf"(?:{_MUNICIPALITIES})?(?:(?P<others>{_NUMBER})(?:事業者|団体|社|機関|企業))?"
    rf"(?:{_PEOPLE})?"
)
_TOTAL = re.compile(rf"(?:計|合計|総計|総勢|あわせて|合わせて)(?:{_PEOPLE})")
_TAKING_PART = re.compile(
    r"参加|出席|集ま|集っ|集い|来場|出展|受講|迎え|招き|招い|招へい|招聘|訪れ|視聴|聴講|参集|集結|来訪|来日|訪日|訪問団"
)
_ROLES = (
    ("出展", "出展者"),
    ("来場", "来場者"),
    ("出席", "出席者"),
    ("受講", "受講者"),
    ("視聴", "視聴者"),
    ("聴講", "聴講者"),
)
_VENUE_NAME = re.compile(r"(?P<name>[\u4e00-\u9fff\u30a0-\u30ff]{1,20}会場)(?:には|では|にも|は)$")
_OF_COUNTRY = re.compile(rf"^(?P<name>(?:{_COUNTRY})の[^、。\s0-9（）「」]{{1,15}}?)(?:など|ら)?$")
# 「英国各地から議員や自治体職員など約1,500人」: where the people came from.
_FROM_COUNTRY = re.compile(
    rf"(?P<country>{_COUNTRY})(?:各地|全土|国内|全国|側)?から(?:は|訪れた|来た)?"
)
_SUBJECT = re.compile(r"(?P<name>参加者|来場者|出席者|受講者|出展者|参加自治体)(?:は|数は|数|が)?$")


@dataclass(frozen=True)
class Figure:
    """One row of participants as the text gives it."""

    name: str
    name_found: bool  # False: the name is the role the verb gives, a guess
    country: str | None
    municipalities: int | None
    people: int | None
    qualifier: str  # exact, about, at_least
    span: tuple[int, int]


def number(text: str) -> int:
    """「1万9,000」 is 19000; 「3,000」 3000."""
    if "万" in text:
        high, _, low = text.partition("万")
        return int(high.replace(",", "")) * 10_000 + (int(low.replace(",", "")) if low else 0)
    return int(text.replace(",", ""))


def _qualifier(match: re.Match) -> str:
    if match.group("about") or match.group("near"):
        return "about"
    if match.group("more"):
        return "at_least"
    return "exact"


def _sentences(text: str):
    start = 0
    for match in re.finditer(r"[。！？]|\n", text):
        yield start, text[start : match.end()]
        start = match.end()
    if start < len(text):
        yield start, text[start:]


def _role(sentence: str, position: int) -> str:
    after = sentence[position:]
    for word, role in _ROLES:
        if word in after[:40]:
            return role
    for word, role in _ROLES:
        if word in sentence:
            return role
    return "参加者"


def find_figures(text: str) -> tuple[list[Figure], list[str]]:
    """The participant rows of a body, and notes for staff (a total that does not add up)."""
    figures: list[Figure] = []
    notes: list[str] = []
    for offset, sentence in _sentences(text):
        if not _TAKING_PART.search(sentence):
            continue
        rows: list[Figure] = []
        totals: list[tuple[int, str, tuple[int, int]]] = []
        total_spans = []
        for total in _TOTAL.finditer(sentence):
            totals.append(
                (
                    number(total.group("people")),
                    _qualifier(total),
                    (offset + total.start(), offset + total.end()),
                )
            )
            total_spans.append((total.start(), total.end()))
        for match in _ROW.finditer(sentence):
            if not (match.group("mun") or match.group("people")):
                continue
            if any(
                start <= match.start("people") < end
                for start, end in total_spans
                if match.group("people")
            ):
                continue
            before = sentence[: match.start()]
            if match.group("people") and re.search(r"人口[^、。]{0,4}$", before):
                continue  # 「人口10万人」 is a population
            country_word = match.group("country")
            people = number(match.group("people")) if match.group("people") else None
            municipalities = (
                int(match.group("mun").replace(",", "")) if match.group("mun") else None
            )
            qualifier = _qualifier(match) if match.group("people") else "exact"
            country = COUNTRIES.get(country_word) if country_word else None
            name, name_found = country_word, bool(country_word)
            start = match.start("country") if country_word else match.start()
            if not name and not country:
                origins = list(_FROM_COUNTRY.finditer(before))
                if origins and not re.search(r"\d", before[origins[-1].end() :]):
                    country = COUNTRIES[origins[-1].group("country")]
            if not name:
                clause = re.split(r"[、，]", before)[-1]
                clause_start = len(before) - len(clause)
                if found := _OF_COUNTRY.search(clause):
                    name, name_found = found.group("name"), True
                    country = COUNTRIES.get(re.match(_COUNTRY, name).group())
                    start = clause_start + found.start()
                elif found := _VENUE_NAME.search(clause) or _VENUE_NAME.search(before):
                    name, name_found = found.group("name"), True
                elif found := _SUBJECT.search(clause.rstrip("約およそ概ね")):
                    name, name_found = found.group("name"), True
                    start = clause_start + found.start()
                elif re.match(
                    r"[^、。]{0,6}?の?(参加者|来場者|出席者|受講者)", sentence[match.end() :]
                ):
                    name = re.match(
                        r"[^、。]{0,6}?の?(参加者|来場者|出席者|受講者)", sentence[match.end() :]
                    ).group(1)
                    name_found = True
                else:
                    name, name_found = _role(sentence, match.end()), False
            rows.append(
                Figure(
                    name=name,
                    name_found=name_found,
                    country=country,
                    municipalities=municipalities,
                    people=people,
                    qualifier=qualifier,
                    span=(offset + start, offset + match.end()),
                )
            )
        for people, qualifier, span in totals:
            counted = [row.people for row in rows if row.people is not None]
            if rows and counted and sum(counted) == people:
                continue  # the rows say it
            if rows and counted:
                notes.append(
                    f"合計 {people:,} 人と内訳の合計 {sum(counted):,} 人が合いません。確認してください。"
                )
                continue
            rows.append(Figure("参加者", False, None, None, people, qualifier, span))
        figures.extend(rows)
    return _unique(figures), notes


def _unique(figures: list[Figure]) -> list[Figure]:
    """The same row told twice (in the lead and again later) is one row."""
    seen = set()
    result = []
    for figure in figures:
        key = (figure.name, figure.country, figure.municipalities, figure.people, figure.qualifier)
        if key not in seen:
            seen.add(key)
            result.append(figure)
    return result
