"""Shared by the forum tests: the offices as the migration loads them, and a small
local-government directory standing in for the municipalities app's finder."""

import importlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from forum.local_governments import Candidate, NamedPlace
from forum.offices import OfficeRef

DATA = Path(__file__).parent / "data"

_migration = importlib.import_module("offices.migrations.0002_load_reporting_units")
OFFICES = [
    OfficeRef(code, name_ja, country, kind)
    for code, name_ja, _, _, _, country, kind in _migration.OFFICES
]
_themes = importlib.import_module("reports.migrations.0002_load_themes")
THEME_SLUGS = [slug for slug, _, _ in _themes.THEMES]

# A few real local-government codes; 美郷町 is three towns (秋田県, 島根県, 宮崎県).
DIRECTORY = {
    "萩市": ("352047", "山口県"),
    "鳥羽市": ("242110", "三重県"),
    "東京都": ("130001", "東京都"),
    "横浜市": ("141003", "神奈川県"),
    "長崎県": ("420000", "長崎県"),
    "鳥取県": ("310000", "鳥取県"),
    "島根県": ("320005", "島根県"),
    "黒石市": ("022047", "青森県"),
    "那覇市": ("472018", "沖縄県"),
    "札幌市": ("011002", "北海道"),
    "金沢市": ("172014", "石川県"),
}
SHARED = {
    "美郷町": (
        Candidate("054348", "美郷町（秋田県）"),
        Candidate("324485", "美郷町（島根県）"),
        Candidate("454311", "美郷町（宮崎県）"),
    ),
}


def fake_finder(text: str) -> list[NamedPlace]:
    """Names of DIRECTORY and SHARED in order of first mention, as the real finder:
    a prefecture named right before a shared name settles it and is not listed itself."""
    found = []
    settled_by = set()
    for name, candidates in SHARED.items():
        for match in re.finditer(name, text):
            before = text[: match.start()]
            chosen = [c for c in candidates if before.endswith(c.label[len(name) + 1 : -1])]
            if chosen:
                settled_by.add(chosen[0].label[len(name) + 1 : -1])
                found.append((match.start(), NamedPlace(name, chosen[0].code, chosen[0].label)))
            else:
                found.append((match.start(), NamedPlace(name, candidates=candidates)))
            break
    for name, (code, prefecture) in DIRECTORY.items():
        at = text.find(name)
        if at < 0:
            continue
        if name == prefecture and name in settled_by and text.count(name) == 1:
            continue
        found.append((at, NamedPlace(name, code, f"{name}（{prefecture}）")))
    return [place for _, place in sorted(found, key=lambda entry: entry[0])]


def expected(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# Scoring a parse against hand values ----------------------------------------------------

BAR_FIELDS = ("title", "office", "dates", "fiscal_year", "participants")


def _events(report):
    return [
        {
            "start": event.start.value.isoformat() if event.start.value else None,
            "end": event.end.value.isoformat() if event.end.value else None,
            "venue": event.venue.value,
            "city": event.city.value,
            "country": event.country.value,
            "format": event.format.value,
        }
        for event in report.events
    ]


def field_values(report) -> dict:
    """The parsed values of a report, in the terms of the expected-values files."""
    events = _events(report)
    rows = [
        {
            "name": row.name.value,
            "country": row.country.value,
            "municipalities": row.municipalities.value,
            "people": row.people.value,
            "qualifier": row.qualifier.value,
        }
        for row in report.participants
    ]
    return {
        "title": report.title.value,
        "office": report.office.value,
        "dates": [(e["start"], e["end"]) for e in events],
        "fiscal_year": report.fiscal_year.value,
        "participants": [(r["municipalities"], r["people"], r["qualifier"]) for r in rows],
        "participant names": [r["name"] for r in rows],
        "participant countries": [r["country"] for r in rows],
        "venues": [e["venue"] for e in events],
        "cities": [e["city"] for e in events],
        "countries": [e["country"] for e in events],
        "formats": [e["format"] for e in events],
        "themes": {theme.slug for theme in report.themes},
    }


def hand_values(hand: dict) -> dict:
    events, rows = hand["events"], hand["participants"]
    return {
        "title": hand["title"],
        "office": hand["office"],
        "dates": [(e["start"], e["end"]) for e in events],
        "fiscal_year": hand["fiscal_year"],
        "participants": [(r["municipalities"], r["people"], r["qualifier"]) for r in rows],
        "participant names": [r["name"] for r in rows],
        "participant countries": [r["country"] for r in rows],
        "venues": [e["venue"] for e in events],
        "cities": [e["city"] for e in events],
        "countries": [e["country"] for e in events],
        "formats": [e["format"] for e in events],
        "themes": hand["themes"],
    }


def _right(name, parsed, wanted) -> bool:
    if name == "themes":
        required = set(wanted["required"])
        return required <= parsed <= required | set(wanted["acceptable"])
    return parsed == wanted


def accuracy(result, expected_values: dict) -> dict[str, tuple[int, int]]:
    """(right, total) per field over the reports; a report not found is wrong in every field."""
    hands = expected_values["reports"]
    scores: dict[str, list[int]] = {}
    by_title = {report.title.value: report for report in result.reports}
    for hand in hands:
        wanted = hand_values(hand)
        report = by_title.get(hand["title"])
        if report is None and len(result.reports) == len(hands):
            report = result.reports[hands.index(hand)]
        parsed = field_values(report) if report is not None else None
        for name, value in wanted.items():
            right, total = scores.setdefault(name, [0, 0])
            ok = parsed is not None and _right(name, parsed[name], value)
            scores[name] = [right + ok, total + 1]
    scores["reports found"] = [sum(1 for h in hands if h["title"] in by_title), len(hands)]
    return {name: (right, total) for name, (right, total) in scores.items()}


def invented(result, expected_values: dict) -> list[str]:
    """Fields marked found whose value is not the hand value: what must never happen."""
    problems = []
    by_title = {report.title.value: report for report in result.reports}
    for hand in expected_values["reports"]:
        report = by_title.get(hand["title"])
        if report is None:
            continue
        where = hand["title"][:20]
        if report.office.found and report.office.value != hand["office"]:
            problems.append(f"{where}: office {report.office.value}")
        if report.fiscal_year.found and report.fiscal_year.value != hand["fiscal_year"]:
            problems.append(f"{where}: fiscal year {report.fiscal_year.value}")
        hand_events = hand["events"]
        for index, event in enumerate(report.events):
            want = hand_events[index] if index < len(hand_events) else {}
            for name in ("start", "end", "venue", "city", "country", "format"):
                got = getattr(event, name)
                value = got.value.isoformat() if name in ("start", "end") else got.value
                if got.found and value != want.get(name):
                    problems.append(f"{where}: events[{index}].{name} {value}")
        hand_rows = hand["participants"]
        for index, row in enumerate(report.participants):
            want = hand_rows[index] if index < len(hand_rows) else {}
            for name in ("name", "country", "municipalities", "people", "qualifier"):
                got = getattr(row, name)
                if got.found and got.value != want.get(name):
                    problems.append(f"{where}: participants[{index}].{name} {got.value}")
    return problems


# Posting a form as a browser would ------------------------------------------------------


class _FormData(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._textarea: tuple[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "file", "button"):
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            default = "on" if attributes.get("type") in ("checkbox", "radio") else ""
            self.data.append((name, attributes.get("value", default)))
        elif tag == "textarea" and name:
            self._textarea = (name, [])
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.data.append((self._select, attributes.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            name, parts = self._textarea
            # A browser drops the line break that follows <textarea>.
            self.data.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_data(html: str) -> dict[str, str | list[str]]:
    """The fields a browser would post from the page's form, as the test client takes them."""
    parser = _FormData()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}
