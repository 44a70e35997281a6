"""Appeals at the service level: filing (the person, the representative, nobody else), the
period and the deadline, the refusals that write nothing, and carrying out a granted appeal
through the deciding app's own services with the appeal named as the cause."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from inclusio.appeals.models import Appeal, Body, State
from inclusio.appeals.services import (
    Remedy,
    Upload,
    appeal_decide,
    appeal_file,
    appeal_take_up,
    appeal_withdraw,
    decision_deadline,
)
from inclusio.assessment.services import referral_decide, referral_file
from inclusio.benefits.models import Award, Decision, Proposal
from inclusio.benefits.services import proposal_refuse
from inclusio.core.errors import Conflict, NotFound, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.core.workdays import working_days_after
from inclusio.registry.services import current_status
from tests.browser.benefits_data import make_offer
from tests.factories import Trio, make_person, make_user
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db

GROUNDS = "I refused by mistake: I did not understand the offer."
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _file(trio: Trio, refusal: Decision, **extra: Any) -> Appeal:
    return appeal_file(
        actor=trio.person.user,
        kind="benefit_decision",
        decision_id=refusal.pk,
        grounds=GROUNDS,
        **extra,
    )


def test_the_deadline_skips_weekends_and_public_holidays() -> None:
    # Friday 13 December 2024: Monday 16 December is Independence Day.
    assert working_days_after(dt.date(2024, 12, 13), 1) == dt.date(2024, 12, 17)
    # Kurban Ait on Monday 27 May 2026 is a dated holiday (a Wednesday, in fact).
    assert working_days_after(dt.date(2026, 5, 26), 1) == dt.date(2026, 5, 28)
    assert decision_deadline(dt.date(2024, 12, 13)) == working_days_after(dt.date(2024, 12, 13), 20)


def test_the_person_appeals_a_refusal_with_attachments(trio: Trio, refusal: Decision) -> None:
    appeal = _file(
        trio,
        refusal,
        attachments=[
            Upload("Doctor's letter", SimpleUploadedFile("a.pdf", PDF)),
            Upload("Photo of the notice", SimpleUploadedFile("b.png", PNG)),
        ],
    )
    assert (appeal.state, appeal.body, appeal.region_id) == (
        State.FILED,
        Body.SOCIAL_PROTECTION,
        "71",
    )
    assert not appeal.by_representative
    assert appeal.deadline == decision_deadline(timezone.localdate())
    assert [a.content_type for a in appeal.attachments.all()] == ["application/pdf", "image/png"]
    assert [s.state for s in appeal.steps.all()] == [State.FILED]
    event = AuditEvent.objects.get(action="appeal_file")
    assert "understand" not in str(event.data)  # the grounds only as a digest


def test_the_representative_appeals_for_the_child(parent: Any) -> None:
    account, child = parent
    refusal = proposal_refuse(actor=account, proposal_id=make_offer(child).pk)
    appeal = appeal_file(
        actor=account, kind="benefit_decision", decision_id=refusal.pk, grounds=GROUNDS
    )
    assert appeal.by_representative and appeal.person == child


def _refused_writes_nothing(call: Any, error: type[Exception], code: str) -> None:
    before = row_counts()
    with translation.override("ru"), pytest.raises(error) as refused:
        call()
    assert refused.value.code == code  # type: ignore[attr-defined]
    assert str(refused.value.message) != ""  # type: ignore[attr-defined]
    with translation.override("ru"):
        message = str(refused.value.message)  # type: ignore[attr-defined]
    assert any("а" <= ch <= "я" for ch in message.lower()), message
    counts = row_counts()
    for volatile in ("core.AccessEvent", "core.ChainHead"):
        counts.pop(volatile), before.pop(volatile)
    assert counts == before


def test_an_officer_or_a_stranger_cannot_file_and_it_is_not_found(
    trio: Trio, refusal: Decision
) -> None:
    stranger = make_user("stranger", "person", None)
    for actor in (trio.own_officer, trio.other_officer, stranger):
        _refused_writes_nothing(
            lambda actor=actor: appeal_file(
                actor=actor, kind="benefit_decision", decision_id=refusal.pk, grounds=GROUNDS
            ),
            NotFound,
            "NOT_FOUND_OR_NOT_YOURS",
        )
    # Unknown and someone else's answer alike; the attempt is in the person's log.
    _refused_writes_nothing(
        lambda: appeal_file(
            actor=stranger, kind="benefit_decision", decision_id=10**9, grounds=GROUNDS
        ),
        NotFound,
        "NOT_FOUND_OR_NOT_YOURS",
    )
    assert AccessEvent.objects.filter(person_iin=trio.person.iin, what="appeal").count() >= 1


def test_bad_input_is_refused_with_a_code_and_writes_nothing(trio: Trio, refusal: Decision) -> None:
    user = trio.person.user
    file = dict(actor=user, kind="benefit_decision", decision_id=refusal.pk)
    _refused_writes_nothing(
        lambda: appeal_file(**file, grounds="   "), ValidationFailed, "APPEAL_GROUNDS_MISSING"
    )
    _refused_writes_nothing(
        lambda: appeal_file(
            **file,
            grounds=GROUNDS,
            attachments=[Upload("Notes", SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 8))],
        ),
        ValidationFailed,
        "APPEAL_ATTACHMENT_TYPE",
    )
    _refused_writes_nothing(
        lambda: appeal_file(
            **file,
            grounds=GROUNDS,
            attachments=[Upload("Scan", SimpleUploadedFile("x.pdf", PDF + b"0" * 6 * 1024**2))],
        ),
        ValidationFailed,
        "APPEAL_ATTACHMENT_TOO_LARGE",
    )
    _refused_writes_nothing(
        lambda: appeal_file(actor=user, kind="court_ruling", decision_id=1, grounds=GROUNDS),
        ValidationFailed,
        "APPEAL_KIND_UNKNOWN",
    )
    _file(trio, refusal)
    _refused_writes_nothing(lambda: _file(trio, refusal), Conflict, "APPEAL_ALREADY_OPEN")


def test_an_appeal_after_the_period_points_to_the_court(trio: Trio, refusal: Decision) -> None:
    Decision.objects.filter(pk=refusal.pk).update(decided_at=timezone.now() - dt.timedelta(days=91))
    _refused_writes_nothing(
        lambda: _file(trio, refusal), ValidationFailed, "APPEAL_TOO_LATE_COURT_OPEN"
    )


def test_a_granted_appeal_assigns_the_award_naming_the_appeal(
    trio: Trio, refusal: Decision
) -> None:
    appeal = _file(trio, refusal)
    # Another region's office does not see it; the person cannot decide it.
    for actor in (trio.other_officer, trio.person.user):
        _refused_writes_nothing(
            lambda actor=actor: appeal_take_up(actor=actor, appeal_id=appeal.pk),
            NotFound,
            "NOT_FOUND_OR_NOT_YOURS",
        )
    appeal_take_up(actor=trio.own_officer, appeal_id=appeal.pk)
    _refused_writes_nothing(
        lambda: appeal_decide(
            actor=trio.own_officer, appeal_id=appeal.pk, outcome="granted", reasons=" "
        ),
        ValidationFailed,
        "APPEAL_REASONS_MISSING",
    )
    decided = appeal_decide(
        actor=trio.own_officer,
        appeal_id=appeal.pk,
        outcome="granted",
        reasons="The offer was not explained in the person's language.",
    )
    award = Award.objects.get(person=trio.person)
    assert decided.state == State.GRANTED and decided.carried_out["award"] == award.pk
    assert award.amount_kzt == refusal.proposal.amount_kzt and award.ends is None
    assert Proposal.objects.get(pk=refusal.proposal_id).status == Proposal.Status.ACCEPTED
    trail = AuditEvent.objects.get(action="award_assign_on_appeal")
    assert trail.data["cause"] == f"appeal:{appeal.pk}"
    assert [s.state for s in decided.steps.all()] == ["filed", "under_review", "granted"]
    _refused_writes_nothing(
        lambda: appeal_withdraw(actor=trio.person.user, appeal_id=appeal.pk),
        Conflict,
        "APPEAL_CLOSED",
    )


def test_partly_granted_assigns_the_amount_given(trio: Trio, refusal: Decision) -> None:
    appeal = _file(trio, refusal)
    _refused_writes_nothing(
        lambda: appeal_decide(
            actor=trio.own_officer, appeal_id=appeal.pk, outcome="partly_granted", reasons="Part."
        ),
        ValidationFailed,
        "APPEAL_REMEDY_MISSING",
    )
    appeal_decide(
        actor=trio.own_officer,
        appeal_id=appeal.pk,
        outcome="partly_granted",
        reasons="Part.",
        remedy=Remedy(amount_kzt=20000),
    )
    assert Award.objects.get(person=trio.person).amount_kzt == 20000


def test_a_refused_appeal_changes_nothing_and_a_withdrawn_one_can_be_filed_again(
    trio: Trio, refusal: Decision
) -> None:
    appeal = _file(trio, refusal)
    appeal_withdraw(actor=trio.person.user, appeal_id=appeal.pk)
    again = _file(trio, refusal)
    appeal_decide(
        actor=trio.own_officer, appeal_id=again.pk, outcome="refused", reasons="Offer was clear."
    )
    assert not Award.objects.filter(person=trio.person).exists()
    assert Appeal.objects.get(pk=again.pk).state == State.REFUSED


def test_a_granted_mse_appeal_revises_the_status_naming_the_appeal() -> None:
    doctor = make_user("doctor", "medical_referrer", "71")
    mse = make_user("mse", "mse_specialist", "71")
    other_mse = make_user("mse_almaty", "mse_specialist", "75")
    account = make_user("person_a", "person", None)
    person = make_person(user=account)
    referral = referral_file(
        actor=doctor,
        person=person,
        kind="initial",
        mode="in_absentia",
        organisation_name="Polyclinic",
        organisation_bin="000000000000",
        diagnosis_code="g80.1",
    )
    decision = referral_decide(
        actor=mse, referral=referral, outcome="refuse", rationale="Not confirmed."
    )
    appeal = appeal_file(
        actor=account, kind="mse_decision", decision_id=decision.pk, grounds=GROUNDS
    )
    assert appeal.body == Body.MSE
    _refused_writes_nothing(
        lambda: appeal_decide(
            actor=other_mse, appeal_id=appeal.pk, outcome="granted", reasons="Confirmed."
        ),
        NotFound,
        "NOT_FOUND_OR_NOT_YOURS",
    )
    _refused_writes_nothing(
        lambda: appeal_decide(actor=mse, appeal_id=appeal.pk, outcome="granted", reasons="Yes."),
        ValidationFailed,
        "APPEAL_REMEDY_MISSING",
    )
    appeal_decide(
        actor=mse,
        appeal_id=appeal.pk,
        outcome="granted",
        reasons="The new documents confirm a persistent impairment.",
        remedy=Remedy(category="III", disability_cause="general_disease"),
    )
    status = current_status(person)
    assert status is not None and status.category == "III"
    trail = AuditEvent.objects.get(action="mse_decision_revise_on_appeal")
    assert trail.data["cause"] == f"appeal:{appeal.pk}"
