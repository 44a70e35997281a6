"""The accessibility map's open formats over HTTP, public (no token): the map's GeoJSON,
clustered on a grid at low zoom, and the A11yJSON export, both with the list's filters."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from inclusio.accessibility import a11yjson, selectors
from inclusio.accessibility.criteria import LIMITATIONS
from inclusio.accessibility.models import Category, Rating
from inclusio.api_errors import ErrorOut

router = Router(tags=["accessibility"])

Limitation = StrEnum("Limitation", {kind.upper(): kind for kind in LIMITATIONS})  # type: ignore[misc]
CategoryCode = StrEnum("CategoryCode", {c.upper(): c for c in Category.values})  # type: ignore[misc]
RatingCode = StrEnum("RatingCode", {r.upper(): r for r in Rating.values})  # type: ignore[misc]


class FilterParams(Schema):
    limitation: Limitation | None = Field(
        None, description="The kind of limitation the rating is for."
    )
    rating: RatingCode | None = Field(
        None, description="The rating for `limitation`; for every kind when none is given."
    )
    category: CategoryCode | None = None
    region: Annotated[str, Field(pattern="^[0-9]{2}$")] | None = Field(
        None, description="The region's code (first two digits of KATO)."
    )
    q: Annotated[str, Field(max_length=100)] | None = Field(
        None, description="Words of the name or the address."
    )

    def filters(self) -> selectors.Filters:
        return selectors.filters_from(
            q=self.q or "",
            limitation=str(self.limitation or ""),
            rating=str(self.rating or ""),
            category=str(self.category or ""),
            region=self.region or "",
        )


class GeometryOut(Schema):
    type: str
    coordinates: list[float]


class FeatureOut(Schema):
    type: str
    geometry: GeometryOut
    properties: dict[str, Any]


class FeatureCollectionOut(Schema):
    type: str
    features: list[FeatureOut]


@router.get(
    "/facilities.geojson",
    response={200: FeatureCollectionOut, 422: ErrorOut},
    operation_id="accessibility_facilities_geojson",
    url_name="accessibility_facilities_geojson",
    summary="Facilities in a bounding box, for the map",
    description=(
        "A GeoJSON FeatureCollection of the facilities inside `bbox` (west,south,east,north in "
        "degrees) that the filters keep. Below zoom 13, or when the box holds more than 1,000 "
        "facilities, the features are grid cells (`properties.cluster` true) with the number "
        "of facilities and of adapted ones, placed at their mean position."
    ),
)
def facilities_geojson(
    request: HttpRequest,
    bbox: str,
    filters: Query[FilterParams],
    zoom: Annotated[int, Field(ge=0, le=22)] = 10,
) -> HttpResponse:
    # Written out here rather than checked against the schema above: on the map's hot path
    # the check and dump cost as much as answering (docs/performance.md); the shape is
    # map_features's, which the tests hold.
    found = selectors.map_features(filters.filters(), selectors.parse_bbox(bbox), zoom)
    return HttpResponse(json.dumps(found), content_type="application/json; charset=utf-8")


@router.get(
    "/facilities.a11yjson",
    response={200: FeatureCollectionOut},
    operation_id="accessibility_facilities_a11yjson",
    url_name="accessibility_facilities_a11yjson",
    summary="Facilities as A11yJSON",
    description=(
        "A GeoJSON FeatureCollection whose features are A11yJSON PlaceInfo: entrances, "
        "restrooms, parking, the wheelchair grade, lengths as quantity objects. Streamed."
    ),
)
def facilities_a11yjson(
    request: HttpRequest, filters: Query[FilterParams]
) -> StreamingHttpResponse:
    page = request.build_absolute_uri(reverse("accessibility:facility", args=[0]))
    page_url = page.replace("/0/", "/{id}/")
    return StreamingHttpResponse(
        a11yjson.chunks(selectors.filtered(filters.filters()), page_url),
        content_type="application/geo+json",
    )
