"""Participant figures in words, honest about their qualifiers: 約800人, 3,000人以上.

Figures come as reports give them: exact, about (約) or at least (以上). A total
of figures is approximate if any of them is, and a lower bound if any is (or if
a row has no figure at all): never a precise-looking sum of approximations.
Plain values in, phrases out; the models and the exports call these.
"""

from django.utils.translation import gettext_lazy as _

EXACT, ABOUT, AT_LEAST = "exact", "about", "at_least"

# Whole phrases, so each language orders number, unit and qualifier its own way.
PHRASES = {
    ("people", EXACT): _("%(n)s人"),
    ("people", ABOUT): _("約%(n)s人"),
    ("people", AT_LEAST): _("%(n)s人以上"),
    ("municipalities", EXACT): _("%(n)s自治体"),
    ("municipalities", ABOUT): _("約%(n)s自治体"),
    ("municipalities", AT_LEAST): _("%(n)s自治体以上"),
}


def phrase(number: int, qualifier: str, unit: str) -> str:
    """ "約800人", "3,000人以上", "18自治体"."""
    return str(PHRASES[unit, qualifier]) % {"n": f"{number:,}"}


def total_qualifier(qualifiers: list[str], *, missing: bool = False) -> str:
    """The qualifier of a sum: at least if any part is (or a part is missing), else
    about if any part is, else exact."""
    if AT_LEAST in qualifiers or missing:
        return AT_LEAST
    if ABOUT in qualifiers:
        return ABOUT
    return EXACT


def participants_total(rows) -> dict | None:
    """People and municipalities over a report's participant rows, in words; None for
    fewer than two rows or no figure (a total would add nothing)."""
    rows = list(rows)
    people = [row.people for row in rows if row.people is not None]
    if len(rows) < 2 or not people:
        return None
    qualifier = total_qualifier(
        [row.qualifier for row in rows if row.people is not None],
        missing=len(people) < len(rows),
    )
    municipalities = [row.municipalities for row in rows if row.municipalities is not None]
    return {
        "people": phrase(sum(people), qualifier, "people"),
        "municipalities": (
            phrase(
                sum(municipalities),
                EXACT if len(municipalities) == len(rows) else AT_LEAST,
                "municipalities",
            )
            if municipalities
            else ""
        ),
    }
