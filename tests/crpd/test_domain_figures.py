"""The CRPD report's figures of §47–49, §52 and §123–124, computed from the snapshot's domains'
part: on the demo snapshot they are the seed's figures at its scale, each named by its query
and equal to the published table's total of the same quantity; without the part, "no data"."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from inclusio.crpd import figures
from inclusio.crpd.report import build
from inclusio.snapshot.contract import DOMAIN_SCHEMAS
from inclusio.statistics.tables import TABLES, TOTAL, Snapshot, compute
from inclusio.synthetic.domains import expected, yearly_expected

ON = dt.date(2024, 1, 1)
# Each domain figure and the name snapshot.domains gives the quantity (the seed's, scaled).
SAME_AS = {
    "facilities_on_the_map": "facilities",
    "facilities_adapted": "facilities_adapted",
    "accessibility_inspections_in_period": "inspections",
    "accessibility_prescriptions_in_period": "prescriptions",
    "accessibility_fines_in_period_kzt": "fines_kzt",
    "courts_on_the_map": "courts",
    "courts_barrier_free": "courts_adapted",
    "housing_waiting_persons": "waiting_persons",
    "housing_waiting_families": "waiting_families",
    "housing_housed_persons_in_period": "housed_persons",
    "housing_housed_families_in_period": "housed_families",
    "quota_employed": "quota_employed",
    "special_workplaces_in_period": "special_workplaces",
    "employment_support_covered": "support_measures",
    "employment_support_permanent_job": "support_permanent_job",
    "emergency_residences_kept": "residences",
}


@pytest.fixture(scope="module")
def snapshot(synthetic_snapshot: Callable[[str, int], Path]) -> Path:
    return synthetic_snapshot("demo", 7)


def test_the_domain_figures_state_the_seeds_at_the_scale(snapshot: Path) -> None:
    computed = {f.name: f.value for f in figures.compute(snapshot, ON)}
    seed = expected(0.001)
    assert {spec.name for spec in figures.DOMAIN_FIGURES} == {*SAME_AS, "facilities_adapted_pct"}
    for name, quantity in SAME_AS.items():
        assert computed[name] == seed[quantity], name
    assert computed["facilities_adapted_pct"] == round(
        100 * seed["facilities_adapted"] / seed["facilities"], 1
    )
    # At national scale the same quotas are the report's own numbers.
    national = expected(1.0)
    assert (national["facilities_adapted"], national["inspections"]) == (13_516, 6_091)
    assert (national["waiting_persons"], national["housed_families"]) == (55_258, 1_988)
    assert (national["quota_employed"], national["support_measures"]) == (8_200, 34_895)
    assert round(100 * national["facilities_adapted"] / national["facilities"]) == 33


def test_a_report_figure_is_the_published_tables_total(snapshot: Path) -> None:
    computed = {f.name: f.value for f in figures.compute(snapshot, ON)}
    opened = Snapshot.open(snapshot)
    try:
        waiting = compute(TABLES["HOUSING_WAITING"], opened, ON).values
        employed = compute(TABLES["QUOTA_EMPLOYED"], opened, ON).values
        adapted = compute(TABLES["FACILITIES_ADAPTED"], opened, ON).values
        homes = compute(TABLES["EMERGENCY_RESIDENCES"], opened, ON).values
    finally:
        opened.close()
    assert computed["emergency_residences_kept"] == homes[(TOTAL,)]
    assert computed["housing_waiting_persons"] == waiting[(TOTAL, "DISABILITY_GROUP_1_2")]
    assert computed["quota_employed"] == employed[(TOTAL,)]
    assert computed["facilities_adapted"] == adapted[(TOTAL, TOTAL, "ADAPTED")]


def test_without_the_part_the_domain_figures_say_no_data(snapshot: Path, tmp_path: Path) -> None:
    bare = tmp_path / "snapshot"
    bare.mkdir()
    for item in snapshot.iterdir():
        if item.stem not in DOMAIN_SCHEMAS:
            (bare / item.name).symlink_to(item)
    computed = {f.name: f for f in figures.compute(bare, ON)}
    assert all(computed[name].value is None for name in SAME_AS)
    assert computed["housing_waiting_persons"].display == "no data"
    assert computed["persons_with_disabilities"].value  # the rest is still computed


def test_a_domain_file_breaking_the_contract_gives_no_data(snapshot: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    broken = tmp_path / "snapshot"
    broken.mkdir()
    for item in snapshot.iterdir():
        if item.name != "employers.parquet":
            (broken / item.name).symlink_to(item)
    pq.write_table(pa.table({"employer_id": ["x"]}), broken / "employers.parquet")
    computed = {f.name: f.value for f in figures.compute(broken, ON)}
    assert computed["quota_employed"] is None


@pytest.mark.django_db
def test_the_report_traces_each_domain_figure_to_its_query(snapshot: Path) -> None:
    report = build(first_year=2018, last_year=2023, snapshot=snapshot, language="en")
    named = dict(report.queries)
    for spec in figures.DOMAIN_FIGURES:
        assert named[spec.name] == str(spec.label)
    article_9 = next(s for s in report.sections if s.article.number == 9)
    lines = {line.query: line for line in article_9.lines if line.query}
    assert lines["housing_waiting_persons"].value == "55"
    assert lines["facilities_adapted_pct"].value.endswith("%")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_each_domain_figure_is_labelled_in_the_language(language: str) -> None:
    from django.utils import translation

    for spec in figures.DOMAIN_FIGURES:
        english = str(spec.label)
        with translation.override(language):
            assert str(spec.label) != english, spec.name


def test_on_an_earlier_day_the_facilities_and_the_employed_come_from_their_history(
    snapshot: Path,
) -> None:
    for day, wanted in yearly_expected(0.001, ON).items():
        found = {f.name: f.value for f in figures.compute(snapshot, day)}
        assert found["facilities_on_the_map"] == wanted["facilities"], day
        assert found["facilities_adapted"] == wanted["facilities_adapted"], day
        assert found["quota_employed"] == wanted["quota_employed"], day
        assert found["courts_on_the_map"] is not None and found["courts_barrier_free"] is not None
    # The figures differ from the snapshot's own day's: computed, not its state shown again.
    earliest = {f.name: f.value for f in figures.compute(snapshot, dt.date(ON.year - 6, 1, 1))}
    assert earliest["facilities_on_the_map"] < expected(0.001)["facilities"]


def test_without_the_histories_the_undated_figures_say_no_data(
    snapshot: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(snapshot, bare)
    for name in ("facility_assessments", "quota_placements"):
        (bare / f"{name}.parquet").unlink()
    earlier = {f.name: f for f in figures.compute(bare, dt.date(ON.year - 1, 1, 1))}
    on_the_day = {f.name: f.value for f in figures.compute(bare, ON)}
    for name in (
        "facilities_on_the_map",
        "facilities_adapted",
        "courts_on_the_map",
        "courts_barrier_free",
        "quota_employed",
    ):
        assert on_the_day[name] is not None, name
        assert earlier[name].value is None and earlier[name].display == "no data", name
    assert earlier["housing_waiting_persons"].value is not None


def test_a_history_breaking_the_contract_gives_no_data_rather_than_a_wrong_number(
    snapshot: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(snapshot, broken)
    pq.write_table(
        pa.table({"assessment_id": [1], "facility_id": [1], "assessed_on": ["2020-01-01"]}),
        broken / "facility_assessments.parquet",
    )
    found = {f.name: f.value for f in figures.compute(broken, dt.date(ON.year - 1, 1, 1))}
    assert found["facilities_on_the_map"] is None and found["housing_waiting_persons"] is None
