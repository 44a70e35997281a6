"""``screen`` runs on every date from 2018-01-01, on DuckDB and on Spark, and the amounts follow
the parameter values in force on the date: an independent reading (plain SQL over the snapshot,
Decimal arithmetic) of the two carer programmes and of the disability benefit agrees with it."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from inclusio.benefits.management.commands.rules import country_rules
from inclusio.countries.shared import country_parameters
from inclusio.rules.compiler import birth_cutoff
from inclusio.rules.screen import Summary, screen
from inclusio.snapshot.contract import open_snapshot

RULES = country_rules("kz", country_parameters("kz"))

# The subsistence minimum of the budget laws in force on each date screened.
MINIMUM = {
    "2018-01-01": 28284,
    "2020-03-31": 31183,
    "2020-04-01": 32668,  # the April 2020 amendment
    "2021-10-01": 34302,
    "2022-06-01": 37389,  # the June 2022 amendment
    "2023-06-30": 40567,
    "2023-07-01": 40567,
    "2024-01-01": 43407,
    "2025-06-01": 46228,  # after many of the synthetic life events
}
# The carer benefit's coefficient (1.40 illustrative before 2023-07-01; 1.61 the seed's).
CARER_COEFFICIENT = [("2018-01-01", "1.40"), ("2023-07-01", "1.61")]
# The group I carer allowance: none before 2018-07-01; from childhood only until 2021-10-01;
# its (illustrative) monthly amounts.
GROUP1_AMOUNT = [("2018-07-01", 28000), ("2021-10-01", 34000), ("2023-01-01", 40000)]
DISABILITY_COEFFICIENTS = {"I": "1.40", "II": "1.16", "III": "0.88"}


def in_force(values: list[tuple[str, Any]], on: datetime.date) -> Any:
    found = [value for day, value in values if datetime.date.fromisoformat(day) <= on]
    return found[-1] if found else None


def whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 1)


def run(snapshot: Path, on: datetime.date, out: Path, engine: str = "duckdb") -> Summary:
    return screen(snapshot, on, RULES.programmes, out, assessments=RULES.assessments, engine=engine)


def eligible(summary: Summary, programme: str) -> dict[str, dict[str, Any]]:
    rows = pq.read_table(summary.path).to_pylist()
    return {
        row["subject_id"]: row for row in rows if row["programme"] == programme and row["eligible"]
    }


def _valid(alias: str) -> str:
    return f"{alias}.since <= $on AND ({alias}.until IS NULL OR {alias}.until >= $on)"


def _present(alias: str) -> str:
    """Alive, resident and free on the date (the life events, ``docs/snapshot.md``)."""
    return (
        f"coalesce({alias}.death_date > $on, true)"
        f" AND coalesce({alias}.emigration_date > $on, true)"
        f" AND NOT coalesce({alias}.imprisonment_date <= $on"
        f" AND coalesce({alias}.release_date > $on, true), false)"
    )


PRESENT_CARERS = f"c.carer_iin IN (SELECT iin FROM persons q WHERE {_present('q')})"  # noqa: S608


def expected_child_carers(db: duckdb.DuckDBPyConnection, on: datetime.date) -> dict[str, int]:
    """The carers of children with a disability and the amount each receives, read from the
    rule file's words: a parent or guardian of a child under 18 whose disability is valid on
    the date; a child counts for its earliest carer (ties: the smallest IIN);
    coefficient × subsistence minimum per child, rounded half up."""
    cutoff = birth_cutoff(on, 18)
    rows = db.execute(
        f"""
        WITH links AS (
            SELECT c.carer_iin, c.cared_iin, c.since
            FROM care c JOIN persons p ON p.iin = c.cared_iin
            JOIN disability d ON d.iin = c.cared_iin
            WHERE c.relation IN ('parent', 'guardian') AND p.birth_date > $cutoff
              AND {_valid("d")} AND {_present("p")}
        ), chosen AS (
            SELECT * FROM links
            QUALIFY row_number() OVER (PARTITION BY cared_iin ORDER BY since, carer_iin) = 1
        )
        SELECT carer_iin, count(DISTINCT cared_iin) FROM chosen c
        WHERE {PRESENT_CARERS} GROUP BY carer_iin
        """,  # noqa: S608 — only the fixed condition above is interpolated
        {"on": on, "cutoff": cutoff},
    ).fetchall()
    per_child = Decimal(in_force(CARER_COEFFICIENT, on)) * MINIMUM[on.isoformat()]
    return {carer: whole(children * per_child) for carer, children in rows}


def expected_group1_carers(db: duckdb.DuckDBPyConnection, on: datetime.date) -> dict[str, int]:
    """Carers of an adult with group I valid on the date, of a cause the law covers then."""
    amount = in_force(GROUP1_AMOUNT, on)
    if amount is None:
        return {}
    any_cause = on >= datetime.date(2021, 10, 1)
    rows = db.execute(
        f"""
        SELECT DISTINCT c.carer_iin
        FROM care c JOIN persons p ON p.iin = c.cared_iin
        JOIN disability d ON d.iin = c.cared_iin
        WHERE p.birth_date <= $cutoff AND d.category = 'I' AND {_valid("d")}
          AND ($any_cause OR d.cause = 'from_childhood') AND {_present("p")}
          AND {PRESENT_CARERS}
        """,  # noqa: S608 — only the fixed condition above is interpolated
        {"on": on, "cutoff": birth_cutoff(on, 18), "any_cause": any_cause},
    ).fetchall()
    return {carer: amount for (carer,) in rows}


def expected_disability(db: duckdb.DuckDBPyConnection, on: datetime.date) -> dict[str, int]:
    rows = db.execute(
        f"""
        SELECT d.iin, d.category FROM disability d JOIN persons p ON p.iin = d.iin
        WHERE d.category IN ('I', 'II', 'III') AND {_valid("d")} AND {_present("p")}
        """,  # noqa: S608 — only the fixed condition above is interpolated
        {"on": on},
    ).fetchall()
    minimum = MINIMUM[on.isoformat()]
    return {
        iin: whole(Decimal(DISABILITY_COEFFICIENTS[category]) * minimum) for iin, category in rows
    }


def check(snapshot: Path, on: datetime.date, summary: Summary) -> None:
    db = open_snapshot(snapshot)
    carers = eligible(summary, "child_disability_carer_benefit")
    assert {k: v["amount_kzt"] for k, v in carers.items()} == expected_child_carers(db, on)
    assert carers  # the carer benefit runs on every date
    used = json.loads(next(iter(carers.values()))["parameters"])
    assert used["subsistence_minimum"]["value"] == MINIMUM[on.isoformat()]
    assert used["carer_coefficient"]["value"] == in_force(CARER_COEFFICIENT, on)
    group1 = eligible(summary, "group1_carer_allowance")
    assert {k: v["amount_kzt"] for k, v in group1.items()} == expected_group1_carers(db, on)
    benefit = eligible(summary, "disability_benefit")
    assert {k: v["amount_kzt"] for k, v in benefit.items()} == expected_disability(db, on)


@pytest.mark.parametrize("day", list(MINIMUM))
def test_every_date_from_2018_screens_with_the_values_in_force(
    snapshot: Path, tmp_path: Path, day: str
) -> None:
    on = datetime.date.fromisoformat(day)
    check(snapshot, on, run(snapshot, on, tmp_path / "out"))


def test_the_group1_allowance_covers_any_cause_from_october_2021(
    snapshot: Path, tmp_path: Path
) -> None:
    before, after = datetime.date(2021, 9, 30), datetime.date(2021, 10, 1)
    counts = [
        len(eligible(run(snapshot, on, tmp_path / on.isoformat()), "group1_carer_allowance"))
        for on in (datetime.date(2018, 6, 30), before, after)
    ]
    assert counts[0] == 0  # not yet in force
    assert 0 < counts[1] < counts[2]  # from childhood only, then any cause


@pytest.mark.xdist_group("spark")
@pytest.mark.parametrize("day", ["2018-01-01", "2021-10-01"])
def test_spark_screens_the_early_dates_as_duckdb_does(
    snapshot: Path, tmp_path: Path, day: str
) -> None:
    on = datetime.date.fromisoformat(day)
    spark = run(snapshot, on, tmp_path / "spark", engine="spark")
    duck = run(snapshot, on, tmp_path / "duckdb")
    check(snapshot, on, spark)
    assert spark.programmes == duck.programmes
    assert pq.read_table(spark.path).to_pylist() == pq.read_table(duck.path).to_pylist()
