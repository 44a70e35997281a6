"""The ``frequency`` of a DCI subscription: a Quartz cron expression, as the standard's
``EventFrequency`` example ``"0 0 0 5,15 * ? *"`` (at midnight on the 5th and the 15th).

Fields, in order: seconds, minutes, hours, day of month, month, day of week and an optional
year. Each is ``*``, a value, a range ``a-b``, a step ``*/n`` or ``a/n`` or ``a-b/n``, or a list
of those; months may be named ``JAN``–``DEC``, days of the week ``SUN``–``SAT`` (Quartz counts
them 1–7 from Sunday). Day of month and day of week cannot both be restricted: one of them is
``?`` (or ``*``). Quartz's ``L``, ``W`` and ``#`` (last day, nearest weekday, n-th weekday) are
refused rather than read approximately. Times are read in the platform's time zone
(``TIME_ZONE``), where the ministry's day runs.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

MAX_LENGTH = 120
# How far ahead a next time is looked for: a schedule that never fires within it is refused.
HORIZON_DAYS = 5 * 366

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


class CronInvalid(ValueError):
    """The expression cannot be read; the message says which field (untranslated: the caller
    words the refusal)."""


@dataclass(frozen=True)
class Cron:
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # None: any day of the month
    months: frozenset[int]
    weekdays: frozenset[int] | None  # Python's weekday(): Monday 0 … Sunday 6; None: any
    years: frozenset[int] | None  # None: any year

    def _day_matches(self, day: dt.date) -> bool:
        return (self.days is None or day.day in self.days) and (
            self.weekdays is None or day.weekday() in self.weekdays
        )

    def _first_time_from(self, earliest: dt.time) -> dt.time | None:
        """The first time of a firing day at or after ``earliest``; None when the day's times
        are all before it. Each field is looked up once in its sorted values, from the hour
        down: a later hour (or minute) than ``earliest``'s starts at the smallest minute (or
        second)."""
        hours, minutes, seconds = sorted(self.hours), sorted(self.minutes), sorted(self.seconds)
        for hour in hours[bisect.bisect_left(hours, earliest.hour) :]:
            if hour > earliest.hour:
                return dt.time(hour, minutes[0], seconds[0])
            for minute in minutes[bisect.bisect_left(minutes, earliest.minute) :]:
                if minute > earliest.minute:
                    return dt.time(hour, minute, seconds[0])
                index = bisect.bisect_left(seconds, earliest.second)
                if index < len(seconds):
                    return dt.time(hour, minute, seconds[index])
        return None

    def _next_day(self, day: dt.date, end: dt.date) -> dt.date | None:
        """The first firing day from ``day`` on, before ``end``: a year or a month the schedule
        skips is passed whole, so only the days of its months are looked at one by one."""
        while day < end:
            if self.years is not None and day.year not in self.years:
                day = dt.date(day.year + 1, 1, 1)
            elif day.month not in self.months:
                day = (
                    dt.date(day.year + 1, 1, 1)
                    if day.month == 12
                    else dt.date(day.year, day.month + 1, 1)
                )
            elif self._day_matches(day):
                return day
            else:
                day += dt.timedelta(days=1)
        return None

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        """The first time strictly after ``moment`` the schedule fires, within the horizon."""
        local = timezone.localtime(moment).replace(microsecond=0) + dt.timedelta(seconds=1)
        zone, today = local.tzinfo, local.date()
        end = today + dt.timedelta(days=HORIZON_DAYS)
        if self._next_day(today, end) == today:
            fire = self._first_time_from(local.time().replace(tzinfo=None))
            if fire is not None:
                return dt.datetime.combine(today, fire, tzinfo=zone)
        day = self._next_day(today + dt.timedelta(days=1), end)
        if day is None:
            return None
        return dt.datetime.combine(
            day, dt.time(min(self.hours), min(self.minutes), min(self.seconds)), tzinfo=zone
        )


def _value(text: str, low: int, high: int, names: tuple[str, ...], first: int) -> int:
    if text.upper() in names:
        return names.index(text.upper()) + first
    if not text.isascii() or not text.isdigit():
        raise CronInvalid(text)
    value = int(text)
    if not low <= value <= high:
        raise CronInvalid(text)
    return value


def _field(
    text: str, low: int, high: int, names: tuple[str, ...] = (), first: int = 0
) -> frozenset[int] | None:
    """The values a field allows; None for ``*`` or ``?`` (any)."""
    if text in ("*", "?"):
        return None
    values: set[int] = set()
    for part in text.split(","):
        spread, _, step_text = part.partition("/")
        step = _value(step_text, 1, high - low + 1, (), 0) if step_text else 1
        if spread == "*":
            start, end = low, high
        elif "-" in spread:
            start_text, _, end_text = spread.partition("-")
            start = _value(start_text, low, high, names, first)
            end = _value(end_text, low, high, names, first)
        else:
            start = _value(spread, low, high, names, first)
            end = high if step_text else start
        if start > end:
            raise CronInvalid(part)
        values.update(range(start, end + 1, step))
    return frozenset(values)


def parse(expression: str) -> Cron:
    """Read a Quartz cron expression, or raise :class:`CronInvalid`."""
    if len(expression) > MAX_LENGTH:
        raise CronInvalid("too long")
    fields = expression.split()
    if len(fields) not in (6, 7):
        raise CronInvalid("six or seven fields")
    # Names such as JUL or WED hold an L or a W: they are set aside before looking.
    if any(mark in _strip_names(field) for field in fields for mark in "LW#"):
        raise CronInvalid("L, W and # are not read")
    seconds, minutes, hours, days, months, weekdays = fields[:6]
    day_set = _field(days, 1, 31)
    weekday_set = _field(weekdays, 1, 7, _WEEKDAYS, 1)
    if day_set is not None and weekday_set is not None:
        raise CronInvalid("day of month or day of week is ?")
    year_set = _field(fields[6], 1970, 2199) if len(fields) == 7 else None
    return Cron(
        seconds=_field(seconds, 0, 59) or frozenset(range(60)),
        minutes=_field(minutes, 0, 59) or frozenset(range(60)),
        hours=_field(hours, 0, 23) or frozenset(range(24)),
        days=day_set,
        months=_field(months, 1, 12, _MONTHS, 1) or frozenset(range(1, 13)),
        # Quartz's 1 (Sunday) … 7 (Saturday) as Python's Monday 0 … Sunday 6.
        weekdays=None
        if weekday_set is None
        else frozenset((value - 2) % 7 for value in weekday_set),
        years=year_set,
    )


def _strip_names(field: str) -> str:
    upper = field.upper()
    for name in (*_MONTHS, *_WEEKDAYS):
        upper = upper.replace(name, "")
    return upper
