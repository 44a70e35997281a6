"""Barrier reports: who reports, the rate limits, moderation, the reporter following it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from inclusio.accessibility import barriers, control
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.models import BarrierReport, Facility
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import DomainError, RateLimited
from inclusio.core.models import User
from tests.accessibility.builders import all_meet, make_facility
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
    with translation.override("kk"):
        message = str(caught.value.message)
    assert message and message != str(caught.value.code)
    return caught.value


@pytest.fixture
def citizen() -> User:
    return make_user("citizen", "person", None)


@pytest.fixture
def facility() -> Facility:
    return make_facility()


def _report(actor: Any, facility: Facility, text: str = "Пандус тым тік") -> BarrierReport:
    return barriers.report_submit(actor=actor, facility_id=facility.pk, text=text)


def test_a_report_needs_a_signed_in_reporter_and_a_text(citizen: User, facility: Facility) -> None:
    _refused(ErrorCode.REPORTER_NOT_SIGNED_IN, lambda: _report(SYSTEM, facility))
    _refused(ErrorCode.REPORT_TEXT_MISSING, lambda: _report(citizen, facility, "   "))
    _refused(ErrorCode.TEXT_TOO_LONG, lambda: _report(citizen, facility, "x" * 2001))
    _refused(
        ErrorCode.FACILITY_PHOTO_ALT_MISSING,
        lambda: barriers.report_submit(
            actor=citizen,
            facility_id=facility.pk,
            text="Есік тар",
            photo=SimpleUploadedFile("door.png", PNG, content_type="image/png"),
            photo_alt_text="",
        ),
    )
    _refused(
        ErrorCode.FACILITY_PHOTO_TYPE,
        lambda: barriers.report_submit(
            actor=citizen,
            facility_id=facility.pk,
            text="Есік тар",
            photo=SimpleUploadedFile("door.png", b"<svg/>", content_type="image/png"),
            photo_alt_text="A narrow door",
        ),
    )
    report = barriers.report_submit(
        actor=citizen,
        facility_id=facility.pk,
        text="Есік тар",
        photo=SimpleUploadedFile("door.png", PNG, content_type="image/png"),
        photo_alt_text="A narrow door",
    )
    assert report.status == "waiting" and report.photo_type == "image/png"
    assert barriers.report_photo(citizen, report.pk) == report


def test_bursts_are_refused_per_person_and_per_facility(citizen: User, facility: Facility) -> None:
    for _ in range(barriers.PER_PERSON_PER_DAY):
        _report(citizen, facility)
    refused = _refused(ErrorCode.REPORTS_TOO_MANY, lambda: _report(citizen, facility))
    assert isinstance(refused, RateLimited) and refused.retry_after > 0
    # Another person may still report, until the facility's hour is full.
    others = [
        make_user(f"citizen{i}", "person", None) for i in range(barriers.PER_FACILITY_PER_HOUR)
    ]
    for other in others[: barriers.PER_FACILITY_PER_HOUR - barriers.PER_PERSON_PER_DAY]:
        _report(other, facility)
    _refused(ErrorCode.REPORTS_TOO_MANY, lambda: _report(others[-1], facility))
    # At another facility the newcomer is let through.
    _report(others[-1], make_facility(latitude=51.2))


def test_the_regions_inspector_accepts_a_report_which_requests_an_inspection(
    citizen: User, facility: Facility
) -> None:
    report = _report(citizen, facility)
    other = make_user("inspector_almaty", "accessibility_inspector", "75")
    inspector = make_user("inspector", "accessibility_inspector", "71")
    assert list(barriers.reports_to_moderate(other)) == []
    assert list(barriers.reports_to_moderate(inspector)) == [report]
    _refused(
        ErrorCode.REPORT_NOT_FOUND,
        lambda: barriers.report_accept(actor=other, report_id=report.pk, note="Барамыз"),
    )
    _refused(
        ErrorCode.NOT_AN_INSPECTOR,
        lambda: barriers.report_accept(actor=citizen, report_id=report.pk, note="Барамыз"),
    )
    _refused(
        ErrorCode.REASON_MISSING,
        lambda: barriers.report_accept(actor=inspector, report_id=report.pk, note=" "),
    )
    accepted = barriers.report_accept(actor=inspector, report_id=report.pk, note="We will come")
    assert accepted.status == "accepted" and accepted.request is not None
    assert accepted.request.kind == "unplanned"
    assert list(control.due_inspections(inspector)) == [accepted.request]
    _refused(
        ErrorCode.REPORT_MODERATED,
        lambda: barriers.report_reject(actor=inspector, report_id=report.pk, reason="No"),
    )
    # The reporter follows it: the requested inspection, once recorded, shows in their pages.
    recorded = control.inspection_record(
        actor=inspector,
        facility_id=facility.pk,
        inspected_on=timezone.localdate(),
        results=all_meet(),
        planned_id=accepted.request.pk,
    )
    mine = barriers.reports_of(citizen).get()
    assert mine.answer == "We will come" and mine.request.inspection == recorded.inspection
    assert recorded.inspection.kind == "unplanned"


def test_a_rejected_report_carries_the_reason(citizen: User, facility: Facility) -> None:
    report = _report(citizen, facility)
    inspector = make_user("inspector", "accessibility_inspector", "71")
    rejected = barriers.report_reject(
        actor=inspector, report_id=report.pk, reason="The ramp was rebuilt last week"
    )
    assert rejected.status == "rejected" and rejected.request is None
    assert barriers.reports_of(citizen).get().answer == "The ramp was rebuilt last week"
    stranger = make_user("stranger", "person", None)
    assert list(barriers.reports_of(stranger)) == []
