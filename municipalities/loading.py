"""Loading Japan's local governments from data/municipalities.csv into the database.

The migrations call `load_local_governments` with their historical model, so a
fresh database gets the list with `migrate`; `manage.py load_municipalities`
calls it with the current one after the file changes. Loading is idempotent: it
creates what is new, updates what changed and deletes nothing (a row that left
the file stays, as it may be linked from reports; the file marks it abolished).
"""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from reports.text import normalize

from .codes import is_code, prefecture_code_of

DATA_FILE = Path(__file__).resolve().parent / "data" / "municipalities.csv"


def read_rows(path: Path = DATA_FILE) -> list[dict]:
    """The file's rows, checked: a bad row stops the load before anything is written."""
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    codes = {row["code"] for row in rows}
    for number, row in enumerate(rows, start=2):
        code = row["code"]
        if not is_code(code):
            raise ValueError(
                f"{path.name} line {number}: {code!r} is not a 6-digit code with its check digit"
            )
        if row["successor_code"] and row["successor_code"] not in codes:
            raise ValueError(
                f"{path.name} line {number}: successor {row['successor_code']} is not in the file"
            )
    return rows


def _values(row: dict, prefecture_names: dict[str, tuple[str, str]]) -> dict:
    prefecture_name, prefecture_reading = prefecture_names[row["code"][:2]]
    searchable = [row["name"], row["reading"], row["code"]]
    if row["kind"] != "prefecture":
        searchable += [prefecture_name, prefecture_reading]
    return {
        "kind": row["kind"],
        "prefecture_id": prefecture_code_of(row["code"]),
        "name": row["name"],
        "reading": row["reading"],
        "latitude": Decimal(row["latitude"]) if row["latitude"] else None,
        "longitude": Decimal(row["longitude"]) if row["longitude"] else None,
        "status": row["status"],
        "abolished_on": datetime.date.fromisoformat(row["abolished_on"])
        if row["abolished_on"]
        else None,
        "successor_id": row["successor_code"] or None,
        "note": row["note"],
        "search_text": normalize(" ".join(searchable)),
    }


def load_local_governments(*, model=None, using: str = "default", path: Path = DATA_FILE) -> dict:
    """Create or update every row of the file; returns the counts created/updated/unchanged.

    `model` is the migration's historical model; fields it does not have yet are
    left out, so an old migration still runs with a newer file.
    """
    if model is None:
        from .models import LocalGovernment as model
    rows = read_rows(path)
    prefecture_names = {
        row["code"][:2]: (row["name"], row["reading"])
        for row in rows
        if row["kind"] == "prefecture"
    }
    fields = {field.attname for field in model._meta.concrete_fields} - {"code"}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    new, changed = [], []
    with transaction.atomic(using=using):
        existing = model.objects.using(using).in_bulk()
        for row in rows:
            values = {
                name: value
                for name, value in _values(row, prefecture_names).items()
                if name in fields
            }
            current = existing.get(row["code"])
            if current is None:
                new.append(model(code=row["code"], **values))
                counts["created"] += 1
            elif any(getattr(current, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(current, name, value)
                changed.append(current)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        # Rows point at their prefecture and successor in any order: both databases
        # check foreign keys at commit (Django declares them deferred).
        model.objects.using(using).bulk_create(new, batch_size=500)
        model.objects.using(using).bulk_update(changed, sorted(fields), batch_size=500)
    return counts
