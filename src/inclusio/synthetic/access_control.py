"""Synthetic state control of accessibility, 2018–2023, reproducing the seed's totals (CRPD
report §49): 6,091 inspections, 4,568 prescriptions and fines of more than ₸236 million.

Each region's share follows its population; each year has a sixth. The history's inspections
carry no findings (the facilities' ratings come from their assessments of 2023); every
prescription is settled — fulfilled, or not and fined. A fine's tenge are its MCI times the MCI
in force on the day, from the country's parameters, so the plan's total is known before loading.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from inclusio import countries
from inclusio.accessibility.control import HistoryFine, HistoryInspection, history_load
from inclusio.accessibility.criteria import criteria
from inclusio.accessibility.models import Facility, Inspection
from inclusio.core.audit import SYSTEM
from inclusio.synthetic.accessibility import quotas

NATIONAL_INSPECTIONS = 6_091
NATIONAL_PRESCRIPTIONS = 4_568
# "More than ₸236 million": the plan reaches this, each region its share of it.
NATIONAL_FINES_TENGE = 236_500_000
FINES_MORE_THAN = 236_000_000
YEARS = tuple(range(2018, 2024))
FINE_STEPS_MCI = (20, 30, 50, 70, 100)
SEED = 20231231


def _mci_table() -> list[tuple[dt.date, int]]:
    rows = [
        (dt.date.fromisoformat(str(p["effective"])), int(p["value"]))
        for p in countries.parameters("kz")
        if p["key"] == "monthly_calculation_index"
    ]
    return sorted(rows)


def mci_on(day: dt.date, table: Sequence[tuple[dt.date, int]]) -> int:
    return [value for effective, value in table if effective <= day][-1]


@dataclass
class RegionControl:
    code: str
    inspections: int
    prescriptions: int
    # The inspections' days, the earliest first.
    days: list[dt.date] = field(default_factory=list)
    # (the inspection's index, the day, MCI) of each fine; tenge at the MCI in force that day.
    fines: list[tuple[int, dt.date, int]] = field(default_factory=list)
    fines_tenge: int = 0


def plan(scale: float = 1.0, seed: int = SEED) -> list[RegionControl]:
    """Each region's inspections, prescriptions and fines (times ``scale`` for a smaller set)."""
    regions = countries.regions("kz")
    weights = [float(r["population_share"]) for r in regions]
    table = _mci_table()
    inspections = quotas(round(NATIONAL_INSPECTIONS * scale), weights)
    prescriptions = quotas(round(NATIONAL_PRESCRIPTIONS * scale), weights)
    tenge = quotas(round(NATIONAL_FINES_TENGE * scale), weights)
    plans = []
    for region, made, given, target in zip(regions, inspections, prescriptions, tenge, strict=True):
        rng = random.Random(f"{seed}-{region['code']}")  # noqa: S311 - reproducible
        control = RegionControl(str(region["code"]), made, given)
        control.days = sorted(
            dt.date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28)) for _ in range(made)
        )
        while made and control.fines_tenge < target:
            # Imposed a month after the inspection, within the period.
            index = rng.randrange(made)
            day = min(control.days[index] + dt.timedelta(days=30), dt.date(2023, 12, 31))
            mci = rng.choice(FINE_STEPS_MCI)
            control.fines.append((index, day, mci))
            control.fines_tenge += mci * mci_on(day, table)
        plans.append(control)
    return plans


def national_check(plans: Sequence[RegionControl]) -> list[str]:
    """What differs from the seed's totals in a national plan (nothing when it reproduces
    them)."""
    problems = []
    made = sum(p.inspections for p in plans)
    given = sum(p.prescriptions for p in plans)
    fined = sum(p.fines_tenge for p in plans)
    if made != NATIONAL_INSPECTIONS:
        problems.append(f"inspections: {made}, the seed says {NATIONAL_INSPECTIONS}")
    if given != NATIONAL_PRESCRIPTIONS:
        problems.append(f"prescriptions: {given}, the seed says {NATIONAL_PRESCRIPTIONS}")
    if fined <= FINES_MORE_THAN:
        problems.append(f"fines: ₸{fined}, the seed says more than ₸{FINES_MORE_THAN}")
    if any(p.prescriptions and not p.inspections for p in plans):
        problems.append("prescriptions in a region without inspections")
    return problems


def _rows(
    control: RegionControl, facility_ids: Sequence[int], rng: random.Random
) -> list[HistoryInspection]:
    mandatory = [c.code for c in criteria().values() if c.mandatory]
    rows = [
        HistoryInspection(
            facility_id=rng.choice(facility_ids),
            inspected_on=day,
            planned=rng.random() < 0.7,
            prescriptions=[],
            fines=[],
        )
        for day in control.days
    ]
    # Prescriptions shared over the inspections; a fine goes with one of its inspection's
    # not fulfilled, where there is one.
    for number in range(control.prescriptions):
        rows[number % len(rows)].prescriptions.append((rng.choice(mandatory), rng.random() < 0.75))
    for index, day, mci in control.fines:
        row = rows[index]
        unfulfilled = [i for i, (_c, met) in enumerate(row.prescriptions) if not met]
        row.fines.append(
            HistoryFine(
                amount_mci=Decimal(mci),
                imposed_on=day,
                prescription=unfulfilled[0] if unfulfilled else None,
            )
        )
    return rows


def control_synthesise(
    *, region_code: str | None = None, scale: float = 1.0, seed: int = SEED
) -> int:
    """Load the synthetic state control (of one region, or all) over the facilities already
    loaded, unless the region has inspections already; the number of inspections added."""
    added = 0
    for control in plan(scale, seed):
        if region_code and control.code != region_code:
            continue
        if not control.inspections or Inspection.objects.filter(region_id=control.code).exists():
            continue
        facility_ids = list(
            Facility.objects.filter(region_id=control.code).values_list("pk", flat=True)
        )
        if not facility_ids:
            continue  # no facilities to inspect: load them first (synth-accessibility)
        rng = random.Random(f"{seed}-rows-{control.code}")  # noqa: S311 - reproducible
        added += history_load(actor=SYSTEM, rows=_rows(control, facility_ids, rng))
    return added
