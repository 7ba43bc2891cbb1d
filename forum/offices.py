"""Which office or division wrote an article (docs/forum-drafts.md, "Office").

The parser is given the offices (any objects with `code`, `name_ja` and
`country`, such as Office rows) and never reads the database. An article's
office is, in order:

1. found: the office its body names as the actor, 「クレアソウル事務所は」,
   「クレアパリ事務所の協力のもと」, 「お問い合わせ 経済交流課」 (the first one named,
   never one followed by 「管内」, which names another office's area);
2. guessed: a tab of its page (「ソウル事務所」 standing alone) that no article of
   the page claimed by (1), given out in the order of the page's articles;
3. guessed: for an article that speaks of 「当事務所」 (our office) and of one
   country only, the overseas office in that country;
4. not found.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class OfficeRef:
    """An office as the parser needs it."""

    code: str
    name_ja: str
    country: str = ""
    kind: str = ""

    @classmethod
    def from_office(cls, office) -> "OfficeRef":
        return cls(
            code=office.code,
            name_ja=office.name_ja,
            country=getattr(office, "country", "") or "",
            kind=getattr(office, "kind", "") or "",
        )


def _compact(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


class OfficeNames:
    """The names an office goes by in the Forum, and where a text names one."""

    def __init__(self, offices):
        self.offices = [
            office if isinstance(office, OfficeRef) else OfficeRef.from_office(office)
            for office in offices
        ]
        self.by_code = {office.code: office for office in self.offices}
        names: dict[str, str] = {}
        for office in self.offices:
            name = _compact(office.name_ja)
            names[name] = office.code
            names["クレア" + name] = office.code
            names["CLAIR" + name] = office.code
        self.names = names
        alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
        # Spaces may stand anywhere in a name copied from a PDF (「JET プログラム事業部」).
        spaced = "|".join(
            r"[ \u3000]?".join(re.escape(ch) for ch in name)
            for name in sorted(names, key=len, reverse=True)
        )
        self._pattern = re.compile(f"(?:{spaced})(?![ \u3000]?管[内轄])") if names else None
        self._alternatives = alternatives

    def label(self, line: str) -> str | None:
        """The office whose tab this line is, if it is nothing but an office's name."""
        return self.names.get(_compact(line))

    def mentions(self, text: str):
        """(code, start, end) of each office the text names, in order."""
        if self._pattern is None:
            return
        for match in self._pattern.finditer(text):
            yield self.names[_compact(match.group())], match.start(), match.end()

    def in_country(self, country: str) -> list[OfficeRef]:
        return [o for o in self.offices if o.country == country and o.kind != "headquarters"]
