"""Answers that can be reconsidered: a refusal is confirmed before it is written, withdrawn by
the person (or their representative) within the period, or reopened by an officer of the
person's region at their request, with the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from inclusio.benefits.errors import ErrorCode
from inclusio.benefits.models import Decision, Proposal
from inclusio.benefits.services import (
    proposal_accept,
    proposal_refusal_reopen,
    proposal_refusal_withdraw,
    proposal_refuse,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from inclusio.core.models import AccessEvent, AuditEvent
from inclusio.registry.services import care_link_create
from tests.browser.benefits_data import IBAN, make_offer
from tests.factories import make_person, make_trio, make_user, sign_in
from tests.web.counts import row_counts

pytestmark = pytest.mark.django_db


def _refused(person: Any, actor: Any) -> Decision:
    return proposal_refuse(actor=actor, proposal_id=make_offer(person).pk)


def _days_ago(decision: Decision, days: int) -> None:
    Decision.objects.filter(pk=decision.pk).update(
        decided_at=timezone.now() - dt.timedelta(days=days)
    )


# --- the confirmation --------------------------------------------------------------------------


def test_refusing_asks_first_and_writes_nothing(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    client.force_login(trio.person.user)
    before = row_counts()
    asked = client.post(f"/ru/benefits/offers/{offer.pk}/", {"answer": "refuse"})
    confirmation = client.get(asked["Location"])
    assert confirmation.status_code == 200
    assert "Да, отказываюсь" in confirmation.content.decode()
    assert row_counts() == before
    done = client.post(asked["Location"])
    decision = Decision.objects.get()
    assert done["Location"] == f"/ru/benefits/decisions/{decision.pk}/"
    assert decision.outcome == Decision.Outcome.REFUSED


def test_only_the_person_or_the_representative_confirms_a_refusal(client: Client) -> None:
    trio = make_trio()
    offer = make_offer(trio.person)
    sign_in(client, trio.own_officer)
    response = client.post(f"/en/benefits/offers/{offer.pk}/refuse/")
    assert response.status_code == 302 and not Decision.objects.exists()
    sign_in(client, trio.other_officer)
    assert client.post(f"/en/benefits/offers/{offer.pk}/refuse/").status_code == 404
    assert not Decision.objects.exists()


# --- the person withdraws ----------------------------------------------------------------------


def test_the_person_withdraws_a_refusal_and_then_consents() -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    proposal = proposal_refusal_withdraw(actor=trio.person.user, decision_id=refusal.pk)
    assert proposal.status == Proposal.Status.PENDING
    refusal.refresh_from_db()
    assert refusal.withdrawn_at is not None and refusal.withdrawn_by == trio.person.user
    consent = proposal_accept(actor=trio.person.user, proposal_id=proposal.pk, payment_account=IBAN)
    assert consent.outcome == Decision.Outcome.GRANTED
    # Both decisions stay: the refusal as history, the consent standing.
    assert Decision.objects.filter(proposal=proposal).count() == 2
    event = AuditEvent.objects.get(action="proposal_refusal_withdraw")
    assert event.entity_id == trio.person.iin and event.data["decision"] == refusal.pk


def test_a_representative_withdraws_the_refusal_of_the_child() -> None:
    parent_account = make_user("parent", "representative", None)
    parent = make_person(surname="Parent", user=parent_account)
    child = make_person(birth_date=dt.date(2016, 2, 2), surname="Child")
    care_link_create(
        actor=SYSTEM, carer=parent, cared=child, relation="parent", since=dt.date(2016, 2, 2)
    )
    refusal = _refused(child, parent_account)
    proposal = proposal_refusal_withdraw(actor=parent_account, decision_id=refusal.pk)
    assert proposal.status == Proposal.Status.PENDING


def test_a_withdrawal_after_the_period_is_refused_and_writes_nothing(settings: Any) -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    _days_ago(refusal, settings.REFUSAL_WITHDRAWAL_DAYS + 1)
    before = row_counts()
    with override("kk"), pytest.raises(ValidationFailed) as refused:
        proposal_refusal_withdraw(actor=trio.person.user, decision_id=refusal.pk)
    assert refused.value.code == ErrorCode.REFUSAL_WITHDRAWAL_TOO_LATE
    with override("kk"):
        assert "аудандық" in refused.value.message  # ask the district office, in Kazakh
    assert row_counts() == before


def test_the_period_is_a_setting(settings: Any) -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    _days_ago(refusal, 10)
    settings.REFUSAL_WITHDRAWAL_DAYS = 5
    with pytest.raises(ValidationFailed):
        proposal_refusal_withdraw(actor=trio.person.user, decision_id=refusal.pk)
    settings.REFUSAL_WITHDRAWAL_DAYS = 30
    proposal_refusal_withdraw(actor=trio.person.user, decision_id=refusal.pk)


def test_nobody_else_withdraws_a_refusal() -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    before = Decision.objects.filter(withdrawn_at__isnull=False).count()
    for actor in (trio.own_officer, trio.other_officer):
        with pytest.raises(AccessDenied) as refused:
            proposal_refusal_withdraw(actor=actor, decision_id=refusal.pk)
        assert refused.value.code == ErrorCode.NOT_YOUR_PROPOSAL
    assert Decision.objects.filter(withdrawn_at__isnull=False).count() == before
    # The attempt is in the person's log.
    assert AccessEvent.objects.filter(
        person_iin=trio.person.iin, actor=trio.other_officer, outcome="denied"
    ).exists()


def test_a_refusal_is_withdrawn_once() -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    proposal_refusal_withdraw(actor=trio.person.user, decision_id=refusal.pk)
    with pytest.raises(Conflict) as again:
        proposal_refusal_withdraw(actor=trio.person.user, decision_id=refusal.pk)
    assert again.value.code == ErrorCode.REFUSAL_NOT_OPEN


def test_a_consent_cannot_be_withdrawn_as_a_refusal() -> None:
    trio = make_trio()
    consent = proposal_accept(
        actor=trio.person.user, proposal_id=make_offer(trio.person).pk, payment_account=IBAN
    )
    with pytest.raises(NotFound):
        proposal_refusal_withdraw(actor=trio.person.user, decision_id=consent.pk)


# --- an officer reopens ------------------------------------------------------------------------


def test_an_officer_of_the_region_reopens_with_the_reason(settings: Any) -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    _days_ago(refusal, settings.REFUSAL_WITHDRAWAL_DAYS + 10)  # past the person's own period
    reason = "The person came to the office on 3 March and asked for it."
    proposal = proposal_refusal_reopen(
        actor=trio.own_officer, decision_id=refusal.pk, reason=f"  {reason} "
    )
    assert proposal.status == Proposal.Status.PENDING
    refusal.refresh_from_db()
    assert refusal.reopening_reason == reason and refusal.withdrawn_by == trio.own_officer
    event = AuditEvent.objects.get(action="proposal_refusal_reopen")
    # The reason stays on the decision; the trail keeps only its digest.
    assert reason not in str(event.data) and event.data["digests"]["reason"]


def test_reopening_without_a_reason_is_refused_and_writes_nothing() -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    before = row_counts()
    with override("ru"), pytest.raises(ValidationFailed) as refused:
        proposal_refusal_reopen(actor=trio.own_officer, decision_id=refusal.pk, reason="   ")
    assert refused.value.code == ErrorCode.REFUSAL_REOPEN_REASON_MISSING
    with override("ru"):
        assert "Укажите" in refused.value.message
    with pytest.raises(ValidationFailed) as too_long:
        proposal_refusal_reopen(actor=trio.own_officer, decision_id=refusal.pk, reason="x" * 1001)
    assert too_long.value.code == ErrorCode.REFUSAL_REOPEN_REASON_TOO_LONG
    assert row_counts() == before


def test_an_officer_of_another_region_finds_no_such_refusal() -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    with pytest.raises(NotFound):
        proposal_refusal_reopen(actor=trio.other_officer, decision_id=refusal.pk, reason="asked")
    with pytest.raises(NotFound):
        proposal_refusal_reopen(actor=trio.person.user, decision_id=refusal.pk, reason="asked")
    assert not Decision.objects.filter(withdrawn_at__isnull=False).exists()


def test_a_newer_offer_of_the_programme_is_answered_instead() -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    make_offer(trio.person)  # a later screening offered it again
    with pytest.raises(Conflict) as refused:
        proposal_refusal_reopen(actor=trio.own_officer, decision_id=refusal.pk, reason="asked")
    assert refused.value.code == ErrorCode.REFUSAL_NOT_OPEN


# --- the pages ----------------------------------------------------------------------------------


def test_the_person_withdraws_from_the_decision_page(client: Client) -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    client.force_login(trio.person.user)
    page = client.get(f"/en/benefits/decisions/{refusal.pk}/").content.decode()
    assert "Withdraw my refusal" in page and "Reopen the refusal" not in page
    response = client.post(f"/en/benefits/decisions/{refusal.pk}/withdraw/")
    assert response["Location"] == f"/en/benefits/offers/{refusal.proposal_id}/"
    assert "I agree" in client.get(response["Location"]).content.decode()
    again = client.get(f"/en/benefits/decisions/{refusal.pk}/").content.decode()
    assert "The refusal was withdrawn on" in again


def test_after_the_period_the_page_sends_the_person_to_the_office(
    client: Client, settings: Any
) -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    _days_ago(refusal, settings.REFUSAL_WITHDRAWAL_DAYS + 1)
    client.force_login(trio.person.user)
    page = client.get(f"/en/benefits/decisions/{refusal.pk}/").content.decode()
    assert "Withdraw my refusal" not in page and "district social-protection office" in page
    response = client.post(f"/en/benefits/decisions/{refusal.pk}/withdraw/")
    assert response.status_code == 422
    assert ErrorCode.REFUSAL_WITHDRAWAL_TOO_LATE in response.content.decode()


def test_the_officer_reopens_from_the_decision_page(client: Client) -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    sign_in(client, trio.own_officer)
    page = client.get(f"/kk/benefits/decisions/{refusal.pk}/").content.decode()
    assert 'name="reason"' in page
    empty = client.post(f"/kk/benefits/decisions/{refusal.pk}/reopen/", {"reason": ""})
    assert empty.status_code == 422
    errors = empty.context["reopen_form"].errors.as_data()["reason"]
    assert errors[0].code == ErrorCode.REFUSAL_REOPEN_REASON_MISSING
    done = client.post(
        f"/kk/benefits/decisions/{refusal.pk}/reopen/", {"reason": "Asked by phone today."}
    )
    assert done["Location"] == f"/kk/benefits/offers/{refusal.proposal_id}/"
    assert Proposal.objects.get(pk=refusal.proposal_id).status == Proposal.Status.PENDING


def test_the_officer_of_another_region_gets_the_page_of_nobody(client: Client) -> None:
    trio = make_trio()
    refusal = _refused(trio.person, trio.person.user)
    sign_in(client, trio.other_officer)
    for reason in ("", "asked"):
        response = client.post(f"/en/benefits/decisions/{refusal.pk}/reopen/", {"reason": reason})
        assert response.status_code == 404
    assert not Decision.objects.filter(withdrawn_at__isnull=False).exists()
