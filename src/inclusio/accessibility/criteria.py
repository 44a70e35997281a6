"""The national accessibility standard's criteria, read once from the country configuration and
checked.

The file (``countries/<country>/accessibility_criteria.json``) is configuration a ministry edits
by hand; a mistake in it is reported by the system check ``accessibility.E001`` (``apps.py``),
which names the criterion and what is wrong, so that ``check``, ``migrate`` and ``runserver``
stop on it. Assessments, ratings, pages and exports read it through :func:`criteria`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio import countries

LANGUAGES = ("kk", "ru", "en")
ZONES = ("parking", "approach", "entrance", "inside", "toilet", "information", "service_desk")
LIMITATIONS = ("wheelchair", "vision", "hearing", "intellectual")
UNITS = ("cm", "percent", "degrees")
# How a measurement's unit reads after the number.
UNIT_NAMES = {"cm": _("cm"), "percent": "%", "degrees": "°"}
BOUNDS = ("at_least", "at_most", "partly_at_least", "partly_at_most")

# What an assessment says of one criterion.
MEETS = "meets"
PARTLY = "partly"
NOT_MET = "not_met"
NOT_APPLICABLE = "not_applicable"
STATES = (MEETS, PARTLY, NOT_MET, NOT_APPLICABLE)


class CriteriaInvalid(ValueError):
    """The criteria file is wrong; the message names the criterion and the mistake."""


@dataclass(frozen=True)
class Measurement:
    unit: str
    plausible_most: float
    at_least: float | None = None
    at_most: float | None = None
    partly_at_least: float | None = None
    partly_at_most: float | None = None

    def state_of(self, value: float) -> str:
        """What a measured value says of the criterion: meets, partly, or not met."""

        def within(low: float | None, high: float | None) -> bool:
            return (low is None or value >= low) and (high is None or value <= high)

        if within(self.at_least, self.at_most):
            return MEETS
        low = self.at_least if self.partly_at_least is None else self.partly_at_least
        high = self.at_most if self.partly_at_most is None else self.partly_at_most
        return PARTLY if within(low, high) else NOT_MET


@dataclass(frozen=True)
class Criterion:
    code: str
    zone: str
    mandatory: bool
    serves: tuple[str, ...]
    names: Mapping[str, str]
    measurement: Measurement | None

    def name(self, language: str | None = None) -> str:
        language = (language or get_language() or "kk")[:2]
        return self.names.get(language) or self.names["kk"]


@dataclass(frozen=True)
class Standard:
    zones: Mapping[str, Mapping[str, str]]
    criteria: Mapping[str, Criterion]  # by code, in the file's order

    def zone_name(self, zone: str, language: str | None = None) -> str:
        language = (language or get_language() or "kk")[:2]
        return self.zones[zone].get(language) or self.zones[zone]["kk"]

    def by_zone(self) -> list[tuple[str, list[Criterion]]]:
        return [
            (zone, [c for c in self.criteria.values() if c.zone == zone])
            for zone in ZONES
            if any(c.zone == zone for c in self.criteria.values())
        ]


def _names(where: str, names: Any) -> dict[str, str]:
    if not isinstance(names, dict):
        raise CriteriaInvalid(f"{where} has no names")
    for language in LANGUAGES:
        name = names.get(language)
        if not isinstance(name, str) or not name.strip():
            raise CriteriaInvalid(f"{where} has no name in {language!r}")
    return {language: names[language] for language in LANGUAGES}


def _number(code: str, field: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise CriteriaInvalid(f"criterion {code!r}: {field} must be a number, zero or more")
    return float(value)


def _measurement(code: str, row: Any) -> Measurement | None:
    if row is None:
        return None
    if not isinstance(row, dict):
        raise CriteriaInvalid(f"criterion {code!r}: measurement must be an object")
    if row.get("unit") not in UNITS:
        raise CriteriaInvalid(f"criterion {code!r}: unit must be one of {', '.join(UNITS)}")
    unknown = set(row) - {"unit", "plausible_most", *BOUNDS}
    if unknown:
        raise CriteriaInvalid(f"criterion {code!r}: unknown measurement field {sorted(unknown)}")
    bounds = {field: _number(code, field, row.get(field)) for field in BOUNDS}
    if bounds["at_least"] is None and bounds["at_most"] is None:
        raise CriteriaInvalid(f"criterion {code!r}: a measurement needs at_least or at_most")
    most = _number(code, "plausible_most", row.get("plausible_most"))
    if most is None or any(value is not None and value > most for value in bounds.values()):
        raise CriteriaInvalid(
            f"criterion {code!r}: plausible_most must be given and above every threshold"
        )
    return Measurement(unit=row["unit"], plausible_most=most, **bounds)


def parse_standard(data: Mapping[str, Any]) -> Standard:
    """The standard of a criteria file's content; CriteriaInvalid at the first mistake: an
    unknown or unnamed zone, a missing or repeated code, a name missing in a language, an
    unknown kind of limitation, a measurement without a unit, a standard or a plausible limit."""
    zones = data.get("zones")
    if not isinstance(zones, dict) or set(zones) != set(ZONES):
        raise CriteriaInvalid(f"the file must name exactly the zones {', '.join(ZONES)}")
    zone_names = {zone: _names(f"zone {zone!r}", zones[zone]) for zone in ZONES}
    rows = data.get("criteria")
    if not isinstance(rows, list) or not rows:
        raise CriteriaInvalid("the file has no list of criteria")
    found: dict[str, Criterion] = {}
    for number, row in enumerate(rows, start=1):
        code = row.get("code") if isinstance(row, dict) else None
        if not isinstance(code, str) or not code:
            raise CriteriaInvalid(f"criterion number {number} has no code")
        if code in found:
            raise CriteriaInvalid(f"criterion {code!r} appears twice")
        if row.get("zone") not in ZONES:
            raise CriteriaInvalid(f"criterion {code!r}: unknown zone {row.get('zone')!r}")
        if not isinstance(row.get("mandatory"), bool):
            raise CriteriaInvalid(f"criterion {code!r}: mandatory must be true or false")
        serves = row.get("serves")
        if not isinstance(serves, list) or not serves or any(s not in LIMITATIONS for s in serves):
            raise CriteriaInvalid(
                f"criterion {code!r}: serves must list kinds of limitation among "
                f"{', '.join(LIMITATIONS)}"
            )
        found[code] = Criterion(
            code=code,
            zone=row["zone"],
            mandatory=row["mandatory"],
            serves=tuple(serves),
            names=_names(f"criterion {code!r}", row.get("names")),
            measurement=_measurement(code, row.get("measurement")),
        )
    return Standard(zones=zone_names, criteria=found)


@cache
def _standard(country: str) -> Standard:
    data = countries.country_file(country, "accessibility_criteria.json")
    try:
        return parse_standard(data)
    except CriteriaInvalid as error:
        raise CriteriaInvalid(f"{country}/accessibility_criteria.json: {error}") from None


def standard(country: str | None = None) -> Standard:
    """The country's standard (checked once, then kept)."""
    return _standard(country or settings.COUNTRY)


def criteria() -> Mapping[str, Criterion]:
    return standard().criteria
