"""What the parser proposes: one `ProposedReport` per article, each field with how sure it is.

Every field is a `Field`: its value, its certainty (found, guessed, not found),
the words of the source it came from (`Evidence`, with offsets into the text
given to the parser) and, when it is not found or only guessed, a note for
staff. `ProposedReport.to_import_line()` writes the JSONL format of
`import_reports` (reports/interchange.py), status draft.
"""

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from .local_governments import NamedPlace


class Certainty(StrEnum):
    FOUND = "found"  # read from the words of the text
    GUESSED = "guessed"  # inferred: check it
    NOT_FOUND = "not_found"  # left empty: fill it in


@dataclass(frozen=True)
class Evidence:
    """The words a value came from: `text[start:end]` of the source given to the parser."""

    start: int
    end: int
    excerpt: str


@dataclass(frozen=True)
class Field[T]:
    value: T
    certainty: Certainty
    evidence: Evidence | None = None
    note: str = ""

    @property
    def found(self) -> bool:
        return self.certainty == Certainty.FOUND


def found[T](value: T, evidence: Evidence | None, note: str = "") -> Field[T]:
    return Field(value, Certainty.FOUND, evidence, note)


def guessed[T](value: T, evidence: Evidence | None, note: str) -> Field[T]:
    return Field(value, Certainty.GUESSED, evidence, note)


def not_found[T](empty: T, note: str) -> Field[T]:
    return Field(empty, Certainty.NOT_FOUND, None, note)


@dataclass
class ProposedEvent:
    start: Field[datetime.date | None]
    end: Field[datetime.date | None]
    venue: Field[str]
    city: Field[str]
    country: Field[str]  # ISO 3166-1 alpha-2, or ""
    format: Field[str]  # in_person, online, hybrid (Event.Format)


@dataclass
class ProposedParticipant:
    name: Field[str]
    country: Field[str]
    municipalities: Field[int | None]
    people: Field[int | None]
    qualifier: Field[str]  # exact, about, at_least (Participant.Qualifier)


@dataclass
class NamedLocalGovernment:
    place: NamedPlace
    certainty: Certainty  # found with a code; not found (ambiguous) without
    evidence: Evidence | None


@dataclass
class SuggestedTheme:
    slug: str
    words: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    certainty: Certainty = Certainty.GUESSED


@dataclass
class ProposedReport:
    """One article as a draft report, in the fields of the import format."""

    position: int  # 1, 2, ... in the order of the text
    external_id: str
    title: Field[str]
    summary: Field[str]
    body: Field[str]
    office: Field[str | None]  # an office code
    fiscal_year: Field[int | None]
    events: list[ProposedEvent] = field(default_factory=list)
    participants: list[ProposedParticipant] = field(default_factory=list)
    local_governments: list[NamedLocalGovernment] = field(default_factory=list)
    local_governments_note: str = ""
    themes: list[SuggestedTheme] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # the article in the source
    notes: list[str] = field(default_factory=list)

    def fields(self):
        """(name, Field) of every field, in the order of the import format."""
        yield "title", self.title
        yield "summary", self.summary
        yield "body", self.body
        yield "office", self.office
        yield "fiscal_year", self.fiscal_year
        for index, event in enumerate(self.events):
            for name in ("start", "end", "venue", "city", "country", "format"):
                yield f"events[{index}].{name}", getattr(event, name)
        for index, row in enumerate(self.participants):
            for name in ("name", "country", "municipalities", "people", "qualifier"):
                yield f"participants[{index}].{name}", getattr(row, name)

    def uncertain(self) -> list[tuple[str, Field]]:
        """The fields staff must check: guessed or not found."""
        return [(name, value) for name, value in self.fields() if not value.found]

    def to_import_line(self, *, source: str, status: str = "draft") -> dict:
        """The report as one line of `import_reports` (reports/interchange.py).

        Events without dates cannot be imported and are left out (they are in
        `uncertain()`); an office not found is null, which the import refuses
        until staff fill it in.
        """
        return {
            "external_id": self.external_id,
            "office": self.office.value,
            "title": self.title.value,
            "summary": self.summary.value,
            "body": self.body.value,
            "themes": [theme.slug for theme in self.themes],
            "status": status,
            "fiscal_year": self.fiscal_year.value,
            "source": source,
            "events": [
                {
                    "start": event.start.value.isoformat(),
                    "end": event.end.value.isoformat(),
                    "venue": event.venue.value,
                    "city": event.city.value,
                    "country": event.country.value or None,
                    "format": event.format.value,
                }
                for event in self.events
                if event.start.value and event.end.value
            ],
            "participants": [
                {
                    "name": row.name.value,
                    "country": row.country.value or None,
                    "municipalities": row.municipalities.value,
                    "people": row.people.value,
                    "qualifier": row.qualifier.value,
                }
                for row in self.participants
            ],
        }


@dataclass
class ParseResult:
    """The reports proposed for a text, with what the text says about its issue."""

    text: str  # the source as given
    source: Field[str]  # 「自治体国際化フォーラム Vol. 436 (2026年2月)」
    issue: Field[datetime.date | None]  # the first day of the issue's month
    reports: list[ProposedReport]
    left_out: list[Evidence]  # captions, tabs, headers: text in no report
