"""The categories the portal supplies and their state price caps.

The categories are the country's rehabilitation catalogue, read and checked by
:func:`inclusio.rehabilitation.catalogue.catalogue`: the same codes that programmes prescribe and
vouchers will name. The portal adds how each is sold. A category's state price cap is a dated
parameter (``price_cap_<code>`` in the country's ``parameters.json``), so the ministry changes
it through core's mechanism, with its legal reference and history, and a cap is always read as
of a day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio.core.errors import ValidationFailed
from inclusio.core.models import DatedParameter
from inclusio.marketplace.errors import ErrorCode
from inclusio.rehabilitation import catalogue as rehabilitation

CAP_PREFIX = "price_cap_"
# How a category is sold: goods by the unit from stock, services by the hour, sanatorium
# treatment by the course with places on dates.
GOODS_KINDS = frozenset({rehabilitation.TECHNICAL_AID, rehabilitation.HYGIENE_PRODUCT})
HOURLY_KINDS = frozenset(rehabilitation.HOURLY_KINDS)
SANATORIUM_KIND = rehabilitation.SANATORIUM

UNIT_LABELS = {
    "piece": _("per piece"),
    "pair": _("per pair"),
    "set": _("per set"),
    "hour": _("per hour"),
    "course": _("per course"),
}


@dataclass(frozen=True)
class Category:
    code: str
    kind: str
    unit: str
    names: dict[str, str]

    @property
    def name(self) -> str:
        language = (get_language() or "kk").split("-")[0]
        return self.names.get(language) or self.names["en"]

    @property
    def goods(self) -> bool:
        return self.kind in GOODS_KINDS

    @property
    def hourly(self) -> bool:
        return self.kind in HOURLY_KINDS

    @property
    def sanatorium(self) -> bool:
        return self.kind == SANATORIUM_KIND

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, ""))


def categories() -> dict[str, Category]:
    """The configured country's categories by code, in the catalogue's order."""
    return {
        code: Category(entry.code, entry.kind, entry.unit, dict(entry.names))
        for code, entry in rehabilitation.catalogue().items()
    }


def category(code: str) -> Category:
    found = categories().get(code)
    if found is None:
        raise ValidationFailed(
            ErrorCode.CATALOGUE_CATEGORY_UNKNOWN,
            _("%(category)s is not a category of the rehabilitation catalogue."),
            category=str(code)[:40],
        )
    return found


def cap_key(code: str) -> str:
    return f"{CAP_PREFIX}{code}"


def caps_on(day: dt.date) -> dict[str, int]:
    """The state price cap of each category in force on ``day`` (one query); a category with no
    cap in force is absent."""
    keys = {cap_key(code): code for code in categories()}
    # The first row of each key is the one in force: the latest date on or before the day, in
    # its latest revision (a correction is a new revision of the same date).
    rows = (
        DatedParameter.objects.filter(key__in=keys, effective__lte=day)
        .order_by("key", "-effective", "-revision")
        .values_list("key", "value")
    )
    caps: dict[str, int] = {}
    for key, value in rows:
        caps.setdefault(keys[key], int(Decimal(value)))
    return caps
