"""Facilities and assessments: what is refused writes nothing; who may record them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.models import Assessment, Facility
from inclusio.accessibility.services import (
    LoadRow,
    PhotoGiven,
    assessment_record,
    facilities_load,
    facility_register,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError
from inclusio.core.models import AuditEvent
from tests.accessibility.builders import all_meet, assess, details, make_facility
from tests.factories import make_user
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def _refused(code: str, call: Any) -> DomainError:
    before = row_counts()
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    assert row_counts() == before
    with translation.override("ru"):
        message = str(caught.value.message)
    assert message and message != str(caught.value.code)
    return caught.value


def test_an_inspector_registers_a_facility_of_their_region_and_it_is_audited() -> None:
    inspector = make_user("inspector", "accessibility_inspector", "71")
    facility = facility_register(actor=inspector, details=details())
    assert facility.region_id == "71" and facility.wheelchair == "unassessed"
    event = AuditEvent.objects.filter(action="facility_register").get()
    assert event.entity_id == str(facility.pk) and "owner_bin" in event.data["changed"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"latitude": 55.75, "longitude": 37.62}, ErrorCode.COORDINATES_OUTSIDE_COUNTRY),  # Moscow
        (
            {"latitude": 71.43, "longitude": 51.128},
            ErrorCode.COORDINATES_OUTSIDE_COUNTRY,
        ),  # swapped
        ({"latitude": 43.25, "longitude": 76.9}, ErrorCode.COORDINATES_OUTSIDE_REGION),  # Almaty
        ({"latitude": "nan"}, ErrorCode.COORDINATES_OUTSIDE_COUNTRY),
        ({"latitude": "x"}, ErrorCode.COORDINATES_OUTSIDE_COUNTRY),
        ({"owner_bin": "123456789012"}, "BIN_CHECKSUM"),
        ({"owner_bin": "12345"}, "BIN_LENGTH"),
        ({"category": "casino"}, ErrorCode.FACILITY_CATEGORY_UNKNOWN),
        ({"owner": "church"}, ErrorCode.OWNER_UNKNOWN),
        ({"region": "99"}, ErrorCode.FACILITY_REGION_UNKNOWN),
        ({"names": {"kk": "А", "ru": "Б", "en": " "}}, ErrorCode.NAME_MISSING),
        ({"address": "x" * 301}, ErrorCode.TEXT_TOO_LONG),
    ],
)
def test_a_bad_facility_is_refused_and_nothing_is_written(
    changes: dict[str, Any], code: str
) -> None:
    _refused(code, lambda: facility_register(actor=SYSTEM, details=details(**changes)))


def test_an_inspector_of_another_region_may_not_register_or_assess_here() -> None:
    other = make_user("inspector_almaty", "accessibility_inspector", "75")
    officer = make_user("officer", "district_officer", "71")
    _refused(ErrorCode.NOT_AN_INSPECTOR, lambda: facility_register(actor=other, details=details()))
    _refused(
        ErrorCode.NOT_AN_INSPECTOR, lambda: facility_register(actor=officer, details=details())
    )
    facility = make_facility()
    for stranger in (other, officer):
        _refused(
            ErrorCode.FACILITY_NOT_FOUND,
            lambda stranger=stranger: assessment_record(
                actor=stranger,
                facility_id=facility.pk,
                assessed_on=dt.date(2024, 3, 1),
                results=all_meet(),
            ),
        )


def test_an_assessment_sets_the_ratings_and_every_one_is_kept_as_history() -> None:
    inspector = make_user("inspector", "accessibility_inspector", "71")
    facility = make_facility()
    first = assessment_record(
        actor=inspector,
        facility_id=facility.pk,
        assessed_on=dt.date(2024, 3, 1),
        results=all_meet(entrance_ramp_slope={"state": "not_met", "value": 12}),
    )
    facility.refresh_from_db()
    assert not facility.adapted and facility.wheelchair == "not" and facility.vision == "fully"
    assert first.inspector == inspector and first.results["entrance_ramp_slope"]["value"] == 12
    second = assess(
        facility, dt.date(2024, 6, 1), entrance_ramp_slope={"state": "meets", "value": 4.5}
    )
    facility.refresh_from_db()
    assert facility.adapted and facility.wheelchair == "fully"
    assert facility.assessed_on == dt.date(2024, 6, 1)
    # An earlier visit recorded late changes the history, not the current ratings.
    assess(facility, dt.date(2024, 1, 10), toilet_grab_bars="not_met")
    facility.refresh_from_db()
    assert facility.adapted
    assert facility.assessments.values_list("pk", flat=True).first() == second.pk
    assert Assessment.objects.filter(facility=facility).count() == 3
    first.refresh_from_db()
    assert first.adapted is False  # unchanged by later assessments


@pytest.mark.parametrize(
    ("results", "code"),
    [
        (
            all_meet(entrance_ramp_slope={"state": "not_met", "value": 300}),
            ErrorCode.MEASUREMENT_ABSURD,
        ),
        (
            all_meet(entrance_door_width={"state": "meets", "value": 500}),
            ErrorCode.MEASUREMENT_ABSURD,
        ),
        (
            all_meet(entrance_door_width={"state": "meets", "value": -90}),
            ErrorCode.MEASUREMENT_ABSURD,
        ),
        (
            all_meet(entrance_door_width={"state": "meets", "value": "wide"}),
            ErrorCode.MEASUREMENT_ABSURD,
        ),
        (
            all_meet(entrance_door_width={"state": "meets", "value": "inf"}),
            ErrorCode.MEASUREMENT_ABSURD,
        ),
        (all_meet(toilet_grab_bars={"state": "meets", "value": 3}), ErrorCode.MEASUREMENT_ABSURD),
        (
            all_meet(entrance_door_width={"state": "meets", "value": 70}),
            ErrorCode.MEASUREMENT_CONTRADICTS_STATE,
        ),
        (
            all_meet(entrance_door_width={"state": "sort of", "value": None}),
            ErrorCode.STATE_UNKNOWN,
        ),
        ({**all_meet(), "rooftop_bar": {"state": "meets"}}, ErrorCode.CRITERION_UNKNOWN),
        (
            {k: v for k, v in all_meet().items() if k != "info_audio"},
            ErrorCode.ASSESSMENT_INCOMPLETE,
        ),
    ],
)
def test_a_bad_assessment_is_refused_and_nothing_is_written(results: Any, code: str) -> None:
    facility = make_facility()
    _refused(
        code,
        lambda: assessment_record(
            actor=SYSTEM, facility_id=facility.pk, assessed_on=dt.date(2024, 3, 1), results=results
        ),
    )


def test_a_door_narrower_than_stated_may_be_recorded_as_worse_than_measured() -> None:
    facility = make_facility()
    recorded = assess(facility, entrance_door_width={"state": "partly", "value": 95})
    assert recorded.results["entrance_door_width"] == {"state": "partly", "value": 95.0}


def test_an_assessment_in_the_future_is_refused() -> None:
    facility = make_facility()
    _refused(
        ErrorCode.ASSESSMENT_DATE_INVALID,
        lambda: assess(facility, dt.date.today() + dt.timedelta(days=2)),
    )


def _with_photo(facility: Facility, upload: SimpleUploadedFile, alt: str = "The ramp") -> Any:
    return assessment_record(
        actor=SYSTEM,
        facility_id=facility.pk,
        assessed_on=dt.date(2024, 3, 1),
        results=all_meet(),
        photos_given=[PhotoGiven("entrance_ramp_slope", upload, alt)],
    )


def test_a_photo_with_its_description_is_kept(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    facility = make_facility()
    recorded = _with_photo(facility, SimpleUploadedFile("r.png", PNG))
    photo = recorded.photos.get()
    assert photo.content_type == "image/png" and photo.alt_text == "The ramp"


@pytest.mark.parametrize(
    ("upload", "alt", "code"),
    [
        (
            SimpleUploadedFile("r.png", b"<script>alert(1)</script>"),
            "x",
            ErrorCode.FACILITY_PHOTO_TYPE,
        ),
        (
            SimpleUploadedFile("r.png", PNG + bytes(2 * 1024 * 1024)),
            "x",
            ErrorCode.FACILITY_PHOTO_TOO_LARGE,
        ),
        (SimpleUploadedFile("r.png", PNG), " ", ErrorCode.FACILITY_PHOTO_ALT_MISSING),
        (SimpleUploadedFile("r.png", PNG), "x" * 301, ErrorCode.FACILITY_PHOTO_ALT_MISSING),
    ],
)
def test_a_bad_photo_is_refused_and_nothing_is_written(
    upload: SimpleUploadedFile, alt: str, code: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    facility = make_facility()
    _refused(code, lambda: _with_photo(facility, upload, alt))
    assert not any(tmp_path.rglob("*.png"))


def test_a_webp_photo_is_kept_as_webp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    webp = b"RIFF" + bytes(4) + b"WEBPVP8 " + bytes(32)
    recorded = _with_photo(make_facility(), SimpleUploadedFile("r.bin", webp))
    photo = recorded.photos.get()
    assert photo.content_type == "image/webp" and photo.file.name.endswith(".webp")


def test_a_loaded_assessment_in_the_future_is_refused_like_one_recorded() -> None:
    row = LoadRow(
        details=details(), assessed_on=dt.date.today() + dt.timedelta(days=2), results=all_meet()
    )
    _refused(ErrorCode.ASSESSMENT_DATE_INVALID, lambda: facilities_load(actor=SYSTEM, rows=[row]))
