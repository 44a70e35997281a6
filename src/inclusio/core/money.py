"""Money is whole tenge held in integers; rounding is always half up, never banker's."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

Tenge = int


def round_tenge(amount: Decimal | int) -> Tenge:
    """Round to whole tenge, half up (0.5 → 1), as payment rules require."""
    return int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_tenge(amount: Tenge) -> str:
    """₸65 313 — thin spaces between thousands, the sign after the number is avoided."""
    return f"₸{amount:,}".replace(",", "\u202f")
