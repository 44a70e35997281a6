"""The CRPD report's figures and the published statistics count persons with disabilities by
one definition (snapshot/history.py): each figure equals the unsuppressed table cell that
states the same quantity, on the report's date and on a past one; and the report gives the
period's years, each on its 1 January, linked to the same named queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from inclusio.crpd import figures
from inclusio.crpd.report import build
from inclusio.snapshot.history import POPULATION
from inclusio.statistics.disclosure import Status
from inclusio.statistics.publish import compute_datasets
from inclusio.statistics.tables import TOTAL, Snapshot
from inclusio.synthetic import figures as seed


@pytest.fixture(scope="module")
def demo(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 7)


@pytest.mark.parametrize("on", [dt.date(2024, 1, 1), dt.date(2019, 1, 1)])
def test_a_figure_is_the_published_cell_of_the_same_quantity(demo: Path, on: dt.date) -> None:
    found = {figure.name: figure.value for figure in figures.compute(demo, on)}
    snapshot = Snapshot.open(demo)
    try:
        publication = compute_datasets(
            snapshot, on, datasets=["PWD_REGION_GROUP_SEX", "PWD_REGION_AGE_SEX"]
        )
    finally:
        snapshot.close()
    by_sex, by_age = publication.datasets

    def published(dataset, key: tuple[str, ...]) -> int:  # type: ignore[no-untyped-def]
        assert dataset.statuses[key] == Status.FREE, key
        return int(dataset.cube.values[key])

    assert found["persons_with_disabilities"] == published(by_sex, (TOTAL, TOTAL, TOTAL))
    assert found["pwd_male"] == published(by_sex, (TOTAL, TOTAL, "M"))
    assert found["pwd_female"] == published(by_sex, (TOTAL, TOTAL, "F"))
    assert found["children_with_disabilities"] == published(by_sex, (TOTAL, "CHILD", TOTAL))
    assert found["pwd_elderly"] == published(by_age, (TOTAL, "Y_GE63", TOTAL))
    assert found["children_school_age"] == published(by_age, (TOTAL, "Y7T17", TOTAL))


@pytest.mark.django_db
def test_the_report_gives_each_year_of_the_period_from_the_history(demo: Path) -> None:
    report = build(first_year=2018, last_year=2023, snapshot=demo, language="en")
    article_1 = next(s for s in report.sections if s.article.number == 1)
    yearly = {
        line.label: (line.query, line.value)
        for line in article_1.lines
        if " on 1 January " in line.label
    }
    for year, national in seed.PWD_BY_YEAR.items():
        count = f"{round(national * 0.001):,}"
        assert yearly[f"Persons with disabilities on 1 January {year}"] == (
            "persons_with_disabilities",
            count,
        )
        query, share = yearly[
            f"Persons with disabilities, share of the population on 1 January {year}"
        ]
        assert query == "pwd_share_of_population_pct" and share.endswith(" %")
    assert len(yearly) == 2 * len(seed.PWD_BY_YEAR)


def test_the_population_on_a_day_counts_only_the_persons_born_alive_and_resident() -> None:
    db = duckdb.connect()
    try:
        db.execute(
            "CREATE TABLE persons (iin VARCHAR, birth_date DATE, death_date DATE, "
            "emigration_date DATE)"
        )
        db.execute(
            "INSERT INTO persons VALUES "
            "('born', DATE '1990-05-01', NULL, NULL), "
            "('born on the day', DATE '2018-01-01', NULL, NULL), "
            "('born later', DATE '2021-03-04', NULL, NULL), "
            "('died before', DATE '1950-01-01', DATE '2017-06-01', NULL), "
            "('left before', DATE '1980-01-01', NULL, DATE '2017-12-31')"
        )
        counted = db.execute(
            f"SELECT iin FROM ({POPULATION}) ORDER BY iin",  # noqa: S608 - a constant
            {"on": dt.date(2018, 1, 1)},
        ).fetchall()
    finally:
        db.close()
    assert [iin for (iin,) in counted] == ["born", "born on the day"]
