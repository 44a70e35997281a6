"""Working days: what a statutory period counted in working days skips.

Saturdays, Sundays and the country's public holidays (``countries/<c>/holidays.json``) are not
working days. A period of N working days after a day ends on the N-th working day after it.

The fixed holidays are known for every year; the moving ones (Kurban Ait, and the days off the
government moves by its yearly decree) only up to the file's ``dated_known_through`` year. A
period that runs past that year is still counted, with the fixed holidays alone, rather than
refused: the day it gives can only be earlier than the true one (a holiday not yet known can
only push the end later), so a body's deadline is never set later than the law allows, and it
is marked provisional (``is_provisional``) wherever it is shown, until the file is updated.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from inclusio import countries


def is_working_day(day: dt.date, country: str | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    return day not in countries.holidays_in(country or settings.COUNTRY, day.year)


def holidays_known_through(country: str | None = None) -> int:
    return countries.holidays_known_through(country or settings.COUNTRY)


def is_provisional(day: dt.date, country: str | None = None) -> bool:
    """Whether a period ending on ``day`` was counted without the moving holidays of its
    year (not yet set), so that the true end may be a working day or two later."""
    return day.year > holidays_known_through(country)


def working_days_after(start: dt.date, working_days: int, country: str | None = None) -> dt.date:
    """The day ``working_days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = working_days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, country):
            remaining -= 1
    return day
