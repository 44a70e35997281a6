"""A country's shared parameters, as plain data the rule loader receives from its caller.

Values that the law sets once for every programme (the subsistence minimum, the monthly
calculation index) have one home: the country's dated parameters. A programme file names the
ones it reads (``shared: [subsistence_minimum]``) and copies no value. No Django here: the
caller hands the loader a ``SharedParameters`` mapping — the platform builds it from the
database (``inclusio.core.parameters.shared_parameters``), rule tests and library callers from
the country's ``parameters.json`` (``country_parameters``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inclusio import countries
from inclusio.rules.expressions import Type

# A shared parameter's kind, and the rule-language type of its values: money is whole tenge.
KINDS = {"money": Type.INT, "decimal": Type.DECIMAL}


@dataclass(frozen=True)
class DatedValue:
    effective: datetime.date
    value: int | Decimal
    reference: str


@dataclass(frozen=True)
class SharedParameter:
    key: str
    kind: str  # one of KINDS
    values: tuple[DatedValue, ...]  # ascending by effective date, one per date

    @property
    def type(self) -> Type:
        return KINDS[self.kind]


SharedParameters = Mapping[str, SharedParameter]


def typed_value(kind: str, value: Any) -> int | Decimal:
    """``value`` as the kind's Python type (money: int; decimal: Decimal, read exactly)."""
    number = Decimal(str(value))
    if kind == "money":
        return int(number)
    return number


def shared_parameters(
    keys: Mapping[str, Mapping[str, Any]], rows: Iterable[Mapping[str, Any]]
) -> dict[str, SharedParameter]:
    """The mapping for ``keys`` (key → ``{kind, …}``) from value rows ``{key, effective, value,
    reference}``; ``effective`` a date or an ISO text. A key with no row has no values (reading
    it on any date is an error); a row of another key is ignored."""
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
            DatedValue(effective, typed_value(kind, row["value"]), str(row["reference"]))
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
