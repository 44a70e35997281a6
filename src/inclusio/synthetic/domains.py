"""The synthetic snapshot's domains' part: facilities and inspections, housing waiting lists, job
quotas (``snapshot.contract.DOMAIN_SCHEMAS``), drawn with numpy to the seed's figures.

The figures are the 2018–2023 report's (seed §47–49, §52, §123–124), the same as the database
loads of those domains use (``accessibility.py``, ``access_control.py``, ``housing.py``,
``employment.py``, which import Django: a test holds the numbers equal). At a
scale every figure is scaled and rounded to a whole number, and each is shared among the regions
by population share with the largest remainders, so the regions add up to it exactly; ``expected``
gives the scaled figures and ``synthetic.checks.check_domains`` holds a snapshot to them. Dates
fall in the report's period before the snapshot's date (the six years before its year). No
Django: the generator runs without it.

The facilities, their adaptation and the persons employed against the quotas have a history too
(``facility_assessments``, the facilities' ``listed_on``, ``quota_placements``): on 1 January of
each year of the period (shifted with the reference date) they are ``*_BY_YEAR`` scaled, exactly,
as ``yearly_expected`` gives them. The seed states these only on 1 January 2024 (§48, §123): the
earlier totals are illustrative, a steady growth towards them, not statistics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from inclusio import countries
from inclusio.snapshot.contract import (
    DOMAIN_SCHEMAS,
    EMPLOYERS,
    FACILITIES,
    FACILITY_ASSESSMENTS,
    HOUSING_QUEUE,
    INSPECTIONS,
    QUOTA_PLACEMENTS,
    RESIDENCES,
    SPECIAL_WORKPLACES,
    SUPPORT_MEASURES,
)
from inclusio.snapshot.domains import CHILD, GROUP_I_II, PERIOD_YEARS
from inclusio.synthetic.history import year_day

# §48 (and DOMAIN.md, system 6): facilities on the map at 1 January 2024 and the adapted ones.
NATIONAL_FACILITIES = 40_958
NATIONAL_ADAPTED = 13_516
# §52: courts, and those with barrier-free access.
NATIONAL_COURTS = 398
NATIONAL_COURTS_ADAPTED = 309
# §49: the state control's inspections 2018–2023, the prescriptions issued and the fines
# imposed after them ("more than ₸236 million": 236.5 million is drawn).
NATIONAL_INSPECTIONS = 6_091
NATIONAL_PRESCRIPTIONS = 4_568
NATIONAL_FINES_KZT = 236_500_000
FINES_AT_LEAST_KZT = 236_000_000
# §47: on the waiting lists now, and housed over 2018–2023.
WAITING_PERSONS = 55_258
WAITING_FAMILIES = 25_337
HOUSED_PERSONS = 3_684
HOUSED_FAMILIES = 1_988
# §123: employed through the quotas at the end of 2023 (approximate), special workplaces since
# 2018; employers under the quota are illustrative (the seed gives no count).
QUOTA_EMPLOYED = 8_200
SPECIAL_WORKPLACES_ORGANISED = 616
NATIONAL_EMPLOYERS = 24_000
# §124: persons covered by employment support measures at 1 January 2024, by measure.
SUPPORT_MEASURES_COVERED = {
    "permanent_job": 10_891,
    "youth_practice": 655,
    "social_workplace": 921,
    "public_works": 6_694,
    "first_job": 199,
    "silver_age": 698,
    "generational_contract": 3,
    "short_training": 427,
    "business_training": 12_549,
    "grant": 1_858,
}
SUPPORT_TOTAL = 34_895
# §66: homes of persons with limited mobility in the dispatchers' registry "as of today" (the
# reference date), compiled since 2021; the homes withdrawn before it (status ended, moved
# away, died) are illustrative, one for twenty kept.
NATIONAL_RESIDENCES = 95_087
RESIDENCES_SINCE_YEAR = 2021
RESIDENCES_WITHDRAWN_SHARE = 0.05
# On 1 January of the period's years: facilities on the map, adapted ones, persons employed
# against the quotas. Illustrative (the seed states them on 1 January 2024 only, above): a steady
# growth towards the seed's figures, which hold on the reference date.
FACILITIES_BY_YEAR = {
    2018: 31_200,
    2019: 33_100,
    2020: 34_900,
    2021: 36_600,
    2022: 38_200,
    2023: 39_700,
}
ADAPTED_BY_YEAR = {
    2018: 6_900,
    2019: 8_000,
    2020: 9_100,
    2021: 10_300,
    2022: 11_500,
    2023: 12_600,
}
QUOTA_EMPLOYED_BY_YEAR = {
    2018: 6_100,
    2019: 6_500,
    2020: 6_700,
    2021: 7_000,
    2022: 7_500,
    2023: 7_900,
}
# Facilities on the map before the period joined it over the three years before it.
LISTED_BEFORE_YEARS = 3
# The map's categories other than courts, with illustrative weights; the state owns these.
CATEGORY_WEIGHTS = {
    "health": 14,
    "education": 22,
    "culture": 7,
    "sport": 6,
    "social_services": 8,
    "transport": 6,
    "government_services": 7,
    "finance": 6,
    "justice": 2,
    "trade_and_food": 18,
    "other": 4,
}
STATE_CATEGORIES = frozenset(
    {"health", "education", "culture", "social_services", "government_services", "justice"}
)
WAITING_SINCE = dt.date(2008, 1, 1)
HOUSED_SINCE = dt.date(2005, 1, 1)
# The quota's percentage by employer size, as the Social Code sets it (2–4 %).
QUOTA_HUNDREDTHS = ((251, 400), (101, 300), (50, 200))
# A stream of its own, apart from the generator's seven, so its draws change none of theirs.
STREAM = 1_000


def apportion(total: int, shares: np.ndarray) -> np.ndarray:
    """``total`` split in whole numbers by ``shares`` (largest remainders), summing exactly."""
    exact = total * shares / shares.sum()
    whole = np.floor(exact).astype(np.int64)
    rest = total - int(whole.sum())
    whole[np.argsort(-(exact - whole), kind="stable")[:rest]] += 1
    return whole


def _scaled(figure: int, scale: float) -> int:
    return round(figure * scale)


def expected(scale: float) -> dict[str, int]:
    """The seed's figures at ``scale``, named as ``snapshot.domains.figures`` names them."""
    support = sum(_scaled(n, scale) for n in SUPPORT_MEASURES_COVERED.values())
    return {
        "facilities": _scaled(NATIONAL_FACILITIES, scale),
        "facilities_adapted": _scaled(NATIONAL_ADAPTED, scale),
        "courts": _scaled(NATIONAL_COURTS, scale),
        "courts_adapted": _scaled(NATIONAL_COURTS_ADAPTED, scale),
        "inspections": _scaled(NATIONAL_INSPECTIONS, scale),
        "prescriptions": _scaled(NATIONAL_PRESCRIPTIONS, scale),
        "fines_kzt": _scaled(NATIONAL_FINES_KZT, scale),
        "waiting_persons": _scaled(WAITING_PERSONS, scale),
        "waiting_families": _scaled(WAITING_FAMILIES, scale),
        "housed_persons": _scaled(HOUSED_PERSONS, scale),
        "housed_families": _scaled(HOUSED_FAMILIES, scale),
        "employers": _scaled(NATIONAL_EMPLOYERS, scale),
        "quota_employed": _scaled(QUOTA_EMPLOYED, scale),
        "special_workplaces": _scaled(SPECIAL_WORKPLACES_ORGANISED, scale),
        "support_measures": support,
        "support_permanent_job": _scaled(SUPPORT_MEASURES_COVERED["permanent_job"], scale),
        "residences": _scaled(NATIONAL_RESIDENCES, scale),
    }


def yearly_expected(scale: float, as_of: dt.date) -> dict[dt.date, dict[str, int]]:
    """The illustrative yearly figures at ``scale``, on each year's day shifted with ``as_of``
    (``history.year_day``), named as ``snapshot.domains.figures`` names them."""
    return {
        year_day(as_of, year): {
            "facilities": _scaled(FACILITIES_BY_YEAR[year], scale),
            "facilities_adapted": _scaled(ADAPTED_BY_YEAR[year], scale),
            "quota_employed": _scaled(QUOTA_EMPLOYED_BY_YEAR[year], scale),
        }
        for year in sorted(FACILITIES_BY_YEAR)
    }


def _epoch(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _staged(counts: np.ndarray, anchors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Days for ``counts[-1]`` rows such that exactly ``counts[k]`` fall on or before
    ``anchors[k]`` (epoch days, ascending; ``counts`` non-decreasing): the rows of each stage, in
    order, drawn in the days after the previous anchor and before their own."""
    days = np.empty(int(counts[-1]), dtype=np.int64)
    bounds = np.concatenate([[0], counts])
    for k in range(len(anchors)):
        first = anchors[0] - 365 * LISTED_BEFORE_YEARS if k == 0 else anchors[k - 1] + 1
        days[bounds[k] : bounds[k + 1]] = rng.integers(
            first, anchors[k], size=int(bounds[k + 1] - bounds[k])
        )
    return days


def _stages(yearly: dict[dt.date, dict[str, int]], name: str, total: int) -> np.ndarray:
    """The yearly figure ``name`` and the total on the reference date, made non-decreasing and
    at most the total (rounding at a tiny scale cannot make a stage shrink)."""
    found = np.array([figures[name] for figures in yearly.values()] + [total], dtype=np.int64)
    return np.minimum(np.maximum.accumulate(found), total)


@dataclass(frozen=True)
class _Calendar:
    as_of: dt.date

    @property
    def period_first(self) -> int:
        return self.as_of.year - PERIOD_YEARS

    def days(self, first: dt.date, last: dt.date, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` days drawn uniformly from ``first`` to ``last`` inclusive, as epoch days."""
        start = (first - dt.date(1970, 1, 1)).days
        return rng.integers(start, start + (last - first).days + 1, size=n)

    def in_period(self, n: int, rng: np.random.Generator) -> np.ndarray:
        last = min(dt.date(self.as_of.year - 1, 12, 31), self.as_of - dt.timedelta(days=1))
        return self.days(dt.date(self.period_first, 1, 1), last, n, rng)


def _dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.date32(), mask=null)


def _regions(counts: np.ndarray, codes: list[str]) -> pa.Array:
    return pa.array(np.repeat(np.array(codes, dtype=object), counts).tolist(), type=pa.string())


def _pick(total: int, among: int, rng: np.random.Generator) -> np.ndarray:
    """A boolean mask of ``total`` of ``among`` rows chosen at random."""
    mask = np.zeros(among, dtype=bool)
    mask[rng.choice(among, size=total, replace=False)] = True
    return mask


def _facilities(
    scale: float,
    codes: list[str],
    shares: np.ndarray,
    calendar: _Calendar,
    rng: np.random.Generator,
) -> tuple[pa.Table, pa.Table, np.ndarray, np.ndarray]:
    """The facilities and their assessments, and each facility's region index and whether it is
    adapted (for inspections)."""
    target = expected(scale)
    per_region = apportion(target["facilities"], shares)
    adapted_per_region = apportion(target["facilities_adapted"], shares)
    courts_per_region = apportion(target["courts"], shares)
    courts_adapted_per_region = apportion(target["courts_adapted"], shares)
    region, is_court, adapted = [], [], []
    for index in range(len(codes)):
        n, courts = int(per_region[index]), int(courts_per_region[index])
        others = n - courts
        region.append(np.full(n, index))
        is_court.append(np.arange(n) >= others)
        adapted.append(
            np.concatenate(
                [
                    _pick(
                        int(adapted_per_region[index] - courts_adapted_per_region[index]),
                        others,
                        rng,
                    ),
                    _pick(int(courts_adapted_per_region[index]), courts, rng),
                ]
            )
        )
    region_index = np.concatenate(region)
    court = np.concatenate(is_court)
    adapted_mask = np.concatenate(adapted)
    names = list(CATEGORY_WEIGHTS)
    weights = np.array(list(CATEGORY_WEIGHTS.values()), dtype=np.float64)
    drawn = rng.choice(len(names), size=len(region_index), p=weights / weights.sum())
    category = np.where(court, "justice", np.array(names, dtype=object)[drawn])
    state = court | np.isin(category, list(STATE_CATEGORIES))
    listed, assessments, assessed = _facility_history(scale, adapted_mask, calendar, rng)
    table = pa.table(
        {
            "facility_id": np.arange(1, len(region_index) + 1, dtype=np.int64),
            "region_code": pa.array(np.array(codes, dtype=object)[region_index].tolist()),
            "category": pa.array(category.tolist(), type=pa.string()),
            "owner": pa.array(np.where(state, "state", "private").tolist(), type=pa.string()),
            "is_court": court,
            "adapted": adapted_mask,
            "assessed_on": _dates(assessed),
            "listed_on": _dates(listed),
        },
        schema=DOMAIN_SCHEMAS[FACILITIES],
    )
    return table, assessments, region_index, adapted_mask


def _facility_history(
    scale: float, adapted: np.ndarray, calendar: _Calendar, rng: np.random.Generator
) -> tuple[np.ndarray, pa.Table, np.ndarray]:
    """The day each facility joined the map, its assessments and its latest assessment's day,
    such that on each yearly day the facilities listed and the adapted ones are the yearly
    figures: a facility is assessed when it joins the map (adapted or not), an adapted one that
    was not is assessed again on the day it became adapted, and each is reassessed in the year
    before the reference date when that comes later, as it stands. No adaptation is lost."""
    n, n_adapted = len(adapted), int(adapted.sum())
    yearly = yearly_expected(scale, calendar.as_of)
    anchors = np.array([_epoch(day) for day in (*yearly, calendar.as_of)], dtype=np.int64)
    listed_by = _stages(yearly, "facilities", n)
    adapted_by = _stages(yearly, "facilities_adapted", n_adapted)
    # The adapted facilities listed by each day: their share of the listed, kept within what
    # the adapted and the others can make (at least the adapted by then).
    others = n - n_adapted
    share = np.rint(n_adapted * listed_by / max(n, 1)).astype(np.int64)
    adapted_listed = np.clip(
        share, np.maximum(adapted_by, listed_by - others), np.minimum(n_adapted, listed_by)
    )
    adapted_listed = np.minimum(np.maximum.accumulate(adapted_listed), n_adapted)
    listed = np.empty(n, dtype=np.int64)
    became = np.empty(n, dtype=np.int64)
    adapted_rows = rng.permutation(np.flatnonzero(adapted))
    other_rows = rng.permutation(np.flatnonzero(~adapted))
    listed[adapted_rows] = _staged(adapted_listed, anchors, rng)
    listed[other_rows] = _staged(listed_by - adapted_listed, anchors, rng)
    # In listing order the adapted ones become adapted stage by stage: at listing when it is the
    # same stage, else on a day of their own stage.
    position = np.arange(n_adapted)
    stage_listed = np.searchsorted(adapted_listed, position, side="right")
    stage_adapted = np.searchsorted(adapted_by, position, side="right")
    later = _staged(adapted_by, anchors, rng)
    became[adapted_rows] = np.where(stage_adapted == stage_listed, listed[adapted_rows], later)
    became[other_rows] = -1
    facility = np.arange(1, n + 1, dtype=np.int64)
    again = adapted & (became > listed)
    last = np.where(again, became, listed)
    recent = calendar.days(
        calendar.as_of - dt.timedelta(days=365), calendar.as_of - dt.timedelta(days=1), n, rng
    )
    reassessed = recent > last
    rows_facility = np.concatenate([facility, facility[again], facility[reassessed]])
    rows_day = np.concatenate([listed, became[again], recent[reassessed]])
    rows_adapted = np.concatenate(
        [adapted & (became == listed), np.ones(int(again.sum()), dtype=bool), adapted[reassessed]]
    )
    order = np.lexsort((rows_facility, rows_day))
    assessments = pa.table(
        {
            "assessment_id": np.arange(1, len(order) + 1, dtype=np.int64),
            "facility_id": rows_facility[order],
            "assessed_on": _dates(rows_day[order]),
            "adapted": rows_adapted[order],
        },
        schema=DOMAIN_SCHEMAS[FACILITY_ASSESSMENTS],
    )
    return listed, assessments, np.maximum(last, np.where(reassessed, recent, last))


def _spread(total: int, over: int, rng: np.random.Generator) -> np.ndarray:
    """``total`` units dealt at random over ``over`` rows."""
    if over == 0:
        return np.zeros(0, dtype=np.int64)
    return np.bincount(rng.integers(0, over, size=total), minlength=over)


def _inspections(
    scale: float,
    codes: list[str],
    region_index: np.ndarray,
    adapted: np.ndarray,
    calendar: _Calendar,
    rng: np.random.Generator,
) -> pa.Table:
    """Inspections of facilities not adapted (where the control finds breaches), with the
    prescriptions and fines dealt over them."""
    target = expected(scale)
    candidates = np.flatnonzero(~adapted) if (~adapted).any() else np.arange(len(adapted))
    n = target["inspections"] if len(candidates) else 0
    facility = rng.choice(candidates, size=n) if n else np.zeros(0, dtype=np.int64)
    prescriptions = _spread(target["prescriptions"] if n else 0, n, rng)
    # Fines follow prescriptions: dealt in whole tenge over the inspections that gave any.
    fined = np.flatnonzero(prescriptions > 0)
    fines = np.zeros(n, dtype=np.int64)
    if len(fined):
        fines[fined] = apportion(target["fines_kzt"], rng.uniform(0.5, 1.5, size=len(fined)))
    kind = np.where(rng.random(n) < 0.7, "planned", "unplanned")
    return pa.table(
        {
            "inspection_id": np.arange(1, n + 1, dtype=np.int64),
            "facility_id": (facility + 1).astype(np.int64),
            "region_code": pa.array(
                np.array(codes, dtype=object)[region_index[facility]].tolist(), type=pa.string()
            ),
            "kind": pa.array(kind.tolist(), type=pa.string()),
            "inspected_on": _dates(np.sort(calendar.in_period(n, rng))),
            "prescriptions": prescriptions.astype(np.int32),
            "fines_kzt": fines,
        },
        schema=DOMAIN_SCHEMAS[INSPECTIONS],
    )


def _housing_queue(
    scale: float,
    codes: list[str],
    shares: np.ndarray,
    calendar: _Calendar,
    rng: np.random.Generator,
) -> pa.Table:
    """The waiting and the housed of the period, persons of groups I–II and families raising a
    child with a disability; each housed one registered at least a day before its housing."""
    target = expected(scale)
    regions, categories, registered, housed = [], [], [], []
    last_waiting = calendar.as_of - dt.timedelta(days=1)
    for category, waiting, housed_n in (
        (GROUP_I_II, target["waiting_persons"], target["housed_persons"]),
        (CHILD, target["waiting_families"], target["housed_families"]),
    ):
        waiting_by_region = apportion(waiting, shares)
        housed_by_region = apportion(housed_n, shares)
        regions += [np.repeat(np.arange(len(codes)), waiting_by_region)]
        regions += [np.repeat(np.arange(len(codes)), housed_by_region)]
        categories += [category] * (waiting + housed_n)
        registered.append(calendar.days(WAITING_SINCE, last_waiting, waiting, rng))
        housed.append(np.full(waiting, -1))
        housed_on = calendar.in_period(housed_n, rng)
        first = (HOUSED_SINCE - dt.date(1970, 1, 1)).days
        registered.append(first + (rng.random(housed_n) * (housed_on - first)).astype(np.int64))
        housed.append(housed_on)
    region_index = np.concatenate(regions)
    housed_days = np.concatenate(housed)
    n = len(region_index)
    return pa.table(
        {
            "registration_id": np.arange(1, n + 1, dtype=np.int64),
            "region_code": pa.array(
                np.array(codes, dtype=object)[region_index].tolist(), type=pa.string()
            ),
            "category": pa.array(categories, type=pa.string()),
            "registered_on": _dates(np.concatenate(registered)),
            "housed_on": _dates(np.maximum(housed_days, 0), null=housed_days < 0),
            "removed_on": pa.nulls(n, type=pa.date32()),
        },
        schema=DOMAIN_SCHEMAS[HOUSING_QUEUE],
    )


def _quota(headcount: np.ndarray, hazardous: np.ndarray) -> np.ndarray:
    """Whole places owed: the size band's percentage of the jobs without the hazardous ones."""
    hundredths = np.zeros(len(headcount), dtype=np.int64)
    for smallest, rate in reversed(QUOTA_HUNDREDTHS):
        hundredths[headcount >= smallest] = rate
    return (headcount - hazardous) * hundredths // 10_000


def _employment(
    scale: float,
    codes: list[str],
    shares: np.ndarray,
    calendar: _Calendar,
    rng: np.random.Generator,
) -> dict[str, pa.Table]:
    target = expected(scale)
    n = target["employers"]
    region_index = np.repeat(np.arange(len(codes)), apportion(n, shares))
    # Sizes from 50 up, most employers small: 50 + a long-tailed draw.
    headcount = np.minimum(50 + np.floor(rng.pareto(1.3, size=n) * 60).astype(np.int64), 20_000)
    hazardous = rng.binomial(headcount, 0.12)
    quota = _quota(headcount, hazardous)
    # The employed are dealt over the employers in proportion to what they owe.
    owed = np.maximum(quota, 1).astype(np.float64)
    employed = (
        np.bincount(rng.choice(n, size=target["quota_employed"], p=owed / owed.sum()), minlength=n)
        if n
        else np.zeros(0, dtype=np.int64)
    )
    region_names = np.array(codes, dtype=object)
    # The placements in force on the reference date, one per person employed, begun stage by
    # stage so that the yearly figures hold; none has ended (illustrative).
    yearly = yearly_expected(scale, calendar.as_of)
    anchors = np.array([_epoch(day) for day in (*yearly, calendar.as_of)], dtype=np.int64)
    placed = np.repeat(np.arange(n), employed)
    started = np.empty(len(placed), dtype=np.int64)
    started[rng.permutation(len(placed))] = _staged(
        _stages(yearly, "quota_employed", len(placed)), anchors, rng
    )
    placements = pa.table(
        {
            "employer_id": (placed + 1).astype(np.int64),
            "region_code": pa.array(region_names[region_index[placed]].tolist(), type=pa.string()),
            "started": _dates(started),
            "ended": pa.nulls(len(placed), type=pa.date32()),
        },
        schema=DOMAIN_SCHEMAS[QUOTA_PLACEMENTS],
    )
    employers = pa.table(
        {
            "employer_id": np.arange(1, n + 1, dtype=np.int64),
            "region_code": pa.array(region_names[region_index].tolist(), type=pa.string()),
            "headcount": headcount.astype(np.int32),
            "hazardous_jobs": hazardous.astype(np.int32),
            "quota_places": quota.astype(np.int32),
            "quota_employed": employed.astype(np.int32),
        },
        schema=DOMAIN_SCHEMAS[EMPLOYERS],
    )
    workplaces_by_region = apportion(target["special_workplaces"], shares)
    first_day = calendar.in_period(int(workplaces_by_region.sum()), rng)
    first_month = (
        first_day.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
    ).astype(np.int64)
    workplaces = pa.table(
        {
            "workplace_id": np.arange(1, len(first_month) + 1, dtype=np.int64),
            "region_code": _regions(workplaces_by_region, codes),
            "first_month": _dates(first_month),
        },
        schema=DOMAIN_SCHEMAS[SPECIAL_WORKPLACES],
    )
    kinds, regions = [], []
    for kind, covered in SUPPORT_MEASURES_COVERED.items():
        by_region = apportion(_scaled(covered, scale), shares)
        regions.append(np.repeat(np.arange(len(codes)), by_region))
        kinds += [kind] * int(by_region.sum())
    region_of = np.concatenate(regions)
    # Covered at the date: the measures began in its year's predecessor.
    year_before = dt.date(calendar.as_of.year - 1, 1, 1)
    started = calendar.days(year_before, calendar.as_of - dt.timedelta(days=1), len(kinds), rng)
    support = pa.table(
        {
            "region_code": pa.array(region_names[region_of].tolist(), type=pa.string()),
            "kind": pa.array(kinds, type=pa.string()),
            "started": _dates(started),
        },
        schema=DOMAIN_SCHEMAS[SUPPORT_MEASURES],
    )
    return {
        EMPLOYERS: employers,
        QUOTA_PLACEMENTS: placements,
        SPECIAL_WORKPLACES: workplaces,
        SUPPORT_MEASURES: support,
    }


def _residences(
    scale: float, codes: list[str], shares: np.ndarray, as_of: dt.date, seed: int
) -> pa.Table:
    """The homes kept on the reference date (``expected``'s figure, shared among the regions)
    and a few withdrawn before it, recorded from 1 January 2021 (shifted with the date). A
    stream of its own: the other files draw as before."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM + 1,)))
    kept = expected(scale)["residences"]
    withdrawn = round(kept * RESIDENCES_WITHDRAWN_SHARE)
    first = _epoch(year_day(as_of, RESIDENCES_SINCE_YEAR))
    last = _epoch(as_of)  # exclusive: recorded before the reference date
    region_index = np.concatenate(
        [
            np.repeat(np.arange(len(codes)), apportion(kept, shares)),
            np.repeat(np.arange(len(codes)), apportion(withdrawn, shares)),
        ]
    )
    recorded = rng.integers(first, last - 1, size=kept + withdrawn)
    ended = (
        recorded[kept:]
        + 1
        + (rng.random(withdrawn) * (last - 1 - recorded[kept:])).astype(np.int64)
    )
    withdrawn_on = np.concatenate([np.full(kept, -1), ended])
    n = kept + withdrawn
    return pa.table(
        {
            "residence_id": np.arange(1, n + 1, dtype=np.int64),
            "region_code": pa.array(
                np.array(codes, dtype=object)[region_index].tolist(), type=pa.string()
            ),
            "recorded_on": _dates(recorded),
            "withdrawn_on": _dates(np.maximum(withdrawn_on, 0), null=withdrawn_on < 0),
        },
        schema=DOMAIN_SCHEMAS[RESIDENCES],
    )


def domain_tables(
    scale: float, seed: int, as_of: dt.date, *, country: str = "kz"
) -> dict[str, pa.Table]:
    """Every file of the domains' part for this scale, seed and date."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM,)))
    regions = countries.regions(country)
    codes = [str(r["code"]) for r in regions]
    shares = np.array([r["population_share"] for r in regions], dtype=np.float64)
    calendar = _Calendar(as_of)
    facilities, assessments, region_index, adapted = _facilities(
        scale, codes, shares, calendar, rng
    )
    return {
        FACILITIES: facilities,
        FACILITY_ASSESSMENTS: assessments,
        INSPECTIONS: _inspections(scale, codes, region_index, adapted, calendar, rng),
        HOUSING_QUEUE: _housing_queue(scale, codes, shares, calendar, rng),
        **_employment(scale, codes, shares, calendar, rng),
        RESIDENCES: _residences(scale, codes, shares, as_of, seed),
    }
