"""Who has a disability, the status each holds, and who cares for them.

Persons with disabilities are drawn with exact quotas (see figures.py), so the national figures
come out to the person, and at every scale up to rounding:
- children of parents: whole families first (the families raising two, three, four children
  with disabilities), then one child in each of the families raising one, drawn separately among
  the children aged 0–6 and 7–17 so that the school-age share is met;
- children raised by grandparents, who are their guardians;
- adults, in eight strata (working age or elderly × sex × urban or rural) whose sizes meet the
  sex and urban totals together with the children; within a stratum older persons are likelier.
The statuses, causes and limitations below are illustrative mixes, not statistics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from inclusio.synthetic.figures import ADULT_AGE, ELDERLY_AGE, SCHOOL_AGE, Quotas
from inclusio.synthetic.population import CHILD, HEAD, OTHER, SPOUSE, Families, Kind, Persons

CATEGORIES = ("I", "II", "III", "child")
GROUP_I, GROUP_II, GROUP_III, CHILD_CATEGORY = range(len(CATEGORIES))
CAUSES = (
    "general_disease",
    "from_childhood",
    "work_injury",
    "occupational_disease",
    "military",
    "other",
)
FROM_CHILDHOOD = CAUSES.index("from_childhood")
RELATIONS = ("parent", "guardian", "other")
PARENT, GUARDIAN, OTHER_CARER = range(len(RELATIONS))
LIMITATIONS = ("mobility", "vision", "hearing", "speech", "intellectual", "psychosocial")

# Profiles: 0 a child, 1 an adult living with their parents, 2 another working-age adult,
# 3 an elderly person.
CHILD_PROFILE, ADULT_CHILD_PROFILE, WORKING_PROFILE, ELDERLY_PROFILE = range(4)
CATEGORY_P = np.array(
    [
        [0, 0, 0, 1],
        [0.20, 0.50, 0.30, 0],
        [0.09, 0.44, 0.47, 0],
        [0.18, 0.52, 0.30, 0],
    ]
)
CAUSE_P = np.array(
    [
        [0.10, 0.85, 0, 0, 0, 0.05],
        [0.20, 0.75, 0.01, 0, 0, 0.04],
        [0.74, 0.10, 0.05, 0.03, 0.01, 0.07],
        [0.86, 0.02, 0.03, 0.04, 0.02, 0.03],
    ]
)
LIMITATION_P = np.array(
    [
        [0.30, 0.10, 0.10, 0.25, 0.35, 0.15],
        [0.35, 0.10, 0.10, 0.15, 0.40, 0.25],
        [0.45, 0.15, 0.10, 0.05, 0.08, 0.14],
        [0.55, 0.25, 0.18, 0.04, 0.03, 0.06],
    ]
)
# Loss of professional working capacity by adult group, in tens of percent (low, high).
LOSS_TENS = {GROUP_I: (8, 10), GROUP_II: (6, 7), GROUP_III: (3, 5)}
INDEFINITE_P = {GROUP_I: 0.55, GROUP_II: 0.40, GROUP_III: 0.20}
ELDERLY_INDEFINITE_P = 0.75
REEXAMINATION_WITHIN_DAYS = 3 * 365  # a third falls due in the reference year
MAX_STATUS_AGE_YEARS = 25
ADULT_AGE_WEIGHT_SCALE = 25.0  # within a stratum, odds grow by e every 25 years of age
GROUP_I_CARER_P = 0.6
HOME_SCHOOLING_WEIGHT = 3.0  # for a child with a mobility or intellectual limitation

_EPOCH = dt.date(1970, 1, 1)  # dates are days since then


@dataclass
class Disabilities:
    person: np.ndarray  # index into Persons, ascending
    category: np.ndarray
    cause: np.ndarray
    since: np.ndarray  # days since 1970
    until: np.ndarray  # days since 1970; meaningless where indefinite
    indefinite: np.ndarray
    loss_pct: np.ndarray  # meaningless for children
    limitations: np.ndarray  # one column per LIMITATIONS
    home_schooled: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


@dataclass
class CareLinks:
    carer: np.ndarray  # index into Persons
    cared: np.ndarray
    relation: np.ndarray
    since: np.ndarray  # days since 1970


def pick_by_quota(
    rng: np.random.Generator,
    strata: np.ndarray,
    quota: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Positions of exactly quota[s] items of each stratum s, drawn without replacement; with
    weights, an item's chance rises with its weight (Efraimidis–Spirakis keys)."""
    counts = np.bincount(strata, minlength=len(quota))
    if (counts < quota).any():
        raise ValueError(f"a stratum is smaller than its quota: {counts} < {quota}")
    keys = rng.random(len(strata))
    if weights is not None:
        keys = np.log(keys) / weights
    order = np.argsort(-keys)
    order = order[np.argsort(strata[order], kind="stable")]
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(order)) - np.repeat(starts, counts)
    return np.sort(order[rank < quota[strata[order]]])


def _choose(rng: np.random.Generator, candidates: np.ndarray, count: int) -> np.ndarray:
    return np.sort(rng.choice(candidates, size=count, replace=False))


def select_children(
    families: Families, persons: Persons, quotas: Quotas, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Children with disabilities: those raised by parents, and those raised by guardians."""
    minor_child = (persons.role == CHILD) & (persons.age < ADULT_AGE)
    # Siblings are stored youngest first, so a family's minors are its first children.
    minors = np.bincount(persons.family[minor_child], minlength=len(families))
    taken = np.zeros(len(families), dtype=bool)
    siblings = []
    for per_family in sorted(quotas.families_by_children, reverse=True):
        if per_family == 1:
            continue
        chosen = _choose(
            rng,
            np.flatnonzero((minors >= per_family) & ~taken),
            quotas.families_by_children[per_family],
        )
        taken[chosen] = True
        offset = (rng.random(len(chosen)) * (minors[chosen] - per_family + 1)).astype(int)
        first = families.first_child[chosen] + offset
        siblings.append((first[:, None] + np.arange(per_family)).ravel())

    grandchildren = _one_child_each(
        families, families.kind == Kind.KINSHIP_CARE, families.children, rng
    )
    with_guardian = _choose(rng, grandchildren, quotas.children_raised_by_guardians)

    school_age_so_far = sum(
        int((persons.age[chosen] >= SCHOOL_AGE).sum()) for chosen in [*siblings, with_guardian]
    )
    only_children = _one_child_each(families, (minors >= 1) & ~taken, minors, rng)
    single = quotas.families_by_children[1]
    school_age = min(max(quotas.children_school_age - school_age_so_far, 0), single)
    is_school_age = (persons.age[only_children] >= SCHOOL_AGE).astype(np.int8)
    picked = pick_by_quota(rng, is_school_age, np.array([single - school_age, school_age]))
    with_parents = np.sort(np.concatenate([*siblings, only_children[picked]]))
    return with_parents, with_guardian


def _one_child_each(
    families: Families, eligible: np.ndarray, children: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One of the first children[f] children of each eligible family f, at random."""
    chosen = np.flatnonzero(eligible)
    return families.first_child[chosen] + (rng.random(len(chosen)) * children[chosen]).astype(int)


def adult_quotas(quotas: Quotas, children_male: int, children_urban: int) -> np.ndarray:
    """Quota per stratum elderly × 4 + female × 2 + urban, meeting every total exactly."""
    by_band = np.array([quotas.working_age, quotas.elderly])
    adults = int(by_band.sum())
    male = quotas.pwd_male - children_male
    urban = quotas.pwd_urban - children_urban
    male_working = round(by_band[0] * male / adults)
    by_band_sex = np.array(
        [
            [male_working, by_band[0] - male_working],
            [male - male_working, by_band[1] - male + male_working],
        ]
    )
    cells = by_band_sex.ravel()
    urban_cells = np.rint(cells * urban / adults).astype(np.int64)
    urban_cells[-1] = urban - urban_cells[:-1].sum()
    urban_cells = np.clip(urban_cells, 0, cells)
    return np.stack([cells - urban_cells, urban_cells], axis=1).ravel()


def select_adults(
    families: Families, persons: Persons, quotas: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    adults = np.flatnonzero(persons.age >= ADULT_AGE)
    age = persons.age[adults]
    strata = (
        (age >= ELDERLY_AGE) * 4
        + persons.female[adults] * 2
        + families.urban[persons.family[adults]]
    ).astype(np.int8)
    weights = np.exp((age - ADULT_AGE) / ADULT_AGE_WEIGHT_SCALE)
    return adults[pick_by_quota(rng, strata, quotas, weights)]


def select_persons_with_disabilities(
    families: Families, persons: Persons, quotas: Quotas, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Every person with a disability (ascending), and which of them a guardian raises."""
    with_parents, with_guardian = select_children(families, persons, quotas, rng)
    children = np.concatenate([with_parents, with_guardian])
    children_male = int((~persons.female[children]).sum())
    children_urban = int(families.urban[persons.family[children]].sum())
    adults = select_adults(
        families, persons, adult_quotas(quotas, children_male, children_urban), rng
    )
    everyone = np.concatenate([children, adults])
    order = np.argsort(everyone)
    raised_by_guardian = np.zeros(len(everyone), dtype=bool)
    raised_by_guardian[len(with_parents) : len(children)] = True
    return everyone[order], raised_by_guardian[order]


def _categorical_rows(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """One category per row of probabilities."""
    cdf = np.cumsum(p, axis=1)
    return (rng.random(len(p))[:, None] * cdf[:, -1:] >= cdf).sum(axis=1).astype(np.int8)


def _eighteenth_birthdays(birth_days: np.ndarray) -> np.ndarray:
    days = birth_days.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    shifted = (months.astype("datetime64[Y]") + np.timedelta64(18, "Y")).astype("datetime64[M]")
    shifted += months - months.astype("datetime64[Y]").astype("datetime64[M]")
    return (shifted.astype("datetime64[D]") + (days - months)).astype(np.int32)


def describe_statuses(
    persons: Persons,
    person: np.ndarray,
    quotas: Quotas,
    rng: np.random.Generator,
    as_of: dt.date,
) -> Disabilities:
    age = persons.age[person]
    profile = np.where(
        age < ADULT_AGE,
        CHILD_PROFILE,
        np.where(
            age >= ELDERLY_AGE,
            ELDERLY_PROFILE,
            np.where(persons.role[person] == CHILD, ADULT_CHILD_PROFILE, WORKING_PROFILE),
        ),
    )
    category = _categorical_rows(rng, CATEGORY_P[profile])
    cause = _categorical_rows(rng, CAUSE_P[profile])
    limitations = rng.random((len(person), len(LIMITATIONS))) < LIMITATION_P[profile]
    # Every status names at least one limitation: give the rest one, as likely as the profile's.
    none = np.flatnonzero(~limitations.any(axis=1))
    limitations[none, _categorical_rows(rng, LIMITATION_P[profile[none]])] = True

    loss_pct = np.zeros(len(person), dtype=np.int16)
    indefinite = np.zeros(len(person), dtype=bool)
    draw = rng.random(len(person))
    for group, (low, high) in LOSS_TENS.items():
        members = category == group
        loss_pct[members] = rng.integers(low, high + 1, size=members.sum()) * 10
        indefinite[members] = draw[members] < np.where(
            profile[members] == ELDERLY_PROFILE, ELDERLY_INDEFINITE_P, INDEFINITE_P[group]
        )

    birth = persons.birth_days[person]
    since, until = _status_dates(birth, age < ADULT_AGE, rng, (as_of - _EPOCH).days)
    children_school_age = np.flatnonzero((age >= SCHOOL_AGE) & (age < ADULT_AGE))
    weights = np.where(
        limitations[children_school_age][:, [0, 4]].any(axis=1), HOME_SCHOOLING_WEIGHT, 1.0
    )
    home_schooled = np.zeros(len(person), dtype=bool)
    home_schooled[
        children_school_age[
            pick_by_quota(
                rng,
                np.zeros(len(children_school_age), dtype=np.int8),
                np.array([quotas.home_schooled]),
                weights,
            )
        ]
    ] = True
    return Disabilities(
        person=person,
        category=category,
        cause=cause,
        since=since,
        until=until,
        indefinite=indefinite,
        loss_pct=loss_pct,
        limitations=limitations,
        home_schooled=home_schooled,
    )


def _status_dates(
    birth: np.ndarray, child: np.ndarray, rng: np.random.Generator, today: int
) -> tuple[np.ndarray, np.ndarray]:
    """Established some time before ``today`` (days since 1970; a child's since birth, an
    adult's since turning 18, at most 25 years back); re-examined within three years after it,
    a child's by 18."""
    eighteenth = _eighteenth_birthdays(birth)
    earliest = np.where(child, birth, eighteenth)
    earliest = np.maximum(earliest, today - MAX_STATUS_AGE_YEARS * 365)
    span = np.maximum(today - earliest, 1)
    # Recent decisions are more common than old ones: the square pulls dates towards today.
    since = today - 1 - (rng.random(len(birth)) ** 2 * span).astype(np.int32)
    since = np.maximum(since, birth)
    until = today + (rng.random(len(birth)) * REEXAMINATION_WITHIN_DAYS).astype(np.int32)
    until = np.where(child, np.minimum(until, eighteenth - 1), until)
    return since.astype(np.int32), np.maximum(until, since).astype(np.int32)


def link_carers(
    families: Families,
    persons: Persons,
    statuses: Disabilities,
    raised_by_guardian: np.ndarray,
    rng: np.random.Generator,
    as_of: dt.date,
) -> CareLinks:
    """A parent (the mother where there is one) for each child raised by parents; the head of
    the household as guardian for a grandchild; for some adults of group I, a family member."""
    person = statuses.person
    family = persons.family[person]
    head = families.start[family]
    spouse = np.where(families.has_spouse[family], head + 1, -1)
    mother = np.where(persons.female[head] | (spouse < 0), head, spouse)
    role = persons.role[person]
    is_child = statuses.category == CHILD_CATEGORY

    adult_carer = np.select(
        [role == HEAD, role == SPOUSE, role == CHILD, role == OTHER],
        [spouse, head, mother, head],
    )
    cared_adult = (
        (statuses.category == GROUP_I)
        & (adult_carer >= 0)
        & (rng.random(len(person)) < GROUP_I_CARER_P)
    )
    from_childhood_at_home = (role == CHILD) & (statuses.cause == FROM_CHILDHOOD)

    carer = np.where(is_child, np.where(raised_by_guardian, head, mother), adult_carer)
    relation = np.where(
        is_child,
        np.where(raised_by_guardian, GUARDIAN, PARENT),
        np.where(from_childhood_at_home, PARENT, OTHER_CARER),
    ).astype(np.int8)
    birth = persons.birth_days[person]
    today = (as_of - _EPOCH).days
    guardian_since = birth + (rng.random(len(person)) * (today - birth)).astype(np.int32)
    since = np.where(
        is_child, np.where(raised_by_guardian, guardian_since, birth), statuses.since
    ).astype(np.int32)
    linked = is_child | cared_adult
    return CareLinks(
        carer=carer[linked], cared=person[linked], relation=relation[linked], since=since[linked]
    )
