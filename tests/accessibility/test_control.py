"""State control: the plan, inspections and their prescriptions, follow-up, fines; who may."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from inclusio.accessibility import control
from inclusio.accessibility.errors import ErrorCode
from inclusio.accessibility.models import Facility, Inspection, PrescriptionStatus
from inclusio.core.errors import DomainError
from inclusio.core.models import AuditEvent, User
from inclusio.core.parameters import value_on
from tests.accessibility.builders import all_meet, make_facility
from tests.factories import make_user
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


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


@pytest.fixture
def inspector() -> User:
    return make_user("inspector", "accessibility_inspector", "71")


@pytest.fixture
def facility() -> Facility:
    return make_facility()


def _failing() -> dict[str, Any]:
    # A ramp too steep and no induction loop: both mandatory, both not met.
    return all_meet(
        entrance_ramp_slope={"state": "not_met", "value": 12},
        info_induction_loop="not_met",
        info_audio="partly",  # not mandatory, met in part: nothing to prescribe
    )


def test_the_plan_holds_a_facility_once_per_half_year(inspector: User, facility: Facility) -> None:
    planned = control.plan_add(actor=inspector, facility_id=facility.pk, year=2025, half=1)
    assert planned.due == dt.date(2025, 6, 30) and planned.region_id == "71"
    assert AuditEvent.objects.filter(action="inspection_plan_add").count() == 1
    _refused(
        ErrorCode.PLAN_ALREADY_HOLDS,
        lambda: control.plan_add(actor=inspector, facility_id=facility.pk, year=2025, half=1),
    )
    for year, half in ((2025, 3), (2017, 1), ("next", 1)):
        _refused(
            ErrorCode.PLAN_HALF_INVALID,
            lambda y=year, h=half: control.plan_add(
                actor=inspector, facility_id=facility.pk, year=y, half=h
            ),
        )


def test_the_inspector_finds_a_facility_of_their_region_for_the_plan(
    inspector: User, facility: Facility
) -> None:
    school = make_facility(
        # No digits in its name or address: a search by the other facility's number (its id,
        # whatever the database gave) must not find this one by its text.
        names={"kk": "Гимназия мектебі", "ru": "Школа-гимназия", "en": "Grammar school"},
        category="education",
        address="Астана, Кенесары көшесі",
    )

    def found(actor: User, text: str) -> list[int]:
        return [f.pk for f in control.plan_candidates(actor, text, 2025, 1)]

    assert found(inspector, "school") == found(inspector, "Школа") == [school.pk]  # any language
    assert found(inspector, "Кенесары") == [school.pk]  # the address
    assert found(inspector, str(facility.pk)) == [facility.pk]  # the number
    assert found(inspector, "  ") == [] and found(inspector, "\x00") == []
    assert found(inspector, "²") == found(inspector, "٣٤") == []  # digits, not numbers
    control.plan_add(actor=inspector, facility_id=school.pk, year=2025, half=1)
    assert found(inspector, "school") == []  # already in this half-year's plan
    assert [f.pk for f in control.plan_candidates(inspector, "Школа", 2025, 2)] == [school.pk]
    other = make_user("inspector_almaty", "accessibility_inspector", "75")
    assert found(other, "поликлиника") == [] and found(other, str(facility.pk)) == []
    officer = make_user("officer", "district_officer", "71")
    _refused(ErrorCode.NOT_AN_INSPECTOR, lambda: control.plan_candidates(officer, "a", 2025, 1))


def test_only_an_inspector_of_the_region_plans_and_inspects(facility: Facility) -> None:
    other = make_user("inspector_almaty", "accessibility_inspector", "75")
    officer = make_user("officer", "district_officer", "71")
    _refused(
        ErrorCode.FACILITY_NOT_FOUND,
        lambda: control.plan_add(actor=other, facility_id=facility.pk, year=2025, half=1),
    )
    _refused(
        ErrorCode.NOT_AN_INSPECTOR,
        lambda: control.plan_add(actor=officer, facility_id=facility.pk, year=2025, half=1),
    )
    _refused(
        ErrorCode.FACILITY_NOT_FOUND,
        lambda: control.inspection_record(
            actor=other,
            facility_id=facility.pk,
            inspected_on=DAY,
            results=_failing(),
            deadline=DAY + dt.timedelta(days=90),
        ),
    )


def test_an_inspection_records_the_findings_and_prescribes_what_failed(
    inspector: User, facility: Facility
) -> None:
    planned = control.plan_add(actor=inspector, facility_id=facility.pk, year=2025, half=1)
    deadline = DAY + dt.timedelta(days=90)
    recorded = control.inspection_record(
        actor=inspector,
        facility_id=facility.pk,
        inspected_on=DAY,
        results=_failing(),
        planned_id=planned.pk,
        deadline=deadline,
    )
    inspection = recorded.inspection
    assert inspection.kind == "planned" and inspection.planned == planned
    assert inspection.inspector == inspector
    assert sorted(p.criterion for p in recorded.issued) == [
        "entrance_ramp_slope",
        "info_induction_loop",
    ]
    assert all(p.deadline == deadline and p.status == "open" for p in recorded.issued)
    facility.refresh_from_db()
    # The ratings follow the inspection's assessment.
    assert facility.assessed_on == DAY and not facility.adapted
    assert facility.wheelchair == "not" and facility.hearing == "not"
    assert list(control.due_inspections(inspector)) == []
    _refused(
        ErrorCode.PLANNED_INSPECTION_DONE,
        lambda: control.inspection_record(
            actor=inspector,
            facility_id=facility.pk,
            inspected_on=DAY,
            results=all_meet(),
            planned_id=planned.pk,
        ),
    )


def test_failed_findings_without_a_deadline_are_refused_and_nothing_is_written(
    inspector: User, facility: Facility
) -> None:
    for deadline in (None, DAY, DAY + dt.timedelta(days=800)):
        _refused(
            ErrorCode.DEADLINE_INVALID,
            lambda d=deadline: control.inspection_record(
                actor=inspector,
                facility_id=facility.pk,
                inspected_on=DAY,
                results=_failing(),
                deadline=d,
            ),
        )
    # Nothing failing: no deadline needed, an unplanned inspection.
    recorded = control.inspection_record(
        actor=inspector, facility_id=facility.pk, inspected_on=DAY, results=all_meet()
    )
    assert recorded.inspection.kind == "unplanned" and recorded.issued == []


def test_a_re_inspection_follows_the_prescriptions_up(inspector: User, facility: Facility) -> None:
    first = control.inspection_record(
        actor=inspector,
        facility_id=facility.pk,
        inspected_on=DAY,
        results=_failing(),
        deadline=DAY + dt.timedelta(days=60),
    )
    ramp, loop = sorted(first.issued, key=lambda p: p.criterion)
    # Within the deadline, still failing: both stay open, none issued twice.
    early = control.inspection_record(
        actor=inspector,
        facility_id=facility.pk,
        inspected_on=DAY + dt.timedelta(days=30),
        results=_failing(),
    )
    assert early.issued == [] and early.fulfilled == [] and early.not_fulfilled == []
    # Past the deadline: the ramp was rebuilt, the loop still missing.
    later = DAY + dt.timedelta(days=90)
    followed = control.inspection_record(
        actor=inspector,
        facility_id=facility.pk,
        inspected_on=later,
        results=all_meet(info_induction_loop="not_met"),
        deadline=later + dt.timedelta(days=30),
    )
    ramp.refresh_from_db()
    loop.refresh_from_db()
    assert ramp.status == PrescriptionStatus.FULFILLED
    assert loop.status == PrescriptionStatus.NOT_FULFILLED
    assert ramp.followed_up_by == loop.followed_up_by == followed.inspection
    assert [p.criterion for p in followed.issued] == ["info_induction_loop"]
    assert followed.issued[0].deadline == later + dt.timedelta(days=30)


def test_an_open_prescription_is_extended_with_a_reason(
    inspector: User, facility: Facility
) -> None:
    recorded = control.inspection_record(
        actor=inspector,
        facility_id=facility.pk,
        inspected_on=DAY,
        results=_failing(),
        deadline=DAY + dt.timedelta(days=60),
    )
    prescription = recorded.issued[0]
    later = DAY + dt.timedelta(days=150)
    _refused(
        ErrorCode.REASON_MISSING,
        lambda: control.prescription_extend(
            actor=inspector, prescription_id=prescription.pk, deadline=later, reason="  "
        ),
    )
    _refused(
        ErrorCode.DEADLINE_INVALID,
        lambda: control.prescription_extend(
            actor=inspector,
            prescription_id=prescription.pk,
            deadline=DAY + dt.timedelta(days=30),
            reason="Works under way",
        ),
    )
    other = make_user("inspector_almaty", "accessibility_inspector", "75")
    _refused(
        ErrorCode.PRESCRIPTION_NOT_FOUND,
        lambda: control.prescription_extend(
            actor=other, prescription_id=prescription.pk, deadline=later, reason="Works"
        ),
    )
    extended = control.prescription_extend(
        actor=inspector, prescription_id=prescription.pk, deadline=later, reason="Works under way"
    )
    assert extended.deadline == later and extended.extension_reason == "Works under way"
    assert AuditEvent.objects.filter(action="prescription_extend").count() == 1


def test_overdue_prescriptions_are_listed_for_the_region_only(
    inspector: User, facility: Facility
) -> None:
    control.inspection_record(
        actor=inspector,
        facility_id=facility.pk,
        inspected_on=DAY,
        results=_failing(),
        deadline=DAY + dt.timedelta(days=60),
    )
    today = DAY + dt.timedelta(days=61)
    officer = make_user("officer", "district_officer", "71")
    assert len(control.overdue_prescriptions(inspector, today)) == 2
    assert len(control.overdue_prescriptions(officer, today)) == 2
    assert len(control.overdue_prescriptions(inspector, DAY + dt.timedelta(days=60))) == 0
    other = make_user("inspector_almaty", "accessibility_inspector", "75")
    assert len(control.overdue_prescriptions(other, today)) == 0
    person = make_user("citizen", "person", None)
    with pytest.raises(DomainError) as caught:
        control.overdue_prescriptions(person, today)
    assert caught.value.code == ErrorCode.NOT_AN_INSPECTOR


def test_a_fine_is_in_mci_and_in_tenge_at_the_mci_in_force(
    inspector: User, facility: Facility
) -> None:
    recorded = control.inspection_record(
        actor=inspector,
        facility_id=facility.pk,
        inspected_on=DAY,
        results=_failing(),
        deadline=DAY + dt.timedelta(days=60),
    )
    inspection: Inspection = recorded.inspection
    for amount in ("0", "-5", "abc", "1e9", "12.345", "NaN"):
        _refused(
            ErrorCode.FINE_AMOUNT_INVALID,
            lambda a=amount: control.fine_impose(
                actor=inspector, inspection_id=inspection.pk, amount_mci=a, imposed_on=DAY
            ),
        )
    _refused(
        ErrorCode.DEADLINE_INVALID,
        lambda: control.fine_impose(
            actor=inspector,
            inspection_id=inspection.pk,
            amount_mci="50",
            imposed_on=DAY - dt.timedelta(days=1),
        ),
    )
    fine = control.fine_impose(
        actor=inspector,
        inspection_id=inspection.pk,
        amount_mci="12,5",
        imposed_on=DAY,
        prescription_id=recorded.issued[0].pk,
    )
    mci = value_on(control.MCI, DAY)
    assert fine.amount_mci == Decimal("12.5") and fine.mci_tenge == int(mci)
    assert fine.amount_tenge == int((Decimal("12.5") * mci).to_integral_value()) > 0
    assert fine.paid_on is None
    paid = control.fine_paid(actor=inspector, fine_id=fine.pk, paid_on=DAY + dt.timedelta(days=5))
    assert paid.paid_on == DAY + dt.timedelta(days=5)
    _refused(
        ErrorCode.FINE_ALREADY_PAID,
        lambda: control.fine_paid(actor=inspector, fine_id=fine.pk, paid_on=DAY),
    )
    other = make_user("inspector_almaty", "accessibility_inspector", "75")
    _refused(
        ErrorCode.INSPECTION_NOT_FOUND,
        lambda: control.fine_impose(
            actor=other, inspection_id=inspection.pk, amount_mci="5", imposed_on=DAY
        ),
    )
    assert list(control.fines(other)) == [] and list(control.fines(inspector)) == [fine]
