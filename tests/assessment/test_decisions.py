import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from inclusio.assessment.models import Decision, Referral
from inclusio.assessment.services import (
    PLATFORM_BIN,
    DocumentMeta,
    decision_deadline,
    reexamination_referrals_open,
    referral_decide,
    referral_file,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, Conflict, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent, User
from inclusio.registry.models import DisabilityStatus
from inclusio.registry.services import current_status
from tests.factories import give_status, make_person, make_user
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

HOSPITAL_BIN = "000000000000"


def _referrer(region: str) -> User:
    """A medical referrer of ``region``, made once."""
    found = User.objects.filter(username=f"referrer_{region}").first()
    return found or make_user(f"referrer_{region}", "medical_referrer", region)


def _refer(person, doctor=None, kind="initial"):  # type: ignore[no-untyped-def]
    return referral_file(
        actor=doctor or _referrer(person.region_id),
        person=person,
        kind=kind,
        mode="in_absentia",
        organisation_name="Polyclinic",
        organisation_bin=HOSPITAL_BIN,
        diagnosis_code="g80.1",
    )


def test_the_deadline_counts_working_days() -> None:
    friday = dt.date(2026, 11, 27)
    assert decision_deadline(friday, 1) == dt.date(2026, 11, 30)  # Monday
    assert decision_deadline(friday, 10) == dt.date(2026, 12, 11)


def test_a_doctor_refers_and_the_mse_establishes_disability_in_one_transaction() -> None:
    doctor = make_user("doctor", "medical_referrer", "71")
    mse = make_user("mse", "mse_specialist", "71")
    person = make_person()
    referral = _refer(person, doctor)
    assert referral.diagnosis_code == "G80.1" and referral.state == "queued"
    decision = referral_decide(
        actor=mse,
        referral=referral,
        outcome="establish",
        category="II",
        cause="general_disease",
        reexamination_date=dt.date(2028, 1, 1),
        limitations=["mobility", "speech"],
        work_capacity_loss_pct=60,
        rationale="Documents confirm a persistent moderate impairment.",
    )
    status = current_status(person)
    assert status is not None and decision.resulting_status == status
    assert (status.category, status.limitations, status.work_capacity_loss_pct) == (
        "II",
        ["mobility", "speech"],
        60,
    )
    referral.refresh_from_db()
    assert referral.state == "decided"
    assert AuditEvent.objects.filter(action="referral_decide", entity_id=str(referral.pk)).exists()


def test_a_decided_referral_cannot_be_decided_again() -> None:
    mse = make_user("mse", "mse_specialist", "71")
    referral = _refer(make_person())
    referral_decide(actor=mse, referral=referral, outcome="refuse", rationale="Not confirmed.")
    with pytest.raises(Conflict) as refusal:
        referral_decide(
            actor=mse,
            referral=referral,
            outcome="establish",
            category="I",
            cause="other",
            rationale="Second try",
        )
    assert refusal.value.code == "REFERRAL_ALREADY_DECIDED"
    assert Decision.objects.filter(referral=referral).count() == 1
    assert not DisabilityStatus.objects.filter(person=referral.person).exists()


def test_an_mse_of_another_region_is_refused_logged_and_nothing_changes() -> None:
    other = make_user("mse_almaty", "mse_specialist", "75")
    person = make_person(region="71")
    referral = _refer(person)
    with pytest.raises(AccessDenied):
        referral_decide(
            actor=other,
            referral=referral,
            outcome="establish",
            category="I",
            cause="other",
            rationale="x",
        )
    referral.refresh_from_db()
    assert referral.state == "queued"
    assert current_status(person) is None
    assert (
        AccessEvent.objects.filter(
            person_iin=person.iin, actor_name="mse_almaty", outcome="denied"
        ).count()
        == 1
    )


def test_a_doctor_cannot_decide() -> None:
    doctor = make_user("doctor", "medical_referrer", "71")
    with pytest.raises(AccessDenied):
        referral_decide(
            actor=doctor, referral=_refer(make_person()), outcome="refuse", rationale="x"
        )


def test_a_failed_decision_leaves_everything_as_it_was() -> None:
    mse = make_user("mse", "mse_specialist", "71")
    child = make_person(birth_date=dt.date(2016, 1, 1))
    referral = _refer(child)
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refusal:
        referral_decide(
            actor=mse,
            referral=referral,
            outcome="establish",
            category="I",
            cause="from_childhood",
            rationale="Wrong category for a child",
        )
    assert refusal.value.code == "CATEGORY_AGE"
    referral.refresh_from_db()
    assert referral.state == "queued" and not hasattr(referral, "decision")
    assert AuditEvent.objects.count() == audit_before


def test_extending_and_changing_need_an_existing_status() -> None:
    mse = make_user("mse", "mse_specialist", "71")
    person = make_person()
    with pytest.raises(ValidationFailed) as refusal:
        referral_decide(actor=mse, referral=_refer(person), outcome="extend", rationale="x")
    assert refusal.value.code == "NO_STATUS_TO_CHANGE"
    give_status(person, "III")
    referral = Referral.objects.get(person=person)
    referral_decide(
        actor=mse,
        referral=referral,
        outcome="change_category",
        category="II",
        rationale="Worsened",
        reexamination_date=dt.date(2030, 1, 1),
    )
    status = current_status(person)
    assert status is not None and status.category == "II" and status.cause == "general_disease"
    assert person.statuses.count() == 2


def test_a_refusal_at_reexamination_ends_the_status_and_keeps_history() -> None:
    mse = make_user("mse", "mse_specialist", "71")
    person = make_person()
    give_status(person, "III")
    referral_decide(
        actor=mse,
        referral=_refer(person, kind="reexamination"),
        outcome="refuse",
        rationale="Recovered",
    )
    status = current_status(person)
    assert status is not None and status.ended and not status.valid_on(timezone.localdate())
    assert person.statuses.count() == 2


def test_one_open_referral_per_person() -> None:
    person = make_person()
    _refer(person)
    with pytest.raises(Conflict) as refusal:
        _refer(person)
    assert refusal.value.code == "REFERRAL_ALREADY_OPEN"
    assert Referral.objects.filter(person=person).count() == 1


def test_a_bad_bin_is_refused() -> None:
    person = make_person()
    with pytest.raises(ValidationFailed) as refusal:
        referral_file(
            actor=_referrer(person.region_id),
            person=person,
            kind="initial",
            mode="in_person",
            organisation_name="X",
            organisation_bin="000000000001",
            diagnosis_code="A00",
        )
    assert refusal.value.code == "BIN_CHECKSUM"
    assert not Referral.objects.exists()


@pytest.mark.parametrize("kind", ["initial", "reexamination"])
def test_the_platform_refers_only_for_a_scheduled_reexamination(kind: str) -> None:
    """SYSTEM opens the in-absentia re-examinations that fall due, nothing a doctor does."""
    person = make_person()
    with pytest.raises(AccessDenied) as refusal:
        referral_file(
            actor=SYSTEM,
            person=person,
            kind=kind,
            mode="in_person",
            organisation_name="X",
            organisation_bin=PLATFORM_BIN,
            diagnosis_code="Z02.7",
        )
    assert refusal.value.code == "OUT_OF_SCOPE"
    assert (
        not Referral.objects.exists()
        and not AuditEvent.objects.filter(action="referral_file").exists()
    )


def test_the_platforms_referral_is_recorded_as_the_systems() -> None:
    person = make_person()
    referral_file(
        actor=SYSTEM,
        person=person,
        kind="reexamination",
        mode="in_absentia",
        organisation_name="Inclusio",
        organisation_bin=PLATFORM_BIN,
        diagnosis_code="Z02.7",
    )
    event = AuditEvent.objects.get(action="referral_file")
    assert event.actor_name == "system" and event.actor is None
    assert "Z02.7" not in str(event.data) and event.data["changed"] == ["diagnosis"]


@pytest.mark.parametrize("who", ["anonymous", "person"])
def test_an_anonymous_user_or_the_person_cannot_refer(who: str) -> None:
    person = make_person(user=User.objects.create_user("dana", password="x" * 12))
    actor = AnonymousUser() if who == "anonymous" else person.user
    with pytest.raises(AccessDenied):
        _refer(person, actor)
    assert not Referral.objects.exists()


def test_a_doctor_of_another_region_cannot_refer() -> None:
    doctor = make_user("doctor_almaty", "medical_referrer", "75")
    with pytest.raises(AccessDenied):
        _refer(make_person(region="71"), doctor)
    assert not Referral.objects.exists()


def test_statuses_due_soon_get_referrals_without_anyone_applying() -> None:
    today = dt.date(2026, 11, 25)
    due = make_person(surname="Due")
    give_status(due, until=today + dt.timedelta(days=10))
    later = make_person(surname="Later")
    give_status(later, until=today + dt.timedelta(days=90))
    indefinite = make_person(surname="Indefinite")
    give_status(indefinite, until=None)
    assert reexamination_referrals_open(today=today, days=30) == 1
    referral = Referral.objects.get()
    assert (referral.person, referral.kind, referral.mode, referral.filed_by) == (
        due,
        "reexamination",
        "in_absentia",
        None,
    )
    assert referral.organisation_bin == PLATFORM_BIN
    assert reexamination_referrals_open(today=today, days=30) == 0  # idempotent


def test_statuses_already_past_their_reexamination_are_caught_up() -> None:
    today = dt.date(2026, 11, 25)
    overdue = make_person(surname="Overdue")
    give_status(overdue, until=today - dt.timedelta(days=400))
    due = make_person(surname="Due")
    give_status(due, until=today + dt.timedelta(days=5))

    with translation.override("en"):
        assert reexamination_referrals_open(today=today, days=30) == 2

    summaries = dict(Referral.objects.values_list("person__surname", "clinical_summary"))
    assert summaries == {
        "Overdue": "Re-examination was due on 2025-10-21 and is overdue.",
        "Due": "Re-examination due on 2026-11-30.",
    }
    assert reexamination_referrals_open(today=today, days=30) == 0


def test_a_document_size_beyond_the_register_is_refused_before_anything_is_written() -> None:
    doctor = make_user("doctor", "medical_referrer")
    person = make_person()
    before = row_counts()
    document = DocumentMeta("Epicrisis", dt.date(2024, 1, 10), "e.pdf", "a" * 64, 10**20)
    with pytest.raises(ValidationFailed) as refusal:
        referral_file(
            actor=doctor,
            person=person,
            kind="initial",
            mode="in_absentia",
            organisation_name="Polyclinic",
            organisation_bin=HOSPITAL_BIN,
            diagnosis_code="G80.1",
            documents=[document],
        )
    assert refusal.value.code == "DOCUMENT_SIZE" and refusal.value.status == 422
    assert row_counts() == before
