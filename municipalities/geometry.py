"""Where a longitude and latitude go on the map of Japan (the SVG's coordinates).

Pure arithmetic, shared by scripts/derive_japan_map.py, which projects the
prefecture outlines once, and maps.py, which projects each municipality's
point when it draws the map. An equirectangular projection, its longitudes
shortened by the cosine of 36°N so that central Japan keeps its shape, is
plenty for a choropleth of this size.

The islands far to the south are drawn in insets, as Japanese maps do, so the
map needs no empty ocean down to 24°N: the Nansei islands (Okinawa, with the
Amami islands of Kagoshima) smaller in the north-west corner over the Sea of
Japan, and Ogasawara (Tokyo) in a small box in the Pacific south of Honshu.
"""

import math
from typing import NamedTuple

SCALE = 60.0  # SVG units per degree of latitude
WEST, EAST, NORTH, SOUTH = 128.0, 146.0, 45.7, 29.5
SHRINK = math.cos(math.radians(36.0))  # a degree of longitude at 36°N, in degrees of latitude
WIDTH = round((EAST - WEST) * SHRINK * SCALE)
HEIGHT = round((NORTH - SOUTH) * SCALE)
MARGIN = 6  # between an inset's frame and what it shows


class Inset(NamedTuple):
    """A part of the globe drawn elsewhere on the map, `scale` times its size, from (x, y)."""

    west: float
    east: float
    north: float
    south: float
    scale: float
    x: float
    y: float

    def holds(self, longitude: float, latitude: float) -> bool:
        return self.west <= longitude <= self.east and self.south <= latitude <= self.north

    def frame(self) -> tuple[float, float, float, float]:
        """The inset's box (x, y, width, height), drawn around it."""
        width = (self.east - self.west) * SHRINK * SCALE * self.scale
        height = (self.north - self.south) * SCALE * self.scale
        return (
            self.x - MARGIN,
            self.y - MARGIN,
            round(width + 2 * MARGIN, 1),
            round(height + 2 * MARGIN, 1),
        )


INSETS = (
    # 与那国島 to the 大東諸島, and the Amami islands up to 28.8°N.
    Inset(west=122.8, east=131.5, north=28.8, south=23.9, scale=0.8, x=12.0, y=12.0),
    # 父島 and 母島.
    Inset(west=141.9, east=142.4, north=27.2, south=26.5, scale=1.0, x=690.0, y=820.0),
)


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """(x, y) on the map of a point, inside an inset if one holds it."""
    for inset in INSETS:
        if inset.holds(longitude, latitude):
            x = inset.x + (longitude - inset.west) * SHRINK * SCALE * inset.scale
            y = inset.y + (inset.north - latitude) * SCALE * inset.scale
            break
    else:
        x = (longitude - WEST) * SHRINK * SCALE
        y = (NORTH - latitude) * SCALE
    return round(x, 1), round(y, 1)


def parameters() -> dict:
    """What the derived outline file records, so a change here without re-deriving shows."""
    return {
        "scale": SCALE,
        "bounds": [WEST, EAST, NORTH, SOUTH],
        "shrink": round(SHRINK, 6),
        "insets": [{**inset._asdict(), "frame": list(inset.frame())} for inset in INSETS],
    }
