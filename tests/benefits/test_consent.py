"""Consent and refusal: only the person or their representative; one decision; a valid IBAN."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from inclusio.benefits.models import (
    Award,
    Decision,
    Message,
    PaymentAccount,
    Programme,
    Proposal,
)
from inclusio.benefits.services import messages_mark_read, proposal_accept, proposal_refuse
from inclusio.benefits.services import screening_run as run_screening
from inclusio.core.audit import SYSTEM, personal_digest
from inclusio.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.payments.errors import ErrorCode
from inclusio.payments.iban import bank_bic, parse_kz_iban
from inclusio.registry.models import Person
from inclusio.registry.services import care_link_create
from tests.benefits.builders import IBAN, ON, Snapshot, person_with_account
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db


def _offers(person: Person, tmp_path: Path, category: str = "II") -> dict[str, Proposal]:
    snapshot = Snapshot()
    snapshot.person(person.iin, category=category, birth_date=person.birth_date)
    run_screening(
        actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / person.iin, person.iin), on=ON
    )
    return {
        p.programme.code: p
        for p in Proposal.objects.filter(person=person).select_related("programme")
    }


@pytest.fixture
def dana(programmes: dict[str, Programme], runs_dir: Path) -> Person:
    return person_with_account("dana")


def _nothing_decided() -> bool:
    return not (
        Decision.objects.exists() or Award.objects.exists() or PaymentAccount.objects.exists()
    )


def test_the_person_consents_and_gets_the_award(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["disability_benefit"]
    decision = proposal_accept(actor=dana.user, proposal_id=offer.pk, payment_account=IBAN)
    assert decision.outcome == Decision.Outcome.GRANTED
    assert decision.decided_by == dana.user
    assert decision.amount_kzt == offer.amount_kzt
    assert decision.explanation["reasons"] == offer.reasons
    assert decision.explanation["parameters"] == offer.parameters
    assert decision.explanation["reference"]["en"].startswith("Social Code")
    award = Award.objects.get(person=dana)
    assert (award.amount_kzt, award.starts, award.ends) == (offer.amount_kzt, ON, None)
    assert PaymentAccount.objects.get(person=dana).iban == IBAN
    offer.refresh_from_db()
    assert offer.status == Proposal.Status.ACCEPTED
    assert AuditEvent.objects.filter(action="proposal_accept", entity_id=dana.iin).exists()
    assert AuditEvent.objects.filter(action="payment_account_give").exists()


def test_a_second_consent_makes_no_second_decision(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["disability_benefit"]
    first = proposal_accept(actor=dana.user, proposal_id=offer.pk, payment_account=IBAN)
    events = AuditEvent.objects.count()
    again = proposal_accept(actor=dana.user, proposal_id=offer.pk, payment_account=IBAN)
    assert again.pk == first.pk
    assert Decision.objects.count() == 1
    assert Award.objects.count() == 1
    assert PaymentAccount.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_the_person_refuses(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["free_legal_aid"]
    decision = proposal_refuse(actor=dana.user, proposal_id=offer.pk)
    assert decision.outcome == Decision.Outcome.REFUSED
    assert not Award.objects.exists()
    offer.refresh_from_db()
    assert offer.status == Proposal.Status.REFUSED
    # answering again changes nothing; consenting after refusing returns the refusal
    assert proposal_refuse(actor=dana.user, proposal_id=offer.pk).pk == decision.pk
    assert proposal_accept(actor=dana.user, proposal_id=offer.pk).pk == decision.pk
    assert not Award.objects.exists()


def test_an_entitlement_needs_no_account(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["free_legal_aid"]
    proposal_accept(actor=dana.user, proposal_id=offer.pk)
    assert Award.objects.get().amount_kzt is None
    assert not PaymentAccount.objects.exists()


def test_a_cash_benefit_needs_an_account(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["disability_benefit"]
    with pytest.raises(ValidationFailed) as refused:
        proposal_accept(actor=dana.user, proposal_id=offer.pk)
    assert refused.value.code == "PAYMENT_ACCOUNT_REQUIRED"
    assert _nothing_decided()


def test_a_wrong_iban_is_refused_in_the_users_language(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["disability_benefit"]
    wrong = IBAN[:-1] + "1"
    with pytest.raises(ValidationFailed) as refused:
        proposal_accept(actor=dana.user, proposal_id=offer.pk, payment_account=wrong)
    assert refused.value.code == "IBAN_CHECKSUM"
    with translation.override("en"):
        assert refused.value.message == (
            "This IBAN is not valid: its check digits do not match. Please check it."
        )
    with pytest.raises(ValidationFailed) as short:
        proposal_accept(actor=dana.user, proposal_id=offer.pk, payment_account="KZ12 3456")
    assert short.value.code == "IBAN_FORMAT"
    with translation.override("en"):
        assert "20 characters" in short.value.message
    assert _nothing_decided()
    offer.refresh_from_db()
    assert offer.status == Proposal.Status.PENDING


def test_the_example_iban_of_the_help_text_is_refused(dana: Person, tmp_path: Path) -> None:
    # A valid IBAN (the check digits hold): copied from the help, it would pass every other
    # check and the money would go to an account that is not the person's.
    offer = _offers(dana, tmp_path)["disability_benefit"]
    with pytest.raises(ValidationFailed) as refused:
        proposal_accept(
            actor=dana.user, proposal_id=offer.pk, payment_account="kz86 125k zt50 0410 0100"
        )
    assert refused.value.code == ErrorCode.IBAN_EXAMPLE
    with translation.override("ru"):
        assert refused.value.message == "Это пример из подсказки. Введите IBAN своего счёта."
    assert _nothing_decided()
    offer.refresh_from_db()
    assert offer.status == Proposal.Status.PENDING


def test_an_iban_of_a_bank_not_in_the_directory_is_refused(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["disability_benefit"]
    # Check digits right, but no bank has the code 000 in the National Bank's directory.
    with pytest.raises(ValidationFailed) as refused:
        proposal_accept(
            actor=dana.user, proposal_id=offer.pk, payment_account="KZ09000KZT0000000001"
        )
    assert refused.value.code == ErrorCode.IBAN_BANK_UNKNOWN
    with translation.override("kk"):
        assert "000" in refused.value.message and "Ұлттық Банк" in refused.value.message
    assert _nothing_decided()
    offer.refresh_from_db()
    assert offer.status == Proposal.Status.PENDING


def test_the_directory_names_the_bank_of_an_iban() -> None:
    assert bank_bic(IBAN) == "CASPKZKA"  # 722
    assert bank_bic("KZ09000KZT0000000001") is None


def test_iban_spaces_and_case_are_accepted() -> None:
    assert parse_kz_iban("kz18 722s 0000 1234 5678") == IBAN


def test_someone_else_cannot_answer(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["disability_benefit"]
    stranger = person_with_account("stranger")
    officer = make_user("officer", "district_officer", "71")
    for actor in (stranger.user, officer, AnonymousUser(), SYSTEM):
        with pytest.raises(AccessDenied) as refused:
            proposal_accept(actor=actor, proposal_id=offer.pk, payment_account=IBAN)
        assert refused.value.code == "NOT_YOUR_PROPOSAL"
        with pytest.raises(AccessDenied):
            proposal_refuse(actor=actor, proposal_id=offer.pk)
    assert _nothing_decided()
    offer.refresh_from_db()
    assert offer.status == Proposal.Status.PENDING
    # the attempts are in the person's access log
    assert AccessEvent.objects.filter(
        person_iin=dana.iin, outcome=AccessEvent.Outcome.DENIED
    ).exists()


def test_a_representative_may_consent(
    programmes: dict[str, Programme], runs_dir: Path, tmp_path: Path
) -> None:
    child = make_person(birth_date=dt.date(2015, 3, 1))
    parent = person_with_account("parent")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=child.birth_date
    )
    snapshot = Snapshot()
    snapshot.person(child.iin, category="II", birth_date=child.birth_date)
    run_screening(actor=SYSTEM, snapshot_dir=snapshot.write(tmp_path / "c", "child"), on=ON)
    offer = Proposal.objects.get(person=child, programme__code="free_legal_aid")
    decision = proposal_accept(actor=parent.user, proposal_id=offer.pk)
    assert decision.decided_by == parent.user
    assert Award.objects.get().person == child


def test_a_superseded_offer_cannot_be_answered(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["disability_benefit"]
    Proposal.objects.filter(pk=offer.pk).update(status=Proposal.Status.SUPERSEDED)
    with pytest.raises(Conflict) as closed:
        proposal_accept(actor=dana.user, proposal_id=offer.pk, payment_account=IBAN)
    assert closed.value.code == "PROPOSAL_CLOSED"
    assert _nothing_decided()


def test_the_person_marks_the_messages_read_once(dana: Person, tmp_path: Path) -> None:
    _offers(dana, tmp_path)
    assert messages_mark_read(actor=dana.user, person_iin=dana.iin) == 2
    assert not Message.objects.filter(recipient=dana, read_at=None).exists()
    event = AuditEvent.objects.get(action="messages_read")
    assert event.actor_name == "dana" and len(event.data["messages"]) == 2
    assert messages_mark_read(actor=dana.user, person_iin=dana.iin) == 0
    assert AuditEvent.objects.filter(action="messages_read").count() == 1


def test_only_the_person_or_their_representative_marks_messages_read(
    dana: Person, tmp_path: Path
) -> None:
    _offers(dana, tmp_path)
    officer = make_user("officer", "district_officer", "71")
    for actor in (AnonymousUser(), officer, SYSTEM):
        with pytest.raises(NotFound) as refusal:
            messages_mark_read(actor=actor, person_iin=dana.iin)
        assert refusal.value.code == "MESSAGE_NOT_FOUND"
    with pytest.raises(NotFound):  # an unknown person: the same answer
        messages_mark_read(actor=officer, person_iin="000000000000")
    assert not Message.objects.exclude(read_at=None).exists()
    assert not AuditEvent.objects.filter(action="messages_read").exists()
    assert AccessEvent.objects.get(person_iin=dana.iin, outcome="denied").actor_name == "officer"


def test_answering_an_offer_reads_its_messages(dana: Person, tmp_path: Path) -> None:
    offers = _offers(dana, tmp_path)
    proposal_accept(actor=dana.user, proposal_id=offers["free_legal_aid"].pk)
    read = Message.objects.exclude(read_at=None).get()
    assert read.proposal == offers["free_legal_aid"]
    event = AuditEvent.objects.get(action="proposal_accept")
    assert event.data["messages_read"] == [read.pk]


def test_the_given_iban_is_in_the_trail_only_as_a_digest(dana: Person, tmp_path: Path) -> None:
    offer = _offers(dana, tmp_path)["disability_benefit"]
    proposal_accept(actor=dana.user, proposal_id=offer.pk, payment_account=IBAN)
    event = AuditEvent.objects.get(action="payment_account_give")
    assert event.data["digests"] == {"iban": personal_digest(IBAN)}
    assert IBAN not in str(event.data)
