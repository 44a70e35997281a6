"""Employment and monthly income, plausible by age, residence and disability.

Illustrative, not statistics: employment rates by age band, lower for persons with disabilities
by group; wages log-normal around ₸260,000 a month (higher in towns); pensions for the elderly
who do not work; some informal earnings among working-age adults without a job. Income here is
earnings and pensions only; state disability benefits are assigned by the platform, not drawn.
"""

from __future__ import annotations

import numpy as np

from inclusio.synthetic.disability import CHILD_CATEGORY, Disabilities
from inclusio.synthetic.figures import ADULT_AGE, ELDERLY_AGE
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
