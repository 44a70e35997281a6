"""The domains' tables (facilities, inspections, housing lists, job quotas) over the demo
snapshot: each counts what the CRPD report's figure of the same name counts (one definition,
``snapshot.domains``), and the attacker test of test_disclosure.py covers them with the rest."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.utils import translation

from inclusio.core.errors import ValidationFailed
from inclusio.snapshot import domains
from inclusio.statistics.errors import ErrorCode
from inclusio.statistics.publish import compute_datasets
from inclusio.statistics.tables import DIMENSIONS, TABLES, TOTAL, Snapshot, compute
from inclusio.synthetic.domains import expected, yearly_expected

ON = datetime.date(2024, 1, 1)
DOMAIN_TABLES = (
    "FACILITIES_ADAPTED",
    "ACCESSIBILITY_INSPECTIONS",
    "ACCESSIBILITY_FINES",
    "HOUSING_WAITING",
    "HOUSING_HOUSED",
    "QUOTA_EMPLOYERS",
    "QUOTA_PLACES",
    "QUOTA_EMPLOYED",
    "SPECIAL_WORKPLACES",
    "EMPLOYMENT_SUPPORT",
    "EMERGENCY_RESIDENCES",
)


def total(table: str, snapshot: Snapshot, **codes: str) -> int | float | None:
    cube = compute(TABLES[table], snapshot, ON)
    key = tuple(codes.get(name, TOTAL) for name in TABLES[table].dimensions)
    return cube.values[key]


def test_the_tables_count_what_the_report_figures_count(
    snapshot: Snapshot, demo_snapshot: Path
) -> None:
    figures = domains.figures(demo_snapshot, ON)
    assert figures == {**figures, **expected(0.001)}  # the generator's exact quotas
    assert total("FACILITIES_ADAPTED", snapshot) == figures["facilities"]
    assert (
        total("FACILITIES_ADAPTED", snapshot, ADAPTATION="ADAPTED")
        == (figures["facilities_adapted"])
    )
    # Every inspection of the demo falls in the report's period, before the date.
    assert total("ACCESSIBILITY_INSPECTIONS", snapshot) == figures["inspections"]
    assert total("ACCESSIBILITY_FINES", snapshot) == figures["fines_kzt"]
    group, child = domains.GROUP_I_II.upper(), domains.CHILD.upper()
    assert total("HOUSING_WAITING", snapshot, HOUSING_CATEGORY=group) == figures["waiting_persons"]
    assert (
        total("HOUSING_WAITING", snapshot, HOUSING_CATEGORY=child) == (figures["waiting_families"])
    )
    assert total("HOUSING_HOUSED", snapshot, HOUSING_CATEGORY=group) == figures["housed_persons"]
    assert total("QUOTA_EMPLOYERS", snapshot) == figures["employers"]
    assert total("QUOTA_PLACES", snapshot) == figures["quota_places"]
    assert total("QUOTA_EMPLOYED", snapshot) == figures["quota_employed"]
    assert total("SPECIAL_WORKPLACES", snapshot) == figures["special_workplaces"]
    assert total("EMPLOYMENT_SUPPORT", snapshot) == figures["support_measures"]
    assert (
        total("EMPLOYMENT_SUPPORT", snapshot, SUPPORT_MEASURE="PERMANENT_JOB")
        == (figures["support_permanent_job"])
    )
    assert total("EMERGENCY_RESIDENCES", snapshot) == figures["residences"] == 95


def test_a_date_before_the_housing_counts_them_waiting(snapshot: Snapshot) -> None:
    before = datetime.date(ON.year - domains.PERIOD_YEARS, 1, 1)
    housed_later = snapshot.db.execute(
        "SELECT count(*) FROM housing_queue WHERE registered_on <= ? AND housed_on > ?",
        [before, before],
    ).fetchone()
    waiting = compute(TABLES["HOUSING_WAITING"], snapshot, before).values[(TOTAL, TOTAL)]
    assert housed_later is not None and housed_later[0] > 0
    assert waiting == domains.figures(snapshot.directory, before)["waiting_persons"] + (
        domains.figures(snapshot.directory, before)["waiting_families"] or 0
    )


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_new_title_and_code_is_in_each_language(language: str) -> None:
    names = {"FACILITY_KIND", "ADAPTATION", "INSPECTION_OUTCOME", "HOUSING_CATEGORY"}
    names |= {"SUPPORT_MEASURE"}
    with translation.override(language):
        for table in DOMAIN_TABLES:
            assert getattr(TABLES[table].title, language).strip()
            assert getattr(TABLES[table].definition, language).strip()
        for name in names:
            dimension = DIMENSIONS[name]
            assert getattr(dimension.title, language).strip()
            assert dimension.codes and all(getattr(c.label, language) for c in dimension.codes)
    if language != "en":
        for table in DOMAIN_TABLES:
            assert getattr(TABLES[table].title, language) != TABLES[table].title.en


@pytest.mark.django_db
def test_each_domain_dataset_has_its_page_with_a_chart_beside_its_table(
    client: Client, settings: Any, published: Path
) -> None:
    settings.OPEN_DATA_DIR = published
    for table in DOMAIN_TABLES:
        page = client.get(f"/kk/statistics/datasets/{table}/").content.decode()
        assert TABLES[table].title.kk in page, table
        charts = re.findall(r'<svg role="img" aria-labelledby="([^"]+)-chart-title"', page)
        tables = re.findall(
            r'<table class="usa-table usa-table--compact" aria-labelledby="([^"]+)-heading"',
            page,
        )
        assert (
            charts
            == tables
            == [f"by-{d.lower().replace('_', '-')}" for d in TABLES[table].dimensions]
        )
    frame = pd.read_csv(
        published / "current" / "EMPLOYMENT_SUPPORT.csv", dtype=str, keep_default_na=False
    )
    assert list(frame.columns[3:5]) == ["REF_AREA", "SUPPORT_MEASURE"]
    assert len(frame) == 21 * 11


def _without_listed_day(demo_snapshot: Path) -> pa.Table:
    facilities = pq.read_table(demo_snapshot / "facilities.parquet")
    index = facilities.schema.get_field_index("listed_on")
    return facilities.set_column(index, "listed_on", facilities["listed_on"].cast(pa.string()))


@pytest.mark.parametrize(
    ("file", "table", "named"),
    [
        ("employers", pa.table({"employer_id": ["x"]}), "employers.parquet: the column"),
        ("employers", None, "employers.parquet is not a readable Parquet file."),
        (
            "facility_assessments",
            pa.table({"assessment_id": [1], "facility_id": [1]}),
            "facility_assessments.parquet: the column 'assessed_on' is missing",
        ),
        (
            "quota_placements",
            pa.table({"employer_id": [1], "region_code": ["71"], "started": ["2023-01-01"]}),
            "quota_placements.parquet: the column 'started'",
        ),
        ("facilities", _without_listed_day, "facilities.parquet: the column 'listed_on'"),
    ],
)
def test_a_domain_file_breaking_the_contract_is_refused_before_any_table(
    demo_snapshot: Path, tmp_path: Path, file: str, table: Any, named: str
) -> None:
    broken = tmp_path / "snapshot"
    broken.mkdir()
    for item in demo_snapshot.iterdir():
        if item.name != f"{file}.parquet":
            (broken / item.name).symlink_to(item)
    if table is None:
        (broken / f"{file}.parquet").write_bytes(b"not parquet")
    else:
        written = table(demo_snapshot) if callable(table) else table
        pq.write_table(written, broken / f"{file}.parquet")
    opened = Snapshot.open(broken)
    try:
        with pytest.raises(ValidationFailed) as refused:
            compute_datasets(opened, ON)
    finally:
        opened.close()
    assert refused.value.code == ErrorCode.DOMAIN_FILE_INVALID
    assert named in refused.value.message


def test_on_another_date_the_quota_owed_is_not_held(snapshot: Snapshot) -> None:
    earlier = datetime.date(ON.year - 1, 1, 1)
    assert snapshot.reference_date == ON
    undated = {"QUOTA_EMPLOYERS", "QUOTA_PLACES"}
    dated = {"FACILITIES_ADAPTED", "QUOTA_EMPLOYED"}
    on_the_day = compute_datasets(snapshot, ON, datasets=sorted(undated | dated))
    assert {published.table.id for published in on_the_day.datasets} == undated | dated
    before = compute_datasets(snapshot, earlier, datasets=[])
    assert {name for name, _file in before.skipped} >= undated
    held = {published.table.id for published in before.datasets}
    assert not undated & held and {"HOUSING_WAITING", *dated} <= held
    with pytest.raises(ValidationFailed) as refused:
        compute_datasets(snapshot, earlier, datasets=["QUOTA_PLACES"])
    assert refused.value.code == ErrorCode.SNAPSHOT_INCOMPLETE


def test_on_an_earlier_day_the_facilities_and_the_employed_come_from_their_history(
    snapshot: Snapshot, demo_snapshot: Path
) -> None:
    for day, wanted in yearly_expected(0.001, ON).items():
        figures = domains.figures(demo_snapshot, day)
        facilities = compute(TABLES["FACILITIES_ADAPTED"], snapshot, day)
        employed = compute(TABLES["QUOTA_EMPLOYED"], snapshot, day)
        assert (
            facilities.values[(TOTAL, TOTAL, TOTAL)]
            == wanted["facilities"]
            == figures["facilities"]
        )
        assert facilities.values[(TOTAL, TOTAL, "ADAPTED")] == wanted["facilities_adapted"]
        assert employed.values[(TOTAL,)] == wanted["quota_employed"] == figures["quota_employed"]


def test_without_the_histories_the_facilities_are_not_held_on_another_day(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(demo_snapshot, bare)
    (bare / "facility_assessments.parquet").unlink()
    opened = Snapshot.open(bare)
    try:
        assert opened.dated == frozenset({"quota_placements"})
        before = compute_datasets(opened, datetime.date(ON.year - 1, 1, 1), datasets=[])
    finally:
        opened.close()
    assert "FACILITIES_ADAPTED" in {name for name, _file in before.skipped}
