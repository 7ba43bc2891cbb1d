#!/usr/bin/env python3
"""Derive municipalities/data/countries.csv: ISO 3166-1 alpha-2 codes with Japanese and English names.

    python scripts/derive_countries.py                  # pip-downloads the pinned wheels
    python scripts/derive_countries.py --wheels DIR     # or reads them from DIR

Sources (pinned; nothing is installed into the portal's environment):
- pycountry (PYCOUNTRY_VERSION): pycountry/databases/iso3166-1.json, read out of the wheel,
  gives the list of assigned codes (from Debian's iso-codes);
- Babel (BABEL_VERSION): the names from the Unicode CLDR, in Japanese and English. Babel's
  locale data are pickles, so the wheel is unpacked into a temporary folder and imported there.
Sources and licences: municipalities/data/README.md. Re-run when ISO 3166-1 changes.
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYCOUNTRY_VERSION = "26.2.16"
BABEL_VERSION = "2.18.0"
OUTPUT = ROOT / "municipalities" / "data" / "countries.csv"


def fetch_wheels(directory: Path) -> None:
    for requirement in (f"pycountry=={PYCOUNTRY_VERSION}", f"babel=={BABEL_VERSION}"):
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


def wheel(directory: Path, name: str, version: str) -> Path:
    matches = sorted(directory.glob(f"{name}-{version}-*.whl"))
    if not matches:
        sys.exit(f"{name}-{version} wheel not found in {directory}")
    return matches[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheels", type=Path, help="folder holding the two wheels (default: download)"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directory = arguments.wheels or Path(temporary)
        if arguments.wheels is None:
            fetch_wheels(directory)
        with zipfile.ZipFile(wheel(directory, "pycountry", PYCOUNTRY_VERSION)) as archive:
            iso = json.loads(archive.read("pycountry/databases/iso3166-1.json"))["3166-1"]
        unpacked = Path(temporary) / "babel"
        with zipfile.ZipFile(wheel(directory, "babel", BABEL_VERSION)) as archive:
            archive.extractall(unpacked)
        sys.path.insert(0, str(unpacked))
        from babel import Locale

        japanese, english = Locale("ja").territories, Locale("en").territories
        rows = [
            {
                "code": entry["alpha_2"],
                "name_ja": japanese.get(entry["alpha_2"], entry["name"]),
                "name_en": english.get(entry["alpha_2"], entry["name"]),
            }
            for entry in sorted(iso, key=lambda entry: entry["alpha_2"])
        ]
    assert len(rows) >= 249 and all(len(row["code"]) == 2 for row in rows)
    with arguments.output.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["code", "name_ja", "name_en"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} countries to {arguments.output}")


if __name__ == "__main__":
    main()
