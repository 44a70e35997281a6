"""The state mortgages' cost: dated parameters, integer tenge, a worked example."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from inclusio.core.errors import ValidationFailed
from inclusio.housing import mortgage
from inclusio.housing.errors import ErrorCode

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 6, 1)


def test_the_worked_example() -> None:
    # 20 000 000 tenge: 10 % down is 2 000 000, the loan 18 000 000 over 240 months. At 2 % a
    # year (r = 0.02 / 12) the annuity is 18 000 000 · r / (1 − (1 + r)^−240) = 91 059.0003…,
    # at 5 % 118 792.033… (checked in floating point as well).
    two, five = mortgage.costs(20_000_000, DAY)
    assert (two.programme, two.rate_pct, two.down_payment_pct, two.term_years) == (
        "2-10-20",
        Decimal(2),
        Decimal(10),
        20,
    )
    assert (two.down_payment, two.loan, two.monthly_payment) == (2_000_000, 18_000_000, 91_059)
    assert two.total_paid == 2_000_000 + 91_059 * 240
    assert (five.down_payment, five.monthly_payment) == (2_000_000, 118_792)
    assert "Otbasy" in two.reference


def test_the_down_payment_rounds_up_and_the_payment_half_up() -> None:
    cost = mortgage.cost("2_10_20", 19_999_999, DAY)
    assert (cost.down_payment, cost.loan) == (2_000_000, 17_999_999)
    assert mortgage.annuity_payment(1_200, Decimal(0), 240) == 5
    assert mortgage.annuity_payment(6, Decimal(0), 4) == 2  # 1.5 rounds half up


def test_a_price_out_of_range_is_refused() -> None:
    for price in (0, -5, 10_000_000_001):
        with pytest.raises(ValidationFailed) as refused:
            mortgage.cost("2_10_20", price, DAY)
        assert refused.value.code == ErrorCode.MORTGAGE_PRICE


def test_the_parameters_are_dated() -> None:
    with pytest.raises(Exception, match="PARAMETER_NOT_IN_FORCE"):
        mortgage.cost("2_10_20", 20_000_000, dt.date(2021, 12, 31))
