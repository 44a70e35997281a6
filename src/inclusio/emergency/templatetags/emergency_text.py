"""Places as the emergency pages write them."""

from __future__ import annotations

from django import template

register = template.Library()

# Five decimal places of a degree are about a metre: enough for a home, short enough to read.
COORDINATE_PLACES = 5


@register.filter
def coordinate(degrees: float | None) -> str:
    """A latitude or longitude to five decimal places at most, trailing zeros dropped, with a
    decimal point in every language (the form reads it back so): 51.0683861167466 → 51.06839,
    51.128 → 51.128."""
    if degrees is None:
        return ""
    text = f"{degrees:.{COORDINATE_PLACES}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
