"""ISO 3166-1 alpha-2 country codes with their Japanese and English names.

Read once from data/countries.csv (scripts/derive_countries.py; sources and
licences in data/README.md). Reference data: imports nothing from the portal.
"""

import csv
import functools
from pathlib import Path
from typing import NamedTuple

DATA_FILE = Path(__file__).resolve().parent / "data" / "countries.csv"


class Country(NamedTuple):
    code: str
    name_ja: str
    name_en: str


@functools.cache
def countries() -> dict[str, Country]:
    """Every assigned code, in code order."""
    with DATA_FILE.open(encoding="utf-8", newline="") as source:
        return {row["code"]: Country(**row) for row in csv.DictReader(source)}


def is_country_code(value: str) -> bool:
    """True for an assigned code, written as ISO writes it (upper case)."""
    return value in countries()


def country_choices() -> list[tuple[str, str]]:
    """Choices for a form field: "KR 韓国", in code order, so typing the code finds the row."""
    return [(code, f"{code} {country.name_ja}") for code, country in countries().items()]
