"""What the state mortgage programmes would cost: Otbasy Bank's "2-10-20" and "5-10-20" (seed
§47), their rate, down payment and term read as dated parameters on the day asked.

Rounding (docs/housing.md): the down payment is the price times the programme's share, rounded
up to the whole tenge (the bank never lends more than its share); the loan is the price less the
down payment; the monthly annuity payment ``loan · r / (1 − (1 + r)^−n)``, with ``r`` the annual
rate / 12 and ``n`` the term in months, is computed in Decimal to 28 digits and rounded half up
to the whole tenge, as a payment schedule states it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ValidationFailed
from inclusio.core.models import DatedParameter
from inclusio.core.parameters import parameter_on
from inclusio.housing.errors import ErrorCode

PROGRAMMES = ("2_10_20", "5_10_20")
# The largest price the calculator takes: far above any flat, small enough for the arithmetic.
PRICE_LIMIT = 10_000_000_000


@dataclass(frozen=True)
class MortgageCost:
    programme: str  # "2-10-20"
    rate_pct: Decimal
    down_payment_pct: Decimal
    term_years: int
    down_payment: int
    loan: int
    monthly_payment: int
    total_paid: int
    parameters: tuple[DatedParameter, ...]
    reference: str  # the legal reference of the rate, in the active language


def annuity_payment(loan: int, rate_pct: Decimal, months: int) -> int:
    """The monthly payment, in whole tenge, rounded half up."""
    if months <= 0:
        raise ValueError("a term of at least one month")
    with localcontext() as context:
        context.prec = 28
        if rate_pct == 0:
            exact = Decimal(loan) / months
        else:
            r = Decimal(rate_pct) / Decimal(1200)
            exact = Decimal(loan) * r / (1 - (1 + r) ** -months)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check_price(price: int) -> None:
    if not 1 <= price <= PRICE_LIMIT:
        raise ValidationFailed(
            ErrorCode.MORTGAGE_PRICE,
            _("Give the price of the home in whole tenge, from 1 to 10 000 000 000."),
            field="price",
        )


def cost(programme: str, price: int, day: dt.date) -> MortgageCost:
    check_price(price)
    rate = parameter_on(f"mortgage_{programme}_rate_pct", day)
    share = parameter_on(f"mortgage_{programme}_down_payment_pct", day)
    term = parameter_on(f"mortgage_{programme}_term_years", day)
    down = int((Decimal(price) * share.value / 100).quantize(Decimal(1), rounding=ROUND_CEILING))
    loan = price - down
    months = int(term.value) * 12
    monthly = annuity_payment(loan, rate.value, months)
    return MortgageCost(
        programme=programme.replace("_", "-"),
        rate_pct=rate.value.normalize(),
        down_payment_pct=share.value.normalize(),
        term_years=int(term.value),
        down_payment=down,
        loan=loan,
        monthly_payment=monthly,
        total_paid=down + monthly * months,
        parameters=(rate, share, term),
        reference=rate.reference_in(get_language() or "en"),
    )


def costs(price: int, day: dt.date) -> list[MortgageCost]:
    return [cost(programme, price, day) for programme in PROGRAMMES]
