"""Families and their members for a whole country, drawn at once with numpy.

A family is one of five kinds (a single adult, a couple, a couple with children, a single parent,
grandparents raising grandchildren), sometimes with extended members (a parent or sibling of the
head). Members are stored family by family: the head first, then the spouse, then the children
from youngest to oldest, then the others. The mixes below are illustrative, tuned so that 20
million persons live in about 6 million families, about a third of them under 18.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

ROLES = ("head", "spouse", "child", "other")
HEAD, SPOUSE, CHILD, OTHER = range(len(ROLES))
HOUSING = ("own", "rent", "none")


class Kind(IntEnum):
    SINGLE = 0
    COUPLE = 1
    COUPLE_WITH_CHILDREN = 2
    SINGLE_PARENT = 3
    KINSHIP_CARE = 4  # grandparents raising grandchildren (role "other"); they are guardians


KIND_SHARES = np.array([0.18, 0.16, 0.53, 0.12, 0.01])
HEAD_FEMALE_SHARE = np.array([0.55, 0.12, 0.12, 0.85, 0.60])
KINSHIP_SPOUSE_SHARE = 0.6
# Children per family, for the kinds that have them: P(1), P(2), ...
CHILDREN_COUNT_P = {
    Kind.COUPLE_WITH_CHILDREN: [0.30, 0.34, 0.22, 0.09, 0.03, 0.015, 0.005],
    Kind.SINGLE_PARENT: [0.45, 0.33, 0.15, 0.05, 0.02],
    Kind.KINSHIP_CARE: [0.6, 0.3, 0.1],
}
EXTENDED_MEMBERS_P = [0.84, 0.13, 0.03]  # 0, 1, 2 parents or siblings of the head
# Age of the youngest child: 0..24 (adult children often still live with their parents).
YOUNGEST_CHILD_AGE_WEIGHTS = np.r_[np.full(11, 1.0), np.full(7, 0.8), np.full(7, 0.35)]
SIBLING_GAP_P = 0.45  # years between siblings: geometric, mean 2.2
CHILD_FEMALE_SHARE = 0.487
EXTENDED_FEMALE_SHARE = 0.62
MAX_AGE = 100

HOUSING_P = {True: [0.66, 0.26, 0.08], False: [0.84, 0.10, 0.06]}  # by urban
TOWNS_PER_REGION = 4
TOWN_WEIGHTS = np.array([0.55, 0.2, 0.15, 0.1])
TOWN_SPREAD_DEGREES = (0.03, 0.045)  # latitude, longitude

# Illustrative urban shares of the regions' populations (the cities are wholly urban).
URBAN_SHARE_BY_REGION = {
    "10": 0.60,
    "11": 0.50,
    "15": 0.67,
    "19": 0.25,
    "23": 0.55,
    "27": 0.52,
    "31": 0.42,
    "33": 0.40,
    "35": 0.85,
    "39": 0.55,
    "43": 0.45,
    "47": 0.42,
    "55": 0.72,
    "59": 0.45,
    "61": 0.20,
    "62": 0.80,
    "63": 0.65,
}
DEFAULT_URBAN_SHARE = 0.5

_EPOCH = dt.date(1970, 1, 1)  # birth dates are days since then


def categorical(rng: np.random.Generator, p: np.ndarray | list[float], size: int) -> np.ndarray:
    """Indices drawn with probabilities p; much faster than Generator.choice for large sizes."""
    cdf = np.cumsum(p, dtype=np.float64)
    return np.searchsorted(cdf / cdf[-1], rng.random(size), side="right").astype(np.int16)


@dataclass
class Families:
    region: np.ndarray  # index into the country's region list
    urban: np.ndarray
    housing: np.ndarray  # index into HOUSING
    kind: np.ndarray
    has_spouse: np.ndarray
    children: np.ndarray  # of the head; grandchildren in kinship care
    members: np.ndarray
    start: np.ndarray  # index of the head among the persons
    latitude: np.ndarray
    longitude: np.ndarray

    def __len__(self) -> int:
        return len(self.members)

    @property
    def first_child(self) -> np.ndarray:
        return self.start + 1 + self.has_spouse


@dataclass
class Persons:
    family: np.ndarray  # index into Families
    role: np.ndarray  # index into ROLES
    female: np.ndarray
    age: np.ndarray  # whole years on the reference date
    birth_days: np.ndarray  # days since 1970-01-01

    def __len__(self) -> int:
        return len(self.family)


def expected_family_size() -> float:
    children = sum(
        KIND_SHARES[kind] * np.dot(p, np.arange(1, len(p) + 1))
        for kind, p in CHILDREN_COUNT_P.items()
    )
    spouses = KIND_SHARES[[Kind.COUPLE, Kind.COUPLE_WITH_CHILDREN]].sum()
    spouses += KIND_SHARES[Kind.KINSHIP_CARE] * KINSHIP_SPOUSE_SHARE
    extended = (1 - KIND_SHARES[Kind.KINSHIP_CARE]) * np.dot(EXTENDED_MEMBERS_P, [0, 1, 2])
    return float(1 + spouses + children + extended)


def draw_families(n_persons: int, rng: np.random.Generator) -> Families:
    """Family compositions holding exactly n_persons; no ages or places yet."""
    n_families = int(n_persons / expected_family_size() * 1.05) + 10
    kind = categorical(rng, KIND_SHARES, n_families).astype(np.int8)
    has_spouse = np.isin(kind, [Kind.COUPLE, Kind.COUPLE_WITH_CHILDREN])
    kinship = kind == Kind.KINSHIP_CARE
    has_spouse |= kinship & (rng.random(n_families) < KINSHIP_SPOUSE_SHARE)
    children = np.zeros(n_families, dtype=np.int16)
    for family_kind, p in CHILDREN_COUNT_P.items():
        mask = kind == family_kind
        children[mask] = 1 + categorical(rng, p, int(mask.sum()))
    extended = categorical(rng, EXTENDED_MEMBERS_P, n_families)
    extended[kinship] = 0
    members = (1 + has_spouse + children + extended).astype(np.int16)

    total = np.cumsum(members, dtype=np.int64)
    if total[-1] < n_persons:
        raise RuntimeError("drew too few families; raise the margin")
    last = int(np.searchsorted(total, n_persons))
    kind, has_spouse = kind[: last + 1].copy(), has_spouse[: last + 1].copy()
    children, members = children[: last + 1].copy(), members[: last + 1].copy()
    # The last family takes exactly the persons left: a head and, if need be, their siblings.
    members[last] = n_persons - (total[last - 1] if last else 0)
    kind[last], has_spouse[last], children[last] = Kind.SINGLE, False, 0
    n = last + 1
    empty = np.zeros(n)
    return Families(
        region=np.zeros(n, dtype=np.int16),
        urban=np.zeros(n, dtype=bool),
        housing=np.zeros(n, dtype=np.int8),
        kind=kind,
        has_spouse=has_spouse,
        children=children,
        members=members,
        start=np.cumsum(members, dtype=np.int64) - members,
        latitude=empty,
        longitude=empty.copy(),
    )


def place_families(
    families: Families, regions: list[dict[str, Any]], rng: np.random.Generator
) -> None:
    """Region, urban or rural, housing and a location inside the region's box, per family."""
    n = len(families)
    shares = np.array([r["population_share"] for r in regions], dtype=np.float64)
    families.region = categorical(rng, shares, n)
    urban_share = np.array(
        [
            1.0 if r["is_city"] else URBAN_SHARE_BY_REGION.get(r["code"], DEFAULT_URBAN_SHARE)
            for r in regions
        ]
    )
    families.urban = rng.random(n) < urban_share[families.region]
    for urban, p in HOUSING_P.items():
        mask = families.urban == urban
        families.housing[mask] = categorical(rng, p, int(mask.sum()))
    families.latitude, families.longitude = _locations(families, regions, rng)


def _locations(
    families: Families, regions: list[dict[str, Any]], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Rural families anywhere in the box; urban ones around a few towns; cities fill theirs."""
    boxes = np.array([r["bbox"] for r in regions], dtype=np.float64)  # south, west, north, east
    south, west, north, east = (boxes[families.region, i] for i in range(4))
    latitude = south + rng.random(len(families)) * (north - south)
    longitude = west + rng.random(len(families)) * (east - west)
    is_city = np.array([r["is_city"] for r in regions])
    in_town = families.urban & ~is_city[families.region]
    # Town centres sit in the inner 80 % of the box so that their suburbs stay mostly inside it.
    inner = rng.uniform(0.1, 0.9, size=(len(regions), TOWNS_PER_REGION, 2))
    town = categorical(rng, TOWN_WEIGHTS, int(in_town.sum()))
    region = families.region[in_town]
    centre_lat = boxes[region, 0] + inner[region, town, 0] * (boxes[region, 2] - boxes[region, 0])
    centre_lon = boxes[region, 1] + inner[region, town, 1] * (boxes[region, 3] - boxes[region, 1])
    spread = rng.normal(size=(len(region), 2)) * TOWN_SPREAD_DEGREES
    latitude[in_town] = centre_lat + spread[:, 0]
    longitude[in_town] = centre_lon + spread[:, 1]
    return np.clip(latitude, south, north), np.clip(longitude, west, east)


def draw_members(families: Families, rng: np.random.Generator, as_of: dt.date) -> Persons:
    """Every member's role, sex, age on ``as_of`` and birth date, consistent within the family."""
    members = families.members.astype(np.int64)
    family = np.repeat(np.arange(len(families), dtype=np.int32), members)
    position = np.arange(len(family), dtype=np.int32) - families.start.astype(np.int32)[family]
    first_child_position = (1 + families.has_spouse.astype(np.int32))[family]
    is_child = (position >= first_child_position) & (
        position < first_child_position + families.children[family]
    )
    kinship = (families.kind == Kind.KINSHIP_CARE)[family]
    role = np.full(len(family), OTHER, dtype=np.int8)
    role[is_child & ~kinship] = CHILD
    role[position == 0] = HEAD
    role[(position == 1) & families.has_spouse[family]] = SPOUSE

    age = np.zeros(len(family), dtype=np.int16)
    child_index = np.flatnonzero(is_child)
    age[child_index] = _children_ages(
        families,
        family[child_index],
        position[child_index] - first_child_position[child_index],
        kinship[child_index],
        rng,
    )
    oldest_child = np.full(len(families), -1, dtype=np.int16)
    np.maximum.at(oldest_child, family[child_index], age[child_index])
    head_age = _head_ages(families, oldest_child, rng)
    age[role == HEAD] = head_age
    spouse = np.flatnonzero(role == SPOUSE)
    age[spouse] = _spouse_ages(head_age[family[spouse]], oldest_child[family[spouse]], rng)
    extended = np.flatnonzero((role == OTHER) & ~is_child)
    age[extended] = _extended_ages(head_age[family[extended]], rng)

    female = _sexes(families, family, role, is_child, rng)
    return Persons(
        family=family,
        role=role,
        female=female,
        age=age,
        birth_days=birth_days_for_ages(age, rng, as_of),
    )


def _children_ages(
    families: Families,
    family: np.ndarray,
    rank: np.ndarray,
    kinship: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Siblings from the youngest up, a few years apart; grandchildren in kinship care under 18."""
    youngest = categorical(rng, YOUNGEST_CHILD_AGE_WEIGHTS, len(families))
    gap = np.where(rank == 0, 0, rng.geometric(SIBLING_GAP_P, size=len(family)))
    climbed = np.cumsum(gap)
    first_of_family = np.flatnonzero(rank == 0)
    climbed -= climbed[first_of_family][np.cumsum(rank == 0) - 1]
    ages = youngest[family] + climbed
    ages[kinship] = rng.integers(0, 18, size=kinship.sum())
    return ages.astype(np.int16)


def _head_ages(
    families: Families, oldest_child: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    ages = np.empty(len(families), dtype=np.int16)
    for kind in Kind:
        members = np.flatnonzero(families.kind == kind)
        ages[members] = np.clip(_head_ages_of_kind(kind, oldest_child[members], rng), 18, MAX_AGE)
    return ages


def _head_ages_of_kind(
    kind: Kind, oldest_child: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    n = len(oldest_child)
    band = rng.random(n)
    match kind:
        case Kind.SINGLE:
            return np.where(
                band < 0.4,
                rng.integers(18, 35, n),
                np.where(band < 0.7, rng.integers(35, 63, n), rng.integers(63, 91, n)),
            )
        case Kind.COUPLE:
            return np.where(band < 0.4, rng.integers(20, 37, n), rng.integers(50, 86, n))
        case Kind.COUPLE_WITH_CHILDREN | Kind.SINGLE_PARENT:
            return oldest_child + 20 + np.rint(rng.gamma(2.2, 3.5, n)).astype(np.int16)
        case Kind.KINSHIP_CARE:
            return np.maximum(oldest_child + 40, 48) + rng.integers(0, 15, n, dtype=np.int16)


def _spouse_ages(
    head_age: np.ndarray, oldest_child: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    ages = head_age - 2 + np.rint(rng.normal(0, 3, size=len(head_age))).astype(np.int64)
    ages = np.maximum(ages, oldest_child + 17)
    return np.clip(ages, 18, MAX_AGE).astype(np.int16)


def _extended_ages(head_age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A parent of a younger head, a sibling of an older one."""
    parent = head_age + 22 + np.rint(rng.gamma(2.0, 3.0, size=len(head_age))).astype(np.int64)
    sibling = head_age + np.rint(rng.normal(0, 5, size=len(head_age))).astype(np.int64)
    ages = np.where(head_age < 60, parent, sibling)
    return np.clip(ages, 18, MAX_AGE).astype(np.int16)


def _sexes(
    families: Families,
    family: np.ndarray,
    role: np.ndarray,
    is_child: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    draw = rng.random(len(family))
    head_female = draw[families.start] < HEAD_FEMALE_SHARE[families.kind]
    female = np.where(is_child, draw < CHILD_FEMALE_SHARE, draw < EXTENDED_FEMALE_SHARE)
    female[role == HEAD] = head_female
    spouse = role == SPOUSE
    female[spouse] = ~head_female[family[spouse]]
    return female


def birth_days_for_ages(age: np.ndarray, rng: np.random.Generator, as_of: dt.date) -> np.ndarray:
    """A uniformly drawn birth date (days since 1970) at which each age is exact on ``as_of``:
    from the day after the (age + 1)th anniversary back from ``as_of`` to the age-th one."""
    latest = np.array([_days(_years_before(as_of, years)) for years in range(MAX_AGE + 2)])
    latest = latest.astype(np.int32)
    span = latest[:-1] - latest[1:]
    offset = (rng.random(len(age), dtype=np.float32) * span[age]).astype(np.int32)
    return latest[:-1][age] - np.minimum(offset, span[age] - 1)


def _years_before(day: dt.date, years: int) -> dt.date:
    """The latest birth date of someone who is ``years`` old on ``day`` (29 February, in a year
    without one, is the 28th: that person's birthday is not reached before 1 March)."""
    year = day.year - years
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return day.replace(year=year)


def _days(day: dt.date) -> int:
    return (day - _EPOCH).days
