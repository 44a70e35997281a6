"""Prices as the portal's pages write them."""

from __future__ import annotations

from django import template

from inclusio.core.money import format_tenge

register = template.Library()


@register.filter
def tenge(amount: int | None) -> str:
    return "" if amount is None else format_tenge(amount)


@register.filter
def above_cap(price: int, cap: int | None) -> int:
    """How much of the price is above the state price cap (the later co-payment); 0 if none."""
    return 0 if cap is None else max(price - cap, 0)


@register.filter
def kind_of(category_code: str) -> str:
    """How a category is sold (goods, sign_language, personal_assistant, sanatorium_treatment),
    so a page can link each voucher to where it is used."""
    from inclusio.marketplace.catalogue import categories

    known = categories().get(category_code)
    return known.kind if known else ""
