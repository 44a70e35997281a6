"""Working days: what a statutory period counted in working days skips.

Saturdays, Sundays and the country's public holidays (``countries/<c>/holidays.json``) are not
working days. A period of N working days after a day ends on the N-th working day after it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from inclusio import countries


def is_working_day(day: dt.date, country: str | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    fixed, dated = countries.holidays(country or settings.COUNTRY)
    return day.strftime("%m-%d") not in fixed and day.isoformat() not in dated


def working_days_after(start: dt.date, working_days: int, country: str | None = None) -> dt.date:
    """The day ``working_days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = working_days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, country):
            remaining -= 1
    return day
