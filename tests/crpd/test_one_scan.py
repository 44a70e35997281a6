"""The report's persons' figures on all its days come from one scan a count (grouped by day),
and each day's figure is the one the single-day definition gives (snapshot/history.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from inclusio.crpd import figures
from inclusio.snapshot.history import PERSONS_WITH_DISABILITIES, POPULATION

DAYS = tuple(dt.date(year, 1, 1) for year in range(2018, 2025))
COUNTS = (
    ("pwd", "TRUE"),
    ("male", "sex = 'M'"),
    ("female", "sex = 'F'"),
    ("urban", "urban"),
    ("working", "age >= 18 AND age < 63"),
    ("elderly", "age >= 63"),
    ("children", "age < 18"),
    ("school", "age >= 7 AND age < 18"),
)


@pytest.fixture(scope="module")
def demo(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 7)


def one_day(db: duckdb.DuckDBPyConnection, day: dt.date) -> dict[str, int]:
    """The counts of one day as the report computed them before, one query each."""

    def scalar(sql: str) -> int:
        row = db.execute(sql, {"on": day}).fetchone()
        assert row is not None
        return int(row[0])

    found = {
        name: scalar(f"SELECT count(*) FROM ({PERSONS_WITH_DISABILITIES}) WHERE {condition}")  # noqa: S608
        for name, condition in COUNTS
    }
    found["families"] = scalar(
        f"""SELECT count(DISTINCT d.family_id) FROM ({PERSONS_WITH_DISABILITIES}) AS d
        JOIN care c ON c.cared_iin = d.iin AND c.relation = 'parent'
        WHERE d.category = 'child'"""  # noqa: S608
    )
    found["population"] = scalar(f"SELECT count(*) FROM ({POPULATION})")  # noqa: S608
    return found


def test_the_days_counted_together_are_the_days_counted_one_by_one(demo: Path) -> None:
    with figures.Source(demo, DAYS[-1], days=DAYS) as source:
        together = {
            day: {**source.at(day).disabled, "population": source.at(day).population}
            for day in DAYS
        }
        apart = {day: one_day(source.db, day) for day in DAYS}
    assert together == apart
    # The days differ, so a count of the wrong day would show.
    assert len({counts["pwd"] for counts in apart.values()}) == len(DAYS)
    assert all(counts["families"] and counts["school"] for counts in apart.values())


def test_a_source_answers_only_for_its_days(demo: Path) -> None:
    with figures.Source(demo, DAYS[-1], days=DAYS[:2]) as source, pytest.raises(ValueError):
        source.at(dt.date(2020, 1, 1))


def test_the_report_scans_the_persons_once_for_all_its_days(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures._values.cache_clear()
    scans: list[str] = []
    original = figures.Source._by_day

    def counted(self: figures.Source, name: str) -> Any:
        if name not in self._scans:
            scans.append(name)
        return original(self, name)

    monkeypatch.setattr(figures.Source, "_by_day", counted)
    on, years = dt.date(2024, 1, 1), range(2018, 2024)
    computed = figures.compute(demo, on, first_year=2018, years=years)
    found = figures.yearly(demo, years, on=on, first_year=2018)
    assert sorted(scans) == ["disabled", "population"]
    assert [day for day, _ in found] == list(DAYS[:-1])
    # Each year's figures are those the date's computation gives on that day alone.
    figures._values.cache_clear()
    for day, yearly_figures in found:
        alone = {f.name: f.value for f in figures.compute(demo, day)}
        assert {f.name: f.value for f in yearly_figures} == {
            f.name: alone[f.name] for f in yearly_figures
        }
    assert {f.name: f.value for f in computed} == {
        f.name: f.value for f in figures.compute(demo, on, first_year=2018)
    }
