"""What an appeal owes for the months already paid when it sets a benefit's amount (or resumes
it) from a past day: the arithmetic of a top-up, month by month, in whole tenge.

A month is owed for when it was paid at the old amount (a payment of the person's benefit for
it, in a payroll), or when its payroll is computed and paid the person nothing though the
appeal says it should have (a benefit resumed from before that month): an approved payroll
never changes, and a payroll computed again never pays a month topped up, so the top-up is
that month's only pay. A payment stopped (the right ended) is owed nothing.

The month owed is the appeal's amount for the days of the month from the appeal's first day
on, less what was paid for those days, less what earlier appeals already topped it up by:

- a month paid whole: (new amount − amount paid) × days covered ÷ days of the month;
- a month paid by the day (``days`` set; the payroll paid the days the person was eligible,
  each at the monthly amount ÷ the days of the month): the days paid that the appeal covers
  (the days of a month paid by the day begin where the benefit began, so they are counted from
  the appeal's first day on), each at the new daily amount less the daily amount paid;
- a one-off grant: the new amount less what was paid, once;
- a month not paid at all (a benefit resumed), paid by the whole month: the new amount for the
  days covered;
- a month not paid at all (a benefit resumed), paid by the day: what its payroll would have
  paid, the month the rules engine computes for the days the person was eligible (screened
  again by the caller, as the payroll screens them: ``Eligible``), for the eligible days the
  appeal covers (counted from its first day on, as for a month paid by the day) — the payroll of
  a programme paid by the day pays the engine's month, whatever the award's amount.

Half a tenge and more rounds up. A month owed nothing or less (an amount lowered on appeal is
never recovered from the person who appealed) has no top-up.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Paid:
    """A month as the payroll paid it to the person: its amount, and its days when paid by
    the day (None for a whole month)."""

    month: dt.date  # the first day of the month
    amount_kzt: int
    days: int | None = None
    one_off: bool = False


@dataclass(frozen=True)
class Eligible:
    """A month paid by the day that paid the person nothing, as its payroll would have paid it:
    the days the person was eligible and the month the rules engine computes for them."""

    month: dt.date  # the first day of the month
    days: int
    amount_kzt: int


def _days_in(month: dt.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def _covered(month: dt.date, from_day: dt.date) -> int:
    """The days of ``month`` on or after ``from_day``."""
    first = month.replace(day=1)
    last = first.replace(day=_days_in(first))
    return max(0, (last - max(first, from_day)).days + 1)


def _whole_tenge(amount: Fraction) -> int:
    return int((amount + Fraction(1, 2)) // 1)


def month_owed(month: dt.date, from_day: dt.date, new_amount_kzt: int, paid: Paid | None) -> int:
    """The difference owed for ``month`` (before earlier top-ups): see the module's rules."""
    days = _days_in(month)
    covered = _covered(month, from_day)
    if covered == 0:
        return 0
    if paid is None:
        return _whole_tenge(Fraction(new_amount_kzt * covered, days))
    if paid.one_off:
        return new_amount_kzt - paid.amount_kzt
    if paid.days is None:
        return _whole_tenge(Fraction((new_amount_kzt - paid.amount_kzt) * covered, days))
    overlap = min(paid.days, covered)
    if overlap == 0:
        return 0
    return _whole_tenge(
        Fraction(new_amount_kzt * overlap, days) - Fraction(paid.amount_kzt * overlap, paid.days)
    )


def eligible_owed(from_day: dt.date, eligible: Eligible) -> int:
    """What a month paid by the day that paid nothing is owed (before earlier top-ups)."""
    overlap = min(eligible.days, _covered(eligible.month, from_day))
    if overlap == 0 or eligible.days == 0:
        return 0
    return _whole_tenge(Fraction(eligible.amount_kzt * overlap, eligible.days))


def months_owed(
    *,
    from_day: dt.date,
    new_amount_kzt: int,
    paid: Iterable[Paid],
    unpaid_closed: Iterable[dt.date],
    topped_up: dict[dt.date, int],
    unpaid_by_the_day: Iterable[Eligible] = (),
) -> dict[dt.date, int]:
    """By month (its first day), the positive top-ups owed from ``from_day`` on at
    ``new_amount_kzt``: over the months ``paid`` and the months of computed payrolls that paid
    nothing (``unpaid_closed`` for a benefit paid by the whole month, ``unpaid_by_the_day`` for
    one paid by the day; none for a one-off grant), less what earlier appeals topped each up
    by (``topped_up``)."""
    first = from_day.replace(day=1)
    by_month: dict[dt.date, Paid | Eligible | None] = {m: None for m in unpaid_closed if m >= first}
    for eligible in unpaid_by_the_day:
        if eligible.month >= first:
            by_month[eligible.month] = eligible
    for payment in paid:
        if payment.month >= first:
            by_month[payment.month] = payment
    owed: dict[dt.date, int] = {}
    for month in sorted(by_month):
        found = by_month[month]
        amount = (
            eligible_owed(from_day, found)
            if isinstance(found, Eligible)
            else month_owed(month, from_day, new_amount_kzt, found)
        )
        amount -= topped_up.get(month, 0)
        if amount > 0:
            owed[month] = amount
    return owed
