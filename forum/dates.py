"""Dates of events and fiscal years, in the forms the Forum writes them.

Read from a body whose numbers are already tidied (「2025年12月18日」):

- 「2025年12月18日」, 「令和7年12月18日」 (令和元年 = 2019), weekdays 「（木）」 ignored;
- ranges: 「11月6日から9日まで」, 「10月26日から11月1日」, 「11月19日～22日」,
  「2025年12月28日から2026年1月3日」, 「12月28日から1月3日」 (into the next year);
- lists: 「12月18日および19日」, 「14日と15日の2日間」: one event when the days follow
  each other (or 「のN日間」 says they are one), otherwise one event per day;
- 「12月18日から2日間」: the end counted from the length.

A date without a year takes the year of the nearest date before it in the same
article (「翌11月11日」 after 「2025年11月10日」), or of the fiscal year just named
(「2025年度は…1月」 is 2026): that is still reading the text, so it is found. With
no year in the article, the year comes from the issue's date, the latest year that
does not put the date more than a month after the issue: a guess.

A date followed by a deadline or a publication (「締切」「公開」「掲載」…) is not an
event, nor is one more than two years before the issue (history: 「1990年4月1日に提携」).
"""

import datetime
import re
from dataclasses import dataclass

ERA_START = {"令和": 2018, "平成": 1988, "昭和": 1925}

_YEAR = r"(?:(?P<{p}era>令和|平成|昭和)(?P<{p}eray>元|\d{{1,2}})年|(?P<{p}year>\d{{4}})年)"
_WEEKDAY = r"(?:[（(][月火水木金土日](?:曜日?)?[・、]?(?:祝|休)?[）)])?"
_START = (
    f"(?:{_YEAR.format(p='s')})?"
    r"(?P<smonth>\d{1,2})月(?P<sday>\d{1,2})日" + _WEEKDAY
)
_END = (
    f"(?:{_YEAR.format(p='e')})?"
    r"(?:(?P<emonth>\d{1,2})月)?(?P<eday>\d{1,2})日(?!間)" + _WEEKDAY
)
_RANGE = re.compile(
    _START + r"(?:(?P<range>から|より|～|〜|~|－|-|―|—|–|ー)" + _END + r"(?:まで|にかけて)?)?"
)
_MORE_DAYS = re.compile(
    r"(?:および|及び|と|・|、|並びに|ならびに)(?:(?P<month>\d{1,2})月)?(?P<day>\d{1,2})日"
    + _WEEKDAY
)
_LENGTH = re.compile(r"(?:まで)?(?:の|から|にわたり)?(?P<days>\d{1,3})日間")
_NOT_EVENT = re.compile(
    r"^[^。、]{0,12}?(?:締切|締め切り|〆切|申込|申し込み|応募|募集|提出|公開|掲載|発行|発売|公表|"
    r"生まれ|設立|創設|創立|提携|締結|施行|改正|付け|付で|現在)"
)
_FISCAL_YEAR = re.compile(
    r"(?:(?P<era>令和|平成)(?P<eray>元|\d{1,2})|(?P<year>\d{4}))年度(?![^。、]{0,6}?(?:予定|以降|から|まで|に向け))"
)
_THIS_FISCAL_YEAR = re.compile(r"(?:今|本)年度")
_YEAR_ONLY = re.compile(
    r"(?:(?P<era>令和|平成)(?P<eray>元|\d{1,2})|(?P<year>\d{4}))年(?P<fy>度)?(?!\d{1,2}月)"
)


@dataclass(frozen=True)
class DateRange:
    """One event's dates as the text gives them."""

    start: datetime.date
    end: datetime.date
    span: tuple[int, int]  # in the text read
    year_from: str  # "text", "context" (a year named before it) or "issue" (a guess)


def _era_year(era: str | None, value: str | None) -> int | None:
    if not era:
        return None
    return ERA_START[era] + (1 if value == "元" else int(value))


def _year(match: re.Match, prefix: str) -> int | None:
    if match.group(f"{prefix}year"):
        return int(match.group(f"{prefix}year"))
    return _era_year(match.group(f"{prefix}era"), match.group(f"{prefix}eray"))


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def fiscal_year_of(day: datetime.date) -> int:
    """Japanese fiscal year: April to March, named after the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def _year_for_issue(month: int, issue: datetime.date) -> int:
    return issue.year if month <= issue.month + 1 else issue.year - 1


def _years_named(text: str) -> list[tuple[int, int, bool]]:
    """(position, year, is_fiscal) for each year the text names, dates included."""
    found = []
    for match in _YEAR_ONLY.finditer(text):
        year = int(match.group("year")) if match.group("year") else None
        year = year or _era_year(match.group("era"), match.group("eray"))
        found.append((match.start(), year, bool(match.group("fy"))))
    for match in _RANGE.finditer(text):
        year = _year(match, "s")
        if year:
            found.append((match.start(), year, False))
    return sorted(found)


def find_dates(text: str, *, issue: datetime.date | None = None) -> list[DateRange]:
    """Every event date range the text gives, in order (see the module's doc)."""
    named = _years_named(text)
    results: list[DateRange] = []
    for match in _RANGE.finditer(text):
        if _NOT_EVENT.match(text[match.end() :]):
            continue
        month, day = int(match.group("smonth")), int(match.group("sday"))
        year = _year(match, "s")
        year_from = "text"
        if year is None:
            before = [entry for entry in named if entry[0] < match.start()]
            if before:
                _, year, fiscal = before[-1]
                if fiscal and month <= 3:
                    year += 1
                year_from = "context"
            elif issue is not None:
                year, year_from = _year_for_issue(month, issue), "issue"
            else:
                continue
        start = _date(year, month, day)
        if start is None:
            continue
        if issue is not None and start < issue.replace(day=1) - datetime.timedelta(days=731):
            continue  # history, not the event reported
        end = start
        span_end = match.end()
        if match.group("range"):
            end_year = _year(match, "e") or start.year
            end_month = int(match.group("emonth") or start.month)
            end = _date(end_year, end_month, int(match.group("eday")))
            if end is not None and end < start and not _year(match, "e"):
                end = _date(end_year + 1, end_month, int(match.group("eday")))
            if end is None or end < start or (end - start).days > 366:
                continue
            results.append(DateRange(start, end, (match.start(), span_end), year_from))
            continue
        # A list of days: 「18日および19日」.
        days = [start]
        position = match.end()
        while more := _MORE_DAYS.match(text, position):
            month_more = int(more.group("month") or days[-1].month)
            day_more = _date(days[-1].year, month_more, int(more.group("day")))
            if day_more is None or day_more <= days[-1]:
                break
            days.append(day_more)
            position = more.end()
        span_end = position
        length = _LENGTH.match(text, position)
        if len(days) == 1 and length and int(length.group("days")) > 1:
            end = start + datetime.timedelta(days=int(length.group("days")) - 1)
            results.append(DateRange(start, end, (match.start(), length.end()), year_from))
            continue
        consecutive = all((b - a).days == 1 for a, b in zip(days, days[1:], strict=False))
        said_as_one = length and int(length.group("days")) == (days[-1] - days[0]).days + 1
        if consecutive or said_as_one:
            results.append(DateRange(days[0], days[-1], (match.start(), span_end), year_from))
        else:
            for one in days:
                results.append(DateRange(one, one, (match.start(), span_end), year_from))
    return _unique(results)


def _unique(ranges: list[DateRange]) -> list[DateRange]:
    """The same dates named twice are one event (the first mention)."""
    seen: set[tuple] = set()
    result = []
    for entry in ranges:
        key = (entry.start, entry.end)
        if key not in seen:
            seen.add(key)
            result.append(entry)
    return result


@dataclass(frozen=True)
class FiscalYear:
    year: int
    span: tuple[int, int]
    guessed: bool = False


def find_fiscal_year(text: str, *, issue: datetime.date | None = None) -> FiscalYear | None:
    """The fiscal year an article is about: the first one it names (「2025年度は」, 「令和7年度」),
    not one announced for later (「2026年度開催予定」); 「今年度」 is the issue's, a guess."""
    match = _FISCAL_YEAR.search(text)
    if match:
        year = int(match.group("year")) if match.group("year") else None
        year = year or _era_year(match.group("era"), match.group("eray"))
        return FiscalYear(year, (match.start(), match.end()))
    if issue is not None and (match := _THIS_FISCAL_YEAR.search(text)):
        return FiscalYear(fiscal_year_of(issue), (match.start(), match.end()), guessed=True)
    return None
