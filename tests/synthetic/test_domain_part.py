"""The synthetic snapshot's domains' part: written at every scale to the seed's figures, exactly
(checks.check_domains; at national scale the bench_synth run asserts the report's own numbers),
its files following the contract, and its figures the same as the database loads'."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inclusio.snapshot import domains
from inclusio.snapshot.contract import DOMAIN_SCHEMAS, MANIFEST, parquet_path, read_manifest
from inclusio.snapshot.validate import Problem, SnapshotError, validate_snapshot
from inclusio.synthetic import access_control, accessibility, housing
from inclusio.synthetic import domains as synthetic
from inclusio.synthetic.checks import check_domains
from inclusio.synthetic.history import year_day


@pytest.fixture(scope="module")
def demo(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 7)


def test_the_demo_snapshot_holds_the_part_at_the_seeds_figures(demo: Path) -> None:
    assert domains.present(demo) == frozenset(DOMAIN_SCHEMAS)
    failed = [check for check in check_domains(demo) if not check.ok]
    assert failed == []
    assert read_manifest(demo)["rows"]["facilities"] == 41


def test_the_part_is_drawn_the_same_for_a_seed_and_otherwise_for_another() -> None:
    first = synthetic.domain_tables(0.001, 3, dt.date(2024, 1, 1))
    again = synthetic.domain_tables(0.001, 3, dt.date(2024, 1, 1))
    other = synthetic.domain_tables(0.001, 4, dt.date(2024, 1, 1))
    assert all(first[name].equals(again[name]) for name in first)
    assert not first["inspections"].equals(other["inspections"])


def test_a_day_other_than_the_reference_shifts_the_period(tmp_path: Path) -> None:
    on = dt.date(2026, 12, 2)
    for name, table in synthetic.domain_tables(0.01, 1, on).items():
        pq.write_table(table, parquet_path(tmp_path, name))
    # A snapshot names its day in its manifest: the figures without a date condition need it.
    (tmp_path / MANIFEST).write_text(json.dumps({"reference_date": on.isoformat()}))
    found = domains.figures(tmp_path, on)
    assert found["inspections"] == synthetic.expected(0.01)["inspections"]
    assert found["housed_persons"] == synthetic.expected(0.01)["housed_persons"]
    inspected = pq.read_table(parquet_path(tmp_path, "inspections"))["inspected_on"]
    assert min(inspected.to_pylist()) >= dt.date(2020, 1, 1)


def test_the_database_loads_reproduce_the_same_figures() -> None:
    assert (accessibility.NATIONAL_FACILITIES, accessibility.NATIONAL_ADAPTED) == (
        synthetic.NATIONAL_FACILITIES,
        synthetic.NATIONAL_ADAPTED,
    )
    assert (accessibility.NATIONAL_COURTS, accessibility.NATIONAL_COURTS_ADAPTED) == (
        synthetic.NATIONAL_COURTS,
        synthetic.NATIONAL_COURTS_ADAPTED,
    )
    assert (housing.WAITING_PERSONS, housing.WAITING_FAMILIES) == (
        synthetic.WAITING_PERSONS,
        synthetic.WAITING_FAMILIES,
    )
    assert (housing.HOUSED_PERSONS, housing.HOUSED_FAMILIES) == (
        synthetic.HOUSED_PERSONS,
        synthetic.HOUSED_FAMILIES,
    )
    assert (
        access_control.NATIONAL_INSPECTIONS,
        access_control.NATIONAL_PRESCRIPTIONS,
        access_control.NATIONAL_FINES_TENGE,
        access_control.FINES_MORE_THAN,
    ) == (
        synthetic.NATIONAL_INSPECTIONS,
        synthetic.NATIONAL_PRESCRIPTIONS,
        synthetic.NATIONAL_FINES_KZT,
        synthetic.FINES_AT_LEAST_KZT,
    )
    assert sum(synthetic.SUPPORT_MEASURES_COVERED.values()) == synthetic.SUPPORT_TOTAL


def test_a_snapshot_without_the_part_still_validates(demo: Path, tmp_path: Path) -> None:
    for item in demo.iterdir():
        if item.stem not in DOMAIN_SCHEMAS:
            (tmp_path / item.name).symlink_to(item)
    validate_snapshot(tmp_path)
    assert domains.present(tmp_path) == frozenset()
    assert set(domains.figures(tmp_path, dt.date(2024, 1, 1)).values()) == {None}


def test_a_domain_file_of_the_wrong_type_is_refused_naming_the_column(tmp_path: Path) -> None:
    pq.write_table(
        pa.table({"region_code": ["71"], "kind": ["grant"], "started": ["2023-01-01"]}),
        parquet_path(tmp_path, "support_measures"),
    )
    with pytest.raises(SnapshotError) as refused:
        domains.present(tmp_path)
    assert refused.value.problem is Problem.COLUMN_TYPE
    assert refused.value.column == "started"


def test_the_dispatchers_homes_are_kept_on_the_date_some_withdrawn_before(demo: Path) -> None:
    reference = dt.date.fromisoformat(read_manifest(demo)["reference_date"])
    # 95,087 homes at the scale, and one in twenty more withdrawn before the date.
    assert read_manifest(demo)["rows"]["residences"] == 95 + 5
    assert domains.figures(demo, reference)["residences"] == 95
    first = year_day(reference, synthetic.RESIDENCES_SINCE_YEAR)
    assert domains.figures(demo, first - dt.timedelta(days=1))["residences"] == 0
    assert 0 < domains.figures(demo, first + dt.timedelta(days=700))["residences"] < 95
