"""OpenStreetMap in and out: facilities and their accessibility tags read from ``.osm`` and
``.osm.pbf`` files (with ``osmium``), and the tag changes our assessments suggest to OSM.

The import reads the whole file before it writes anything, so that a truncated file or one
that is not OSM is refused with nothing written. Each named node or way (at its centroid) of a
mapped kind (:data:`CATEGORIES`) is matched with a facility by its OSM id, else by proximity
(at most 50 m) and a similar name, else registered as a new facility. Its accessibility tags
(:data:`TAGS`) become an assessment of source OpenStreetMap by the platform itself, unless an
inspection of the same day or later is on record: the state's inspection is never replaced by
crowd-sourced tags. The rules are written down in docs/accessibility.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import math
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

import osmium
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.accessibility import mapgrid, ratings
from inclusio.accessibility.criteria import LIMITATIONS, MEETS, NOT_APPLICABLE, NOT_MET, PARTLY
from inclusio.accessibility.criteria import criteria as standard_criteria
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.geography import country_box, region_boxes
from inclusio.accessibility.models import (
    Assessment,
    AssessmentSource,
    Category,
    Facility,
    OsmElement,
    Owner,
)
from inclusio.core.audit import Actor, record_write
from inclusio.core.errors import ValidationFailed

# What a kind of OSM feature is among our categories: (key, value) pairs, a value "*" for any.
CATEGORIES: Mapping[tuple[str, str], str] = {
    **{
        ("amenity", v): Category.HEALTH
        for v in ("hospital", "clinic", "doctors", "dentist", "pharmacy")
    },
    ("healthcare", "*"): Category.HEALTH,
    **{
        ("amenity", v): Category.EDUCATION
        for v in ("school", "kindergarten", "college", "university")
    },
    **{("amenity", v): Category.CULTURE for v in ("library", "theatre", "cinema", "arts_centre")},
    ("tourism", "museum"): Category.CULTURE,
    **{("leisure", v): Category.SPORT for v in ("sports_centre", "stadium", "swimming_pool")},
    ("amenity", "social_facility"): Category.SOCIAL_SERVICES,
    ("amenity", "bus_station"): Category.TRANSPORT,
    ("railway", "station"): Category.TRANSPORT,
    ("aeroway", "terminal"): Category.TRANSPORT,
    ("amenity", "townhall"): Category.GOVERNMENT_SERVICES,
    ("amenity", "post_office"): Category.GOVERNMENT_SERVICES,
    ("office", "government"): Category.GOVERNMENT_SERVICES,
    ("amenity", "bank"): Category.FINANCE,
    ("amenity", "courthouse"): Category.JUSTICE,
    ("amenity", "police"): Category.JUSTICE,
    ("shop", "*"): Category.TRADE_AND_FOOD,
    **{
        ("amenity", v): Category.TRADE_AND_FOOD
        for v in ("restaurant", "cafe", "fast_food", "marketplace")
    },
}


@dataclass(frozen=True)
class TagRule:
    """One OSM accessibility tag: the criteria of the standard it speaks of, the state each of
    its values gives them, and the value our states suggest back."""

    criteria: tuple[str, ...]
    states: Mapping[str, str]
    suggest: Mapping[str, str]


_YES_LIMITED_NO = {"yes": MEETS, "designated": MEETS, "limited": PARTLY, "no": NOT_MET}
_BACK = {MEETS: "yes", PARTLY: "limited", NOT_MET: "no"}

TAGS: Mapping[str, TagRule] = {
    "wheelchair": TagRule(
        ("entrance_ramp_slope", "entrance_door_width", "entrance_threshold_height"),
        _YES_LIMITED_NO,
        _BACK,
    ),
    "toilets:wheelchair": TagRule(("toilet_accessible_cabin",), _YES_LIMITED_NO, _BACK),
    "tactile_paving": TagRule(
        ("approach_tactile_paving", "info_tactile_guidance"),
        {"yes": MEETS, "partial": PARTLY, "incorrect": PARTLY, "no": NOT_MET},
        {MEETS: "yes", PARTLY: "partial", NOT_MET: "no"},
    ),
    "hearing_loop": TagRule(("info_induction_loop",), _YES_LIMITED_NO, _BACK),
}

NEAR_METRES = 50.0
SIMILAR_NAMES = 0.6
PROGRESS_EVERY = 100_000
SUFFIXES = (".osm", ".osm.pbf", ".pbf", ".osm.bz2", ".osm.gz")


@dataclass
class Place:
    """One OSM element worth importing, copied out of osmium's buffers."""

    element: str
    version: int | None
    day: dt.date | None
    latitude: float
    longitude: float
    tags: dict[str, str]
    category: str
    way_nodes: list[int] = field(default_factory=list)

    def names(self) -> dict[str, str]:
        plain = self.tags.get("name", "")
        found = {lang: self.tags.get(f"name:{lang}") or plain for lang in ("kk", "ru", "en")}
        first = next((n for n in (plain, *found.values()) if n), "")
        return {lang: (name or first)[:300] for lang, name in found.items()}

    def accessibility(self) -> dict[str, str]:
        """The element's accessibility tags whose values we understand."""
        return _accessibility_of(self.tags)


def _category(tags: Mapping[str, str]) -> str | None:
    for (key, value), category in CATEGORIES.items():
        if key in tags and value in ("*", tags[key]):
            return category
    return None


def _day(timestamp: dt.datetime | None) -> dt.date | None:
    # An element without a timestamp reads as the epoch.
    return timestamp.date() if timestamp and timestamp.year >= 2004 else None


def read(
    path: Path, progress: Callable[[int], None] | None = None, every: int = PROGRESS_EVERY
) -> list[Place]:
    """Every importable element of the file; ValidationFailed when the file cannot be read
    whole (missing, truncated, not OSM)."""
    name = path.name.lower()
    if not name.endswith(SUFFIXES):
        raise ValidationFailed(
            ErrorCode.OSM_FILE_INVALID,
            _("%(file)s is not an OpenStreetMap file: give an .osm or .osm.pbf file."),
            file=path.name,
        )
    if not path.is_file() or not os.access(path, os.R_OK):
        raise ValidationFailed(
            ErrorCode.OSM_FILE_UNREADABLE, _("Cannot read the file %(file)s."), file=path.name
        )
    found: list[Place] = []
    count = 0
    try:
        for obj in osmium.FileProcessor(str(path)).with_locations():
            count += 1
            if progress is not None and count % every == 0:
                progress(count)
            if not isinstance(obj, osmium.osm.Node | osmium.osm.Way) or "name" not in obj.tags:
                continue
            tags = {tag.k: tag.v for tag in obj.tags}
            category = _category(tags)
            if category is None:
                continue
            nodes: list[int] = []
            if isinstance(obj, osmium.osm.Node):
                if not obj.location.valid():
                    continue
                latitude, longitude = obj.location.lat, obj.location.lon
                kind = "node"
            else:
                if not len(obj.nodes) or not all(n.location.valid() for n in obj.nodes):
                    continue  # a way whose nodes the file does not hold
                nodes = [n.ref for n in obj.nodes]
                points = {(n.ref, n.location.lat, n.location.lon) for n in obj.nodes}
                latitude = sum(p[1] for p in points) / len(points)
                longitude = sum(p[2] for p in points) / len(points)
                kind = "way"
            found.append(
                Place(
                    element=f"{kind}/{obj.id}",
                    version=obj.version or None,
                    day=_day(obj.timestamp),
                    latitude=latitude,
                    longitude=longitude,
                    tags=tags,
                    category=category,
                    way_nodes=nodes,
                )
            )
    except RuntimeError as error:
        raise ValidationFailed(
            ErrorCode.OSM_FILE_INVALID,
            _(
                "%(file)s cannot be read as OpenStreetMap data (truncated or not OSM): "
                "%(error)s. Nothing was imported."
            ),
            file=path.name,
            error=str(error)[:200],
        ) from None
    if progress is not None and count >= every:
        progress(count)
    return found


# --- matching -----------------------------------------------------------------------------------


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _similar(place: Place, facility: Facility) -> bool:
    ours = {facility.name_kk, facility.name_ru, facility.name_en}
    theirs = set(place.names().values())

    def plain(name: str) -> str:
        return "".join(ch for ch in name.casefold() if ch.isalnum())

    return any(
        difflib.SequenceMatcher(None, plain(a), plain(b)).ratio() >= SIMILAR_NAMES
        for a in ours
        for b in theirs
    )


def _near(place: Place) -> Facility | None:
    dlat = NEAR_METRES / 111_000
    dlon = dlat / max(math.cos(math.radians(place.latitude)), 0.01)
    nearby = Facility.objects.filter(
        osm_id="",
        latitude__range=(place.latitude - dlat, place.latitude + dlat),
        longitude__range=(place.longitude - dlon, place.longitude + dlon),
    ).order_by("pk")
    close = [
        (metres(place.latitude, place.longitude, f.latitude, f.longitude), f.pk, f)
        for f in nearby
        if _similar(place, f)
    ]
    close = [c for c in close if c[0] <= NEAR_METRES]
    return min(close)[2] if close else None


def _region(latitude: float, longitude: float) -> str | None:
    """The smallest region box holding the point (a city lies inside its region's box)."""
    holding = [
        ((b.north - b.south) * (b.east - b.west), code)
        for code, b in region_boxes().items()
        if b.holds(latitude, longitude)
    ]
    return min(holding)[1] if holding else None


# --- from tags to an assessment -----------------------------------------------------------------


def states_of(tags: Mapping[str, str]) -> dict[str, str]:
    """The criteria's states the accessibility tags say."""
    states: dict[str, str] = {}
    for key, rule in TAGS.items():
        state = rule.states.get(tags.get(key, ""))
        if state is not None:
            for code in rule.criteria:
                states[code] = state
    return states


def _ratings(results: Mapping[str, Mapping[str, Any]]) -> tuple[dict[str, str], bool]:
    """The ratings of results that may answer only some criteria: the standard's rules when
    every criterion serving a limitation is answered; otherwise not accessible when a mandatory
    one answered is not met, else not assessed (OSM's ``wheelchair`` tag alone does not make a
    facility fully accessible)."""
    known = standard_criteria()
    states = {code: row["state"] for code, row in results.items()}
    if all(code in states for code in known):
        return ratings.ratings(states, known), ratings.adapted(states, known)
    found: dict[str, str] = {}
    for limitation in LIMITATIONS:
        serving = [c for c in known.values() if limitation in c.serves]
        if any(c.mandatory and states.get(c.code) == NOT_MET for c in serving):
            found[limitation] = ratings.NOT_ACCESSIBLE
        else:
            found[limitation] = ratings.UNASSESSED
    return found, False


def _new_facility(place: Place, region: str) -> Facility:
    tags = place.tags
    street = " ".join(filter(None, (tags.get("addr:street"), tags.get("addr:housenumber"))))
    address = ", ".join(filter(None, (tags.get("addr:city"), street)))
    state = tags.get("operator:type") in ("government", "public", "state", "municipal")
    return Facility.objects.create(
        **{f"name_{lang}": name for lang, name in place.names().items()},
        category=place.category,
        owner=Owner.STATE if state else Owner.PRIVATE,
        owner_bin="",
        is_court=tags.get("amenity") == "courthouse",
        address=address[:300],
        region_id=region,
        latitude=place.latitude,
        longitude=place.longitude,
        opening_hours=tags.get("opening_hours", "")[:200],
        osm_id=place.element,
    )


def _accessibility_of(tags: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in tags.items() if k in TAGS and v in TAGS[k].states}


def _assess(
    facility: Facility, place: Place, before: Mapping[str, str] | None, today: dt.date
) -> str:
    """Record what the element's tags say of the facility; what was done, for the counts."""
    tags = place.accessibility()
    said = states_of(tags)
    if not said:
        return "no_tags"
    if before is not None and states_of(_accessibility_of(before)) == said:
        return "unchanged"
    latest = facility.assessments.order_by("-assessed_on", "-id").first()
    day = min(place.day or today, today)
    if (
        latest is not None
        and latest.source != AssessmentSource.OPENSTREETMAP
        and latest.assessed_on >= day
    ):
        return "kept_newer_inspection"
    # An earlier assessment's other answers still hold; a criterion the tags speak of takes
    # their state (its measurement dropped when the state changed).
    results: dict[str, dict[str, Any]] = dict(latest.results) if latest is not None else {}
    for code, state in said.items():
        earlier = results.get(code) or {}
        same = earlier.get("state") == state
        results[code] = {"state": state, "value": earlier.get("value") if same else None}
    derived, is_adapted = _ratings(results)
    assessment = Assessment.objects.create(
        facility=facility,
        assessed_on=day,
        inspector=None,
        results=results,
        ratings=derived,
        adapted=is_adapted,
        note=", ".join(f"{k}={v}" for k, v in sorted(tags.items())),
        source=AssessmentSource.OPENSTREETMAP,
        osm_element=place.element,
    )
    newest = facility.assessments.order_by("-assessed_on", "-id").first()
    if newest is not None and newest.pk == assessment.pk:
        facility.adapted = is_adapted
        facility.assessed_on = day
        for limitation, value in derived.items():
            setattr(facility, limitation, value)
        facility.save()
    return "assessed"


def osm_import(*, actor: Actor, places: Iterable[Place], source_name: str) -> dict[str, int]:
    """Write what a read file holds, in one transaction with one audit event; the counts of
    what was done."""
    counts: dict[str, int] = dict.fromkeys(IMPORT_COUNTS, 0)
    today = timezone.localdate()
    now = timezone.now()
    country = country_box()
    with transaction.atomic():
        for place in places:
            counts["read"] += 1
            region = _region(place.latitude, place.longitude)
            if not country.holds(place.latitude, place.longitude) or region is None:
                counts["outside_country"] += 1
                continue
            facility = Facility.objects.select_for_update().filter(osm_id=place.element).first()
            if facility is not None:
                counts["matched_by_id"] += 1
            else:
                facility = _near(place)
                if facility is not None:
                    counts["matched_nearby"] += 1
                    facility.osm_id = place.element
                    facility.save(update_fields=["osm_id"])
                else:
                    counts["created"] += 1
                    facility = _new_facility(place, region)
            known = OsmElement.objects.filter(facility=facility).first()
            done = _assess(facility, place, known.tags if known else None, today)
            if done != "no_tags":
                counts[done] += 1
            OsmElement.objects.update_or_create(
                facility=facility,
                defaults={
                    "version": place.version,
                    "tags": place.tags,
                    "latitude": place.latitude if place.element.startswith("node/") else None,
                    "longitude": place.longitude if place.element.startswith("node/") else None,
                    "way_nodes": place.way_nodes,
                    "imported_at": now,
                },
            )
        if counts["created"] or counts["assessed"]:
            mapgrid.map_changed()
        record_write(
            actor=actor,
            action="osm_import",
            entity="accessibility_facility",
            entity_id=source_name[:100],
            data=counts,
        )
    return counts


IMPORT_COUNTS = (
    "read",
    "matched_by_id",
    "matched_nearby",
    "created",
    "assessed",
    "unchanged",
    "kept_newer_inspection",
    "outside_country",
)


# --- the export: the tag changes our assessments suggest ----------------------------------------


@dataclass(frozen=True)
class TagChange:
    facility_id: int
    element: str
    key: str
    osm_value: str  # as last imported; "" when OSM has no such tag
    our_value: str


def suggested(results: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The value of each accessibility tag our results say, where they answer every criterion
    the tag speaks of (a criterion that does not apply counts as met)."""
    found: dict[str, str] = {}
    for key, rule in TAGS.items():
        states = [(results.get(code) or {}).get("state") for code in rule.criteria]
        if any(s is None for s in states):
            continue
        if NOT_MET in states:
            found[key] = rule.suggest[NOT_MET]
        elif all(s in (MEETS, NOT_APPLICABLE) for s in states):
            found[key] = rule.suggest[MEETS]
        else:
            found[key] = rule.suggest[PARTLY]
    return found


def tag_changes() -> Iterable[tuple[TagChange, OsmElement]]:
    """For each facility matched with OSM, each accessibility tag whose value OSM holds (as
    last imported) says other than the facility's latest assessment; a value OSM spells
    otherwise but means the same (``designated`` for ``yes``) is no change."""
    elements = OsmElement.objects.select_related("facility").order_by("facility_id")
    for element in elements.iterator(chunk_size=2000):
        latest = element.facility.assessments.order_by("-assessed_on", "-id").first()
        if latest is None:
            continue
        for key, ours in suggested(latest.results).items():
            theirs = element.tags.get(key, "")
            rule = TAGS[key]
            if rule.states.get(theirs) == rule.states[ours]:
                continue
            yield (
                TagChange(element.facility_id, element.facility.osm_id, key, theirs, ours),
                element,
            )


CSV_HEADER = ("facility", "osm_element", "tag", "osm_value", "our_value")


def write_csv(changes: Iterable[tuple[TagChange, OsmElement]], stream: IO[str]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    count = 0
    for change, _element in changes:
        writer.writerow(
            (change.facility_id, change.element, change.key, change.osm_value, change.our_value)
        )
        count += 1
    return count


def write_osmchange(changes: Iterable[tuple[TagChange, OsmElement]], stream: IO[str]) -> int:
    """An osmChange document modifying each element with our values (its other tags as last
    imported), for an editor such as JOSM to review and upload."""
    by_element: dict[int, tuple[OsmElement, dict[str, str]]] = {}
    count = 0
    for change, element in changes:
        by_element.setdefault(element.pk, (element, {}))[1][change.key] = change.our_value
        count += 1
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write('<osmChange version="0.6" generator="Inclusio">\n<modify>\n')
    for element, ours in by_element.values():
        kind, ref = element.facility.osm_id.split("/", 1)
        version = f" version={quoteattr(str(element.version))}" if element.version else ""
        if kind == "node":
            stream.write(
                f"  <node id={quoteattr(ref)}{version}"
                f' lat="{element.latitude:.7f}" lon="{element.longitude:.7f}">\n'
            )
        else:
            stream.write(f"  <way id={quoteattr(ref)}{version}>\n")
            for node in element.way_nodes:
                stream.write(f'    <nd ref="{int(node)}"/>\n')
        for key, value in sorted({**element.tags, **ours}.items()):
            stream.write(f"    <tag k={quoteattr(key)} v={quoteattr(value)}/>\n")
        stream.write(f"  </{kind}>\n")
    stream.write("</modify>\n</osmChange>\n")
    return count
