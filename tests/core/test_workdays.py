"""Working days beyond the last year whose moving holidays the country's file lists: counted
with the fixed holidays, never later than the true day, and marked provisional."""

from __future__ import annotations

import datetime as dt

from inclusio import countries
from inclusio.core.workdays import (
    holidays_known_through,
    is_provisional,
    is_working_day,
    working_days_after,
)


def test_every_listed_year_has_its_kurban_ait_and_no_later_year_is_guessed() -> None:
    _fixed, dated = countries.holidays("kz")
    last = holidays_known_through("kz")
    assert {int(day[:4]) for day in dated} == set(range(2024, last + 1))
    assert not is_provisional(dt.date(last, 12, 31))
    assert is_provisional(dt.date(last + 1, 1, 1))


def test_a_later_year_counts_its_fixed_holidays_and_weekends() -> None:
    # 2028: 1 and 2 January (Saturday, Sunday), 7 January (Friday), 8 March (Wednesday).
    assert not is_working_day(dt.date(2028, 1, 7))
    assert not is_working_day(dt.date(2028, 3, 8))
    assert is_working_day(dt.date(2028, 3, 9))
    # Thursday 6 January 2028: Friday is Christmas, so the next working day is Monday.
    assert working_days_after(dt.date(2028, 1, 6), 1) == dt.date(2028, 1, 10)


def test_a_period_crossing_into_an_unlisted_year_is_counted_and_marked_provisional() -> None:
    # Whatever year the file lists last: 20 working days from 20 December run into the next.
    last = holidays_known_through("kz")
    counted = working_days_after(dt.date(last, 12, 20), 20)
    assert counted.year == last + 1
    assert is_provisional(counted)
    assert not is_provisional(working_days_after(dt.date(last, 11, 2), 20))
