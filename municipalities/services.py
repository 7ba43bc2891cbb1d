"""The database side of the municipalities app's domain modules."""

from .models import LocalGovernment, Partner
from .suggestions import Gazetteer, PartnerName, Place, Suggestions, suggest


def gazetteer() -> Gazetteer:
    """Today's local governments and every partner abroad, compiled for `suggest`.

    20 to 45 ms: build it once for a batch of reports (link_municipalities).
    Merged and abolished local governments are left out: a text naming the old
    town is linked by staff, who know which one it meant.
    """
    places = [
        Place(code=code, name=name, prefecture=prefecture, kind=kind)
        for code, name, prefecture, kind in LocalGovernment.objects.current().values_list(
            "code", "name", "prefecture__name", "kind"
        )
    ]
    partners = [
        PartnerName(key=p.slug, name=p.name, country=p.country, names=tuple(p.names()))
        for p in Partner.objects.all()
    ]
    return Gazetteer(places, partners)


def suggestions_for(*, texts: list[str], names: Gazetteer | None = None) -> Suggestions:
    """What `texts` (a report's title, summary, body, participants, event cities) name."""
    return suggest(names or gazetteer(), texts)
