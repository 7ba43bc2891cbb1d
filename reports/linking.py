"""Linking reports to the local governments and partners abroad their texts name.

The names are found by municipalities/suggestions.py; this module reads a
report's texts, adds the links that are certain and reports the rest. A name
several local governments share (美郷町, 府中市) is linked only when the text
also names its prefecture; otherwise it is left for staff, with its candidates.
Links are only ever added: a link staff made or removed by hand is not undone
(a report that already has links is skipped unless `relink` is asked for).
"""

import dataclasses
from collections.abc import Iterable

from django.db import transaction

from municipalities.models import Partner
from municipalities.services import gazetteer
from municipalities.suggestions import Ambiguous, Gazetteer, Suggestions, suggest

from .models import Report


def texts_of(report: Report) -> list[str]:
    """What a report says: title, summary, body, participant names, event places."""
    texts = [report.title, report.summary, report.body]
    texts += [row.name for row in report.participants.all()]
    texts += [f"{event.venue} {event.city}" for event in report.events.all()]
    return texts


def suggestions_for(report: Report, names: Gazetteer | None = None) -> Suggestions:
    return suggest(names or gazetteer(), texts_of(report))


@dataclasses.dataclass
class Linked:
    report: Report
    local_governments: list[str]  # labels of those linked (or, in a dry run, to link)
    partners: list[str]
    ambiguous: list[Ambiguous]


def link_reports(
    reports: Iterable[Report], *, dry_run: bool = False, relink: bool = False
) -> Iterable[Linked]:
    """Link each report to what its texts name unambiguously; yield what was done."""
    names = gazetteer()
    partner_ids = dict(Partner.objects.values_list("slug", "pk"))
    for report in reports:
        have_places = set(report.local_governments.values_list("pk", flat=True))
        have_partners = set(report.partners.values_list("pk", flat=True))
        if (have_places or have_partners) and not relink:
            continue
        found = suggestions_for(report, names)
        places = [f.place for f in found.local_governments if f.place.code not in have_places]
        partners = [
            f.partner for f in found.partners if partner_ids.get(f.partner.key) not in have_partners
        ]
        if not dry_run and (places or partners):
            with transaction.atomic():
                report.local_governments.add(*[place.code for place in places])
                report.partners.add(*[partner_ids[p.key] for p in partners if p.key in partner_ids])
        yield Linked(
            report=report,
            local_governments=[place.label for place in places],
            partners=[partner.name for partner in partners],
            ambiguous=list(found.ambiguous),
        )
