"""Synthetic facilities of the accessibility map, reproducing the seed's figures.

At 1 January 2024 the Interactive Accessibility Map held over 40,000 facilities of which 13,516
(33 %) were adapted, and 309 of the 398 courts were barrier-free (DOMAIN.md, system 6). The
national set is 40,958 facilities (13,516 / 40,958 = 33.0 %), shared among the 20 regions by
population share; each region's adapted facilities and courts are exact quotas of the national
figures, so the sums over the regions are the seed's numbers exactly (``national_check``).

Every facility gets one assessment in 2023 against the standard's criteria: an adapted one has
every mandatory criterion met or not applicable; any other fails one to four mandatory
criteria, in full or in part. Measurements agree with the states (a ramp said to meet the
standard is at most 5 %). ``--region 71`` loads one region's share, as the demo does.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from inclusio import countries
from inclusio.accessibility.criteria import (
    MEETS,
    NOT_APPLICABLE,
    NOT_MET,
    PARTLY,
    Criterion,
    criteria,
)
from inclusio.accessibility.models import Category, Facility, Owner
from inclusio.accessibility.services import FacilityDetails, LoadRow, facilities_load
from inclusio.core.audit import SYSTEM
from inclusio.synthetic.marketplace import make_bin

NATIONAL_FACILITIES = 40_958
NATIONAL_ADAPTED = 13_516
NATIONAL_COURTS = 398
NATIONAL_COURTS_ADAPTED = 309
REFERENCE_DATE = dt.date(2024, 1, 1)
SEED = 20240101

# How the facilities other than courts fall into categories (illustrative weights).
CATEGORY_WEIGHTS = {
    Category.HEALTH: 14,
    Category.EDUCATION: 22,
    Category.CULTURE: 7,
    Category.SPORT: 6,
    Category.SOCIAL_SERVICES: 8,
    Category.TRANSPORT: 6,
    Category.GOVERNMENT_SERVICES: 7,
    Category.FINANCE: 6,
    Category.JUSTICE: 2,
    Category.TRADE_AND_FOOD: 18,
    Category.OTHER: 4,
}
NAMES = {
    Category.HEALTH: ("Емхана", "Поликлиника", "Polyclinic"),
    Category.EDUCATION: ("Мектеп", "Школа", "School"),
    Category.CULTURE: ("Мәдениет үйі", "Дом культуры", "House of culture"),
    Category.SPORT: ("Спорт кешені", "Спортивный комплекс", "Sports centre"),
    Category.SOCIAL_SERVICES: (
        "Әлеуметтік қызмет орталығы",
        "Центр социального обслуживания",
        "Social service centre",
    ),
    Category.TRANSPORT: ("Автовокзал", "Автовокзал", "Bus station"),
    Category.GOVERNMENT_SERVICES: ("ХҚКО", "ЦОН", "Public service centre"),
    Category.FINANCE: ("Банк бөлімшесі", "Отделение банка", "Bank branch"),
    Category.JUSTICE: ("Прокуратура", "Прокуратура", "Prosecutor's office"),
    Category.TRADE_AND_FOOD: ("Дүкен", "Магазин", "Shop"),
    Category.OTHER: ("Қоғамдық ғимарат", "Общественное здание", "Public building"),
}
COURT = ("Аудандық сот", "Районный суд", "District court")
STREETS = (
    "Абай даңғылы",
    "Республика даңғылы",
    "Бейбітшілік көшесі",
    "Сейфуллин көшесі",
    "Достық көшесі",
    "Төле би көшесі",
)
STATE_CATEGORIES = {
    Category.HEALTH,
    Category.EDUCATION,
    Category.CULTURE,
    Category.SOCIAL_SERVICES,
    Category.GOVERNMENT_SERVICES,
    Category.JUSTICE,
}


def quotas(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` shared in proportion to ``weights`` in whole numbers that sum to it (largest
    remainders first)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


@dataclass(frozen=True)
class RegionPlan:
    code: str
    facilities: int  # courts included
    adapted: int  # courts included
    courts: int
    courts_adapted: int


def plan(scale: float = 1.0) -> list[RegionPlan]:
    """Each region's quotas of the national figures (times ``scale`` for a smaller set)."""
    regions = countries.regions("kz")
    weights = [float(r["population_share"]) for r in regions]

    def scaled(figure: int) -> list[int]:
        return quotas(round(figure * scale), weights)

    columns = zip(
        scaled(NATIONAL_FACILITIES),
        scaled(NATIONAL_ADAPTED),
        scaled(NATIONAL_COURTS),
        scaled(NATIONAL_COURTS_ADAPTED),
        strict=True,
    )
    return [RegionPlan(r["code"], *column) for r, column in zip(regions, columns, strict=True)]


def national_check(plans: Sequence[RegionPlan]) -> list[str]:
    """What differs from the seed's figures in a national plan (nothing when it reproduces
    them): the facilities, the adapted ones and their share, the courts and the barrier-free
    ones, over the 20 regions."""
    problems = []
    sums = {
        "facilities": (sum(p.facilities for p in plans), NATIONAL_FACILITIES),
        "adapted": (sum(p.adapted for p in plans), NATIONAL_ADAPTED),
        "courts": (sum(p.courts for p in plans), NATIONAL_COURTS),
        "courts adapted": (sum(p.courts_adapted for p in plans), NATIONAL_COURTS_ADAPTED),
    }
    for what, (found, wanted) in sums.items():
        if found != wanted:
            problems.append(f"{what}: {found}, the seed says {wanted}")
    if len(plans) != 20:
        problems.append(f"regions: {len(plans)}, the country has 20")
    if sums["facilities"][0] < 40_000:
        problems.append("fewer than 40,000 facilities")
    share = round(100 * sums["adapted"][0] / max(1, sums["facilities"][0]))
    if share != 33:
        problems.append(f"adapted share {share} %, the seed says 33 %")
    return problems


def _measure(criterion: Criterion, state: str, rng: random.Random) -> float | None:
    m = criterion.measurement
    if m is None or state == NOT_APPLICABLE:
        return None
    if state == MEETS:
        low = m.at_least if m.at_least is not None else 0.0
        high = m.at_most if m.at_most is not None else low * 1.3
    elif state == PARTLY:
        if m.at_least is not None and m.partly_at_least is not None:
            low, high = m.partly_at_least, m.at_least - 0.5
        else:
            assert m.at_most is not None and m.partly_at_most is not None
            low, high = m.at_most + 0.1, m.partly_at_most
    else:
        if m.partly_at_least is not None:
            low, high = m.partly_at_least * 0.5, m.partly_at_least - 1
        else:
            assert m.partly_at_most is not None
            low, high = m.partly_at_most + 0.5, min(m.plausible_most, m.partly_at_most * 2)
    value = round(rng.uniform(low, high), 1)
    # Rounding must not carry a value across the threshold it was drawn within.
    return value if m.state_of(value) == state else None


def _results(adapted: bool, rng: random.Random) -> dict[str, dict[str, object]]:
    known = list(criteria().values())
    mandatory = [c for c in known if c.mandatory]
    failing = set() if adapted else {c.code for c in rng.sample(mandatory, rng.randint(1, 4))}
    results: dict[str, dict[str, object]] = {}
    for criterion in known:
        if criterion.code in failing:
            state = rng.choice((NOT_MET, PARTLY)) if criterion.measurement else NOT_MET
        elif criterion.code == "inside_lift" and rng.random() < 0.6:
            state = NOT_APPLICABLE  # a one-storey building
        elif criterion.mandatory:
            state = MEETS
        else:
            state = rng.choices((MEETS, PARTLY, NOT_MET), weights=(5, 2, 3))[0]
        results[criterion.code] = {"state": state, "value": _measure(criterion, state, rng)}
    return results


def _rows(region: dict[str, object], quota: RegionPlan, rng: random.Random) -> Iterator[LoadRow]:
    south, west, north, east = (float(v) for v in region["bbox"])  # type: ignore[attr-defined]
    others = quota.facilities - quota.courts
    categories = list(CATEGORY_WEIGHTS)
    drawn = rng.choices(categories, weights=list(CATEGORY_WEIGHTS.values()), k=others)
    adapted_others = set(rng.sample(range(others), quota.adapted - quota.courts_adapted))
    adapted_courts = set(rng.sample(range(quota.courts), quota.courts_adapted))
    for number in range(quota.facilities):
        court = number >= others
        index = number - others if court else number
        category = Category.JUSTICE if court else drawn[index]
        adapted = index in (adapted_courts if court else adapted_others)
        kk, ru, en = COURT if court else NAMES[category]
        serial = number + 1
        yield LoadRow(
            details=FacilityDetails(
                names={
                    "kk": f"{kk} №{serial}",
                    "ru": f"{ru} №{serial}",
                    "en": f"{en} No. {serial}",
                },
                category=category,
                owner=Owner.STATE if court or category in STATE_CATEGORIES else Owner.PRIVATE,
                owner_bin=make_bin(
                    int(quota.code) * 500 + serial % 500, dt.date(2005, 1 + serial % 12, 1)
                ),
                address=f"{region['name_ru']}, {rng.choice(STREETS)}, {rng.randint(1, 250)}",
                region=quota.code,
                latitude=round(rng.uniform(south + 0.001, north - 0.001), 6),
                longitude=round(rng.uniform(west + 0.001, east - 0.001), 6),
                opening_hours=rng.choice(("Mo-Fr 09:00-18:00", "Mo-Sa 08:00-20:00", "24/7")),
                is_court=court,
            ),
            assessed_on=REFERENCE_DATE - dt.timedelta(days=rng.randint(1, 365)),
            results=_results(adapted, rng),
        )


def facilities_synthesise(
    *, region_code: str | None = None, scale: float = 1.0, seed: int = SEED
) -> int:
    """Load the synthetic facilities (of one region, or all), unless they are there already;
    the number added."""
    regions = {r["code"]: r for r in countries.regions("kz")}
    added = 0
    for quota in plan(scale):
        if region_code and quota.code != region_code:
            continue
        if Facility.objects.filter(region_id=quota.code).exists():
            continue  # loaded before: running again adds nothing
        rng = random.Random(f"{seed}-{quota.code}")  # noqa: S311 - reproducible, not a secret
        added += facilities_load(actor=SYSTEM, rows=_rows(regions[quota.code], quota, rng))
    return added
