"""Who took part how often: reports counted per prefecture, local government and partner.

Counts of a selection of public reports (a reports Selection) are cached per
content revision: per local government from the sums of the figures each report
keeps (reports/figure_sums.py), per prefecture from the keys each report keeps
(reports/facet_keys.py). The other functions take the reports to count (a
QuerySet of public reports) and count them through the links, in one grouped
query each. A report counts once for a local
government, a prefecture or a partner however many of its links lead there.
"""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from reports import facets, figure_sums, selection
from reports.models import Report

from .codes import prefecture_code_of
from .maps import Dot
from .models import LocalGovernment, Partner


def _ids(reports: QuerySet) -> QuerySet:
    return reports.order_by().values("pk")


def reports_involving(place: LocalGovernment) -> QuerySet:
    """The public reports of a local government's page: a prefecture's include its
    municipalities' (as /reports/?prefecture=NN), a municipality's are its own."""
    if place.is_prefecture:
        return Report.objects.published().involving_prefectures([place.prefecture_code])
    return Report.objects.published().involving_local_governments([place.code])


def reports_with_partner(partner: Partner) -> QuerySet:
    """The public reports a partner abroad took part in."""
    return Report.objects.published().filter(partners=partner)


def counted_local_governments(chosen, *, request=None) -> dict[str, int]:
    """Reports per local government for a reports Selection, cached per content
    revision: the map and the statistics of one selection read the same counts."""
    return figure_sums.local_governments(figure_sums.of(chosen, request=request))


def counted_prefectures(chosen, *, request=None) -> dict[str, int]:
    """Reports per prefecture (6-digit prefecture code) for a reports Selection, the
    prefecture itself or any of its municipalities linked; from the keys each report
    keeps (reports/facet_keys.py), cached per content revision."""
    per_key = facets.reports_per_key(chosen, request=request)
    return {prefecture_code_of(number): n for number, n in per_key["p"].items()}


def municipality_dots(counts: dict[str, int]) -> list[Dot]:
    """The municipalities among `counts` (code -> reports) that have a point, for the map.

    From counts already made (counted_local_governments) and one look-up of the points:
    grouping the links again, joined with the local governments, costs a second pass
    over every link of the selection."""
    rows = (
        LocalGovernment.objects.filter(code__in=list(counts))
        .exclude(kind=LocalGovernment.Kind.PREFECTURE)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values_list("code", "name", "kind", "status", "latitude", "longitude")
        .order_by("code")
    )
    return [
        Dot(
            code=code,
            label=LocalGovernment.label_of(code, name, kind, status),
            latitude=float(latitude),
            longitude=float(longitude),
            count=counts[code],
        )
        for code, name, kind, status, latitude, longitude in rows
    ]


def partners_of(reports: QuerySet) -> QuerySet:
    """The partners abroad of the reports, each with `shared`: how many of them it is in."""
    return (
        Partner.objects.filter(reports__in=_ids(reports))
        .annotate(shared=Count("reports"))
        .order_by("-shared", "country", "name")
    )


def local_governments_of(reports: QuerySet) -> QuerySet:
    """The local governments of Japan in the reports, each with `shared`, its count."""
    return (
        LocalGovernment.objects.filter(reports__in=_ids(reports))
        .annotate(shared=Count("reports"))
        .order_by("-shared", "code")
    )


@dataclass
class PrefectureEntry:
    """A prefecture of the directory with its count (itself and its municipalities) and
    the local governments of it that took part, each with `report_count`."""

    prefecture: LocalGovernment
    count: int
    members: list[LocalGovernment]


def directory(own: dict[str, int], totals: dict[str, int]) -> list[PrefectureEntry]:
    """The prefectures with any reports, and under each the local governments linked
    to them (the prefecture itself first when it is linked), in code order, from the
    counts per local government (`own`) and per prefecture (`totals`)."""
    places = LocalGovernment.objects.filter(code__in=set(own) | set(totals)).order_by("code")
    entries: dict[str, PrefectureEntry] = {}
    for place in places:
        place.report_count = own.get(place.code, 0)
        if place.is_prefecture:
            entries[place.code] = PrefectureEntry(place, totals.get(place.code, 0), [])
        if place.report_count:
            entries[prefecture_code_of(place.code)].members.append(place)
    return list(entries.values())


def with_counts(places, *, request=None) -> list[LocalGovernment]:
    """`places`, each with `report_count` in the public reports: a prefecture's counts its
    municipalities' reports too, as its page does."""
    places = list(places)
    everything = selection.Selection()
    own = counted_local_governments(everything, request=request) if places else {}
    if any(place.is_prefecture for place in places):
        totals = counted_prefectures(everything, request=request)
    else:
        totals = {}
    for place in places:
        place.report_count = (totals if place.is_prefecture else own).get(place.code, 0)
    return places
