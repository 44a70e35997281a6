"""The area of an emergency alert, as an officer draws it: a circle, a polygon or whole
localities (the country's regions and cities of republican significance — the registry records
a person's region, not a finer locality). Checked before anything is read or written: inside
the country, a radius within the limit, a polygon of 3 to the configured number of corners that
does not cross itself."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from inclusio import countries
from inclusio.core.errors import ValidationFailed
from inclusio.emergency.errors import ErrorCode

METRES_PER_DEGREE = 111_320.0  # of latitude; of longitude, times the cosine of the latitude
EARTH_RADIUS_M = 6_371_000.0

type Box = tuple[float, float, float, float]  # south, west, north, east
type Point = tuple[float, float]  # latitude, longitude


@cache
def region_boxes(country: str) -> dict[str, Box]:
    return {row["code"]: tuple(row["bbox"]) for row in countries.regions(country)}


def inside(box: Box, latitude: float, longitude: float) -> bool:
    south, west, north, east = box
    return south <= latitude <= north and west <= longitude <= east


def in_country(latitude: float, longitude: float) -> bool:
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and any(inside(box, latitude, longitude) for box in region_boxes(settings.COUNTRY).values())
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def box_around(latitude: float, longitude: float, radius_m: float) -> Box:
    """The box of latitudes and longitudes that holds a circle: the prefilter on indexed
    columns before the exact distance."""
    dlat = radius_m / METRES_PER_DEGREE
    dlon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return latitude - dlat, longitude - dlon, latitude + dlat, longitude + dlon


def _outside() -> ValidationFailed:
    return ValidationFailed(
        ErrorCode.ALERT_OUTSIDE_COUNTRY,
        _("The area is outside the country. Check the latitudes and the longitudes."),
        field="area",
    )


@dataclass(frozen=True)
class Circle:
    latitude: float
    longitude: float
    radius_m: int

    kind = "circle"

    def box(self) -> Box | None:
        return box_around(self.latitude, self.longitude, self.radius_m)

    def contains(self, latitude: float, longitude: float) -> bool:
        return distance_m(self.latitude, self.longitude, latitude, longitude) <= self.radius_m

    def regions(self) -> list[str] | None:
        return None

    def geometry(self) -> dict[str, object]:
        return {"latitude": self.latitude, "longitude": self.longitude, "radius_m": self.radius_m}


@dataclass(frozen=True)
class Polygon:
    points: tuple[Point, ...]

    kind = "polygon"

    def box(self) -> Box | None:
        lats = [p[0] for p in self.points]
        lons = [p[1] for p in self.points]
        return min(lats), min(lons), max(lats), max(lons)

    def contains(self, latitude: float, longitude: float) -> bool:
        # Ray casting along the parallel: odd crossings of the edges mean inside.
        found = False
        count = len(self.points)
        for i in range(count):
            (lat1, lon1), (lat2, lon2) = self.points[i], self.points[(i + 1) % count]
            if (lat1 > latitude) != (lat2 > latitude):
                at = lon1 + (latitude - lat1) * (lon2 - lon1) / (lat2 - lat1)
                if longitude < at:
                    found = not found
        return found

    def regions(self) -> list[str] | None:
        return None

    def geometry(self) -> dict[str, object]:
        return {"points": [list(point) for point in self.points]}


@dataclass(frozen=True)
class Localities:
    codes: tuple[str, ...]

    kind = "localities"

    def box(self) -> Box | None:
        return None

    def contains(self, latitude: float, longitude: float) -> bool:
        return True  # the region filter is the area

    def regions(self) -> list[str] | None:
        return list(self.codes)

    def geometry(self) -> dict[str, object]:
        return {"regions": list(self.codes)}


type Area = Circle | Polygon | Localities


def circle(latitude: float | None, longitude: float | None, radius_m: int | None) -> Circle:
    if latitude is None or longitude is None or not in_country(latitude, longitude):
        raise _outside()
    limit = settings.EMERGENCY_ALERT_RADIUS_MAX_M
    if radius_m is None or not 1 <= radius_m <= limit:
        raise ValidationFailed(
            ErrorCode.ALERT_RADIUS,
            _("The radius is from 1 to %(limit)s metres."),
            field="radius_m",
            limit=limit,
        )
    return Circle(latitude, longitude, radius_m)


NUMBER = r"[-+]?\d+(?:\.\d+)?"
POINT = re.compile(rf"\s*({NUMBER})\s*[, ]\s*({NUMBER})\s*")


def parse_points(text: str) -> tuple[Point, ...]:
    """Corners written one a line (or separated by “;”) as “latitude, longitude”."""
    points = []
    for part in re.split(r"[;\n]", text or ""):
        if not part.strip():
            continue
        match = POINT.fullmatch(part)
        if match is None:
            raise ValidationFailed(
                ErrorCode.ALERT_POLYGON_POINTS,
                _("Write each corner on its own line as “latitude, longitude”, e.g. 51.12, 71.43."),
                field="points",
            )
        points.append((float(match[1]), float(match[2])))
    return tuple(points)


def _orientation(a: Point, b: Point, c: Point) -> float:
    return (b[1] - a[1]) * (c[0] - a[0]) - (b[0] - a[0]) * (c[1] - a[1])


def _on_segment(a: Point, b: Point, c: Point) -> bool:
    return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])


def segments_meet(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Whether segment ab and segment cd share a point (touching counts)."""
    o1, o2, o3, o4 = (
        _orientation(a, b, c),
        _orientation(a, b, d),
        _orientation(c, d, a),
        _orientation(c, d, b),
    )
    if ((o1 > 0) != (o2 > 0)) and ((o3 > 0) != (o4 > 0)) and 0 not in (o1, o2, o3, o4):
        return True
    return (
        (o1 == 0 and _on_segment(a, b, c))
        or (o2 == 0 and _on_segment(a, b, d))
        or (o3 == 0 and _on_segment(c, d, a))
        or (o4 == 0 and _on_segment(c, d, b))
    )


def crosses_itself(points: Sequence[Point]) -> bool:
    """Whether two edges that are not neighbours meet (a figure of eight, a bow tie)."""
    count = len(points)
    edges = [(points[i], points[(i + 1) % count]) for i in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            if j == i + 1 or (i == 0 and j == count - 1):
                continue  # neighbours share a corner
            if segments_meet(*edges[i], *edges[j]):
                return True
    return False


def polygon(text: str) -> Polygon:
    points = list(parse_points(text))
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()  # written closed
    limit = settings.EMERGENCY_ALERT_POLYGON_MAX_POINTS
    if not 3 <= len(points) <= limit or len(set(points)) != len(points):
        raise ValidationFailed(
            ErrorCode.ALERT_POLYGON_POINTS,
            _("A polygon has from 3 to %(limit)s different corners."),
            field="points",
            limit=limit,
        )
    if not all(in_country(*point) for point in points):
        raise _outside()
    if crosses_itself(points):
        raise ValidationFailed(
            ErrorCode.ALERT_POLYGON_CROSSES,
            _("The polygon crosses itself. Give its corners in order around the area."),
            field="points",
        )
    return Polygon(tuple(points))


def localities(codes: Sequence[str], allowed: Sequence[str]) -> Localities:
    chosen = tuple(sorted(set(codes)))
    if not chosen or any(code not in allowed for code in chosen):
        raise ValidationFailed(
            ErrorCode.ALERT_LOCALITIES,
            _("Choose at least one locality among those you send alerts to."),
            field="regions",
        )
    return Localities(chosen)
