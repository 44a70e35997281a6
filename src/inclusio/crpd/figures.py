"""The CRPD indicators computed from platform data: each figure is a named function over a
snapshot directory (DuckDB over its Parquet files, never the database), and its name is shown
beside the figure wherever it appears, so a reader can find the query that produced it.

Definitions are the synthetic generator's (``synthetic/figures.py``), which are the periodic
report's: a person with a disability is one whose status is valid on the date (established on
or before it, its re-examination date not before it) and who is alive and resident then; age is
in whole years on the date; children are under 18, working age 18 to 62, elderly 63 and over,
school age 7 to 17; a family raising children with disabilities is the family of at least one
child of category "child" cared for by a parent. The implementation rate is the rehabilitation
report's (``snapshot/rehabilitation.py``): the mean of fulfilled ÷ prescribed over the year's
programme lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import duckdb
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inclusio.crpd.models import Indicator
from inclusio.snapshot import domains
from inclusio.snapshot.contract import (
    MANIFEST,
    PROGRAMME_LINES,
    open_snapshot,
    parquet_path,
    read_manifest,
)
from inclusio.snapshot.history import (
    PERSONS_WITH_DISABILITIES,
    POPULATION,
    Bounds,
    create_periods_view,
    create_persons_view,
    history_bounds,
    validate_history,
)
from inclusio.snapshot.validate import Problem, SnapshotError

# The report's age bands; the synthetic generator draws its population by the same ones (a
# test holds the two together: the generator is a layer above and cannot be imported here).
ADULT_AGE, ELDERLY_AGE, SCHOOL_AGE = 18, 63, 7
PERSONS, FAMILIES, PERCENT = "persons", "families", "percent"
KIND_LABELS = dict(Indicator.Kind.choices)


class Source:
    """One snapshot on one date, opened once for all the figures read from it. The persons with
    disabilities and the population are the statistics tables' own definitions
    (``snapshot/history.py``), read from the history part when the snapshot has one."""

    def __init__(self, directory: Path, on: dt.date, *, first_year: int | None = None) -> None:
        # A history part breaking the contract is refused (SnapshotError) rather than read.
        validate_history(directory)
        self.directory = directory
        self.on = on
        self.first_year = first_year  # the period's first year; None: the default period
        self.db: duckdb.DuckDBPyConnection = open_snapshot(directory)
        create_persons_view(self.db, directory)
        self.history = bool(create_periods_view(self.db, directory))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def one(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> tuple[Any, ...]:
        row = self.db.execute(sql, {"on": self.on} if params is None else params).fetchone()
        assert row is not None  # an aggregate without GROUP BY always gives a row
        return tuple(row)

    @cached_property
    def population(self) -> int:
        return int(self.one(f"SELECT count(*) FROM ({POPULATION})")[0])  # noqa: S608 - constant

    @cached_property
    def disabled(self) -> dict[str, int]:
        """The counts every figure of persons with disabilities reads, in one scan."""
        row = self.one(_PWD_COUNTS)
        names = ("pwd", "male", "female", "urban", "working", "elderly", "children", "school")
        return dict(zip(names, (int(v) for v in row), strict=True))


_PWD_COUNTS = f"""
    SELECT count(*),
           count(*) FILTER (WHERE sex = 'M'),
           count(*) FILTER (WHERE sex = 'F'),
           count(*) FILTER (WHERE urban),
           count(*) FILTER (WHERE age >= {ADULT_AGE} AND age < {ELDERLY_AGE}),
           count(*) FILTER (WHERE age >= {ELDERLY_AGE}),
           count(*) FILTER (WHERE age < {ADULT_AGE}),
           count(*) FILTER (WHERE age >= {SCHOOL_AGE} AND age < {ADULT_AGE})
    FROM ({PERSONS_WITH_DISABILITIES})
"""  # noqa: S608 - only constants are interpolated


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


# --- the named queries ----------------------------------------------------------------------


def persons_with_disabilities(source: Source) -> int:
    return source.disabled["pwd"]


def pwd_share_of_population_pct(source: Source) -> float:
    return _pct(source.disabled["pwd"], source.population)


def pwd_urban_pct(source: Source) -> float:
    return _pct(source.disabled["urban"], source.disabled["pwd"])


def pwd_rural_pct(source: Source) -> float:
    counts = source.disabled
    return _pct(counts["pwd"] - counts["urban"], counts["pwd"])


def pwd_male(source: Source) -> int:
    return source.disabled["male"]


def pwd_male_pct(source: Source) -> float:
    return _pct(source.disabled["male"], source.disabled["pwd"])


def pwd_female(source: Source) -> int:
    return source.disabled["female"]


def pwd_female_pct(source: Source) -> float:
    return _pct(source.disabled["female"], source.disabled["pwd"])


def pwd_working_age(source: Source) -> int:
    return source.disabled["working"]


def pwd_working_age_pct(source: Source) -> float:
    return _pct(source.disabled["working"], source.disabled["pwd"])


def pwd_elderly(source: Source) -> int:
    return source.disabled["elderly"]


def pwd_elderly_pct(source: Source) -> float:
    return _pct(source.disabled["elderly"], source.disabled["pwd"])


def children_with_disabilities(source: Source) -> int:
    return source.disabled["children"]


def children_share_pct(source: Source) -> float:
    return _pct(source.disabled["children"], source.disabled["pwd"])


def children_school_age(source: Source) -> int:
    return source.disabled["school"]


def children_school_age_pct(source: Source) -> float:
    return _pct(source.disabled["school"], source.disabled["children"])


def families_raising_children_with_disabilities(source: Source) -> int:
    sql = f"""
        SELECT count(DISTINCT d.family_id)
        FROM ({PERSONS_WITH_DISABILITIES}) AS d
        JOIN care c ON c.cared_iin = d.iin AND c.relation = 'parent'
        WHERE d.category = 'child'
    """  # noqa: S608 - only constants are interpolated
    return int(source.one(sql)[0])


def programme_implementation_pct(source: Source) -> float | None:
    """The share of individual rehabilitation programmes carried out in the year before the
    date (the year the report closes); None when the snapshot has no lines of that year."""
    path = parquet_path(source.directory, PROGRAMME_LINES)
    if not path.is_file():
        return None
    value = source.one(
        "SELECT round(100 * avg(fulfilled::DOUBLE / prescribed), 1) "
        "FROM read_parquet(?) WHERE year = ?",
        [str(path), source.on.year - 1],
    )[0]
    return None if value is None else float(value)


# --- what each figure is ----------------------------------------------------------------------


@dataclass(frozen=True)
class FigureSpec:
    query: Callable[[Source], int | float | None]
    article: int
    kind: str  # structural | process | outcome (models.Indicator.Kind)
    paragraph: str  # where the seed, the 2018–2023 report, states it
    label: str | Promise
    unit: str

    @property
    def name(self) -> str:
        return self.query.__name__


@dataclass(frozen=True)
class Figure:
    spec: FigureSpec
    value: int | float | None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def display(self) -> str:
        """The value as the reader's language writes it: whole numbers grouped, shares to one
        decimal with a percent sign."""
        if self.value is None:
            return gettext("no data")
        if self.spec.unit == PERCENT:
            return f"{number_format(self.value, 1, use_l10n=True)} %"
        return number_format(self.value, 0, use_l10n=True, force_grouping=True)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.spec.kind])


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        persons_with_disabilities, 1, "outcome", "§12", _("Persons with disabilities"), PERSONS
    ),
    FigureSpec(
        pwd_share_of_population_pct,
        1,
        "outcome",
        "§12",
        _("Persons with disabilities, share of the population"),
        PERCENT,
    ),
    FigureSpec(pwd_urban_pct, 1, "outcome", "§13", _("Living in urban areas"), PERCENT),
    FigureSpec(pwd_rural_pct, 1, "outcome", "§13", _("Living in rural areas"), PERCENT),
    FigureSpec(pwd_male, 1, "outcome", "§13", _("Men"), PERSONS),
    FigureSpec(pwd_male_pct, 1, "outcome", "§13", _("Men, share"), PERCENT),
    FigureSpec(pwd_female, 1, "outcome", "§13", _("Women"), PERSONS),
    FigureSpec(pwd_female_pct, 1, "outcome", "§13", _("Women, share"), PERCENT),
    FigureSpec(pwd_working_age, 1, "outcome", "§13", _("Of working age (18–62)"), PERSONS),
    FigureSpec(pwd_working_age_pct, 1, "outcome", "§13", _("Of working age, share"), PERCENT),
    FigureSpec(pwd_elderly, 1, "outcome", "§13", _("Elderly (63 and over)"), PERSONS),
    FigureSpec(pwd_elderly_pct, 1, "outcome", "§13", _("Elderly, share"), PERCENT),
    FigureSpec(
        children_with_disabilities, 7, "outcome", "§30", _("Children with disabilities"), PERSONS
    ),
    FigureSpec(
        children_share_pct,
        7,
        "outcome",
        "§30",
        _("Children, share of persons with disabilities"),
        PERCENT,
    ),
    FigureSpec(children_school_age, 7, "outcome", "§30", _("Children aged 7–17"), PERSONS),
    FigureSpec(
        children_school_age_pct,
        7,
        "outcome",
        "§30",
        _("Children aged 7–17, share of children with disabilities"),
        PERCENT,
    ),
    FigureSpec(
        families_raising_children_with_disabilities,
        23,
        "outcome",
        "§88",
        _("Families raising children with disabilities"),
        FAMILIES,
    ),
    FigureSpec(
        programme_implementation_pct,
        26,
        "process",
        "§60",
        _("Individual rehabilitation programmes carried out in the year"),
        PERCENT,
    ),
)


# --- the domains' figures: facilities, inspections, housing lists, job quotas -----------------
# Read from the snapshot's optional domains' part through its one definition of each figure
# (``snapshot.domains``), which the statistics' tables of the same files share; a snapshot
# without the part (or with a file breaking the contract) gives "no data" for them. The period's
# figures cover the report's own years, from its first to the day before its date (2018–2023
# for the report closing on 1 January 2024; 2021–2023 for one asked for 2021–2023).
FACILITIES_UNIT, INSPECTIONS_UNIT, PRESCRIPTIONS_UNIT = "facilities", "inspections", "prescriptions"
TENGE, PLACES = "tenge", "places"


@lru_cache(maxsize=16)
def _domain_values(
    directory: str, stamp: int, on: dt.date, first_year: int | None
) -> dict[str, int | None]:
    try:
        return domains.figures(Path(directory), on, first_year=first_year)
    except SnapshotError:
        return dict.fromkeys(domains.FIGURE_NAMES)


def _domain(source: Source, name: str) -> int | None:
    stamp = (source.directory / MANIFEST).stat().st_mtime_ns
    directory = str(source.directory.resolve())
    return _domain_values(directory, stamp, source.on, source.first_year)[name]


def facilities_on_the_map(source: Source) -> int | None:
    return _domain(source, "facilities")


def facilities_adapted(source: Source) -> int | None:
    return _domain(source, "facilities_adapted")


def facilities_adapted_pct(source: Source) -> float | None:
    adapted, whole = _domain(source, "facilities_adapted"), _domain(source, "facilities")
    return None if adapted is None or not whole else _pct(adapted, whole)


def accessibility_inspections_in_period(source: Source) -> int | None:
    return _domain(source, "inspections")


def accessibility_prescriptions_in_period(source: Source) -> int | None:
    return _domain(source, "prescriptions")


def accessibility_fines_in_period_kzt(source: Source) -> int | None:
    return _domain(source, "fines_kzt")


def courts_barrier_free(source: Source) -> int | None:
    return _domain(source, "courts_adapted")


def courts_on_the_map(source: Source) -> int | None:
    return _domain(source, "courts")


def housing_waiting_persons(source: Source) -> int | None:
    return _domain(source, "waiting_persons")


def housing_waiting_families(source: Source) -> int | None:
    return _domain(source, "waiting_families")


def housing_housed_persons_in_period(source: Source) -> int | None:
    return _domain(source, "housed_persons")


def housing_housed_families_in_period(source: Source) -> int | None:
    return _domain(source, "housed_families")


def quota_employed(source: Source) -> int | None:
    return _domain(source, "quota_employed")


def special_workplaces_in_period(source: Source) -> int | None:
    return _domain(source, "special_workplaces")


def employment_support_covered(source: Source) -> int | None:
    return _domain(source, "support_measures")


def employment_support_permanent_job(source: Source) -> int | None:
    return _domain(source, "support_permanent_job")


DOMAIN_FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        housing_waiting_persons,
        9,
        "outcome",
        "§47",
        _("Persons with disabilities of groups I–II waiting for housing"),
        PERSONS,
    ),
    FigureSpec(
        housing_waiting_families,
        9,
        "outcome",
        "§47",
        _("Families raising children with disabilities waiting for housing"),
        FAMILIES,
    ),
    FigureSpec(
        housing_housed_persons_in_period,
        9,
        "outcome",
        "§47",
        _("Persons with disabilities of groups I–II housed in the period"),
        PERSONS,
    ),
    FigureSpec(
        housing_housed_families_in_period,
        9,
        "outcome",
        "§47",
        _("Families raising children with disabilities housed in the period"),
        FAMILIES,
    ),
    FigureSpec(
        facilities_on_the_map,
        9,
        "structural",
        "§48",
        _("Social infrastructure facilities on the accessibility map"),
        FACILITIES_UNIT,
    ),
    FigureSpec(facilities_adapted, 9, "outcome", "§48", _("Adapted facilities"), FACILITIES_UNIT),
    FigureSpec(
        facilities_adapted_pct,
        9,
        "outcome",
        "§48",
        _("Adapted facilities, share of the facilities on the map"),
        PERCENT,
    ),
    FigureSpec(
        accessibility_inspections_in_period,
        9,
        "process",
        "§49",
        _("Inspections of the accessibility of facilities in the period"),
        INSPECTIONS_UNIT,
    ),
    FigureSpec(
        accessibility_prescriptions_in_period,
        9,
        "process",
        "§49",
        _("Prescriptions issued after those inspections"),
        PRESCRIPTIONS_UNIT,
    ),
    FigureSpec(
        accessibility_fines_in_period_kzt,
        9,
        "process",
        "§49",
        _("Fines imposed after those inspections, tenge"),
        TENGE,
    ),
    FigureSpec(courts_on_the_map, 9, "structural", "§52", _("Courts"), FACILITIES_UNIT),
    FigureSpec(
        courts_barrier_free,
        9,
        "outcome",
        "§52",
        _("Courts with barrier-free access"),
        FACILITIES_UNIT,
    ),
    FigureSpec(
        quota_employed,
        27,
        "outcome",
        "§123",
        _("Persons with disabilities employed against the job quotas"),
        PERSONS,
    ),
    FigureSpec(
        special_workplaces_in_period,
        27,
        "process",
        "§123",
        _("Special workplaces organised in the period"),
        PLACES,
    ),
    FigureSpec(
        employment_support_covered,
        27,
        "outcome",
        "§124",
        _("Persons with disabilities covered by employment support measures"),
        PERSONS,
    ),
    FigureSpec(
        employment_support_permanent_job,
        27,
        "outcome",
        "§124",
        _("Of them in permanent jobs"),
        PERSONS,
    ),
)
FIGURES = FIGURES + DOMAIN_FIGURES


def compute(
    directory: Path, on: dt.date, *, article: int | None = None, first_year: int | None = None
) -> list[Figure]:
    """Every figure (or one article's) on the date, each beside the spec naming its query. A
    period's figure counts from 1 January of ``first_year`` (the report's first year) to the
    day before the date; without it, the ``domains.PERIOD_YEARS`` years before the date's."""
    specs = [spec for spec in FIGURES if article is None or spec.article == article]
    if not specs:
        return []
    stamp = (directory / MANIFEST).stat().st_mtime_ns
    values = _values(str(directory.resolve()), stamp, on, first_year)
    return [Figure(spec, values[spec.name]) for spec in specs]


@lru_cache(maxsize=16)
def _values(
    directory: str, stamp: int, on: dt.date, first_year: int | None = None
) -> dict[str, int | float | None]:
    """Every figure's value, computed once per snapshot, date and period: the article pages and
    the report read them on each request, and each computation scans the whole population. The
    manifest's modification time (``stamp``) is in the key, so a snapshot written anew into the
    same folder is read anew."""
    with Source(Path(directory), on, first_year=first_year) as source:
        return {spec.name: spec.query(source) for spec in FIGURES}


def bounds(directory: Path) -> Bounds:
    """The first day the snapshot's statuses answer for (``snapshot.history.history_bounds``):
    its manifest's ``history_from`` with a history part, otherwise its own date."""
    history = validate_history(directory) is not None
    reference = _reference_date(directory)
    if reference is None:
        raise SnapshotError(
            f"{directory / MANIFEST}: no date",
            problem=Problem.MANIFEST_MISSING,
            file=directory / MANIFEST,
        )
    return history_bounds(directory, history, reference)


# The figures the report gives for every year of its period, on each year's 1 January: the
# same named queries as on the report's date, computed on an earlier day.
YEARLY = (persons_with_disabilities, pwd_share_of_population_pct)


def yearly(directory: Path, years: range) -> list[tuple[dt.date, list[Figure]]]:
    """The ``YEARLY`` figures on 1 January of each year, from the snapshot's disability
    history; the days the snapshot cannot answer for (no history part, before the day its
    manifest's ``history_from`` names, or any day but its own without the key, after its date)
    are left out."""
    if validate_history(directory) is None:
        return []
    first = bounds(directory).first
    reference = _reference_date(directory)
    stamp = (directory / MANIFEST).stat().st_mtime_ns
    specs = [spec for spec in FIGURES if spec.query in YEARLY]
    found = []
    for year in years:
        on = dt.date(year, 1, 1)
        if on < first or (reference is not None and on > reference):
            continue
        values = _yearly_values(str(directory.resolve()), stamp, on)
        found.append((on, [Figure(spec, values[spec.name]) for spec in specs]))
    return found


@lru_cache(maxsize=16)
def _yearly_values(directory: str, stamp: int, on: dt.date) -> dict[str, int | float | None]:
    """The ``YEARLY`` figures only, cached like ``_values``: a year needs one scan, not the
    families' and the programmes' too."""
    with Source(Path(directory), on) as source:
        return {query.__name__: query(source) for query in YEARLY}


def _reference_date(directory: Path) -> dt.date | None:
    manifest = read_manifest(directory)
    day = manifest.get("date") or manifest.get("reference_date")
    return dt.date.fromisoformat(day) if day else None
