"""Employment and monthly income, plausible by age, residence and disability.

Illustrative, not statistics: employment rates by age band, lower for persons with disabilities
by group; wages log-normal around ₸260,000 a month (higher in towns); pensions for the elderly
who do not work; some informal earnings among working-age adults without a job. Income here is
earnings and pensions only. The state benefits paid in the reference month (``benefits_paid``)
are set apart, as the population register reports them by source: a family means test counts or
disregards each.
"""

from __future__ import annotations

import numpy as np

from inclusio.synthetic.disability import CHILD_CATEGORY, GROUP_I, CareLinks, Disabilities
from inclusio.synthetic.figures import ADULT_AGE, ELDERLY_AGE, REFERENCE_DATE
from inclusio.synthetic.population import MAX_AGE, Families, Persons

# (first age of the band, employment rate); ages under 18 never work here.
EMPLOYMENT_BY_AGE = [(0, 0.0), (ADULT_AGE, 0.45), (25, 0.78), (55, 0.60), (ELDERLY_AGE, 0.07)]
# Employment rate of persons with disabilities of working age, by group I, II, III.
PWD_EMPLOYMENT_BY_GROUP = np.array([0.05, 0.18, 0.35, 0.0])
PWD_ELDERLY_EMPLOYMENT = 0.02
MEDIAN_WAGE = 260_000
WAGE_SIGMA = 0.55
URBAN_WAGE_FACTOR = 1.15
PENSION_MEAN, PENSION_SD, PENSION_MIN = 115_000, 30_000, 60_000
INFORMAL_EARNINGS_P = 0.25
INFORMAL_EARNINGS_RANGE = (30_000, 150_000)
ROUNDING_KZT = 100


def employment_rates(persons: Persons, statuses: Disabilities) -> np.ndarray:
    by_age = np.zeros(MAX_AGE + 1)
    for first_age, rate in EMPLOYMENT_BY_AGE:
        by_age[first_age:] = rate
    rates = by_age[persons.age]
    elderly = persons.age[statuses.person] >= ELDERLY_AGE
    rates[statuses.person] = np.where(
        elderly, PWD_ELDERLY_EMPLOYMENT, PWD_EMPLOYMENT_BY_GROUP[statuses.category]
    )
    rates[statuses.person[statuses.category == CHILD_CATEGORY]] = 0.0
    return rates


def draw_incomes(
    families: Families, persons: Persons, statuses: Disabilities, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Employed or not, and monthly income in whole tenge, per person."""
    n = len(persons)
    employed = rng.random(n, dtype=np.float32) < employment_rates(persons, statuses)
    income = np.zeros(n, dtype=np.int64)

    workers = np.flatnonzero(employed)
    factor = np.where(families.urban[persons.family[workers]], URBAN_WAGE_FACTOR, 1.0)
    income[workers] = MEDIAN_WAGE * factor * rng.lognormal(0.0, WAGE_SIGMA, len(workers))

    pensioners = np.flatnonzero(~employed & (persons.age >= ELDERLY_AGE))
    income[pensioners] = np.maximum(
        rng.normal(PENSION_MEAN, PENSION_SD, len(pensioners)), PENSION_MIN
    )

    idle = ~employed & (persons.age >= ADULT_AGE) & (persons.age < ELDERLY_AGE)
    informal = np.flatnonzero(idle & (rng.random(n, dtype=np.float32) < INFORMAL_EARNINGS_P))
    income[informal] = rng.integers(*INFORMAL_EARNINGS_RANGE, size=len(informal))
    return employed, income // ROUNDING_KZT * ROUNDING_KZT


# The benefits paid in the reference month, as the country's programmes compute them (their
# coefficients illustrative like theirs): the disability benefit by group I, II, III (a child's
# is paid to its carer) and, to the earliest carer of each cared person, the carer's benefit for
# a child or the allowance for a group I adult.
SUBSISTENCE_MINIMUM = 43_407  # 2024
DISABILITY_BENEFIT_COEFFICIENTS = np.array([1.40, 1.16, 0.88, 0.0])  # I, II, III, child
CHILD_CARER_COEFFICIENT = 1.61
GROUP1_CARER_ALLOWANCE = 40_000


def benefits_paid(
    persons: Persons, statuses: Disabilities, care: CareLinks
) -> tuple[np.ndarray, np.ndarray]:
    """Per person, the disability benefit and the carer's benefit or allowance paid in the
    reference month, in whole tenge (0 for none). Drawn from nothing random: the other columns
    of a seed stay what they were."""
    n = len(persons)
    day = (REFERENCE_DATE - REFERENCE_DATE.replace(year=1970, month=1, day=1)).days
    valid = (statuses.since <= day) & (statuses.indefinite | (statuses.until >= day))
    category = np.full(n, -1)
    category[statuses.person[valid]] = statuses.category[valid]
    disability_benefit = np.zeros(n, dtype=np.int64)
    paid = statuses.person[valid]
    disability_benefit[paid] = np.rint(
        DISABILITY_BENEFIT_COEFFICIENTS[statuses.category[valid]] * SUBSISTENCE_MINIMUM
    )

    carer_allowance = np.zeros(n, dtype=np.int64)
    order = np.lexsort((care.carer, care.since, care.cared))
    cared = care.cared[order]
    earliest = order[np.r_[True, cared[1:] != cared[:-1]]] if len(order) else order
    cared_category = category[care.cared[earliest]]
    amount = np.where(
        cared_category == CHILD_CATEGORY,
        round(CHILD_CARER_COEFFICIENT * SUBSISTENCE_MINIMUM),
        np.where(cared_category == GROUP_I, GROUP1_CARER_ALLOWANCE, 0),
    )
    np.add.at(carer_allowance, care.carer[earliest], amount.astype(np.int64))
    return disability_benefit, carer_allowance
