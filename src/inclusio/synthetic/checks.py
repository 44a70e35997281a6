"""Check a written snapshot against the national figures, with DuckDB over its Parquet files.

Counts are compared with the national figure times the snapshot's scale factor; shares with the
share the report states. The definitions are those of figures.py: age in whole years on the
reference date; a family raising children with disabilities is one with at least one child of
category "child" whose care link is to a parent (children raised by a guardian are apart). The
figures are of the persons alive and resident on the reference date: one who died or emigrated
on or before it is not counted (the generator draws life events after it, so none is).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import duckdb

from inclusio.emergency.coverage import COVERED_SQL, NATIONAL_RESIDENCES
from inclusio.snapshot.contract import open_snapshot, read_manifest
from inclusio.snapshot.domains import figures
from inclusio.snapshot.history import (
    PERSONS_WITH_DISABILITIES,
    create_periods_view,
    create_persons_view,
)
from inclusio.synthetic import figures as f
from inclusio.synthetic.domains import FINES_AT_LEAST_KZT, expected, yearly_expected
from inclusio.synthetic.history import year_day


class FigureCheck(NamedTuple):
    figure: str
    expected: float
    actual: float
    ok: bool


_PWD_QUERY = f"""
    WITH p AS (
        SELECT iin, urban, sex, date_sub('year', birth_date, DATE '{{as_of}}') AS age
        FROM persons
        WHERE coalesce(least(death_date, emigration_date), DATE '9999-12-31')
              > DATE '{{as_of}}'
    )
    SELECT
        count(*) AS pwd,
        count(*) FILTER (WHERE sex = 'M') AS male,
        count(*) FILTER (WHERE sex = 'F') AS female,
        count(*) FILTER (WHERE urban) AS urban,
        count(*) FILTER (WHERE age >= {f.ADULT_AGE} AND age < {f.ELDERLY_AGE}) AS working_age,
        count(*) FILTER (WHERE age >= {f.ELDERLY_AGE}) AS elderly,
        count(*) FILTER (WHERE age < {f.ADULT_AGE}) AS children,
        count(*) FILTER (WHERE age >= {f.SCHOOL_AGE} AND age < {f.ADULT_AGE}) AS school_age
    FROM disability JOIN p USING (iin)
"""  # noqa: S608 - only constants are interpolated

_FAMILIES_QUERY = """
    SELECT least(children, 4) AS children, count(*) AS families
    FROM (
        SELECT p.family_id, count(DISTINCT d.iin) AS children
        FROM disability d
        JOIN care c ON c.cared_iin = d.iin AND c.relation = 'parent'
        JOIN persons p ON p.iin = d.iin
        WHERE d.category = 'child'
        GROUP BY p.family_id
    )
    GROUP BY 1
"""


def _count(
    figure: str, national: int, actual: int, scale: float, tolerance: float, slack: float
) -> FigureCheck:
    expected = national * scale
    return FigureCheck(
        figure, expected, actual, abs(actual - expected) <= max(tolerance * expected, slack)
    )


def _share(
    figure: str, expected_pct: float, part: int, whole: int, tolerance_pp: float
) -> FigureCheck:
    actual = 100 * part / whole if whole else 0.0
    return FigureCheck(
        figure, expected_pct, round(actual, 2), abs(actual - expected_pct) <= tolerance_pp
    )


def check_snapshot(
    directory: Path,
    *,
    share_tolerance_pp: float = 0.5,
    count_tolerance: float = 0.01,
    count_slack: float = 0.5,
) -> list[FigureCheck]:
    """Each figure with its expected and actual value and whether it is within tolerance:
    shares within ``share_tolerance_pp`` percentage points, counts within ``count_tolerance``
    of the scaled figure or within ``count_slack`` persons, whichever is wider. The default
    slack is the rounding of a scaled figure to whole persons or families, which matters only
    for the smallest figures below national scale (4.6 families raising four children → 5)."""
    manifest = read_manifest(directory)
    scale = float(manifest["scale_factor"])
    # Ages on the day the snapshot describes (the figures' reference date unless generated
    # --as-of another day).
    as_of = dt.date.fromisoformat(manifest["reference_date"])
    with open_snapshot(directory) as db:
        persons, families = _one_row(
            db, "SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM families)"
        )
        pwd, male, female, urban, working, elderly, children, school_age = _one_row(
            db, _PWD_QUERY.format(as_of=as_of.isoformat())
        )
        by_children = dict(db.execute(_FAMILIES_QUERY).fetchall())

    def count(figure: str, national: int, actual: int) -> FigureCheck:
        return _count(figure, national, actual, scale, count_tolerance, count_slack)

    def share(figure: str, expected_pct: float, part: int, whole: int) -> FigureCheck:
        return _share(figure, expected_pct, part, whole, share_tolerance_pp)

    raising = f.FAMILIES_BY_CHILDREN_WITH_DISABILITIES
    return [
        count("persons", f.NATIONAL_PERSONS, persons),
        count("families", f.NATIONAL_FAMILIES, families),
        count("persons with disabilities", f.PWD_MALE + f.PWD_FEMALE, pwd),
        share("urban share of persons with disabilities, %", f.SHARE_URBAN_PCT, urban, pwd),
        count("male persons with disabilities", f.PWD_MALE, male),
        count("female persons with disabilities", f.PWD_FEMALE, female),
        share("male share, %", f.SHARE_MALE_PCT, male, pwd),
        count("working age (18-62)", f.PWD_WORKING_AGE, working),
        share("working age share, %", f.SHARE_WORKING_AGE_PCT, working, pwd),
        count("elderly (63+)", f.PWD_ELDERLY, elderly),
        share("elderly share, %", f.SHARE_ELDERLY_PCT, elderly, pwd),
        count("children (under 18)", f.PWD_CHILDREN, children),
        share("children share, %", f.SHARE_CHILDREN_PCT, children, pwd),
        count("children aged 7-17", f.PWD_CHILDREN_SCHOOL_AGE, school_age),
        share(
            "children aged 7-17, % of children",
            f.SHARE_CHILDREN_SCHOOL_AGE_PCT,
            school_age,
            children,
        ),
        count(
            "families raising children with disabilities",
            f.FAMILIES_RAISING_CHILDREN_WITH_DISABILITIES,
            sum(by_children.values()),
        ),
        count("families raising one child with disabilities", raising[1], by_children.get(1, 0)),
        count("families raising two children with disabilities", raising[2], by_children.get(2, 0)),
        count(
            "families raising three children with disabilities", raising[3], by_children.get(3, 0)
        ),
        count(
            "families raising four or more children with disabilities",
            raising[4],
            by_children.get(4, 0),
        ),
    ]


def _one_row(
    db: duckdb.DuckDBPyConnection, query: str, params: dict[str, object] | None = None
) -> tuple[int, ...]:
    row = db.execute(query, params).fetchone()
    assert row is not None
    return tuple(int(value) for value in row)


_RESIDENCES_QUERY = f"""
    SELECT count(*)
    FROM (
        SELECT d.*, date_sub('year', p.birth_date, DATE '{{as_of}}') AS age
        FROM disability d JOIN persons p USING (iin)
        WHERE coalesce(least(p.death_date, p.emigration_date), DATE '9999-12-31')
              > DATE '{{as_of}}'
    ) d
    WHERE {COVERED_SQL}
"""  # noqa: S608 - only constants are interpolated


def check_residences(directory: Path, *, tolerance: float = 0.02) -> FigureCheck:
    """The homes the emergency dispatchers' registry would hold (``emergency/coverage.py``:
    who cannot leave home alone) against the fire service's 95,087, scaled. Apart from
    ``check_snapshot`` because limitations are drawn by chance, not to a quota: below national
    scale the count carries sampling noise (about 1 % at region scale, 10 % at demo scale), and
    the rule's age is a whole number of years, so it comes within 2 %, not 1 %."""
    manifest = read_manifest(directory)
    as_of = manifest["reference_date"]
    with open_snapshot(directory) as db:
        (actual,) = _one_row(db, _RESIDENCES_QUERY.format(as_of=as_of))
    return _count(
        "emergency residences (cannot leave home alone)",
        NATIONAL_RESIDENCES,
        actual,
        float(manifest["scale_factor"]),
        tolerance,
        0.5,
    )


def check_history(
    directory: Path, *, count_tolerance: float = 0.01, count_slack: float = 0.5
) -> list[FigureCheck]:
    """The yearly figures (``PWD_BY_YEAR``, ``CHILDREN_BY_YEAR``) against the snapshot's
    disability history, counted by the statistics' own definition (``snapshot/history.py``)
    on each year's 1 January shifted with the reference date; tolerances as ``check_snapshot``."""
    manifest = read_manifest(directory)
    scale = float(manifest["scale_factor"])
    as_of = dt.date.fromisoformat(manifest["reference_date"])
    checks = []
    with duckdb.connect() as db:
        create_persons_view(db, directory)
        create_periods_view(db, directory)
        for year in sorted(f.PWD_BY_YEAR):
            day = year_day(as_of, year)
            total, children = _one_row(
                db,
                f"SELECT count(*), count(*) FILTER (WHERE age < {f.ADULT_AGE}) "  # noqa: S608
                f"FROM ({PERSONS_WITH_DISABILITIES})",
                {"on": day},
            )
            checks.append(
                _count(
                    f"persons with disabilities on {day}",
                    f.PWD_BY_YEAR[year],
                    total,
                    scale,
                    count_tolerance,
                    count_slack,
                )
            )
            if year in f.CHILDREN_BY_YEAR:
                checks.append(
                    _count(
                        f"children with disabilities on {day}",
                        f.CHILDREN_BY_YEAR[year],
                        children,
                        scale,
                        count_tolerance,
                        count_slack,
                    )
                )

    return checks


def check_domains(directory: Path) -> list[FigureCheck]:
    """The domains' part (facilities, inspections, housing lists, job quotas) against the seed's
    figures at the snapshot's scale, through the definitions the statistics and the report read
    (``snapshot.domains``). Every figure is an exact quota at any scale, so each must be equal;
    at national scale: 40,958 facilities of which 13,516 adapted (33 %), 309 of 398 courts,
    6,091 inspections in 2018–2023 with 4,568 prescriptions and fines over ₸236 million, 55,258
    persons and 25,337 families waiting for housing and 3,684 and 1,988 housed, about 8,200
    employed against the quotas, 616 special workplaces and 34,895 persons covered by support
    measures (10,891 in permanent jobs); and on 1 January of 2018–2023 the facilities, the
    adapted ones and the persons employed as ``domains.yearly_expected`` draws them."""
    manifest = read_manifest(directory)
    scale = float(manifest["scale_factor"])
    found = figures(directory, dt.date.fromisoformat(manifest["reference_date"]))
    checks = [
        FigureCheck(name, wanted, float(found[name] or 0), found[name] == wanted)
        for name, wanted in expected(scale).items()
    ]
    fines = found["fines_kzt"] or 0
    checks.append(
        FigureCheck(
            "fines over the threshold",
            FINES_AT_LEAST_KZT * scale,
            fines,
            fines > FINES_AT_LEAST_KZT * scale,
        )
    )
    # The facilities, the adapted ones and the persons employed against the quotas on each
    # yearly day, from the histories (illustrative figures, drawn exactly).
    reference = dt.date.fromisoformat(manifest["reference_date"])
    for day, wanted in yearly_expected(scale, reference).items():
        then = figures(directory, day)
        checks += [
            FigureCheck(f"{name} on {day}", value, float(then[name] or 0), then[name] == value)
            for name, value in wanted.items()
        ]
    return checks
