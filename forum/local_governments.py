"""The hook through which a directory of local governments names those a text mentions.

The parser does not know Japan's local governments: it is given a *finder*, a
callable that takes an article's text and returns `NamedPlace`s. The municipalities
app provides one (`finder_from_suggest` adapts its `suggest()` result); without a
finder, the field is marked not found with the reason.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    code: str
    label: str  # 「美郷町（島根県）」


@dataclass(frozen=True)
class NamedPlace:
    """A local government (or a partner abroad) a text names.

    `code` is set when the directory knows which one it is; an ambiguous name
    (美郷町: 秋田県, 島根県, 宮崎県) has no code and lists its candidates.
    """

    name: str
    code: str | None = None
    label: str = ""
    country: str = "JP"
    candidates: tuple[Candidate, ...] = ()
    kind: str = "local_government"  # or "partner" (abroad)


Finder = Callable[[str], Iterable[NamedPlace]]


def finder_from_suggest(suggest: Callable[[list[str]], object]) -> Finder:
    """A finder from a function returning the municipalities app's `Suggestions`.

    That object has `local_governments` (each with `.place.code/.name/.label`),
    `ambiguous` (each with `.name` and `.candidates`, places) and `partners` (each
    with `.partner.key/.name/.country`); read by attribute, so this module needs
    no import of the app.
    """

    def find(text: str) -> list[NamedPlace]:
        found = suggest([text])
        places = [
            NamedPlace(
                name=item.place.name,
                code=item.place.code,
                label=getattr(item.place, "label", item.place.name),
            )
            for item in found.local_governments
        ]
        places += [
            NamedPlace(
                name=item.name,
                candidates=tuple(
                    Candidate(place.code, getattr(place, "label", place.name))
                    for place in item.candidates
                ),
            )
            for item in found.ambiguous
        ]
        places += [
            NamedPlace(
                name=item.partner.name,
                code=item.partner.key,
                label=item.partner.name,
                country=item.partner.country,
                kind="partner",
            )
            for item in found.partners
        ]
        return places

    return find
