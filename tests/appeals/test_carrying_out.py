"""Carrying out granted appeals of every kind through the deciding app's own service: the
domain's state changes with the appeal named as its cause, a grant missing what it needs or
whose decision no longer stands is refused and writes nothing, and the person is told each step
outside the platform in their own language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from django.utils import timezone, translation

from inclusio.appeals.models import Appeal, State
from inclusio.appeals.services import Remedy, appeal_decide, appeal_file
from inclusio.benefits.models import Award, Decision, Payment, Payroll, Proposal
from inclusio.benefits.services import proposal_accept, proposal_refuse
from inclusio.core import notices
from inclusio.core.errors import Conflict, NotFound, ValidationFailed
from inclusio.core.models import AccountNotice, AuditEvent, User
from inclusio.housing import services as housing
from inclusio.housing.models import Event, Registration
from inclusio.marketplace import orders
from inclusio.marketplace.models import Order, Voucher
from inclusio.socialservices import services as social
from inclusio.socialservices.models import Need, Placement, WaitingEntry
from tests.appeals.test_services import GROUNDS, _refused_writes_nothing
from tests.browser.benefits_data import make_offer
from tests.factories import Trio, give_status, make_person, make_trio, make_user
from tests.marketplace.orders_builders import delivered, person_with_vouchers, shop
from tests.marketplace.orders_builders import wheelchair_voucher as voucher_of
from tests.socialservices.builders import END, IBAN, START, make_provider

pytestmark = pytest.mark.django_db

REASONS = "The documents show the decision was wrong."


def _appeal(account: User, kind: str, decision_id: int) -> Appeal:
    return appeal_file(actor=account, kind=kind, decision_id=decision_id, grounds=GROUNDS)


def _grant(officer: User, appeal: Appeal, remedy: Remedy | None = None, **extra: Any) -> Appeal:
    return appeal_decide(
        actor=officer,
        appeal_id=appeal.pk,
        outcome=extra.get("outcome", "granted"),
        reasons=REASONS,
        remedy=remedy,
    )


def _cause(action: str, appeal: Appeal) -> None:
    trail = AuditEvent.objects.get(action=action)
    assert trail.data["cause"] == f"appeal:{appeal.pk}"


# --- housing ------------------------------------------------------------------------------------


def _eligible(surname: str) -> Any:
    person = make_person(surname=surname)
    give_status(person)
    return person


def test_a_removal_overturned_restores_the_registration_with_its_date() -> None:
    trio = make_trio("housing_officer")
    officer = trio.own_officer
    first = housing.registration_create(
        actor=officer, person=trio.person, registered_on=dt.date(2019, 4, 2)
    )
    later = housing.registration_create(
        actor=officer, person=_eligible("Later"), registered_on=dt.date(2022, 1, 10)
    )
    housing.registration_remove(
        actor=officer, registration=first, reason="Moved away", legal_basis="Art. 74"
    )
    assert Registration.objects.get(pk=later.pk).position == 1
    removal = Event.objects.get(registration=first, kind=Event.Kind.REMOVED)
    appeal = _appeal(trio.person.user, "housing_position", removal.pk)

    # Another region's housing department cannot carry it out; nothing is written.
    other = make_user("housing_almaty", "housing_officer", "75")
    _refused_writes_nothing(
        lambda: housing.registration_restore_on_appeal(
            actor=other, event_id=removal.pk, cause="appeal:0"
        ),
        NotFound,
        "NOT_FOUND_OR_NOT_YOURS",
    )

    decided = _grant(officer, appeal)
    restored = Registration.objects.get(pk=first.pk)
    assert restored.status == Registration.Status.WAITING
    assert restored.registered_on == dt.date(2019, 4, 2) and restored.closed_at is None
    assert restored.position == 1  # its own date puts it ahead of the later registration
    assert Registration.objects.get(pk=later.pk).position == 2
    assert decided.carried_out == {"registration": first.pk, "position": 1}
    assert Event.objects.filter(registration=first, kind=Event.Kind.RESTORED).exists()
    _cause("registration_restore_on_appeal", appeal)

    # A second appeal against the same removal cannot restore it twice.
    again = _appeal(trio.person.user, "housing_position", removal.pk)
    _refused_writes_nothing(
        lambda: _grant(officer, again), Conflict, "APPEAL_REGISTRATION_NOT_STANDING"
    )


def test_a_registration_date_corrected_on_appeal_moves_the_place() -> None:
    trio = make_trio("housing_officer")
    officer = trio.own_officer
    earlier = housing.registration_create(
        actor=officer, person=_eligible("Earlier"), registered_on=dt.date(2020, 1, 1)
    )
    mine = housing.registration_create(
        actor=officer, person=trio.person, registered_on=dt.date(2021, 6, 1)
    )
    registered = Event.objects.get(registration=mine, kind=Event.Kind.REGISTERED)
    appeal = _appeal(trio.person.user, "housing_position", registered.pk)
    _refused_writes_nothing(
        lambda: _grant(officer, appeal), ValidationFailed, "APPEAL_REMEDY_MISSING"
    )
    _refused_writes_nothing(
        lambda: _grant(
            officer, appeal, Remedy(registered_on=timezone.localdate() + dt.timedelta(1))
        ),
        ValidationFailed,
        "REGISTRATION_DATE",
    )
    _grant(officer, appeal, Remedy(registered_on=dt.date(2018, 9, 3)))
    assert Registration.objects.get(pk=mine.pk).position == 1
    assert Registration.objects.get(pk=earlier.pk).position == 2
    trail = AuditEvent.objects.get(action="registration_restore_on_appeal")
    assert trail.data["values"] == {"registered_on": "2018-09-03"}


# --- marketplace --------------------------------------------------------------------------------


def _disputed_for_the_supplier() -> tuple[User, Order, User]:
    account, person = person_with_vouchers()
    _supplier, item = shop()
    order = delivered(account, voucher_of(person), item)
    orders.order_complain(actor=account, order_id=order.pk, complaint="dispute", reason="Broken")
    officer = make_user("officer_astana", "district_officer", "71")
    orders.order_resolve(actor=officer, order_id=order.pk, for_person=False, reason="Works")
    return account, order, officer


def test_a_dispute_overturned_gives_the_voucher_back_and_the_supplier_is_never_paid() -> None:
    account, order, officer = _disputed_for_the_supplier()
    appeal = _appeal(account, "order_dispute", order.pk)
    _refused_writes_nothing(
        lambda: _grant(officer, appeal), ValidationFailed, "APPEAL_REMEDY_MISSING"
    )
    spent = Voucher.objects.get(pk=order.voucher_id).spent
    decided = _grant(officer, appeal, Remedy(order_remedy="refund"))
    assert Order.objects.get(pk=order.pk).state == Order.State.RETURNED
    assert Voucher.objects.get(pk=order.voucher_id).spent == spent - order.quantity
    assert not orders.unpaid_confirmed().filter(pk=order.pk).exists()
    assert decided.carried_out == {"order": order.pk, "remedy": "refund"}
    _cause("order_resolve_on_appeal", appeal)


def test_a_redelivery_on_appeal_and_an_order_confirmed_since_is_refused() -> None:
    account, order, officer = _disputed_for_the_supplier()
    appeal = _appeal(account, "order_dispute", order.pk)
    _grant(officer, appeal, Remedy(order_remedy="redeliver"))
    redelivered = Order.objects.get(pk=order.pk)
    assert redelivered.state == Order.State.ACCEPTED and redelivered.delivered_at is None
    supplier = redelivered.supplier.representative
    orders.order_ship(actor=supplier, order_id=order.pk)
    orders.order_deliver(actor=supplier, order_id=order.pk)
    orders.order_confirm(actor=account, order_id=order.pk)
    # Confirmed since: a new appeal of the resolution cannot undo the receipt here.
    again = _appeal(account, "order_dispute", order.pk)
    _refused_writes_nothing(
        lambda: _grant(officer, again, Remedy(order_remedy="refund")),
        Conflict,
        "APPEAL_ORDER_NOT_STANDING",
    )


# --- special social services --------------------------------------------------------------------


def _ended_placement(places: int) -> tuple[Trio, Placement]:
    trio = make_trio()
    provider = make_provider(trio.own_officer, places=places)
    need = social.need_record(
        actor=trio.own_officer,
        person=trio.person,
        kind="day_care",
        hours_per_month=120,
        starts=START,
        ends=END,
    )
    placement = social.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert placement.placement is not None
    social.placement_end(
        actor=trio.own_officer,
        placement=placement.placement,
        last_day=dt.date(2025, 3, 31),
        reason="Need ended",
    )
    return trio, placement.placement


def test_an_ended_placement_restored_on_appeal_resumes_the_next_day() -> None:
    trio, placement = _ended_placement(places=2)
    appeal = _appeal(trio.person.user, "social_placement", placement.pk)
    _refused_writes_nothing(
        lambda: _grant(trio.own_officer, appeal, Remedy(from_day=dt.date(2025, 3, 1))),
        ValidationFailed,
        "APPEAL_RESUME_DAY",
    )
    decided = _grant(trio.own_officer, appeal)
    resumed = Placement.objects.get(pk=decided.carried_out["placement"])
    assert (resumed.provider_id, resumed.starts, resumed.ends) == (
        placement.provider_id,
        dt.date(2025, 4, 1),
        END,
    )
    assert resumed.need.person == trio.person and resumed.need.kind == "day_care"
    _cause("placement_restore_on_appeal", appeal)
    # The rest of the period is served now: a second grant would serve it twice.
    again = _appeal(trio.person.user, "social_placement", placement.pk)
    _refused_writes_nothing(
        lambda: _grant(trio.own_officer, again), Conflict, "APPEAL_PLACEMENT_NOT_STANDING"
    )


def test_a_placement_restored_when_the_provider_is_full_waits_first() -> None:
    trio, placement = _ended_placement(places=1)
    newcomer = make_person(surname="Newcomer", user=make_user("newcomer", "person", None))
    need = social.need_record(
        actor=trio.own_officer,
        person=newcomer,
        kind="day_care",
        hours_per_month=60,
        starts=dt.date(2025, 4, 1),
        ends=END,
    )
    assert social.provider_choose(
        actor=newcomer.user, need=need, provider=placement.provider
    ).placement
    late = make_person(surname="Late", user=make_user("late", "person", None))
    late_need = social.need_record(
        actor=trio.own_officer,
        person=late,
        kind="day_care",
        hours_per_month=60,
        starts=dt.date(2025, 5, 1),
        ends=END,
    )
    social.provider_choose(actor=late.user, need=late_need, provider=placement.provider)

    decided = _grant(trio.own_officer, _appeal(trio.person.user, "social_placement", placement.pk))
    assert decided.carried_out["position"] == 1  # ahead of who joined after the ending
    entry = WaitingEntry.objects.get(pk=decided.carried_out["waiting"])
    assert entry.need.person == trio.person and entry.left_at is None
    assert Placement.objects.filter(need__person=trio.person).count() == 1


def test_an_appeal_against_a_placement_that_did_not_end_is_refused_at_filing() -> None:
    trio = make_trio()
    provider = make_provider(trio.own_officer)
    need = Need.objects.create(
        person=trio.person, kind="day_care", hours_per_month=10, starts=START, ends=END
    )
    placed = social.provider_choose(actor=trio.person.user, need=need, provider=provider)
    assert placed.placement is not None
    placement_id = placed.placement.pk
    _refused_writes_nothing(
        lambda: _appeal(trio.person.user, "social_placement", placement_id),
        ValidationFailed,
        "APPEAL_NOTHING_TO_GRANT",
    )
    with pytest.raises(ValidationFailed) as refused:
        _appeal(trio.person.user, "social_placement", placement_id)
    for language, text in DID_NOT_END.items():
        with translation.override(language):
            assert str(refused.value.message) == text
    # Filed all the same (an old appeal, before filing refused it), the grant is still refused.
    appeal = Appeal.objects.create(
        person=trio.person,
        region_id=trio.person.region_id,
        body="social_protection",
        kind="social_placement",
        decision_id=placement_id,
        decided_on=START,
        filed_by=trio.person.user,
        grounds=GROUNDS,
        deadline=END,
    )
    _refused_writes_nothing(
        lambda: _grant(trio.own_officer, appeal), Conflict, "APPEAL_PLACEMENT_NOT_STANDING"
    )


DID_NOT_END = {
    "en": (
        "This placement did not end early: an appeal could restore nothing. To change the "
        "provider or the services, ask your district's social-protection department."
    ),
    "ru": (
        "Это размещение не прекращалось досрочно: жалоба ничего не могла бы восстановить. "
        "Чтобы сменить поставщика или услуги, обратитесь в отдел социальной защиты вашего "
        "района."
    ),
    "kk": (
        "Бұл орналастыру мерзімінен бұрын тоқтатылған жоқ: шағым ештеңені қалпына келтіре "
        "алмайды. Жеткізушіні немесе қызметтерді ауыстыру үшін ауданыңыздың әлеуметтік қорғау "
        "бөліміне жүгініңіз."
    ),
}


# --- benefits -----------------------------------------------------------------------------------


def _award(trio: Trio) -> Award:
    decision = proposal_accept(
        actor=trio.person.user, proposal_id=make_offer(trio.person).pk, payment_account=IBAN
    )
    return Award.objects.get(decision=decision)


def _ended(trio: Trio, award: Award, last_day: dt.date) -> Decision:
    """The benefit ended by a screening's decision, as the run records it."""
    proposal = make_offer(trio.person, kind=Proposal.Kind.ENDED, status=Proposal.Status.ASSIGNED)
    proposal.award = award
    proposal.save(update_fields=["award"])
    ending = Decision.objects.create(
        proposal=proposal,
        person=trio.person,
        programme=award.programme,
        outcome=Decision.Outcome.ENDED,
    )
    Award.objects.filter(pk=award.pk).update(ends=last_day, ended_by=ending)
    return ending


def test_an_ended_benefit_resumes_on_appeal_from_the_day_given(trio: Trio) -> None:
    award = _award(trio)
    ending = _ended(trio, award, dt.date(2024, 5, 31))
    appeal = _appeal(trio.person.user, "benefit_decision", ending.pk)
    _refused_writes_nothing(
        lambda: _grant(trio.own_officer, appeal), ValidationFailed, "APPEAL_REMEDY_MISSING"
    )
    _refused_writes_nothing(
        lambda: _grant(trio.own_officer, appeal, Remedy(from_day=dt.date(2024, 5, 1))),
        ValidationFailed,
        "APPEAL_FROM_DAY",
    )
    decided = _grant(trio.own_officer, appeal, Remedy(from_day=dt.date(2024, 6, 1)))
    resumed = Award.objects.get(person=trio.person, ends__isnull=True)
    assert (resumed.starts, resumed.amount_kzt) == (dt.date(2024, 6, 1), award.amount_kzt)
    assert resumed.decision.outcome == Decision.Outcome.GRANTED
    assert Decision.objects.get(pk=ending.pk).reopening_reason == f"appeal:{appeal.pk}"
    assert decided.carried_out["award"] == resumed.pk
    _cause("award_correct_on_appeal", appeal)


def test_an_amount_corrected_on_appeal_from_a_date_and_a_changed_decision_refused(
    trio: Trio,
) -> None:
    award = _award(trio)
    appeal = _appeal(trio.person.user, "benefit_decision", award.decision_id)
    _refused_writes_nothing(
        lambda: _grant(trio.own_officer, appeal, Remedy(from_day=dt.date(2024, 3, 1))),
        ValidationFailed,
        "APPEAL_REMEDY_MISSING",
    )
    _grant(trio.own_officer, appeal, Remedy(from_day=dt.date(2024, 3, 1), amount_kzt=99_000))
    before, after = Award.objects.filter(person=trio.person).order_by("starts")
    assert (before.ends, before.amount_kzt) == (dt.date(2024, 2, 29), award.amount_kzt)
    assert (after.starts, after.ends, after.amount_kzt) == (dt.date(2024, 3, 1), None, 99_000)
    assert after.decision.outcome == Decision.Outcome.AMOUNT_CHANGED
    # The benefit is paid at the appeal's amount from the award's own first day at the
    # earliest; a month already paid at the old amount is topped up (test_top_ups.py).
    paid = Payroll.objects.create(month=dt.date(2024, 3, 1))
    Payment.objects.create(
        payroll=paid, award=after, month=paid.month, amount_kzt=99_000, status="scheduled"
    )
    again = _appeal(trio.person.user, "benefit_decision", after.decision_id)
    _refused_writes_nothing(
        lambda: _grant(
            trio.own_officer, again, Remedy(from_day=dt.date(2024, 2, 29), amount_kzt=120_000)
        ),
        ValidationFailed,
        "APPEAL_FROM_DAY",
    )
    _grant(trio.own_officer, again, Remedy(from_day=dt.date(2024, 4, 1), amount_kzt=120_000))
    assert Award.objects.get(person=trio.person, ends__isnull=True).amount_kzt == 120_000
    # The decision contested was withdrawn in the appeal's name: nothing is left to carry out.
    late = Appeal.objects.create(
        person=trio.person,
        region_id="71",
        body=appeal.body,
        kind=appeal.kind,
        decision_id=award.decision_id,
        decided_on=appeal.decided_on,
        filed_by=trio.person.user,
        grounds=GROUNDS,
        deadline=appeal.deadline,
    )
    _refused_writes_nothing(
        lambda: _grant(trio.own_officer, late, Remedy(from_day=dt.date(2024, 4, 1), amount_kzt=1)),
        Conflict,
        "APPEAL_CANNOT_BE_CARRIED_OUT",
    )


# --- telling the person -------------------------------------------------------------------------


class Captured(notices.Backend):
    """A gateway that would send the texts: here, keeps them."""

    sent: list[notices.Notice] = []

    def send(self, notices: Sequence[notices.Notice]) -> None:
        Captured.sent.extend(notices)


def test_the_person_is_told_each_step_in_their_language(
    trio: Trio, parent: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    account, child = parent
    account.preferred_language = "ru"
    account.save(update_fields=["preferred_language"])
    decision = proposal_refuse(actor=account, proposal_id=make_offer(child).pk)
    Captured.sent = []
    monkeypatch.setattr(notices, "backend", Captured)
    appeal = _appeal(account, "benefit_decision", decision.pk)
    _grant(trio.own_officer, appeal)
    kinds = [(n.recipient_id, n.kind, n.language) for n in Captured.sent]
    assert kinds == [
        (account.pk, "appeal_filed", "ru"),
        (account.pk, "appeal_decided", "ru"),
        (account.pk, "appeal_carried_out", "ru"),
    ]  # the child has no account: the representative who filed is told
    assert Captured.sent[1].parameters == {"appeal": appeal.pk, "outcome": "granted"}
    text = Captured.sent[0].text()
    assert "апелляц" in text.lower() or "жалоб" in text.lower(), text


def test_a_refused_appeal_is_told_but_not_carried_out(trio: Trio, refusal: Decision) -> None:
    appeal = _appeal(trio.person.user, "benefit_decision", refusal.pk)
    appeal_decide(actor=trio.own_officer, appeal_id=appeal.pk, outcome="refused", reasons="No.")
    kinds = list(
        AccountNotice.objects.filter(recipient=trio.person.user)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["appeal_filed", "appeal_decided"]
    assert Appeal.objects.get(pk=appeal.pk).state == State.REFUSED
