"""The Quartz cron expressions of a subscription's ``frequency``, read in the platform's time
zone (Asia/Almaty)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from inclusio.interop import schedule

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("expression", "after", "fires"),
    [
        # The standard's example: at midnight on the 5th and the 15th.
        ("0 0 0 5,15 * ? *", at(2026, 12, 5, 10, 0), at(2026, 12, 15)),
        ("0 0 0 5,15 * ? *", at(2026, 12, 20), at(2027, 1, 5)),
        # Strictly after: a time that is the schedule's own is followed by the next one.
        ("0 0 0 5,15 * ? *", at(2026, 12, 15), at(2027, 1, 5)),
        ("0 */15 * * * ?", at(2026, 12, 2, 9, 7, 30), at(2026, 12, 2, 9, 15)),
        ("0 0 9 ? * MON-FRI", at(2026, 12, 4, 9, 0, 1), at(2026, 12, 7, 9)),  # Fri → Mon
        ("0 0 9 ? * 1", at(2026, 12, 2), at(2026, 12, 6, 9)),  # Quartz's 1 is Sunday
        ("0 30 18 1-3 * ? *", at(2026, 12, 3, 19), at(2027, 1, 1, 18, 30)),
        ("0 0 0 29 FEB ? *", at(2026, 3, 1), at(2028, 2, 29)),
        ("0 0 0 1 JUL ? 2027", at(2026, 12, 2), at(2027, 7, 1)),
    ],
)
def test_the_next_time_a_schedule_fires(
    expression: str, after: dt.datetime, fires: dt.datetime
) -> None:
    assert schedule.parse(expression).next_after(after) == fires


def test_a_time_in_another_zone_is_read_in_the_platforms() -> None:
    utc_evening = dt.datetime(2026, 12, 4, 19, 30, tzinfo=dt.UTC)  # 5 December 00:30 in Almaty
    assert schedule.parse("0 0 0 5,15 * ? *").next_after(utc_evening) == at(2026, 12, 15)


def test_a_schedule_whose_years_are_past_never_fires() -> None:
    assert schedule.parse("0 0 0 1 1 ? 2020").next_after(at(2026, 12, 2)) is None


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "0 0 0 5,15 *",  # five fields
        "0 0 0 5 * MON *",  # both days restricted
        "0 0 0 L * ? *",  # Quartz's last day: refused, not guessed
        "0 0 0 ? * 6#3 *",
        "0 0 0 15W * ? *",
        "60 0 0 1 * ? *",
        "0 0 24 1 * ? *",
        "0 0 0 32 * ? *",
        "0 0 0 1 13 ? *",
        "0 */0 0 1 * ? *",
        "0 0 0 10-5 * ? *",
        "0 0 0 1,,2 * ? *",
        "0 0 0 1 FOO ? *",
        "0 0 0 ١ * ? *",  # an Arabic-Indic digit is a digit to Python, not to cron
        "0 " * 70,
    ],
)
def test_what_cannot_be_read_is_refused(expression: str) -> None:
    with pytest.raises(schedule.CronInvalid):
        schedule.parse(expression)


def _next_after_by_every_day(cron: schedule.Cron, moment: dt.datetime) -> dt.datetime | None:
    """The former ``Cron.next_after``, kept as the oracle: every time of a day built and
    sorted, then the days walked one by one through the horizon."""
    local = timezone.localtime(moment).replace(microsecond=0) + dt.timedelta(seconds=1)
    zone = local.tzinfo
    times = sorted(
        dt.time(hour, minute, second)
        for hour in cron.hours
        for minute in cron.minutes
        for second in cron.seconds
    )
    for offset in range(schedule.HORIZON_DAYS):
        day = local.date() + dt.timedelta(days=offset)
        if not (
            day.month in cron.months
            and (cron.years is None or day.year in cron.years)
            and (cron.days is None or day.day in cron.days)
            and (cron.weekdays is None or day.weekday() in cron.weekdays)
        ):
            continue
        earliest = local.time().replace(tzinfo=None) if offset == 0 else dt.time.min
        fire = next((time for time in times if time >= earliest), None)
        if fire is not None:
            return dt.datetime.combine(day, fire, tzinfo=zone)
    return None


def _some(values: range, most: int) -> st.SearchStrategy[frozenset[int]]:
    return st.frozensets(st.sampled_from(values), min_size=1, max_size=most)


@st.composite
def crons(draw: st.DrawFn) -> schedule.Cron:
    restricted = draw(st.sampled_from(["neither", "days", "weekdays"]))
    return schedule.Cron(
        seconds=draw(_some(range(60), 4)),
        minutes=draw(_some(range(60), 4)),
        hours=draw(_some(range(24), 4)),
        days=draw(_some(range(1, 32), 3)) if restricted == "days" else None,
        months=draw(_some(range(1, 13), 4) | st.just(frozenset(range(1, 13)))),
        weekdays=draw(_some(range(7), 3)) if restricted == "weekdays" else None,
        years=draw(st.none() | _some(range(2018, 2036), 3)),
    )


@settings(max_examples=300, deadline=None)
@given(
    cron=crons(),
    moment=st.datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2032, 12, 31),
        timezones=st.just(ALMATY),
    ),
)
def test_the_next_time_is_the_one_a_walk_through_every_day_finds(
    cron: schedule.Cron, moment: dt.datetime
) -> None:
    # Times near the end of a day, a month or a year are where a direct computation slips.
    assert cron.next_after(moment) == _next_after_by_every_day(cron, moment)


@settings(max_examples=100, deadline=None)
@given(
    cron=crons(),
    moment=st.sampled_from(
        [at(2026, 12, 31, 23, 59, 59), at(2027, 2, 28, 23, 59, 30), at(2028, 2, 29, 23, 0)]
    ),
)
def test_the_next_time_from_the_last_moments_of_a_period(
    cron: schedule.Cron, moment: dt.datetime
) -> None:
    assert cron.next_after(moment) == _next_after_by_every_day(cron, moment)
