"""A country's shared parameters, as plain data the rule loader receives from its caller.

Values that the law sets once for every programme (the subsistence minimum, the monthly
calculation index) have one home: the country's dated parameters. A programme file names the
ones it reads (``shared: [subsistence_minimum]``) and copies no value. No Django here, and no
rule engine: the platform builds a ``SharedParameters`` mapping from the database
(``inclusio.core.parameters.shared_parameters``), rule tests and library callers from the
country's ``parameters.json`` (``country_parameters``), and either hands it to the rule loader
(``inclusio.rules.loader``), which reads a kind as a type of the rule language.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inclusio import countries

# A shared parameter's kind: money is whole tenge (int), decimal an exact Decimal.
KINDS = ("money", "decimal")


@dataclass(frozen=True)
class DatedValue:
    effective: datetime.date
    value: int | Decimal
    reference: dict[str, str] | str  # per language (kk, ru, en); one text as entered before


@dataclass(frozen=True)
class SharedParameter:
    key: str
    kind: str  # one of KINDS
    values: tuple[DatedValue, ...]  # ascending by effective date, one per date


SharedParameters = Mapping[str, SharedParameter]


def typed_value(kind: str, value: Any) -> int | Decimal:
    """``value`` as the kind's Python type (money: int; decimal: Decimal, read exactly)."""
    number = Decimal(str(value))
    if kind == "money":
        return int(number)
    return number


def _reference(given: Any) -> dict[str, str] | str:
    if isinstance(given, Mapping):
        return {str(language): str(text) for language, text in given.items()}
    return str(given)


def shared_parameters(
    keys: Mapping[str, Mapping[str, Any]], rows: Iterable[Mapping[str, Any]]
) -> dict[str, SharedParameter]:
    """The mapping for ``keys`` (key → ``{kind, …}``) from value rows ``{key, effective, value,
    reference}``; ``effective`` a date or an ISO text. A key with no row has no values (reading
    it on any date is an error); a row of another key is ignored."""
    for key, spec in keys.items():
        if spec.get("kind") not in KINDS:
            raise ValueError(f"shared parameter {key!r}: kind must be one of {', '.join(KINDS)}")
    values: dict[str, list[DatedValue]] = {key: [] for key in keys}
    for row in rows:
        key = str(row["key"])
        if key not in values:
            continue
        effective = row["effective"]
        if not isinstance(effective, datetime.date):
            effective = datetime.date.fromisoformat(str(effective))
        kind = str(keys[key]["kind"])
        values[key].append(
            DatedValue(effective, typed_value(kind, row["value"]), _reference(row["reference"]))
        )
    return {
        key: SharedParameter(
            key, str(keys[key]["kind"]), tuple(sorted(found, key=lambda v: v.effective))
        )
        for key, found in values.items()
    }


def country_parameters(country: str) -> dict[str, SharedParameter]:
    """The country's shared parameters as its ``parameters.json`` gives them (no database)."""
    return shared_parameters(countries.parameter_keys(country), countries.parameters(country))
