"""Every write of the accessibility map: facilities registered, assessments recorded (with
their photos), and the synthetic set loaded. Each function is one transaction with one audit
event; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inclusio.accessibility import mapgrid, photos, ratings
from inclusio.accessibility.criteria import (
    MEETS,
    NOT_APPLICABLE,
    NOT_MET,
    PARTLY,
    STATES,
    UNIT_NAMES,
    criteria,
)
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.geography import country_box, region_boxes
from inclusio.accessibility.models import Assessment, AssessmentPhoto, Category, Facility, Owner
from inclusio.core.access import may
from inclusio.core.audit import Actor, SystemActor, account_of, changes, record_write
from inclusio.core.errors import AccessDenied, NotFound, ValidationFailed
from inclusio.core.identifiers import validate_bin
from inclusio.core.roles import ACCESSIBILITY_RECORD

LANGUAGES = ("kk", "ru", "en")


# --- who ----------------------------------------------------------------------------------------


def _require_inspector(actor: Actor, region_code: str) -> None:
    """The platform itself, or an accessibility inspector of the region (the ministry's for
    every region)."""
    if isinstance(actor, SystemActor) or may(actor, ACCESSIBILITY_RECORD, region_code):
        return
    raise AccessDenied(
        ErrorCode.NOT_AN_INSPECTOR,
        _("Only an accessibility inspector of the facility's region may do this."),
    )


# --- checks -------------------------------------------------------------------------------------


def _text(value: Any, label: Any, longest: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(ErrorCode.NAME_MISSING, _("Give the %(what)s."), what=label)
    if len(text) > longest or "\x00" in text:
        raise ValidationFailed(
            ErrorCode.TEXT_TOO_LONG,
            _("The %(what)s is longer than %(limit)d characters."),
            what=label,
            limit=longest,
        )
    return text


def _coordinate(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ValidationFailed(
            ErrorCode.COORDINATES_OUTSIDE_COUNTRY,
            _("Give the coordinates as decimal degrees, e.g. 51.1280 and 71.4304."),
        )
    return number


def checked_position(region_code: str, latitude: Any, longitude: Any) -> tuple[float, float]:
    """The coordinates as numbers, refused when outside the country or the stated region."""
    lat, lon = _coordinate(latitude), _coordinate(longitude)
    if not country_box().holds(lat, lon):
        raise ValidationFailed(
            ErrorCode.COORDINATES_OUTSIDE_COUNTRY,
            _("The point %(lat)s, %(lon)s is outside the country: check the coordinates."),
            lat=round(lat, 5),
            lon=round(lon, 5),
        )
    box = region_boxes().get(region_code)
    if box is None:
        raise ValidationFailed(
            ErrorCode.FACILITY_REGION_UNKNOWN, _("Choose a region from the list.")
        )
    if not box.holds(lat, lon):
        raise ValidationFailed(
            ErrorCode.COORDINATES_OUTSIDE_REGION,
            _("The point %(lat)s, %(lon)s is outside the region stated for the facility."),
            lat=round(lat, 5),
            lon=round(lon, 5),
        )
    return lat, lon


@dataclass(frozen=True)
class FacilityDetails:
    names: Mapping[str, str]
    category: str
    owner: str
    owner_bin: str
    address: str
    region: str
    latitude: Any
    longitude: Any
    opening_hours: str = ""
    is_court: bool = False


def _checked_facility(details: FacilityDetails) -> dict[str, Any]:
    names = {
        f"name_{language}": _text(details.names.get(language), _("name"), 300)
        for language in LANGUAGES
    }
    if details.category not in Category.values:
        raise ValidationFailed(
            ErrorCode.FACILITY_CATEGORY_UNKNOWN, _("Choose a category from the list.")
        )
    if details.owner not in Owner.values:
        raise ValidationFailed(
            ErrorCode.OWNER_UNKNOWN,
            _("Say whether the state or a private owner holds the facility."),
        )
    latitude, longitude = checked_position(details.region, details.latitude, details.longitude)
    return {
        **names,
        "category": details.category,
        "owner": details.owner,
        "owner_bin": validate_bin(str(details.owner_bin or "")),
        "is_court": bool(details.is_court) and details.category == Category.JUSTICE,
        "address": _text(details.address, _("address"), 300),
        "region_id": details.region,
        "latitude": latitude,
        "longitude": longitude,
        "opening_hours": _text(details.opening_hours, _("opening hours"), 200, required=False),
    }


def checked_results(results: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every criterion's state and measurement, checked: each criterion of the standard is
    answered once; a measurement is a number in the criterion's unit, not negative and not
    beyond what could be measured (a 300 % slope, a 5 m door); a criterion said to meet the
    standard has no measurement that falls short of it."""
    known = criteria()
    unknown = sorted(set(results) - set(known))
    if unknown:
        raise ValidationFailed(
            ErrorCode.CRITERION_UNKNOWN,
            _("“%(given)s” is not a criterion of the standard."),
            given=unknown[0][:40],
        )
    missing = [c for c in known.values() if c.code not in results]
    if missing:
        raise ValidationFailed(
            ErrorCode.ASSESSMENT_INCOMPLETE,
            _(
                "Answer every criterion (not applicable where it does not apply): "
                "“%(name)s” is missing."
            ),
            name=missing[0].name(),
        )
    checked: dict[str, dict[str, Any]] = {}
    for code, criterion in known.items():
        state = results[code].get("state")
        if state not in STATES:
            raise ValidationFailed(
                ErrorCode.STATE_UNKNOWN,
                _("Say whether “%(name)s” meets the standard, partly, not, or does not apply."),
                name=criterion.name(),
            )
        raw = results[code].get("value")
        value: float | None = None
        if raw not in (None, "") and state != NOT_APPLICABLE:
            measurement = criterion.measurement
            try:
                value = float(raw)
            except (TypeError, ValueError):
                value = math.nan
            if measurement is None or not math.isfinite(value):
                raise ValidationFailed(
                    ErrorCode.MEASUREMENT_ABSURD,
                    _("“%(name)s” is not measured as a number here."),
                    name=criterion.name(),
                )
            if value < 0 or value > measurement.plausible_most:
                raise ValidationFailed(
                    ErrorCode.MEASUREMENT_ABSURD,
                    _(
                        "%(value)s %(unit)s for “%(name)s” cannot be right: "
                        "give a value from 0 to %(most)s."
                    ),
                    value=raw,
                    unit=UNIT_NAMES[measurement.unit],
                    name=criterion.name(),
                    most=f"{measurement.plausible_most:g}",
                )
            found = measurement.state_of(value)
            if ratings_order(state) < ratings_order(found):
                raise ValidationFailed(
                    ErrorCode.MEASUREMENT_CONTRADICTS_STATE,
                    _(
                        "%(value)s %(unit)s for “%(name)s” does not meet the standard as stated: "
                        "check the state or the measurement."
                    ),
                    value=raw,
                    unit=UNIT_NAMES[measurement.unit],
                    name=criterion.name(),
                )
        checked[code] = {"state": state, "value": value}
    return checked


_ORDER = {MEETS: 0, PARTLY: 1, NOT_MET: 2, NOT_APPLICABLE: 0}


def ratings_order(state: str) -> int:
    """How far a state is from meeting the standard (a stated state may be worse than the
    measurement says — an inspector sees more than a tape measure — but not better)."""
    return _ORDER[state]


# --- facilities ---------------------------------------------------------------------------------


def facility_register(*, actor: Actor, details: FacilityDetails) -> Facility:
    """Register a facility of the inspector's region, not yet assessed."""
    values = _checked_facility(details)
    _require_inspector(actor, details.region)
    with transaction.atomic():
        facility = Facility.objects.create(**values)
        mapgrid.map_changed()
        record_write(
            actor=actor,
            action="facility_register",
            entity="accessibility_facility",
            entity_id=facility.pk,
            data=changes({}, values, personal=()),
        )
    return facility


def _facility_for(actor: Actor, facility_id: int) -> Facility:
    found = Facility.objects.select_for_update().filter(pk=facility_id).first()
    if found is None or not (
        isinstance(actor, SystemActor) or may(actor, ACCESSIBILITY_RECORD, found.region_id)
    ):
        # An inspector of another region meets the same answer as for an unknown facility.
        raise NotFound(ErrorCode.FACILITY_NOT_FOUND, _("No such facility, or not in your region."))
    return found


def _check_day(assessed_on: Any) -> None:
    if not isinstance(assessed_on, dt.date) or not (
        dt.date(2000, 1, 1) <= assessed_on <= timezone.localdate()
    ):
        raise ValidationFailed(
            ErrorCode.ASSESSMENT_DATE_INVALID,
            _("Give the day of the assessment: today or earlier."),
        )


@dataclass(frozen=True)
class PhotoGiven:
    criterion: str
    upload: UploadedFile
    alt_text: str


def assessment_record(
    *,
    actor: Actor,
    facility_id: int,
    assessed_on: dt.date,
    results: Mapping[str, Mapping[str, Any]],
    photos_given: Sequence[PhotoGiven] = (),
    note: str = "",
) -> Assessment:
    """Record an assessment of a facility against the standard; the facility's ratings become
    the assessment's when it is its latest. Earlier assessments stay as they were."""
    _check_day(assessed_on)
    checked = checked_results(results)
    known = criteria()
    for photo in photos_given:
        if photo.criterion not in known:
            raise ValidationFailed(
                ErrorCode.CRITERION_UNKNOWN,
                _("“%(given)s” is not a criterion of the standard."),
                given=photo.criterion[:40],
            )
    described = [
        (p, photos.alt_text(p.alt_text), *photos.photo_type(p.upload)) for p in photos_given
    ]
    note = _text(note, _("note"), 2000, required=False)
    states = {code: row["state"] for code, row in checked.items()}
    derived, is_adapted = ratings.ratings(states, known), ratings.adapted(states, known)
    saved: list[str] = []
    try:
        with transaction.atomic():
            facility = _facility_for(actor, facility_id)
            assessment = Assessment.objects.create(
                facility=facility,
                assessed_on=assessed_on,
                inspector=account_of(actor),
                results=checked,
                ratings=derived,
                adapted=is_adapted,
                note=note,
            )
            for given, text, content_type, extension in described:
                name = f"accessibility/photos/{facility.pk}/{secrets.token_hex(16)}.{extension}"
                saved.append(default_storage.save(name, given.upload))
                AssessmentPhoto.objects.create(
                    assessment=assessment,
                    criterion=given.criterion,
                    file=saved[-1],
                    content_type=content_type,
                    size_bytes=given.upload.size or 0,
                    alt_text=text,
                )
            latest = facility.assessments.order_by("-assessed_on", "-id").first()
            if latest is not None and latest.pk == assessment.pk:
                _take_ratings(facility, assessment)
                facility.save()
                mapgrid.map_changed()
            record_write(
                actor=actor,
                action="assessment_record",
                entity="accessibility_facility",
                entity_id=facility.pk,
                data={
                    "assessment": assessment.pk,
                    "assessed_on": assessed_on.isoformat(),
                    "adapted": is_adapted,
                    "ratings": derived,
                    "photos": len(described),
                },
            )
    except Exception:
        for name in saved:
            default_storage.delete(name)
        raise
    return assessment


def _take_ratings(facility: Facility, assessment: Assessment) -> None:
    facility.adapted = assessment.adapted
    facility.assessed_on = assessment.assessed_on
    for limitation, value in assessment.ratings.items():
        setattr(facility, limitation, value)


# --- the synthetic set --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadRow:
    details: FacilityDetails
    assessed_on: dt.date | None
    results: Mapping[str, Mapping[str, Any]] | None


def facilities_load(*, actor: Actor, rows: Iterable[LoadRow], batch: int = 2000) -> int:
    """Register many facilities with their assessments at once (the synthetic set): the same
    checks as one by one, written in batches, one audit event per batch."""
    known = criteria()
    count = 0
    pending: list[tuple[dict[str, Any], LoadRow]] = []

    def flush() -> None:
        nonlocal count
        if not pending:
            return
        with transaction.atomic():
            facilities = [Facility(**values) for values, _row in pending]
            assessments: list[Assessment] = []
            for facility, (_values, row) in zip(facilities, pending, strict=True):
                if row.results is None or row.assessed_on is None:
                    continue
                checked = checked_results(row.results)
                states = {code: r["state"] for code, r in checked.items()}
                assessment = Assessment(
                    assessed_on=row.assessed_on,
                    inspector=account_of(actor),
                    results=checked,
                    ratings=ratings.ratings(states, known),
                    adapted=ratings.adapted(states, known),
                )
                _take_ratings(facility, assessment)
                assessments.append(assessment)
                assessment.facility = facility
            Facility.objects.bulk_create(facilities)
            for assessment in assessments:
                assessment.facility_id = assessment.facility.pk
            Assessment.objects.bulk_create(assessments)
            mapgrid.map_changed()
            record_write(
                actor=actor,
                action="facilities_load",
                entity="accessibility_facility",
                entity_id=f"{facilities[0].pk}-{facilities[-1].pk}",
                data={"facilities": len(facilities), "assessments": len(assessments)},
            )
        count += len(pending)
        pending.clear()

    for row in rows:
        _require_inspector(actor, row.details.region)
        if row.assessed_on is not None:
            _check_day(row.assessed_on)
        pending.append((_checked_facility(row.details), row))
        if len(pending) >= batch:
            flush()
    flush()
    return count
