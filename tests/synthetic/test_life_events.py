"""The synthetic life events: rates of the order stated, by age, and the same draws for a seed."""

from __future__ import annotations

import numpy as np

from inclusio.synthetic import life

N = 400_000


def draw(age: int, *, disability: bool = False, seed: int = 1) -> life.LifeEvents:
    ages = np.full(N, age)
    return life.draw_life_events(ages, np.full(N, disability), np.random.default_rng(seed))


def per_mille_a_year(none: np.ndarray) -> float:
    return float(1000 * (~none).mean() / life.YEARS)


def test_deaths_follow_the_age_group_and_disability() -> None:
    child, adult, older, elderly = draw(8), draw(30), draw(50), draw(75)
    assert 0.3 < per_mille_a_year(child.no_death) < 1.0
    assert 1.0 < per_mille_a_year(adult.no_death) < 2.0
    assert 5.5 < per_mille_a_year(older.no_death) < 8.5
    assert 35 < per_mille_a_year(elderly.no_death) < 42
    with_disability = draw(50, disability=True)
    assert 12 < per_mille_a_year(with_disability.no_death) < 16


def test_emigration_is_small_and_imprisonment_very_rare_and_adult() -> None:
    adult, child, elderly = draw(30), draw(10), draw(70)
    assert 0.9 < per_mille_a_year(adult.no_emigration) < 1.5
    assert 0.15 < per_mille_a_year(adult.no_imprisonment) < 0.45
    assert child.no_imprisonment.all() and elderly.no_imprisonment.all()


def test_events_agree_with_each_other() -> None:
    events = draw(75)
    assert not (~events.no_death & ~events.no_emigration).any()
    # From the day after the reference date: everyone drawn is alive and resident on it, so the
    # figures of that day (death or emigration after it) count them all.
    window = (life.FIRST_DAY + 1, life.FIRST_DAY + 1 + life.DAYS)
    for day, none in ((events.death, events.no_death), (events.emigration, events.no_emigration)):
        assert ((window[0] <= day[~none]) & (day[~none] < window[1])).all()
        assert (day[~none] > life.FIRST_DAY).all()
    adult = draw(40)
    released = ~adult.no_release
    assert not (released & adult.no_imprisonment).any()
    assert (adult.release[released] > adult.imprisonment[released]).all()


def test_the_same_seed_draws_the_same_events() -> None:
    first, again, other = draw(60, seed=5), draw(60, seed=5), draw(60, seed=6)
    assert (first.death == again.death).all() and (first.no_death == again.no_death).all()
    assert not (first.no_death == other.no_death).all()
