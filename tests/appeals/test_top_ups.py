"""A granted appeal setting a benefit's amount from a past day owes the difference for the months
already paid at the old amount: a top-up per month (a partial month for the days the appeal
covers), written once, paid once as a line of its own in the next payroll's payment file, told
to the person; what is owed nothing writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from inclusio.appeals.models import Appeal
from inclusio.appeals.services import Remedy
from inclusio.benefits import page_data, topups
from inclusio.benefits.models import Award, Decision, Payment, Payroll, TopUp
from inclusio.benefits.services import (
    payment_account_give,
    payment_file_produce,
    payroll_approve,
    payroll_create,
)
from inclusio.core.audit import SYSTEM
from inclusio.core.models import AccountNotice, AuditEvent
from inclusio.payments.models import Transfer
from inclusio.payments.services import status_report_import
from inclusio.registry.services import person_life_event_record
from tests.appeals.test_carrying_out import _appeal, _award, _ended, _grant
from tests.factories import Trio, make_user
from tests.payments.conftest import status_report
from tests.socialservices.builders import IBAN

pytestmark = pytest.mark.django_db

FEB, MAR, APR = dt.date(2024, 2, 1), dt.date(2024, 3, 1), dt.date(2024, 4, 1)


# --- the arithmetic -----------------------------------------------------------------------------


def test_a_whole_month_is_topped_up_by_the_difference_and_a_partial_one_by_its_days() -> None:
    paid = [topups.Paid(month, 60_000) for month in (dt.date(2024, 1, 1), FEB, MAR)]
    owed = topups.months_owed(
        from_day=dt.date(2024, 2, 10),  # 20 of February's 29 days
        new_amount_kzt=89_000,
        paid=paid,
        unpaid_closed=[],
        topped_up={},
    )
    assert owed == {FEB: 20_000, MAR: 29_000}  # January, before the day, is owed nothing


def test_a_month_paid_by_the_day_is_topped_up_for_the_days_paid_that_the_appeal_covers() -> None:
    # 10 of April's 30 days were paid at 30,000 a month (10,000); at 60,000 they are 20,000.
    assert topups.month_owed(APR, APR, 60_000, topups.Paid(APR, 10_000, days=10)) == 10_000
    # From 26 April only 5 days are covered: 5 days at 1,000 more a day.
    assert topups.month_owed(APR, dt.date(2024, 4, 26), 60_000, topups.Paid(APR, 10_000, 10)) == (
        5_000
    )
    # Half a tenge rounds up: 7 of 30 days at 1 tenge more a month.
    assert topups.month_owed(APR, dt.date(2024, 4, 24), 101, topups.Paid(APR, 100)) == 0
    assert topups.month_owed(APR, dt.date(2024, 4, 16), 101, topups.Paid(APR, 100)) == 1


def test_a_month_not_paid_a_one_off_and_earlier_top_ups() -> None:
    # A benefit resumed: a closed month that paid nothing is owed the days covered.
    assert topups.month_owed(APR, dt.date(2024, 4, 16), 30_000, None) == 15_000
    assert topups.month_owed(FEB, FEB, 50_000, topups.Paid(FEB, 40_000, one_off=True)) == 10_000
    owed = topups.months_owed(
        from_day=FEB,
        new_amount_kzt=70_000,
        paid=[topups.Paid(FEB, 60_000), topups.Paid(MAR, 60_000)],
        unpaid_closed=[APR],
        topped_up={FEB: 10_000, MAR: 4_000},
    )
    assert owed == {MAR: 6_000, APR: 70_000}


def test_an_amount_lowered_or_a_day_after_the_months_paid_owes_nothing() -> None:
    paid = [topups.Paid(FEB, 60_000), topups.Paid(MAR, 60_000)]
    lowered = topups.months_owed(
        from_day=FEB, new_amount_kzt=50_000, paid=paid, unpaid_closed=[], topped_up={}
    )
    later = topups.months_owed(
        from_day=APR, new_amount_kzt=90_000, paid=paid, unpaid_closed=[], topped_up={}
    )
    assert lowered == {} and later == {}


# --- written, paid and told once ----------------------------------------------------------------


def _paid_months(award: Award, months: list[dt.date]) -> None:
    """The benefit paid at its amount in approved payrolls of ``months``."""
    for month in months:
        payroll = Payroll.objects.create(month=month, approved_at=timezone.now())
        Payment.objects.create(
            payroll=payroll,
            award=award,
            month=month,
            amount_kzt=award.amount_kzt,
            iban=IBAN,
            status=Payment.Status.SCHEDULED,
        )


def _top_ups() -> list[tuple[dt.date, int]]:
    return list(TopUp.objects.order_by("month").values_list("month", "amount_kzt"))


def _approved(payroll: Payroll) -> Payroll:
    return payroll_approve(
        actor=make_user("approver", "ministry_admin", None), payroll_id=payroll.pk
    )


def test_the_months_paid_are_topped_up_once_in_the_next_payment_file(trio: Trio) -> None:
    award = _award(trio)
    assert award.amount_kzt is not None
    _paid_months(award, [dt.date(2024, 1, 1), FEB, MAR])
    new_amount = award.amount_kzt + 29_000
    appeal = _appeal(trio.person.user, "benefit_decision", award.decision_id)
    decided = _grant(
        trio.own_officer, appeal, Remedy(from_day=dt.date(2024, 2, 10), amount_kzt=new_amount)
    )
    assert _top_ups() == [(FEB, 20_000), (MAR, 29_000)]
    assert decided.carried_out["top_up_kzt"] == 49_000
    assert decided.carried_out["top_up_months"] == ["2024-02", "2024-03"]
    assert set(TopUp.objects.values_list("status", "iban", "cause")) == {
        ("scheduled", IBAN, f"appeal:{appeal.pk}")
    }
    trail = AuditEvent.objects.get(action="award_correct_on_appeal")
    assert trail.data["top_ups"] == {"2024-02": 20_000, "2024-03": 29_000}
    told = AccountNotice.objects.filter(recipient=trio.person.user, kind="appeal_top_up").get()
    assert told.parameters == {"appeal": appeal.pk, "amount_kzt": 49_000}

    # The next payroll pays them, each on a line of its own, beside April at the new amount.
    april = _approved(payroll_create(actor=SYSTEM, month=APR))
    assert set(TopUp.objects.values_list("payroll", flat=True)) == {april.pk}
    produced = payment_file_produce(actor=SYSTEM, payroll_id=april.pk)
    lines = Transfer.objects.filter(purpose_kind=Transfer.Purpose.BENEFIT_TOP_UP)
    assert sorted(lines.values_list("amount_kzt", flat=True)) == [20_000, 29_000]
    assert produced.content.count("доплата".encode()) == 2
    assert Payment.objects.get(month=APR).amount_kzt == new_amount
    # Produced again, the same file: nothing is paid twice.
    assert payment_file_produce(actor=SYSTEM, payroll_id=april.pk).content == produced.content
    assert lines.count() == 2
    # A later payroll takes up nothing already taken.
    may = payroll_create(actor=SYSTEM, month=dt.date(2024, 5, 1))
    assert not may.top_ups.exists()
    # An appeal against the new decision at the same amount owes nothing more.
    standing = Award.objects.get(pk=decided.carried_out["award"]).decision_id
    again = _appeal(trio.person.user, "benefit_decision", standing)
    _grant(trio.own_officer, again, Remedy(from_day=dt.date(2024, 2, 10), amount_kzt=new_amount))
    assert _top_ups() == [(FEB, 20_000), (MAR, 29_000)]
    assert "top_up_kzt" not in Appeal.objects.get(pk=again.pk).carried_out


def test_a_top_up_the_bank_returns_is_held_until_a_corrected_account(trio: Trio) -> None:
    award = _award(trio)
    assert award.amount_kzt is not None
    _paid_months(award, [FEB])
    appeal = _appeal(trio.person.user, "benefit_decision", award.decision_id)
    _grant(trio.own_officer, appeal, Remedy(from_day=FEB, amount_kzt=award.amount_kzt + 1_000))
    payroll = _approved(payroll_create(actor=SYSTEM, month=MAR))
    payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk)
    line = Transfer.objects.get(purpose_kind=Transfer.Purpose.BENEFIT_TOP_UP)
    status_report_import(
        actor=SYSTEM,
        content=status_report(line.file, [(line.end_to_end_id, "RJCT", "AC04")]),
    )
    assert TopUp.objects.get().status == Payment.Status.HELD
    payment_account_give(actor=trio.person.user, person_id=trio.person.pk, iban=IBAN)
    assert TopUp.objects.get().status == Payment.Status.SCHEDULED
    payment_file_produce(actor=SYSTEM, payroll_id=payroll.pk)
    assert list(
        Transfer.objects.filter(purpose_kind=Transfer.Purpose.BENEFIT_TOP_UP)
        .order_by("id")
        .values_list("state", "amount_kzt")
    ) == [("rejected", 1_000), ("sent", 1_000)]


def test_a_refused_appeal_or_an_amount_from_after_the_months_paid_owes_nothing(
    trio: Trio,
) -> None:
    award = _award(trio)
    assert award.amount_kzt is not None
    _paid_months(award, [FEB])
    refused = _appeal(trio.person.user, "benefit_decision", award.decision_id)
    _grant(trio.own_officer, refused, outcome="refused")
    later = _appeal(trio.person.user, "benefit_decision", award.decision_id)
    decided = _grant(trio.own_officer, later, Remedy(from_day=MAR, amount_kzt=award.amount_kzt * 2))
    assert not TopUp.objects.exists() and "top_up_kzt" not in decided.carried_out
    assert not AccountNotice.objects.filter(kind="appeal_top_up").exists()


def test_a_month_computed_without_the_person_and_not_yet_approved_is_topped_up_once(
    trio: Trio,
) -> None:
    award = _award(trio)
    assert award.amount_kzt is not None
    _paid_months(award, [FEB])
    ending = _ended(trio, award, dt.date(2024, 2, 29))
    # March's payroll was computed after the benefit ended and is not approved yet.
    march = Payroll.objects.create(month=MAR)
    appeal = _appeal(trio.person.user, "benefit_decision", ending.pk)
    _grant(trio.own_officer, appeal, Remedy(from_day=MAR))
    assert _top_ups() == [(MAR, award.amount_kzt)]
    # Computed again, March's payroll pays the month by its top-up, not a second time.
    assert payroll_create(actor=SYSTEM, month=MAR).pk == march.pk
    assert not Payment.objects.filter(month=MAR).exists()
    assert set(TopUp.objects.values_list("payroll", flat=True)) == {march.pk}


def test_an_amount_corrected_owes_nothing_for_a_month_computed_before_the_award(
    trio: Trio,
) -> None:
    award = _award(trio)
    assert award.amount_kzt is not None
    # January's payroll was approved before the person accepted the offer of the screening
    # of 1 January: it paid them nothing, and nothing was owed.
    Payroll.objects.create(month=award.starts.replace(day=1), approved_at=timezone.now())
    _paid_months(award, [FEB])
    appeal = _appeal(trio.person.user, "benefit_decision", award.decision_id)
    _grant(trio.own_officer, appeal, Remedy(from_day=award.starts, amount_kzt=award.amount_kzt + 1))
    assert _top_ups() == [(FEB, 1)]


def test_a_death_stops_the_top_ups_of_the_months_from_it_and_no_account_pays_them(
    trio: Trio,
) -> None:
    award = _award(trio)
    assert award.amount_kzt is not None
    _paid_months(award, [FEB, MAR, APR])
    appeal = _appeal(trio.person.user, "benefit_decision", award.decision_id)
    _grant(trio.own_officer, appeal, Remedy(from_day=FEB, amount_kzt=award.amount_kzt + 1_000))
    person_life_event_record(
        actor=make_user("registrar", "district_officer", trio.person.region_id),
        person=trio.person,
        kind="death",
        date=dt.date(2024, 3, 10),
        source="Civil registry record No. 4711",
        reason="Notice from the civil registry",
    )
    by_month = dict(TopUp.objects.values_list("month", "status"))
    assert by_month == {FEB: "scheduled", MAR: "scheduled", APR: "stopped"}
    trail = AuditEvent.objects.get(action="awards_end_on_life_event")
    assert trail.data["top_ups_stopped"] == 1
    # A top-up of a month after the death returned by the bank is not paid to a new account.
    TopUp.objects.filter(month=APR).update(status=Payment.Status.HELD)
    TopUp.objects.filter(month=FEB).update(status=Payment.Status.HELD)
    payment_account_give(actor=trio.person.user, person_id=trio.person.pk, iban=IBAN)
    by_month = dict(TopUp.objects.values_list("month", "status"))
    assert by_month == {FEB: "scheduled", MAR: "scheduled", APR: "held"}


def test_the_approval_and_the_payroll_page_count_the_top_ups_of_the_file(trio: Trio) -> None:
    award = _award(trio)
    assert award.amount_kzt is not None
    _paid_months(award, [FEB])
    appeal = _appeal(trio.person.user, "benefit_decision", award.decision_id)
    new_amount = award.amount_kzt + 1_000
    _grant(trio.own_officer, appeal, Remedy(from_day=FEB, amount_kzt=new_amount))
    march = payroll_create(actor=SYSTEM, month=MAR)
    approver = make_user("approver", "ministry_admin", None)
    line = next(
        line for line in page_data.payrolls_list(actor=approver) if line.payroll.pk == march.pk
    )
    assert line.scheduled == 2  # March at the new amount, February's top-up
    assert line.total == page_data.tenge_text(new_amount + 1_000)
    payroll_approve(actor=approver, payroll_id=march.pk)
    trail = AuditEvent.objects.get(action="payroll_approve")
    assert (trail.data["payments"], trail.data["amount_kzt"]) == (1, new_amount)
    assert (trail.data["top_ups"], trail.data["top_ups_kzt"]) == (1, 1_000)


def test_a_refusal_overturned_owes_the_months_computed_since_the_screening(
    trio: Trio, refusal: Decision
) -> None:
    # February's payroll was approved while the refusal stood: it paid the person nothing.
    Payroll.objects.create(month=FEB, approved_at=timezone.now())
    appeal = _appeal(trio.person.user, "benefit_decision", refusal.pk)
    decided = _grant(trio.own_officer, appeal)
    award = Award.objects.get(person=trio.person)
    assert award.amount_kzt is not None and award.starts.replace(day=1) < FEB
    assert _top_ups() == [(FEB, award.amount_kzt)]
    assert decided.carried_out["top_up_months"] == ["2024-02"]
    trail = AuditEvent.objects.get(action="award_assign_on_appeal")
    assert trail.data["top_ups"] == {"2024-02": award.amount_kzt}
    # March's payroll pays March at the amount, and February's top-up, once.
    march = payroll_create(actor=SYSTEM, month=MAR)
    assert Payment.objects.get(payroll=march).amount_kzt == award.amount_kzt
    assert TopUp.objects.get().payroll_id == march.pk
