"""``{{ value|figure }}``: a figure as the reader's language writes it (725 000 and 58,2 in
Kazakh and Russian, 725,000 and 58.2 in English), grouped although ``USE_THOUSAND_SEPARATOR``
is off (see ``inclusio.core.formats``). Accepts numbers and the numbers published files hold as
text; any other text (an empty published value) is shown as it is."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    number: Decimal | int | float
    if isinstance(value, int | float | Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return str(value)
        if not number.is_finite():
            return str(value)
    return number_format(number, use_l10n=True, force_grouping=True)
