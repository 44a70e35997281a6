"""The audit trail can never be erased, so it keeps which fields changed and digests of personal
values, never the values. A whole flow — registration, correction, referral, decision, screening,
consent with an IBAN, payroll and payment file — leaves none of the person's values in it, nor
in the access log (which names the person by IIN only: that is how they read it)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from inclusio.assessment.services import referral_decide, referral_file
from inclusio.benefits.models import Programme, Proposal
from inclusio.benefits.services import (
    payment_file_produce,
    payroll_approve,
    payroll_create,
    proposal_accept,
    screening_run,
)
from inclusio.core.audit import SYSTEM, personal_digest
from inclusio.core.models import AccessEvent, AuditEvent, User
from inclusio.registry.services import person_create, person_update
from tests.benefits.builders import IBAN, ON, Snapshot
from tests.factories import make_user, new_iin

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1985, 3, 14)
PERSONAL = {
    "surname": "Жұмабекова",
    "given_name": "Сәуле",
    "patronymic": "Ерланқызы",
    "address": "Астана, Кенесары 40, пәтер 12",
    "phone": "+77015550123",
    "latitude": 51.128301,
    "longitude": 71.430517,
}
CORRECTED = {"address": "Астана, Абай 5, пәтер 3", "phone": "+77019998877"}


def _rows() -> list[str]:
    audit = [
        json.dumps([e.action, e.entity, e.entity_id, e.actor_name, e.data], ensure_ascii=False)
        for e in AuditEvent.objects.all()
    ]
    access = [
        json.dumps([e.what, e.purpose, e.actor_name, e.channel], ensure_ascii=False)
        for e in AccessEvent.objects.all()
    ]
    return audit + access


def test_a_whole_flow_leaves_no_personal_value_in_the_trails(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    officer = make_user("officer", "district_officer", "71")
    person = person_create(
        actor=officer, iin=new_iin(BIRTH, "F"), region_code="71", urban=True, **PERSONAL
    )
    person.user = User.objects.create_user("saule", password="correct horse battery")
    person.save(update_fields=["user"])
    person_update(actor=officer, person=person, **CORRECTED)

    doctor = make_user("doctor", "medical_referrer", "71")
    referral = referral_file(
        actor=doctor,
        person=person,
        kind="initial",
        mode="in_absentia",
        organisation_name="Polyclinic",
        organisation_bin="000000000000",
        diagnosis_code="G80.1",
    )
    referral_decide(
        actor=make_user("mse", "mse_specialist", "71"),
        referral=referral,
        outcome="establish",
        category="II",
        cause="general_disease",
        valid_from=dt.date(2023, 6, 1),
        reexamination_date=dt.date(2027, 6, 1),
        limitations=["mobility"],
        rationale="Documents confirm a persistent impairment.",
    )
    snapshot = Snapshot()
    snapshot.person(person.iin, category="II", birth_date=BIRTH)
    screening_run(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "s", "flow"), on=ON)
    offer = Proposal.objects.get(person=person, programme__code="disability_benefit")
    proposal_accept(actor=person.user, proposal_id=offer.pk, payment_account=IBAN)
    minister = make_user("minister", "ministry_admin", None)
    payroll = payroll_create(actor=minister, month=dt.date(2024, 2, 1))
    payroll_approve(actor=make_user("checker", "ministry_admin", None), payroll_id=payroll.pk)
    assert IBAN.encode() in payment_file_produce(actor=minister, payroll_id=payroll.pk).content

    rows = _rows()
    actions = {e.action for e in AuditEvent.objects.all()}
    assert {
        "person_create",
        "person_update",
        "referral_file",
        "referral_decide",
        "disability_status_record",
        "proposal_accept",
        "payment_account_give",
        "payroll_create",
        "payroll_approve",
        "payment_file_produce",
    } <= actions
    values = [
        *(str(value) for value in PERSONAL.values()),
        *CORRECTED.values(),
        PERSONAL["phone"].lstrip("+"),
        IBAN,
        "G80.1",
        BIRTH.isoformat(),
        f"{BIRTH:%d.%m.%Y}",
    ]
    for value in values:
        found = [row for row in rows if value in row]
        assert not found, f"{value!r} is in the trail: {found}"
    # What the trail keeps instead: which fields changed, and digests that the key holder can
    # check a value against.
    correction = AuditEvent.objects.get(action="person_update")
    assert correction.data["changed"] == ["address", "phone"]
    assert correction.data["digests"]["phone"] == personal_digest(CORRECTED["phone"])
    assert AccessEvent.objects.filter(person_iin=person.iin, what="payment_file").exists()


def test_the_digest_is_keyed(settings: object) -> None:
    """A bare SHA-256 of a phone number can be found by hashing every phone number; the keyed
    digest changes with the key, so without the key it cannot."""
    with_one_key = personal_digest(PERSONAL["phone"])
    settings.AUDIT_DIGEST_KEY = "another key"  # type: ignore[attr-defined]
    assert personal_digest(PERSONAL["phone"]) != with_one_key
    assert len(with_one_key) == 64 and PERSONAL["phone"] not in with_one_key
