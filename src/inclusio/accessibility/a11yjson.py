"""The A11yJSON export: a GeoJSON FeatureCollection whose features are A11yJSON ``PlaceInfo``
(https://sozialhelden.github.io/a11yjson/): the facility's name, category and address, and its
``accessibility`` — entrances (ramp slope, door width, threshold height as quantity objects),
restrooms, parking, the wheelchair grade and the kinds of limitation it serves fully or in part.
A criterion that does not apply or was not measured is left out rather than guessed."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.db.models import JSONField, OuterRef, QuerySet, Subquery

from inclusio.accessibility.criteria import MEETS, NOT_APPLICABLE, NOT_MET, PARTLY
from inclusio.accessibility.models import Assessment, Facility
from inclusio.accessibility.ratings import FULLY, NOT_ACCESSIBLE, PARTIALLY

# Our kinds of limitation as A11yJSON's PersonalProfile names them.
PROFILES = {
    "wheelchair": "wheelchair",
    "vision": "visualImpairment",
    "hearing": "hearingImpairment",
    "intellectual": "learningImpairment",
}
GRADES = {FULLY: "fully", PARTIALLY: "partially", NOT_ACCESSIBLE: "not"}
UNITS = {"cm": "cm", "percent": "%", "degrees": "deg"}


def _holds(results: Mapping[str, Any], code: str) -> bool | None:
    """Whether a criterion is met: True, False (not met, or only in part), None when it does
    not apply or was not assessed."""
    state = (results.get(code) or {}).get("state")
    if state in (None, NOT_APPLICABLE):
        return None
    return state == MEETS


def _quantity(results: Mapping[str, Any], code: str, unit: str) -> dict[str, Any] | None:
    value = (results.get(code) or {}).get("value")
    return None if value is None else {"value": value, "unit": UNITS[unit]}


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None and value != {}}


def accessibility(facility: Facility, results: Mapping[str, Any] | None) -> dict[str, Any]:
    ratings = facility.ratings()
    found: dict[str, Any] = {}
    if facility.wheelchair in GRADES:
        found["wheelchairAccessibilityGrade"] = GRADES[facility.wheelchair]
    found["accessibleWith"] = {
        PROFILES[kind]: rating == FULLY for kind, rating in ratings.items() if rating in GRADES
    }
    found["partiallyAccessibleWith"] = {
        PROFILES[kind]: rating in (FULLY, PARTIALLY)
        for kind, rating in ratings.items()
        if rating in GRADES
    }
    if not results:
        return _without_none(found)
    slope = (results.get("entrance_ramp_slope") or {}).get("state")
    door = _without_none(
        {
            "width": _quantity(results, "entrance_door_width", "cm"),
            "thresholdHeight": _quantity(results, "entrance_threshold_height", "cm"),
        }
    )
    entrance = _without_none(
        {
            "isMainEntrance": True,
            "hasFixedRamp": None if slope in (None, NOT_APPLICABLE) else slope != NOT_MET,
            "slopeAngle": _quantity(results, "entrance_ramp_slope", "percent"),
            "door": door,
        }
    )
    found["entrances"] = [{"properties": entrance}]
    toilet = (results.get("toilet_accessible_cabin") or {}).get("state")
    if toilet not in (None, NOT_APPLICABLE):
        cabin = _quantity(results, "toilet_accessible_cabin", "cm")
        found["restrooms"] = [
            _without_none(
                {
                    "isAccessibleWithWheelchair": toilet in (MEETS, PARTLY)
                    and _holds(results, "toilet_grab_bars") is not False,
                    "entrance": {"door": {"width": cabin}} if cabin else None,
                }
            )
        ]
    parking = (results.get("parking_reserved_space") or {}).get("state")
    if parking not in (None, NOT_APPLICABLE):
        found["parking"] = {
            "forWheelchairUsers": _without_none(
                {
                    "width": _quantity(results, "parking_reserved_space", "cm"),
                    "hasDedicatedSignage": _holds(results, "parking_signage"),
                }
            )
        }
    found["hasInductionLoop"] = _holds(results, "info_induction_loop")
    found["hasTactileGuideStrips"] = _holds(results, "info_tactile_guidance")
    return _without_none(found)


def feature(facility: Facility, results: Mapping[str, Any] | None, page_url: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [facility.longitude, facility.latitude]},
        "properties": _without_none(
            {
                "originalId": str(facility.pk),
                "name": {"kk": facility.name_kk, "ru": facility.name_ru, "en": facility.name_en},
                "category": facility.category,
                "address": {"text": {"ru": facility.address}} if facility.address else None,
                "infoPageUrl": page_url or None,
                "accessibility": accessibility(facility, results),
            }
        ),
    }


def with_latest_results(facilities: QuerySet[Facility]) -> QuerySet[Facility]:
    latest = Assessment.objects.filter(facility=OuterRef("pk")).order_by("-assessed_on", "-id")
    return facilities.annotate(
        latest_results=Subquery(latest.values("results")[:1], output_field=JSONField())
    )


def features(facilities: QuerySet[Facility], page_url: str) -> Iterator[dict[str, Any]]:
    """Each facility's feature; ``page_url`` holds ``{id}`` for the facility's public page."""
    for facility in with_latest_results(facilities).order_by("pk").iterator(chunk_size=2000):
        results = facility.latest_results  # type: ignore[attr-defined]
        if isinstance(results, str):  # a JSON column read through a subquery on some databases
            results = json.loads(results)
        yield feature(facility, results, page_url.format(id=facility.pk))


def chunks(facilities: QuerySet[Facility], page_url: str) -> Iterator[str]:
    """The FeatureCollection as text, one feature at a time (the national set does not have to
    fit in memory): the opening, each feature on its line, the closing."""
    yield '{"type": "FeatureCollection", "features": [\n'
    for number, item in enumerate(features(facilities, page_url)):
        yield ("," if number else "") + json.dumps(item, ensure_ascii=False) + "\n"
    yield "]}\n"


def write(facilities: QuerySet[Facility], page_url: str, out: IO[str]) -> int:
    """Write the FeatureCollection to ``out``; the number of features."""
    written = 0
    for chunk in chunks(facilities, page_url):
        out.write(chunk)
        written += 1
    return written - 2  # the opening and the closing are not features
