"""The country's priority categories of the housing lists, and the one derived from a status.

The categories are configuration (``countries/<country>/housing.json``): each has a code, a
priority (smaller is housed first), names and a legal reference in three languages, and either
a rule by which the platform derives it from the registry or none (an officer gives it with the
document that proves it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.translation import get_language

from inclusio import countries
from inclusio.registry.models import Category as StatusCategory
from inclusio.registry.models import DisabilityStatus

GROUP_I_II = "disability_group_1_2"
CHILD = "child_with_disability"


@dataclass(frozen=True)
class HousingCategory:
    code: str
    priority: int
    derived: str  # "" when an officer gives it
    names: dict[str, str]
    references: dict[str, str]

    @property
    def name(self) -> str:
        return self.names.get((get_language() or "en")[:2]) or self.names["en"]

    @property
    def reference(self) -> str:
        return self.references.get((get_language() or "en")[:2]) or self.references["en"]


@cache
def _categories(country: str) -> dict[str, HousingCategory]:
    return {
        row["code"]: HousingCategory(
            code=row["code"],
            priority=int(row["priority"]),
            derived=row.get("derived", ""),
            names=row["names"],
            references=row["reference"],
        )
        for row in countries.housing_categories(country)
    }


def categories() -> dict[str, HousingCategory]:
    return _categories(settings.COUNTRY)


def given_by_officer() -> list[HousingCategory]:
    return [category for category in categories().values() if not category.derived]


def derived_from(status: DisabilityStatus | None, day: dt.date) -> HousingCategory | None:
    """The category the registry gives on ``day``: a current status of group I or II, or of a
    child (registered for the family raising them); None for group III or no valid status."""
    if status is None or status.superseded_at is not None or not status.valid_on(day):
        return None
    rule = {
        StatusCategory.GROUP_I: GROUP_I_II,
        StatusCategory.GROUP_II: GROUP_I_II,
        StatusCategory.CHILD: CHILD,
    }.get(StatusCategory(status.category))
    if rule is None:
        return None
    return next((c for c in categories().values() if c.derived == rule), None)


def name_of(code: str) -> str:
    """The category's name in the active language; a code no longer configured reads as is."""
    found = categories().get(code)
    return found.name if found is not None else code
