"""The map's bounding box from each process's copy of the facilities (``mapgrid.py``): the same
answers as the SQL grid, and never stale after a write, whichever process made it."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from inclusio.accessibility import mapgrid, osm, selectors
from inclusio.accessibility.criteria import LIMITATIONS
from inclusio.accessibility.geography import region_boxes
from inclusio.accessibility.models import Category, Facility, MapVersion, Rating
from inclusio.core.audit import SYSTEM
from inclusio.synthetic.accessibility import facilities_synthesise
from tests.accessibility.builders import assess, make_facility

pytestmark = pytest.mark.django_db

URL = "/api/v1/accessibility/facilities.geojson"
ZOOMS = (3, 4, 6, 8, 10, 12, 13, 14, 16)


def _token() -> str | None:
    return MapVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def _filters(rng: random.Random, regions: list[str]) -> selectors.Filters:
    choice = rng.randrange(6)
    if choice == 0:
        return selectors.Filters()
    if choice == 1:
        return selectors.Filters(
            limitation=rng.choice(LIMITATIONS), rating=rng.choice(Rating.values)
        )
    if choice == 2:
        return selectors.Filters(rating=rng.choice(Rating.values))
    if choice == 3:
        return selectors.Filters(category=rng.choice(Category.values))
    if choice == 4:
        return selectors.Filters(region=rng.choice(regions))
    return selectors.Filters(region=rng.choice(regions), category=rng.choice(Category.values))


def _same(fast: dict[str, Any], sql: dict[str, Any]) -> None:
    assert fast["type"] == sql["type"] == "FeatureCollection"
    assert len(fast["features"]) == len(sql["features"])
    for ours, theirs in zip(fast["features"], sql["features"], strict=True):
        assert ours["properties"] == theirs["properties"]
        # Sums in another order may move a mean's 6th decimal by one unit, nothing more.
        assert ours["geometry"]["coordinates"] == pytest.approx(
            theirs["geometry"]["coordinates"], abs=1.01e-6
        )


def test_every_box_zoom_and_filter_answers_as_the_sql_grid() -> None:
    facilities_synthesise(scale=0.006)  # about 250 facilities over the 20 regions
    # Facilities on a cell's edge at zoom 4 and 8 and on the boxes' edges below, and some not
    # assessed yet: floor, the box's inclusive bounds and the unassessed rating count alike.
    for region, latitude, longitude in (
        ("35", 50.625, 73.125),
        ("35", 50.625, 73.125),
        ("11", 51.15, 71.4),
    ):
        make_facility(region=region, latitude=latitude, longitude=longitude)
    close = make_facility(latitude=51.15, longitude=71.45)
    assess(close, entrance_ramp_slope={"state": "not_met", "value": 12})
    points = list(Facility.objects.values_list("latitude", "longitude"))
    regions = list(region_boxes())
    rng = random.Random(12)  # noqa: S311 - reproducible boxes, not a secret
    boxes = [
        (selectors.BBox(71.4, 50.625, 73.125, 51.15), zoom, selectors.Filters())
        for zoom in (4, 8, 13)
    ]
    for _n in range(150):
        lat, lon = rng.choice(points)
        zoom = rng.choice(ZOOMS)
        half_w, half_h = 360 / 2**zoom * 2, 180 / 2**zoom * 2
        bbox = selectors.BBox(
            max(-180, lon - half_w),
            max(-90, lat - half_h),
            min(180, lon + half_w),
            min(90, lat + half_h),
        )
        boxes.append((bbox, zoom, _filters(rng, regions)))
    listed = clustered = 0
    for bbox, zoom, filters in boxes:
        with translation.override(rng.choice(("kk", "ru", "en"))):
            fast = selectors.map_features(filters, bbox, zoom)
            sql = selectors.map_features_sql(filters, bbox, zoom)
        _same(fast, sql)
        for feature in fast["features"]:
            clustered += bool(feature["properties"].get("cluster"))
            listed += not feature["properties"].get("cluster")
    # Both shapes of answer were compared, many times each.
    assert listed > 15 and clustered > 100


def test_a_text_search_is_answered_in_sql_as_the_list_matches_names() -> None:
    make_facility(names={"kk": "Мектеп", "ru": "Школа", "en": "School"}, category="education")
    make_facility()
    box = selectors.BBox(71.3, 51.0, 71.6, 51.3)
    with translation.override("en"):
        found = selectors.map_features(selectors.Filters(q="school"), box, 14)
    assert [f["properties"]["name"] for f in found["features"]] == ["School"]


def test_a_write_in_any_process_is_seen_on_the_next_request() -> None:
    facility = make_facility()
    client = Client()
    wide = {"bbox": "46,40,88,56", "zoom": 4}
    assert client.get(URL, wide).json()["features"][0]["properties"]["adapted"] == 0
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, wide)
    # Served from the process's copy: only the token is read.
    assert len(queries) == 1 and "accessibility_mapversion" in queries[0]["sql"]
    before = _token()
    assess(facility)  # every mandatory criterion met: adapted
    assert _token() != before
    assert client.get(URL, wide).json()["features"][0]["properties"]["adapted"] == 1
    # Another process's write is one to rows this process holds a copy of: the copy answers
    # until the token changes, then the rows are read again.
    Facility.objects.filter(pk=facility.pk).update(adapted=False)
    assert client.get(URL, wide).json()["features"][0]["properties"]["adapted"] == 1
    MapVersion.objects.filter(pk=1).update(token="another process")
    assert client.get(URL, wide).json()["features"][0]["properties"]["adapted"] == 0


def test_every_service_writing_facilities_changes_the_token() -> None:
    seen = [_token()]
    facility = make_facility()
    seen.append(_token())
    assess(facility)
    seen.append(_token())
    facilities_synthesise(region_code="75", scale=0.002)
    seen.append(_token())
    osm_file = Path(__file__).parent / "data" / "astana.osm"
    osm.osm_import(actor=SYSTEM, places=osm.read(osm_file), source_name=osm_file.name)
    seen.append(_token())
    assert seen[0] is None and len(set(seen)) == len(seen)
    assert len(mapgrid.current().ids) == Facility.objects.count()
