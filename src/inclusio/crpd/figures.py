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

import copy
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inclusio.crpd.models import Indicator
from inclusio.snapshot import domains, rehabilitation
from inclusio.snapshot.contract import (
    MANIFEST,
    PROGRAMME_LINES,
    open_snapshot,
    parquet_path,
    read_manifest,
)
from inclusio.snapshot.history import (
    IN_POPULATION,
    PERSONS_WITH_DISABILITIES_BY_DAY,
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
ORDERS_UNIT, ORGANISATIONS, HOMES = "orders", "organisations", "homes"
KIND_LABELS = dict(Indicator.Kind.choices)


class Source:
    """One snapshot on one date, opened once for all the figures read from it. The persons with
    disabilities and the population are the statistics tables' own definitions
    (``snapshot/history.py``), read from the history part when the snapshot has one.

    ``days``: other days whose persons' figures are wanted too (the periodic report's
    1 Januaries, ``yearly``). Each persons' count is one scan of the population for the date
    and all those days together, grouped by day; ``at`` gives the source on one of them,
    sharing the scans already made."""

    def __init__(
        self,
        directory: Path,
        on: dt.date,
        *,
        first_year: int | None = None,
        days: Iterable[dt.date] = (),
    ) -> None:
        # A history part breaking the contract is refused (SnapshotError) rather than read.
        validate_history(directory)
        self.directory = directory
        self.on = on
        self.first_year = first_year  # the period's first year; None: the default period
        self.days = tuple(sorted({on, *days}))
        self.db: duckdb.DuckDBPyConnection = open_snapshot(directory)
        create_persons_view(self.db, directory)
        self.history = bool(create_periods_view(self.db, directory))
        # The scans by day, shared with the sources ``at`` gives.
        self._scans: dict[str, dict[dt.date, Any]] = {}

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def at(self, day: dt.date) -> Source:
        """The same source on another of its days (same connection, same scans)."""
        if day not in self.days:
            raise ValueError(f"{day} is not one of the source's days")
        other = copy.copy(self)
        other.on = day
        return other

    def one(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> tuple[Any, ...]:
        row = self.db.execute(sql, {"on": self.on} if params is None else params).fetchone()
        assert row is not None  # an aggregate without GROUP BY always gives a row
        return tuple(row)

    def _by_day(self, name: str) -> dict[dt.date, Any]:
        if name not in self._scans:
            self._scans[name] = (
                self._populations() if name == "population" else self._disabled_counts()
            )
        return self._scans[name]

    def _populations(self) -> dict[dt.date, int]:
        # One conditional count a day, the day a parameter: one read of the persons.
        counts = ", ".join(
            f"count(*) FILTER (WHERE {IN_POPULATION.replace('$on', f'$day{index}')})"
            for index in range(len(self.days))
        )
        row = self.one(
            f"SELECT {counts} FROM persons AS p",  # noqa: S608 - constants only
            {f"day{index}": day for index, day in enumerate(self.days)},
        )
        return {day: int(count) for day, count in zip(self.days, row, strict=True)}

    def _disabled_counts(self) -> dict[dt.date, dict[str, int]]:
        rows = self.db.execute(_PWD_COUNTS, {"days": list(self.days)}).fetchall()
        found = {
            row[0]: dict(zip(_PWD_NAMES, (int(v) for v in row[1:]), strict=True)) for row in rows
        }
        # A day nobody held a status on has no group.
        return {day: found.get(day, dict.fromkeys(_PWD_NAMES, 0)) for day in self.days}

    @property
    def population(self) -> int:
        return int(self._by_day("population")[self.on])

    @property
    def disabled(self) -> dict[str, int]:
        """The counts every figure of persons with disabilities reads (the families raising a
        child with one too), from the one scan of every day."""
        return dict(self._by_day("disabled")[self.on])


_PWD_NAMES = (
    "pwd",
    "male",
    "female",
    "urban",
    "working",
    "elderly",
    "children",
    "school",
    "families",
)
# A family raising children with disabilities: the family of a child of category "child" cared
# for by a parent (``care``).
_PWD_COUNTS = f"""
    SELECT day,
           count(*),
           count(*) FILTER (WHERE sex = 'M'),
           count(*) FILTER (WHERE sex = 'F'),
           count(*) FILTER (WHERE urban),
           count(*) FILTER (WHERE age >= {ADULT_AGE} AND age < {ELDERLY_AGE}),
           count(*) FILTER (WHERE age >= {ELDERLY_AGE}),
           count(*) FILTER (WHERE age < {ADULT_AGE}),
           count(*) FILTER (WHERE age >= {SCHOOL_AGE} AND age < {ADULT_AGE}),
           count(DISTINCT family_id) FILTER (WHERE category = 'child' AND cared_by_parent)
    FROM (
        SELECT d.*,
               d.iin IN (SELECT c.cared_iin FROM care AS c WHERE c.relation = 'parent')
                   AS cared_by_parent
        FROM ({PERSONS_WITH_DISABILITIES_BY_DAY}) AS d
    )
    GROUP BY day
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
    return source.disabled["families"]


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


@lru_cache(maxsize=16)
def _received(directory: str, stamp: int, year: int) -> rehabilitation.Received | None:
    try:
        return rehabilitation.received_in_year(Path(directory), year)
    except duckdb.Error:  # an orders' file whose columns break the contract: no figure
        return None


def _portal(source: Source) -> rehabilitation.Received | None:
    """What persons received through the portal in the year before the date (the year the
    report closes), from the snapshot's orders; None without an orders' file."""
    stamp = (source.directory / MANIFEST).stat().st_mtime_ns
    return _received(str(source.directory.resolve()), stamp, source.on.year - 1)


def _received_kind(source: Source, kind: str) -> int | None:
    found = _portal(source)
    return None if found is None else found.by_kind[kind]


def portal_technical_aids_received(source: Source) -> int | None:
    return _received_kind(source, "technical_aid")


def portal_sign_language_received(source: Source) -> int | None:
    return _received_kind(source, "sign_language")


def portal_personal_assistants_received(source: Source) -> int | None:
    return _received_kind(source, "personal_assistant")


def portal_sanatorium_stays_received(source: Source) -> int | None:
    return _received_kind(source, "sanatorium_treatment")


def portal_sanatorium_organisations(source: Source) -> int | None:
    found = _portal(source)
    return None if found is None else found.sanatoriums


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
    # What the programmes delivered through the Social Services Portal: article 26 (the
    # programmes of habilitation and rehabilitation), hygiene products and services included,
    # rather than article 20, which covers only the mobility aids among them.
    FigureSpec(
        portal_technical_aids_received,
        26,
        "outcome",
        "§60",
        _("Technical aids received through the portal in the year"),
        ORDERS_UNIT,
    ),
    FigureSpec(
        portal_sign_language_received,
        26,
        "outcome",
        "§60",
        _("Sign-language services received through the portal in the year"),
        ORDERS_UNIT,
    ),
    FigureSpec(
        portal_personal_assistants_received,
        26,
        "outcome",
        "§60",
        _("Personal assistants' services received through the portal in the year"),
        ORDERS_UNIT,
    ),
    FigureSpec(
        portal_sanatorium_stays_received,
        26,
        "outcome",
        "§60",
        _("Sanatorium stays received through the portal in the year"),
        ORDERS_UNIT,
    ),
    FigureSpec(
        portal_sanatorium_organisations,
        26,
        "structural",
        "§118",
        _("Sanatorium organisations that gave stays through the portal in the year"),
        ORGANISATIONS,
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


def emergency_residences_kept(source: Source) -> int | None:
    return _domain(source, "residences")


DOMAIN_FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        emergency_residences_kept,
        11,
        "process",
        "§66",
        _("Homes of persons with limited mobility in the emergency dispatchers' registry"),
        HOMES,
    ),
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
    directory: Path,
    on: dt.date,
    *,
    article: int | None = None,
    first_year: int | None = None,
    years: range | None = None,
) -> list[Figure]:
    """Every figure (or one article's) on the date, each beside the spec naming its query. A
    period's figure counts from 1 January of ``first_year`` (the report's first year) to the
    day before the date; without it, the ``domains.PERIOD_YEARS`` years before the date's.
    ``years``: the years whose ``YEARLY`` figures the caller asks next (``yearly`` with the same
    date and first year), counted in the same scans as the date's."""
    specs = [spec for spec in FIGURES if article is None or spec.article == article]
    if not specs:
        return []
    stamp = (directory / MANIFEST).stat().st_mtime_ns
    days = _yearly_days(directory, years) if years is not None else ()
    values = _values(str(directory.resolve()), stamp, on, first_year, days)[on]
    return [Figure(spec, values[spec.name]) for spec in specs]


@lru_cache(maxsize=16)
def _values(
    directory: str,
    stamp: int,
    on: dt.date | None,
    first_year: int | None = None,
    days: tuple[dt.date, ...] = (),
) -> dict[dt.date, dict[str, int | float | None]]:
    """Every figure's value on the date (none when ``on`` is None) and the ``YEARLY`` ones on
    each of ``days``, computed once per snapshot, date, period and days: the article pages and
    the report read them on each request, and each persons' count scans the whole population
    (once for all the days together). The manifest's modification time (``stamp``) is in the
    key, so a snapshot written anew into the same folder is read anew."""
    with Source(Path(directory), on or days[0], first_year=first_year, days=days) as source:
        found: dict[dt.date, dict[str, int | float | None]] = {
            day: {query.__name__: query(source.at(day)) for query in YEARLY} for day in days
        }
        if on is not None:
            found[on] = {spec.name: spec.query(source) for spec in FIGURES}
        return found


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


def _yearly_days(directory: Path, years: range) -> tuple[dt.date, ...]:
    """1 January of each year that the snapshot answers for: not without a history part,
    before the day its manifest's ``history_from`` names, or (any day but its own without
    the key) after its date."""
    if validate_history(directory) is None:
        return ()
    first = bounds(directory).first
    reference = _reference_date(directory)
    return tuple(
        on
        for on in (dt.date(year, 1, 1) for year in years)
        if on >= first and (reference is None or on <= reference)
    )


def yearly(
    directory: Path,
    years: range,
    *,
    on: dt.date | None = None,
    first_year: int | None = None,
) -> list[tuple[dt.date, list[Figure]]]:
    """The ``YEARLY`` figures on 1 January of each year, from the snapshot's disability
    history, all the years in one scan; the days the snapshot cannot answer for are left out
    (``_yearly_days``). Given the date and first year a ``compute`` with the same ``years``
    was asked, they are read from its scans rather than scanned again."""
    days = _yearly_days(directory, years)
    if not days:
        return []
    stamp = (directory / MANIFEST).stat().st_mtime_ns
    values = _values(str(directory.resolve()), stamp, on, first_year, days)
    specs = [spec for spec in FIGURES if spec.query in YEARLY]
    return [(day, [Figure(spec, values[day][spec.name]) for spec in specs]) for day in days]


def _reference_date(directory: Path) -> dt.date | None:
    manifest = read_manifest(directory)
    day = manifest.get("date") or manifest.get("reference_date")
    return dt.date.fromisoformat(day) if day else None
