"""A month's first payroll computed while an appeal that raises the benefit from a past day is
granted (PostgreSQL, two connections): the two wait for each other on the programme's row, so
either the payroll pays the new amount or the grant sees the month paid at the old one and owes
its top-up — the month is never paid at the old amount with nothing owed.

A third connection holds a row lock so that each racer stops at a known point: the payroll
after it has read the awards it pays (at the owed top-ups it takes up), or the grant after it
has locked the programme (at the decision it changes). Before the lock the other racer ran
through without waiting, and the payroll paid March at the old amount with nothing owed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from inclusio.appeals.services import Remedy
from inclusio.benefits.models import Award, Decision, Payment, Payroll, TopUp
from inclusio.benefits.services import payroll_create
from inclusio.core.audit import SYSTEM
from tests.appeals.test_carrying_out import _appeal, _award, _grant
from tests.factories import make_trio
from tests.marketplace.test_lock_order import race_behind
from tests.socialservices.builders import IBAN

JAN, FEB, MAR = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)
MORE = 1_000


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    """Dana's benefit paid for February; her appeal against its amount filed; a top-up of
    January owed from an earlier correction (the row the payroll stops at); March not computed."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them anyway)")
    trio = make_trio("district_officer")
    award = _award(trio)
    assert award.amount_kzt is not None
    february = Payroll.objects.create(month=FEB, approved_at=timezone.now())
    Payment.objects.create(
        payroll=february,
        award=award,
        month=FEB,
        amount_kzt=award.amount_kzt,
        iban=IBAN,
        status=Payment.Status.SCHEDULED,
    )
    earlier = TopUp.objects.create(
        decision_id=award.decision_id,
        award=award,
        month=JAN,
        amount_kzt=500,
        cause="appeal:0",
        iban=IBAN,
        status=Payment.Status.SCHEDULED,
    )
    appeal = _appeal(trio.person.user, "benefit_decision", award.decision_id)
    return {"trio": trio, "award": award, "earlier": earlier, "appeal": appeal}


def _grant_from_february(world: dict[str, Any]) -> Any:
    trio, award = world["trio"], world["award"]
    return lambda: _grant(
        trio.own_officer, world["appeal"], Remedy(from_day=FEB, amount_kzt=award.amount_kzt + MORE)
    )


def _march_paid(world: dict[str, Any]) -> int:
    """What March pays Dana in all: its payment and its top-ups."""
    person = world["trio"].person
    paid = Payment.objects.filter(award__person=person, month=MAR).values_list("amount_kzt")
    topped = TopUp.objects.filter(award__person=person, month=MAR).values_list("amount_kzt")
    return sum(a for (a,) in paid) + sum(a for (a,) in topped)


def test_a_grant_while_the_first_payroll_computes_waits_and_owes_the_months_top_up(
    world: dict[str, Any],
) -> None:
    award = world["award"]
    outcomes = race_behind(
        lambda: TopUp.objects.select_for_update().get(pk=world["earlier"].pk),
        lambda: payroll_create(actor=SYSTEM, month=MAR),
        _grant_from_february(world),
    )
    assert outcomes == ["done", "done"]
    # The payroll paid March at the old amount; the grant, after it, owes March its top-up.
    assert Payment.objects.get(month=MAR).amount_kzt == award.amount_kzt
    owed = dict(TopUp.objects.exclude(month=JAN).values_list("month", "amount_kzt"))
    assert owed == {FEB: MORE, MAR: MORE}
    assert _march_paid(world) == award.amount_kzt + MORE


def test_a_first_payroll_while_a_grant_changes_the_amount_waits_and_pays_the_new_one(
    world: dict[str, Any],
) -> None:
    award = world["award"]
    outcomes = race_behind(
        lambda: Decision.objects.select_for_update().get(pk=award.decision_id),
        _grant_from_february(world),
        lambda: payroll_create(actor=SYSTEM, month=MAR),
    )
    assert outcomes == ["done", "done"]
    # The grant went first: the payroll pays March at the new amount, and owes no top-up.
    (march,) = Payment.objects.filter(month=MAR)
    assert march.amount_kzt == award.amount_kzt + MORE
    assert march.award_id == Award.objects.get(ends__isnull=True).pk
    owed = dict(TopUp.objects.exclude(month=JAN).values_list("month", "amount_kzt"))
    assert owed == {FEB: MORE}
    assert _march_paid(world) == award.amount_kzt + MORE
