"""Life events of the synthetic population: deaths, emigration, imprisonment and release.

The population is the one alive and resident on the reference date (the national figures are of
that day); its events are drawn over the ``YEARS`` that follow, as the population register would
have recorded them since. So the figures of the reference date hold whatever the events, and a
screening of a later date finds some persons dead, gone or imprisoned. The rates are
illustrative, of the order of Kazakhstan's: deaths per mille a year by age group (higher with a
disability), a small emigration rate, imprisonment very rare.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from inclusio.synthetic.figures import REFERENCE_DATE

YEARS = 2
DAYS = 365 * YEARS
FIRST_DAY = (REFERENCE_DATE - dt.date(1970, 1, 1)).days  # days since 1970, as the dates
# Annual deaths per mille by age on the reference date: (from age, rate).
DEATHS_PER_MILLE = ((0, 0.6), (15, 1.5), (45, 7.0), (65, 40.0))
DISABILITY_MORTALITY = 2.0  # a person with a disability dies twice as often (illustrative)
EMIGRATION_PER_MILLE = 1.2  # a year, everyone
IMPRISONMENT_PER_MILLE = 0.3  # a year, adults of 18-64 only
ADULT, ELDERLY = 18, 65
SENTENCE_DAYS = (180, 1800)  # a spell's length, drawn uniformly


@dataclass(frozen=True)
class LifeEvents:
    """Per person, days since 1970 of each event, and a mask of where there is none."""

    death: np.ndarray
    no_death: np.ndarray
    emigration: np.ndarray
    no_emigration: np.ndarray
    imprisonment: np.ndarray
    no_imprisonment: np.ndarray
    release: np.ndarray
    no_release: np.ndarray


def _yearly(rate_per_mille: np.ndarray) -> np.ndarray:
    """The chance that an event of this annual rate happens within the ``YEARS``."""
    return 1 - (1 - rate_per_mille / 1000) ** YEARS


def draw_life_events(
    age: np.ndarray,
    with_disability: np.ndarray,
    rng: np.random.Generator,
    *,
    as_of: dt.date = REFERENCE_DATE,
) -> LifeEvents:
    """At most one of death and emigration per person (the earlier); an imprisonment only
    before either; a release only within the ``YEARS`` after ``as_of`` (else the spell lasts)."""
    # From the day after the reference date: on that date itself everyone is alive and resident
    # (the figures of that day count the persons whose death or emigration is after it).
    first_day = (as_of - dt.date(1970, 1, 1)).days + 1
    n = len(age)
    mortality = np.zeros(n)
    for start, rate in DEATHS_PER_MILLE:
        mortality[age >= start] = rate
    mortality[with_disability] *= DISABILITY_MORTALITY

    def day_of(chance: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        happens = rng.random(n) < chance
        day = first_day + rng.integers(0, DAYS, n)
        return day, ~happens

    death, no_death = day_of(_yearly(mortality))
    emigration, no_emigration = day_of(_yearly(np.full(n, EMIGRATION_PER_MILLE)))
    # The first of the two ends the person's life in the register; the other never happens.
    both = ~no_death & ~no_emigration
    no_emigration |= both & (emigration >= death)
    no_death |= both & (death > emigration)

    adult = (age >= ADULT) & (age < ELDERLY)
    imprisoned = np.where(adult, _yearly(np.array(IMPRISONMENT_PER_MILLE)), 0.0)
    imprisonment, no_imprisonment = day_of(imprisoned)
    gone = np.where(no_death, np.inf, death)
    gone = np.minimum(gone, np.where(no_emigration, np.inf, emigration))
    no_imprisonment |= imprisonment >= gone
    release = imprisonment + rng.integers(SENTENCE_DAYS[0], SENTENCE_DAYS[1] + 1, n)
    no_release = no_imprisonment | (release >= first_day + DAYS) | (release >= gone)
    return LifeEvents(
        death,
        no_death,
        emigration,
        no_emigration,
        imprisonment,
        no_imprisonment,
        release,
        no_release,
    )
