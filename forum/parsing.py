"""From the text of a Forum page to proposed reports (the entry point: `parse_text`).

The steps, each in a module of its own: `text` cleans the source, `layout` finds
the articles, then per article `offices`, `dates`, `places`, `figures`,
`themes` and the local-government finder fill the fields. docs/forum-drafts.md
describes every rule.
"""

import datetime
import re

from . import dates, figures, layout, places, themes
from .errors import EmptyInput, InputTooLarge, NoReportFound
from .ids import stable_external_id
from .local_governments import Finder
from .offices import OfficeNames
from .results import (
    Certainty,
    Evidence,
    Field,
    NamedLocalGovernment,
    ParseResult,
    ProposedEvent,
    ProposedParticipant,
    ProposedReport,
    SuggestedTheme,
    found,
    guessed,
    not_found,
)
from .text import Piece, Prepared, one_line, paragraphs, prepare

MAX_TEXT_CHARS = 1_000_000  # a 40-page issue is about 100,000 characters
_JAPANESE_SENTENCE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff][^。]*。")
_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        1,
    )
}
_ISSUE_EN = re.compile(
    r"自治体国際化フォーラム\s*[｜|]?\s*(?P<month>[A-Z][a-z]+)\s+(?P<year>\d{4})\s+Vol\.\s*(?P<vol>\d+)"
)
_ISSUE_JA = re.compile(
    r"自治体国際化フォーラム.{0,10}?(?P<year>\d{4})年\s*(?P<month>\d{1,2})月号?.{0,10}?Vol\.?\s*(?P<vol>\d+)"
)
_NOTE_YEAR_FROM_ISSUE = "年が書かれていないため、号の発行年月から推定しました。"


class _Reader:
    """One parse: the prepared source and how to point back into it."""

    def __init__(self, text: str, prepared: Prepared):
        self.text = text
        self.prepared = prepared

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for prepared[start:end]."""
        source_start, source_end = self.prepared.source_span(start, end)
        return Evidence(source_start, source_end, self.text[source_start:source_end])

    def in_piece(self, piece: Piece, start: int, end: int) -> Evidence:
        return self.evidence(*piece.span(start, end))


def parse_text(
    text: str,
    *,
    offices,
    source: str = "",
    issue: datetime.date | None = None,
    find_local_governments: Finder | None = None,
    theme_slugs=None,
) -> ParseResult:
    """The reports a Forum page proposes (see the module's doc).

    `offices`: the offices and divisions (objects with code, name_ja, country and
    kind, e.g. Office rows). `source` names the publication (otherwise read from the
    page's footer, a guess); `issue` is its month, for dates without a year (otherwise
    read from the footer). `find_local_governments` is the directory's finder
    (forum.local_governments). `theme_slugs` limits suggestions to the portal's themes.

    Raises a ForumInputError (a message in Japanese) for empty, oversized or
    unreadable text.
    """
    if text is None or not text.strip():
        raise EmptyInput()
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(len(text), MAX_TEXT_CHARS, "文字")
    prepared = prepare(text)
    reader = _Reader(text, prepared)
    names = OfficeNames(offices)
    page_layout = layout.lay_out(layout.read_units(prepared.text, names.label))

    source_field, issue_field = _issue(reader, page_layout.headers, source, issue)
    issue_date = issue_field.value

    reports: list[ProposedReport] = []
    seen_titles: dict[str, int] = {}
    for page in page_layout.pages:
        page_reports = []
        for article in page.articles:
            body = paragraphs([[line.piece for line in unit.lines] for unit in article.body])
            if not _JAPANESE_SENTENCE.search(body.text):
                continue
            report = _report(
                reader, names, article, body, issue_date, find_local_governments, theme_slugs
            )
            count = seen_titles[report.title.value] = seen_titles.get(report.title.value, 0) + 1
            report.external_id = stable_external_id(
                source_field.value, report.title.value or body.text[:80], occurrence=count
            )
            report.position = len(reports) + 1
            reports.append(report)
            page_reports.append((report, body))
        _offices_from_tabs(reader, names, page, page_reports)
    if not reports:
        raise NoReportFound()
    left_out = [
        reader.evidence(unit.start, unit.end)
        for page in page_layout.pages
        for unit in page.left_out + page.labels
    ] + [reader.evidence(unit.start, unit.end) for unit in page_layout.headers]
    return ParseResult(
        text=text,
        source=source_field,
        issue=issue_field,
        reports=reports,
        left_out=sorted(left_out, key=lambda evidence: evidence.start),
    )


def _issue(reader, headers, source, issue):
    """The source's name and the issue's month: as given, or read from the footer."""
    match = None
    for unit in headers:
        match = _ISSUE_EN.search(unit.text) or _ISSUE_JA.search(unit.text)
        if match:
            evidence = reader.evidence(unit.start, unit.end)
            break
    read_issue = read_name = None
    if match:
        month = match.group("month")
        month = _MONTHS.get(month) if not month.isdigit() else int(month)
        if month:
            read_issue = datetime.date(int(match.group("year")), month, 1)
            read_name = (
                f"自治体国際化フォーラム Vol. {match.group('vol')} ({read_issue.year}年{month}月)"
            )
    if source:
        source_field = found(source, None, "指定された出典です。")
    elif read_name:
        source_field = guessed(read_name, evidence, "ページのフッターから読み取りました。")
    else:
        source_field = not_found("", "出典が指定されておらず、フッターにも見つかりません。")
    if issue:
        issue_field = found(issue.replace(day=1), None, "指定された発行年月です。")
    elif read_issue:
        issue_field = found(read_issue, evidence)
    else:
        issue_field = not_found(None, "号の発行年月が分からないため、年のない日付は読めません。")
    return source_field, issue_field


def _report(reader, names, article, body: Piece, issue, finder, theme_slugs) -> ProposedReport:
    if article.title is not None:
        title_piece = one_line(article.title.piece)
        title = found(title_piece.text, reader.evidence(article.title.start, article.title.end))
    else:
        title_piece = Piece("", ())
        title = not_found("", "見出しが見つかりません。本文の前に見出しがあるか確認してください。")
    body_field = found(body.text, reader.in_piece(body, 0, len(body.text)))
    spans = [reader.prepared.source_span(unit.start, unit.end) for unit in article.body]
    if article.title is not None:
        spans.insert(0, reader.prepared.source_span(article.title.start, article.title.end))

    events = _events(reader, names, body, issue)
    report = ProposedReport(
        position=0,
        external_id="",
        title=title,
        summary=_summary(reader, body),
        body=body_field,
        office=_office_named(reader, names, body),
        fiscal_year=_fiscal_year(reader, title_piece, body, events, issue),
        events=events,
        participants=_participants(reader, body),
        themes=_themes(reader, title_piece, body, theme_slugs),
        spans=spans,
        notes=list(article.notes),
    )
    report.local_governments, report.local_governments_note = _local_governments(
        reader, title_piece, body, finder
    )
    return report


def _summary(reader, body: Piece) -> Field[str]:
    match = re.search(r"[。！]", body.text)
    end = match.end() if match else min(len(body.text), 200)
    return guessed(
        body.text[:end],
        reader.in_piece(body, 0, end),
        "本文の最初の文です。一覧に載る要約として書き直してください。",
    )


def _office_named(reader, names: OfficeNames, body: Piece) -> Field[str | None]:
    for code, start, end in names.mentions(body.text):
        return found(code, reader.in_piece(body, start, end))
    return not_found(None, "本文に事務所・部署の名前がありません。")


def _offices_from_tabs(reader, names: OfficeNames, page, page_reports) -> None:
    """Tabs of the page that no article claimed, given out in order (a guess)."""
    tabs = []
    for unit in page.labels:
        if unit.office not in [tab.office for tab in tabs]:
            tabs.append(unit)
    claimed = [report.office.value for report, _ in page_reports if report.office.found]
    free = [tab for tab in tabs if tab.office not in claimed]
    for report, body in page_reports:
        if report.office.found:
            continue
        if free:
            tab = free.pop(0)
            report.office = guessed(
                tab.office,
                reader.evidence(tab.start, tab.end),
                "本文に事務所名がないため、同じページの見出し（タブ）から推定しました。",
            )
        elif "当事務所" in body.text:
            countries = {
                code for code, _ in _countries_named(names, body.text) if names.in_country(code)
            }
            if len(countries) == 1:
                office = names.in_country(countries.pop())[0]
                report.office = guessed(
                    office.code,
                    None,
                    "「当事務所」とあり、本文が一つの国だけを挙げているため、その国の事務所と推定しました。",
                )


def _masked(names: OfficeNames, text: str) -> str:
    """The text with the offices' names blanked, so 「クレア北京事務所」 is no place."""
    chars = list(text)
    for _, start, end in names.mentions(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _countries_named(names, text):
    masked = _masked(names, text)
    for match in places._KNOWN.finditer(masked):
        yield places._ALL_PLACES[match.group()], match.group()


def _clause_end(text: str, start: int, next_start: int | None) -> int:
    stop = text.find("。", start)
    stop = len(text) if stop == -1 else stop + 1
    return min(stop, next_start) if next_start is not None else stop


def _events(reader, names, body: Piece, issue) -> list[ProposedEvent]:
    text = body.text
    masked = _masked(names, text)
    ranges = dates.find_dates(text, issue=issue)
    result = []
    for index, entry in enumerate(ranges):
        next_start = ranges[index + 1].span[0] if index + 1 < len(ranges) else None
        if next_start is not None and next_start <= entry.span[0]:
            next_start = None
        clause_start, clause_end = entry.span[0], _clause_end(text, entry.span[1], next_start)
        clause = masked[clause_start:clause_end]
        evidence = reader.in_piece(body, *entry.span)
        if entry.year_from == "issue":
            start = guessed(entry.start, evidence, _NOTE_YEAR_FROM_ISSUE)
            end = guessed(entry.end, evidence, _NOTE_YEAR_FROM_ISSUE)
        else:
            start, end = found(entry.start, evidence), found(entry.end, evidence)

        city = not_found("", "開催地が書かれていません。")
        country = not_found("", "開催国が書かれていません。")
        place_words = None
        if phrase := places.place_phrase(clause):
            name, place_words, (a, b) = phrase
            city = found(name, reader.in_piece(body, clause_start + a, clause_start + b))
        elif named := places.city_named(clause):
            name, (a, b) = named
            city = guessed(
                name,
                reader.in_piece(body, clause_start + a, clause_start + b),
                "日付の文に出てくる都市名から推定しました。",
            )
            place_words = name
        elif len(ranges) == 1 and (phrase := places.place_phrase(masked, event=True)):
            name, place_words, (a, b) = phrase
            city = guessed(
                name,
                reader.in_piece(body, a, b),
                "日付とは別の文の「…で開催」から推定しました。",
            )
        code = places.country_of_place(place_words) if place_words else None
        if code:
            country = guessed(code, city.evidence, "開催地の国です。")
        elif found_country := places.country_in(clause):
            code, word = found_country
            at = clause.index(word)
            country = guessed(
                code,
                reader.in_piece(body, clause_start + at, clause_start + at + len(word)),
                "日付の文に出てくる国・地域名から推定しました。",
            )

        venue = not_found("", "会場名が書かれていません。")
        if named_venue := places.venue_phrase(clause):
            name, (a, b) = named_venue
            venue = found(name, reader.in_piece(body, clause_start + a, clause_start + b))

        event_format = _format(reader, body, clause_start, clause_end, single=len(ranges) == 1)
        if event_format.value == "online" and not city.found:
            city = not_found("", "オンライン開催です。")
            country = not_found("", "オンライン開催です。")
        result.append(ProposedEvent(start, end, venue, city, country, event_format))
    return result


_ONLINE = re.compile(r"オンライン|ウェビナー|Web\s*会議|ウェブ会議|リモート")
_HYBRID = re.compile(r"ハイブリッド|オンライン(?:と|併用)|(?:会場|対面)とオンライン|併用")


def _format(reader, body: Piece, start: int, end: int, *, single: bool) -> Field[str]:
    """Online or hybrid when the date's sentence says so (or, for an article's only
    event, any sentence: a guess); otherwise in person, a guess."""
    for words, offset, sure in ((body.text[start:end], start, True), (body.text, 0, False)):
        if not sure and not single:
            break
        hybrid, online = _HYBRID.search(words), _ONLINE.search(words)
        if hybrid or online:
            hit = hybrid or online
            value = "hybrid" if hybrid else "online"
            evidence = reader.in_piece(body, offset + hit.start(), offset + hit.end())
            if sure:
                return found(value, evidence)
            return guessed(value, evidence, "日付の文ではなく本文の別の文から読み取りました。")
    return guessed("in_person", None, "オンラインと書かれていないため、対面としました。")


def _fiscal_year(reader, title: Piece, body: Piece, events, issue) -> Field[int | None]:
    if events and events[0].start.value:
        start = events[0].start
        value = dates.fiscal_year_of(start.value)
        note = "最初の催しの日付の年度です。"
        if start.found:
            return found(value, start.evidence, note)
        return guessed(value, start.evidence, note + _NOTE_YEAR_FROM_ISSUE)
    for piece in (title, body):
        if fiscal := dates.find_fiscal_year(piece.text, issue=issue):
            evidence = reader.in_piece(piece, *fiscal.span)
            if fiscal.guessed:
                return guessed(
                    fiscal.year, evidence, "「今年度」を号の発行年月の年度と推定しました。"
                )
            return found(fiscal.year, evidence)
    return not_found(None, "日付も年度も書かれていません。")


def _participants(reader, body: Piece) -> list[ProposedParticipant]:
    rows, _notes = figures.find_figures(body.text)
    result = []
    for row in rows:
        evidence = reader.in_piece(body, *row.span)
        if row.name_found:
            name = found(row.name, evidence)
        else:
            name = guessed(row.name, evidence, "人数の前に区分がないため、動詞から名付けました。")
        result.append(
            ProposedParticipant(
                name=name,
                country=found(row.country, evidence)
                if row.country
                else not_found("", "国が書かれていません。"),
                municipalities=found(row.municipalities, evidence)
                if row.municipalities is not None
                else not_found(None, "自治体数が書かれていません。"),
                people=found(row.people, evidence)
                if row.people is not None
                else not_found(None, "人数が書かれていません。"),
                qualifier=found(row.qualifier, evidence),
            )
        )
    return result


def _themes(reader, title: Piece, body: Piece, theme_slugs) -> list[SuggestedTheme]:
    joined = title + Piece("\n", (title.origin[-1] if title.origin else 0,)) + body
    return [
        SuggestedTheme(
            suggestion.slug,
            suggestion.words,
            tuple(reader.in_piece(joined, start, end) for start, end in suggestion.spans),
        )
        for suggestion in themes.suggest_themes(joined.text, slugs=theme_slugs)
    ]


def _local_governments(reader, title: Piece, body: Piece, finder):
    if finder is None:
        return [], "自治体の名簿が使えないため、自治体名は読み取っていません。"
    joined = title + Piece("\n", (title.origin[-1] if title.origin else 0,)) + body
    result = []
    for place in finder(joined.text):
        at = joined.text.find(place.name)
        evidence = reader.in_piece(joined, at, at + len(place.name)) if at >= 0 else None
        certainty = Certainty.FOUND if place.code else Certainty.NOT_FOUND
        result.append(NamedLocalGovernment(place, certainty, evidence))
    return result, ""
