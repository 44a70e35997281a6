"""The history of the disability statuses: every period a person held a status, back to the
report's first year, written as the snapshot's ``disability_history`` part.

On the reference date the history holds exactly the statuses of ``disability.parquet``. Earlier
it reproduces the yearly figures of figures.py (``PWD_BY_YEAR`` and ``CHILDREN_BY_YEAR`` on
1 January of each year), shifted with the reference date like every figure. Three kinds of
persons make them up:

- persons with a status today who held one before it (renewed at re-examination): each is given
  an onset, the day their first period began, and a period from it to the day before the
  current status (split at the 18th birthday when it began in childhood: a child's period, then
  an adult's). Onsets are drawn by quota, year by year forward from the first year, the children
  of each year first, so that each 1 January counts the year's figures less the persons below;
- children of a year without a status today (it ended at 18, or was not confirmed), when those
  with one today are too few for the year's children: one period each, holding that 1 January;
- adults of 30 and over without a status today whose status ended (not confirmed at
  re-examination): one period each, from before the first year to a day of the year it ended.
  Their number on a year's 1 January is ``FORMER_SHARE_PER_YEAR`` of the year's figure for each
  year back (never more than on the year before).

Vectorised numpy, no loop over persons: a few seconds at national scale.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from inclusio.synthetic.disability import (
    CATEGORY_P,
    CAUSE_P,
    CHILD_CATEGORY,
    CHILD_PROFILE,
    ELDERLY_PROFILE,
    FROM_CHILDHOOD,
    LOSS_TENS,
    MAX_STATUS_AGE_YEARS,
    WORKING_PROFILE,
    Disabilities,
    _categorical_rows,
    _eighteenth_birthdays,
)
from inclusio.synthetic.figures import (
    ADULT_AGE,
    CHILDREN_BY_YEAR,
    ELDERLY_AGE,
    FORMER_SHARE_PER_YEAR,
    PWD_BY_YEAR,
    REFERENCE_DATE,
)
from inclusio.synthetic.population import Persons

_EPOCH = dt.date(1970, 1, 1)  # dates are days since then

FORMER_MIN_AGE = 30  # adults on every day of the history, with room for a period before it
FORMER_LEAD_DAYS = 5 * 365  # a former status began up to five years before the first year


@dataclass
class History:
    """One row per period; dates in days since 1970 (``open`` where the period has no end)."""

    person: np.ndarray  # index into Persons
    category: np.ndarray  # index into disability.CATEGORIES
    cause: np.ndarray
    loss_pct: np.ndarray  # meaningless for children
    valid_from: np.ndarray
    valid_to: np.ndarray
    open: np.ndarray
    reexamination: np.ndarray  # the decision's re-examination date
    indefinite: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


@dataclass(frozen=True)
class Point:
    """A day the history is drawn to, and what it must count then."""

    day: int
    total: int
    children: int | None


def year_day(as_of: dt.date, year: int) -> dt.date:
    """The day standing for a figure's 1 January of ``year`` when the snapshot is drawn as of
    ``as_of``: as many years before it as the year is before the reference date (29 February
    in a year without one is the 28th)."""
    shifted = as_of.year - (REFERENCE_DATE.year - year)
    if (as_of.month, as_of.day) == (2, 29) and not calendar.isleap(shifted):
        return dt.date(shifted, 2, 28)
    return as_of.replace(year=shifted)


def history_from(as_of: dt.date) -> dt.date:
    """The first day the drawn history answers for: the first year's point (``PWD_BY_YEAR``'s
    first 1 January, shifted with the reference date). Earlier days hold only the periods of the
    persons drawn for the points and would be undercounted, so the manifest names this day."""
    return year_day(as_of, min(PWD_BY_YEAR))


def points(scale: float, as_of: dt.date) -> list[Point]:
    """The yearly days, latest first: each figure's 1 January shifted with the reference date."""
    return [
        Point(
            (year_day(as_of, year) - _EPOCH).days,
            round(PWD_BY_YEAR[year] * scale),
            round(CHILDREN_BY_YEAR[year] * scale) if year in CHILDREN_BY_YEAR else None,
        )
        for year in sorted(PWD_BY_YEAR, reverse=True)
    ]


def _pick(rng: np.random.Generator, candidates: np.ndarray, count: int) -> np.ndarray:
    count = max(0, min(count, int(candidates.sum())))
    return rng.choice(np.flatnonzero(candidates), size=count, replace=False)


def _between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A day drawn uniformly from low to high inclusive, element by element."""
    span = np.maximum(high - low + 1, 1)
    return (low + (rng.random(len(low)) * span).astype(np.int64)).astype(np.int32)


def draw_history(
    persons: Persons,
    statuses: Disabilities,
    rng: np.random.Generator,
    *,
    scale: float,
    as_of: dt.date,
) -> History:
    today = (as_of - _EPOCH).days
    days = points(scale, as_of)
    birth = persons.birth_days[statuses.person]
    eighteenth = _eighteenth_birthdays(birth)
    since = statuses.since
    from_childhood = (statuses.category == CHILD_CATEGORY) | (statuses.cause == FROM_CHILDHOOD)
    earliest = np.where(from_childhood, birth, eighteenth)
    earliest = np.minimum(np.maximum(earliest, today - MAX_STATUS_AGE_YEARS * 365), since)

    onset = since.copy()
    held = np.zeros(len(statuses), dtype=bool)  # onset on or before the point being drawn
    formers_at: list[int] = []
    former_children: list[int] = []  # per point, oldest first
    # Oldest point first: a person held on a point holds on every later one too.
    for index, point in reversed(list(enumerate(days))):
        after_older = days[index + 1].day + 1 if index + 1 < len(days) else None
        held |= since <= point.day
        formers = round(point.total * FORMER_SHARE_PER_YEAR * (index + 1))
        if formers_at:  # a former held on this point was held on every older one
            formers = min(formers, formers_at[-1])
        eligible = ~held & (earliest <= point.day)
        child_then = (birth <= point.day) & (eighteenth > point.day)
        picked = []
        shortfall = 0
        if point.children is not None:
            wanted = point.children - int((held & child_then).sum())
            picked.append(_pick(rng, eligible & child_then, wanted))
            # Children of then whose status ended (at 18, or not confirmed) make up the rest.
            shortfall = max(wanted - len(picked[0]), 0)
            eligible &= ~child_then
        else:
            # Children who will count on a later point with a children's figure are kept for it.
            for later in days[:index]:
                if later.children is not None:
                    eligible &= ~((birth <= later.day) & (eighteenth > later.day))
        wanted = point.total - formers - int(held.sum()) - shortfall - sum(len(p) for p in picked)
        picked.append(_pick(rng, eligible, wanted))
        chosen = np.concatenate(picked).astype(np.int64)
        low = earliest[chosen] if after_older is None else np.maximum(earliest[chosen], after_older)
        onset[chosen] = _between(rng, low, np.full(len(chosen), point.day, dtype=np.int32))
        held[chosen] = True
        formers_at.append(point.total - int(held.sum()) - shortfall)
        former_children.append(shortfall)
    # formers_at is oldest first; a former counted on point i is counted on every older one.
    former_counts = np.array(formers_at[::-1])  # latest point first
    history = _join(persons, statuses, onset, eighteenth, days, former_counts, rng, today)
    children = _former_children(persons, statuses.person, days, former_children[::-1], rng, today)
    columns = [
        np.concatenate([getattr(history, name), part])
        for name, part in zip(History.__dataclass_fields__, children, strict=True)
    ]
    order = np.lexsort((columns[4], columns[0]))
    return History(*(column[order] for column in columns))


def _former_children(
    persons: Persons,
    with_status: np.ndarray,
    days: list[Point],
    counts: list[int],
    rng: np.random.Generator,
    today: int,
) -> tuple[np.ndarray, ...]:
    """``counts[i]`` children on point i (latest first) without a status today: one period
    each, holding that point only, ended before they turned 18 or the next point came."""
    without = np.ones(len(persons), dtype=bool)
    without[with_status] = False
    chosen_parts, start_parts, end_parts = [], [], []
    for index, (point, count) in enumerate(zip(days, counts, strict=True)):
        if not count:
            continue
        years_back = index + 1  # the point is this many years before the reference date
        candidates = np.flatnonzero(
            without & (persons.age >= years_back) & (persons.age < ADULT_AGE + years_back)
        )
        drawn = rng.choice(candidates, size=min(4 * count + 100, len(candidates)), replace=False)
        birth = persons.birth_days[drawn]
        turns_18 = _eighteenth_birthdays(birth)
        drawn = drawn[(birth <= point.day) & (turns_18 > point.day)][:count]
        if len(drawn) < count:
            raise ValueError(f"too few children for the history on day {point.day}")
        without[drawn] = False
        birth = persons.birth_days[drawn]
        on_point = np.full(len(drawn), point.day, dtype=np.int32)
        next_point = days[index - 1].day if index else today
        # Held up to two years before the point, ended before 18 or the next point.
        start_parts.append(_between(rng, np.maximum(birth, on_point - 2 * 365), on_point))
        end_parts.append(
            _between(rng, on_point, np.minimum(_eighteenth_birthdays(birth), next_point) - 1)
        )
        chosen_parts.append(drawn)
    chosen = np.concatenate([np.zeros(0, dtype=np.int64), *chosen_parts])
    start = np.concatenate([np.zeros(0, dtype=np.int32), *start_parts])
    end = np.concatenate([np.zeros(0, dtype=np.int32), *end_parts])
    profile = np.full(len(chosen), CHILD_PROFILE)
    closed = np.zeros(len(chosen), dtype=bool)
    return (
        chosen,
        np.full(len(chosen), CHILD_CATEGORY, dtype=np.int8),
        _categorical_rows(rng, CAUSE_P[profile]),
        np.zeros(len(chosen), dtype=np.int16),
        start,
        end,
        closed,
        end,
        closed,
    )


def _join(
    persons: Persons,
    statuses: Disabilities,
    onset: np.ndarray,
    eighteenth: np.ndarray,
    days: list[Point],
    former_counts: np.ndarray,
    rng: np.random.Generator,
    today: int,
) -> History:
    since, person = statuses.since, statuses.person
    is_child = statuses.category == CHILD_CATEGORY
    adult_loss = statuses.loss_pct
    parts: list[tuple[np.ndarray, ...]] = []
    # The current statuses, as on the reference date.
    parts.append(
        (
            person,
            statuses.category,
            statuses.cause,
            adult_loss,
            since,
            statuses.until,
            statuses.indefinite,
            statuses.until,
            statuses.indefinite,
        )
    )
    earlier = onset < since
    # A childhood period: from the onset to the day before the 18th birthday or the current
    # status, whichever comes first (an adult's from childhood, or a child's whole past).
    childhood = earlier & ((eighteenth > onset) | is_child)
    child_end = np.where(is_child, since - 1, np.minimum(eighteenth, since) - 1)
    rows = np.flatnonzero(childhood)
    cause = statuses.cause
    parts.append(_closed(person, rows, CHILD_CATEGORY, cause, adult_loss, onset, child_end))
    # An adult period before the current status: from the onset or the 18th birthday.
    adult = earlier & ~is_child & (np.maximum(onset, eighteenth) < since)
    rows = np.flatnonzero(adult)
    start = np.maximum(onset, eighteenth)
    parts.append(
        _closed(person, rows, statuses.category[rows], statuses.cause, adult_loss, start, since - 1)
    )
    parts.append(_formers(persons, person, days, former_counts, rng, today))
    return History(*(np.concatenate([part[i] for part in parts]) for i in range(9)))


def _closed(
    person: np.ndarray,
    rows: np.ndarray,
    category: np.ndarray | int,
    cause: np.ndarray,
    loss: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Ended periods of the rows: re-examined on their last day (and then renewed)."""
    count = len(rows)
    closed = np.zeros(count, dtype=bool)
    return (
        person[rows],
        np.broadcast_to(np.asarray(category, dtype=np.int8), (count,)).copy(),
        cause[rows],
        loss[rows],
        start[rows].astype(np.int32),
        end[rows].astype(np.int32),
        closed,
        end[rows].astype(np.int32),
        closed,
    )


def _formers(
    persons: Persons,
    with_status: np.ndarray,
    days: list[Point],
    former_counts: np.ndarray,
    rng: np.random.Generator,
    today: int,
) -> tuple[np.ndarray, ...]:
    """Persons without a status today whose status ended: ``former_counts[i]`` of them hold it
    on point i, each from before the oldest point to a day before the next later point."""
    ending_after = np.diff(former_counts, prepend=0).clip(min=0)  # latest point first
    old_enough = persons.age >= FORMER_MIN_AGE
    old_enough[with_status] = False
    candidates = np.flatnonzero(old_enough)
    chosen = rng.choice(candidates, size=int(ending_after.sum()), replace=False)
    point_days = np.array([point.day for point in days], dtype=np.int32)
    ends_before = np.concatenate([[today], point_days[:-1]])  # the next later point, or today
    which = np.repeat(np.arange(len(days)), ending_after)
    end = _between(rng, point_days[which], ends_before[which] - 1)
    oldest = point_days[-1]
    start = (oldest - (rng.random(len(chosen)) * FORMER_LEAD_DAYS).astype(np.int32)).astype(
        np.int32
    )
    age = persons.age[chosen]
    profile = np.where(age >= ELDERLY_AGE, ELDERLY_PROFILE, WORKING_PROFILE)
    category = _categorical_rows(rng, CATEGORY_P[profile])
    cause = _categorical_rows(rng, CAUSE_P[profile])
    loss = np.zeros(len(chosen), dtype=np.int16)
    for group, (low, high) in LOSS_TENS.items():
        members = category == group
        loss[members] = rng.integers(low, high + 1, size=int(members.sum())) * 10
    closed = np.zeros(len(chosen), dtype=bool)
    return (chosen, category, cause, loss, start, end, closed, end, closed)
