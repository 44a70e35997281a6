"""Where a facility may be: inside the country and inside its stated region.

The country configuration gives each region an approximate bounding box (``regions.json``,
``bbox = [south, west, north, east]``); the country's extent is the smallest box holding them
all. A box is coarse (a point near a border may fall in two) but it refuses what matters: a
point in another country, or typed with latitude and longitude swapped, or in the wrong region.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings

from inclusio import countries


@dataclass(frozen=True)
class Box:
    south: float
    west: float
    north: float
    east: float

    def holds(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


@cache
def _boxes(country: str) -> dict[str, Box]:
    return {row["code"]: Box(*map(float, row["bbox"])) for row in countries.regions(country)}


def region_boxes() -> dict[str, Box]:
    return _boxes(settings.COUNTRY)


def country_box() -> Box:
    boxes = region_boxes().values()
    return Box(
        south=min(b.south for b in boxes),
        west=min(b.west for b in boxes),
        north=max(b.north for b in boxes),
        east=max(b.east for b in boxes),
    )
