#!/usr/bin/env python3
"""Derive municipalities/data/japan-prefectures.json: simplified outlines of the 47 prefectures.

    python scripts/derive_japan_map.py                 # pip-downloads the pinned wheel
    python scripts/derive_japan_map.py --wheels DIR    # or reads it from DIR

Source: japan.json of japanmap (JAPANMAP_VERSION, Apache-2.0, Saito Tsutomu), read out of
the wheel; the package itself needs OpenCV and is neither installed nor imported. Its
data are the points of the prefectures' borders (longitude, latitude) and, for each
prefecture, the chains of points between it and each neighbour (0 is the sea); each
prefecture is its main area, without its smaller islands.

Each chain is projected (municipalities/geometry.py: the same projection the map's dots
use) and simplified once with Douglas-Peucker, then used by both prefectures it divides,
so neighbours still meet without gaps. The output holds one SVG path per prefecture,
keyed by its 6-digit code, the view box and the projection's parameters (with the
insets' frames, which the map draws).
Licence notice: municipalities/data/licenses/japanmap-Apache-2.0.txt.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from municipalities import geometry  # noqa: E402
from municipalities.codes import PREFECTURE_NAMES, prefecture_code_of  # noqa: E402

JAPANMAP_VERSION = "0.6.0"
OUTPUT = ROOT / "municipalities" / "data" / "japan-prefectures.json"
TOLERANCE = 0.7  # SVG units (about 1.2 km): the map is drawn some 900 units wide


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the fewest points within `tolerance` of the line; ends kept."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            if length:
                d = abs(dy * (x - x1) - dx * (y - y1)) / length
            else:
                d = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def outlines(points: list, borders: list) -> dict[str, dict]:
    simplified: dict[tuple[int, ...], list] = {}

    def chain(indices: list[int]) -> list[tuple[float, float]]:
        # A shared border is simplified once, in one direction, for both its sides.
        key = tuple(indices) if indices[0] <= indices[-1] else tuple(reversed(indices))
        if key not in simplified:
            projected = [geometry.project(*points[i][0]) for i in key]
            if key[0] == key[-1]:  # a whole island: split it where it is farthest from its start
                far = max(range(len(key)), key=lambda i: _distance(projected[0], projected[i]))
                line = simplify(projected[: far + 1], TOLERANCE)
                line += simplify(projected[far:], TOLERANCE)[1:]
            else:
                line = simplify(projected, TOLERANCE)
            simplified[key] = line
        line = simplified[key]
        return line if key == tuple(indices) else list(reversed(line))

    result = {}
    for number, chains in enumerate(borders, start=1):
        prefecture = f"{number:02d}"
        ring: list[tuple[float, float]] = []
        for _neighbour, indices in chains:
            ring += chain(indices)[:-1]  # the next chain starts where this ends
        path = "M" + "L".join(f"{x:g} {y:g}" for x, y in ring) + "Z"
        result[prefecture_code_of(prefecture + "000")] = {
            "name": PREFECTURE_NAMES[number - 1],
            "d": path,
        }
    return result


def _distance(a, b) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheels", type=Path, help="folder holding the wheel (default: download)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directory = arguments.wheels or Path(temporary)
        if arguments.wheels is None:
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
                    f"japanmap=={JAPANMAP_VERSION}",
                ],
                check=True,
            )
        [wheel] = sorted(directory.glob(f"japanmap-{JAPANMAP_VERSION}-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            points, borders = json.loads(archive.read("japanmap/japan.json"))
    assert len(borders) == 47, "japan.json has one entry per prefecture"
    prefectures = outlines(points, borders)
    document = {
        "source": f"japanmap {JAPANMAP_VERSION} japan.json (Apache-2.0, Saito Tsutomu), "
        "simplified and projected by scripts/derive_japan_map.py",
        "view_box": [0, 0, geometry.WIDTH, geometry.HEIGHT],
        "projection": geometry.parameters(),
        "prefectures": prefectures,
    }
    with arguments.output.open("w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False, indent=1)
        out.write("\n")
    size = arguments.output.stat().st_size
    print(f"wrote {len(prefectures)} prefectures, {size:,} bytes, to {arguments.output}")


if __name__ == "__main__":
    main()
