"""The map's bounding-box answers from a copy of the facilities held in each server process.

At 100 requests a second on two cores a request has about 20 ms of CPU for Django and the
database together, and a box at zoom 4 to 8 covers most of the country: counting the national
set on a grid in SQL for each such request cost far more (``docs/performance.md``). The map
needs only each facility's position, category, region, adapted flag, ratings and names, about
2 MB of arrays and names for the national 41,000: each process keeps them (``_held``), and a
box is then a few array comparisons and one ``bincount`` per figure.

The copy is exact, never stale: every service that writes the facilities changes
``MapVersion``'s token in the same transaction (``map_changed``), and every request reads the
token first (one primary-key query) and loads the copy again when it differs, so a process sees
another's writes on its next request. The token is read before the rows: rows loaded after a
token are at least as new as it, and a write landing in between only makes the next request
load again.

The answers are the SQL grid's (``selectors.map_features_sql``, which the text search still
uses): the same rows kept by the box and the filters, the same cells (``floor`` of the degrees
over the cell size, in double precision like the database), the same counts; the cells' mean
positions are sums over counts as ``Avg`` computes them, equal to the database's after the
rounding to 6 decimals unless the order of the additions moves the last digit (never seen in
the equality test; the test allows one unit of the 6th decimal)."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from inclusio.accessibility.criteria import LIMITATIONS
from inclusio.accessibility.models import Category, Facility, MapVersion, Rating

if TYPE_CHECKING:
    from inclusio.accessibility.selectors import BBox, Filters

# Cells of a dense grid over the kept rows' extent counted with one bincount, up to this many;
# a wider extent (a world-sized box at a close zoom, only from a hand-made request) is grouped
# by sorting instead.
DENSE_CELLS = 1 << 20

CATEGORIES = list(Category.values)
RATINGS = list(Rating.values)


def map_changed() -> None:
    """Tell every process's copy that the facilities changed: call inside the transaction that
    writes them, so the new token is seen exactly when the rows are."""
    MapVersion.objects.update_or_create(pk=1, defaults={"token": secrets.token_hex(16)})


def _token() -> str | None:
    return MapVersion.objects.filter(pk=1).values_list("token", flat=True).first()


@dataclass(frozen=True)
class MapRows:
    """The facilities, ascending by id: one array entry per facility. Categories, regions and
    ratings are small integers, indexes into ``CATEGORIES``, ``regions`` and ``RATINGS``
    (-1 for a value outside those lists, which no filter selects)."""

    token: str | None
    ids: np.ndarray[Any, np.dtype[np.int64]]
    latitude: np.ndarray[Any, np.dtype[np.float64]]
    longitude: np.ndarray[Any, np.dtype[np.float64]]
    category: np.ndarray[Any, np.dtype[np.int8]]
    region: np.ndarray[Any, np.dtype[np.int16]]
    adapted: np.ndarray[Any, np.dtype[np.bool_]]
    ratings: dict[str, np.ndarray[Any, np.dtype[np.int8]]]
    names: dict[str, list[str]]
    regions: list[str]


_held: MapRows | None = None
_loading = threading.Lock()


def current() -> MapRows:
    """The process's copy, loaded again when another write has changed the token since."""
    global _held
    token = _token()
    held = _held
    if held is not None and held.token == token:
        return held
    with _loading:
        held = _held
        if held is None or held.token != token:
            held = _load(token)
            _held = held
    return held


def _codes(values: list[str], known: list[str], dtype: Any) -> np.ndarray[Any, Any]:
    index = {value: number for number, value in enumerate(known)}
    return np.fromiter((index.get(v, -1) for v in values), dtype=dtype, count=len(values))


def _load(token: str | None) -> MapRows:
    columns = [
        "id",
        "latitude",
        "longitude",
        "category",
        "region_id",
        "adapted",
        *LIMITATIONS,
        "name_kk",
        "name_ru",
        "name_en",
    ]
    rows = list(Facility.objects.order_by("id").values_list(*columns))
    by_column = dict(zip(columns, zip(*rows, strict=True), strict=True)) if rows else {}

    def column(name: str) -> list[Any]:
        return list(by_column.get(name, ()))

    regions = sorted(set(column("region_id")))
    return MapRows(
        token=token,
        ids=np.array(column("id"), dtype=np.int64),
        latitude=np.array(column("latitude"), dtype=np.float64),
        longitude=np.array(column("longitude"), dtype=np.float64),
        category=_codes(column("category"), CATEGORIES, np.int8),
        region=_codes(column("region_id"), regions, np.int16),
        adapted=np.array(column("adapted"), dtype=np.bool_),
        ratings={kind: _codes(column(kind), RATINGS, np.int8) for kind in LIMITATIONS},
        names={language: column(f"name_{language}") for language in ("kk", "ru", "en")},
        regions=regions,
    )


def kept(rows: MapRows, filters: Filters, bbox: BBox) -> np.ndarray[Any, np.dtype[np.intp]]:
    """The positions (ascending, so ascending ids) of the facilities in the box that the
    filters keep, as ``selectors.filtered`` and the box's four comparisons keep them. The text
    filter is not applied here: the caller sends text searches to SQL."""
    mask = (
        (rows.latitude >= bbox.south)
        & (rows.latitude <= bbox.north)
        & (rows.longitude >= bbox.west)
        & (rows.longitude <= bbox.east)
    )
    if filters.category in CATEGORIES:
        mask &= rows.category == CATEGORIES.index(filters.category)
    if filters.region:
        if filters.region not in rows.regions:
            return np.empty(0, dtype=np.intp)
        mask &= rows.region == rows.regions.index(filters.region)
    if filters.rating in RATINGS:
        kinds = [filters.limitation] if filters.limitation in LIMITATIONS else LIMITATIONS
        for kind in kinds:
            mask &= rows.ratings[kind] == RATINGS.index(filters.rating)
    return np.flatnonzero(mask)


def facility_features(
    rows: MapRows, found: np.ndarray[Any, np.dtype[np.intp]], name_field: str
) -> list[dict[str, Any]]:
    """The facilities at ``found`` as GeoJSON points, in the order given."""
    names = rows.names[name_field.removeprefix("name_")]
    ratings = {kind: rows.ratings[kind][found].tolist() for kind in LIMITATIONS}
    categories = rows.category[found].tolist()
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": identifier,
                "name": names[at],
                "category": CATEGORIES[category],
                "adapted": adapted,
                "ratings": {kind: RATINGS[ratings[kind][n]] for kind in LIMITATIONS},
            },
        }
        for n, (at, identifier, lon, lat, category, adapted) in enumerate(
            zip(
                found.tolist(),
                rows.ids[found].tolist(),
                rows.longitude[found].tolist(),
                rows.latitude[found].tolist(),
                categories,
                rows.adapted[found].tolist(),
                strict=True,
            )
        )
    ]


def cell_features(
    rows: MapRows, found: np.ndarray[Any, np.dtype[np.intp]], size: float
) -> list[dict[str, Any]]:
    """The facilities at ``found`` counted in cells of ``size`` degrees, as GeoJSON points at
    their facilities' mean position, ordered by the cell's row (south to north) and column."""
    if not len(found):
        return []
    latitude, longitude = rows.latitude[found], rows.longitude[found]
    cell_y = np.floor(latitude / size).astype(np.int64)
    cell_x = np.floor(longitude / size).astype(np.int64)
    low_y, low_x = int(cell_y.min()), int(cell_x.min())
    width = int(cell_x.max()) - low_x + 1
    height = int(cell_y.max()) - low_y + 1
    # Row-major keys: ascending keys are the cells in (row, column) order.
    keys = (cell_y - low_y) * width + (cell_x - low_x)
    if width * height <= DENSE_CELLS:
        slots, cells = keys, width * height
    else:
        _distinct, slots = np.unique(keys, return_inverse=True)
        cells = len(_distinct)
    count = np.bincount(slots, minlength=cells)
    occupied = np.flatnonzero(count)
    adapted = np.bincount(slots, weights=rows.adapted[found], minlength=cells)[occupied]
    sum_lat = np.bincount(slots, weights=latitude, minlength=cells)[occupied]
    sum_lon = np.bincount(slots, weights=longitude, minlength=cells)[occupied]
    counts = count[occupied]
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon / n, 6), round(lat / n, 6)]},
            "properties": {"cluster": True, "count": n, "adapted": int(a)},
        }
        for n, a, lat, lon in zip(
            counts.tolist(), adapted.tolist(), sum_lat.tolist(), sum_lon.tolist(), strict=True
        )
    ]
