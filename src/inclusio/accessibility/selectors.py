"""Reads of the accessibility map. Everything here is public information about buildings (no
person's data): the list and search, a facility with its history, the statistics, and the
map's points clustered on a grid in SQL."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Floor
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio.accessibility import mapgrid
from inclusio.accessibility.criteria import LIMITATIONS
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.geography import region_boxes
from inclusio.accessibility.models import Assessment, Category, Facility, OsmElement, Rating
from inclusio.core.errors import NotFound, ValidationFailed
from inclusio.core.models import Region

PAGE_SIZE = 25
# Below this zoom the map receives grid cells with counts, not facilities; at or above it, the
# facilities themselves (a city's streets are in view).
CLUSTER_BELOW_ZOOM = 13
# The most facilities one answer lists before it clusters anyway.
LARGEST_ANSWER = 1000


@dataclass(frozen=True)
class Filters:
    q: str = ""
    limitation: str = ""
    rating: str = ""
    category: str = ""
    region: str = ""


def filters_from(
    *, q: Any = "", limitation: Any = "", rating: Any = "", category: Any = "", region: Any = ""
) -> Filters:
    """Filters from what a reader sent: values outside the closed lists are dropped (a typed
    address must never fail the page), the text is cut short and cleared of NUL characters."""
    return Filters(
        q=str(q or "").replace("\x00", "")[:100],
        limitation=limitation if limitation in LIMITATIONS else "",
        rating=rating if rating in Rating.values else "",
        category=category if category in Category.values else "",
        region=region if region in region_boxes() else "",
    )


def name_field() -> str:
    """The facility's name column in the active language (Kazakh when it is none of the three)."""
    language = (get_language() or "kk")[:2]
    return f"name_{language}" if language in ("kk", "ru", "en") else "name_kk"


def filtered(filters: Filters) -> QuerySet[Facility]:
    """The facilities the filters keep. A rating applies to the chosen kind of limitation, or,
    when none is chosen, to every kind at once."""
    rows = Facility.objects.all()
    if filters.category in Category.values:
        rows = rows.filter(category=filters.category)
    if filters.region:
        rows = rows.filter(region_id=filters.region)
    if filters.rating in Rating.values:
        kinds = [filters.limitation] if filters.limitation in LIMITATIONS else LIMITATIONS
        rows = rows.filter(**dict.fromkeys(kinds, filters.rating))
    text = filters.q.strip()[:100]
    if text:
        rows = rows.filter(Q(**{f"{name_field()}__icontains": text}) | Q(address__icontains=text))
    return rows


def facility_search(filters: Filters, page: Any = 1) -> Page[Facility]:
    """One page of the list, in the reader's language's alphabetical order."""
    rows = filtered(filters).select_related("region").order_by(name_field(), "id")
    return Paginator(rows, PAGE_SIZE).get_page(page)


@dataclass(frozen=True)
class FacilityView:
    facility: Facility
    latest: Assessment | None
    history: list[Assessment]
    # The OpenStreetMap element the facility is matched with, as last imported; None if none.
    osm: OsmElement | None


def facility_get(facility_id: int) -> FacilityView:
    facility = (
        Facility.objects.select_related("region", "osm_element").filter(pk=facility_id).first()
    )
    if facility is None:
        raise NotFound(ErrorCode.FACILITY_NOT_FOUND, _("No such facility on the map."))
    history = list(
        facility.assessments.select_related("inspector")
        .prefetch_related("photos")
        .order_by("-assessed_on", "-id")
    )
    osm = getattr(facility, "osm_element", None) if facility.osm_id else None
    return FacilityView(facility, history[0] if history else None, history, osm)


@dataclass(frozen=True)
class Share:
    label: str
    code: str
    total: int
    adapted: int

    @property
    def percent(self) -> float:
        return round(100 * self.adapted / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class Statistics:
    national: Share
    regions: list[Share]
    categories: list[Share]


def statistics() -> Statistics:
    """The share of adapted facilities in the country, by region and by category."""
    counted = {"total": Count("id"), "adapted": Count("id", filter=Q(adapted=True))}
    by_region: dict[str, Any] = {
        row["region_id"]: row for row in Facility.objects.values("region_id").annotate(**counted)
    }
    by_category: dict[str, Any] = {
        row["category"]: row for row in Facility.objects.values("category").annotate(**counted)
    }
    national = Facility.objects.aggregate(**counted)
    return Statistics(
        national=Share(str(_("The whole country")), "", national["total"], national["adapted"]),
        regions=[
            Share(
                str(region),
                region.code,
                by_region[region.code]["total"],
                by_region[region.code]["adapted"],
            )
            for region in Region.objects.order_by("code")
            if region.code in by_region
        ],
        categories=[
            Share(str(label), code, by_category[code]["total"], by_category[code]["adapted"])
            for code, label in Category.choices
            if code in by_category
        ],
    )


# --- the map ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float


def parse_bbox(text: str) -> BBox:
    """``west,south,east,north`` in degrees (GeoJSON's order); refused when malformed."""
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        west = south = east = north = math.nan
    values = (west, south, east, north)
    if not all(math.isfinite(v) for v in values) or not (
        -180 <= west <= east <= 180 and -90 <= south <= north <= 90
    ):
        raise ValidationFailed(
            ErrorCode.BBOX_INVALID,
            _(
                "Give bbox as west,south,east,north in degrees, "
                "west before east, south before north."
            ),
        )
    return BBox(west, south, east, north)


def cell_size(zoom: int) -> float:
    """The grid cell in degrees at a zoom: about 64 screen pixels of a 256-pixel tile."""
    return 360 / (2**zoom) / 4


def map_features(filters: Filters, bbox: BBox, zoom: int) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of what the map shows in the box: facilities (each with its
    ratings and page), or — below ``CLUSTER_BELOW_ZOOM``, or when the box holds more than
    ``LARGEST_ANSWER`` — grid cells, each at the mean position of its facilities with their
    count and how many are adapted. Counted over the process's copy of the facilities
    (``mapgrid.py``); a search by text goes to SQL, which matches names as the list does."""
    if filters.q.strip():
        return map_features_sql(filters, bbox, zoom)
    rows = mapgrid.current()
    found = mapgrid.kept(rows, filters, bbox)
    if zoom >= CLUSTER_BELOW_ZOOM and len(found) <= LARGEST_ANSWER:
        return _collection(mapgrid.facility_features(rows, found, name_field()))
    return _collection(mapgrid.cell_features(rows, found, cell_size(min(zoom, CLUSTER_BELOW_ZOOM))))


def map_features_sql(filters: Filters, bbox: BBox, zoom: int) -> dict[str, Any]:
    """``map_features`` computed in SQL: the grid's cells counted with GROUP BY."""
    rows = filtered(filters).filter(
        latitude__gte=bbox.south,
        latitude__lte=bbox.north,
        longitude__gte=bbox.west,
        longitude__lte=bbox.east,
    )
    if zoom >= CLUSTER_BELOW_ZOOM:
        found = list(
            rows.order_by("id").values(
                "id",
                "name_kk",
                "name_ru",
                "name_en",
                "category",
                "latitude",
                "longitude",
                "adapted",
                *LIMITATIONS,
            )[: LARGEST_ANSWER + 1]
        )
        if len(found) <= LARGEST_ANSWER:
            name = name_field()
            return _collection(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
                    "properties": {
                        "id": r["id"],
                        "name": r[name],
                        "category": r["category"],
                        "adapted": r["adapted"],
                        "ratings": {kind: r[kind] for kind in LIMITATIONS},
                    },
                }
                for r in found
            )
    size = cell_size(min(zoom, CLUSTER_BELOW_ZOOM))
    cells = (
        rows.annotate(cell_y=Floor(F("latitude") / size), cell_x=Floor(F("longitude") / size))
        .values("cell_y", "cell_x")
        .annotate(
            count=Count("id"),
            adapted_count=Count("id", filter=Q(adapted=True)),
            lat=Avg("latitude"),
            lon=Avg("longitude"),
        )
        .order_by("cell_y", "cell_x")
    )
    return _collection(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(c["lon"], 6), round(c["lat"], 6)]},
            "properties": {
                "cluster": True,
                "count": c["count"],
                "adapted": c["adapted_count"],
            },
        }
        for c in cells
    )


def _collection(features: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}
