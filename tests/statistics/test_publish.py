"""Open data: the SDMX-CSV files, their metadata, the catalogue and the command."""

from __future__ import annotations

import datetime
import json
import math
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from inclusio.core.errors import ValidationFailed
from inclusio.statistics.errors import ErrorCode
from inclusio.statistics.publish import compute_datasets
from inclusio.statistics.tables import DIMENSIONS, TABLES, TOTAL, Snapshot, compute
from tests.statistics.test_domain_tables import DOMAIN_TABLES

ON = datetime.date(2024, 1, 1)
COLUMNS_BEFORE = ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
COLUMNS_AFTER = ["OBS_VALUE", "CONF_STATUS", "UNIT_MEASURE"]


def test_each_csv_reads_with_pandas_into_the_stated_columns(published: Path) -> None:
    for table in TABLES.values():
        frame = pd.read_csv(
            published / "current" / f"{table.id}.csv", dtype=str, keep_default_na=False
        )
        assert list(frame.columns) == [*COLUMNS_BEFORE, *table.dimensions, *COLUMNS_AFTER]
        assert set(frame["STRUCTURE"]) == {"dataflow"}
        assert set(frame["STRUCTURE_ID"]) == {f"INCLUSIO:{table.id}(1.0)"}
        assert set(frame["UNIT_MEASURE"]) == {table.unit}
        assert set(frame["CONF_STATUS"]) <= {"F", "C", "D"}
        # Every combination of codes and totals is there, once.
        expected = math.prod(
            len(DIMENSIONS[name].codes or frame[name].unique())
            + (0 if DIMENSIONS[name].codes is None else 1)
            for name in table.dimensions
        )
        assert len(frame) == expected
        assert not frame.duplicated(list(table.dimensions)).any()
        for name in table.dimensions:
            assert TOTAL in set(frame[name])
        withheld = frame["CONF_STATUS"] != "F"
        assert (frame.loc[withheld, "OBS_VALUE"] == "").all()
        if table.measure != "rate":
            assert (frame.loc[~withheld, "OBS_VALUE"] != "").all()
            pd.to_numeric(frame.loc[~withheld, "OBS_VALUE"])


def test_the_published_cells_add_up_to_the_published_totals(published: Path) -> None:
    frame = pd.read_csv(
        published / "current" / "PWD_REGION_GROUP_SEX.csv", keep_default_na=False, dtype=str
    )
    free = frame[(frame["CONF_STATUS"] == "F")]
    national = int(
        free.query("REF_AREA == '_T' and DISABILITY_GROUP == '_T' and SEX == '_T'")[
            "OBS_VALUE"
        ].iloc[0]
    )
    assert national == 725  # every status of the demo snapshot is in force on its date
    by_sex = frame.query("REF_AREA == '_T' and DISABILITY_GROUP == '_T' and SEX != '_T'")
    if (by_sex["CONF_STATUS"] == "F").all():
        assert by_sex["OBS_VALUE"].astype(int).sum() == national


def test_metadata_and_catalogue(published: Path) -> None:
    catalogue = json.loads((published / "current" / "catalogue.jsonld").read_text(encoding="utf-8"))
    assert catalogue["@type"] == "dcat:Catalog"
    assert [d["dct:identifier"] for d in catalogue["dcat:dataset"]] == list(TABLES)
    for entry in catalogue["dcat:dataset"]:
        assert {t["@language"] for t in entry["dct:title"]} == {"kk", "ru", "en"}
        for distribution in entry["dcat:distribution"]:
            assert (published / "current" / distribution["dcat:downloadURL"]["@id"]).is_file()
        meta = json.loads(
            (published / "current" / f"{entry['dct:identifier']}.json").read_text(encoding="utf-8")
        )
        assert meta["reference_date"] == "2024-01-01"
        assert (
            set(meta["title"])
            == set(meta["definition"])
            == set(meta["source"])
            == {"kk", "ru", "en"}
        )
        assert len({meta["title"]["kk"], meta["title"]["ru"], meta["title"]["en"]}) == 3
        assert meta["suppression"]["threshold"] == 5
        assert set(meta["suppression"]["method"]) == {"kk", "ru", "en"}
        frame = pd.read_csv(published / "current" / meta["data"], dtype=str, keep_default_na=False)
        assert meta["suppression"]["primary_cells"] == (frame["CONF_STATUS"] == "C").sum()
        assert meta["suppression"]["secondary_cells"] == (frame["CONF_STATUS"] == "D").sum()
        for dimension in meta["dimensions"]:
            assert {c["id"] for c in dimension["codes"]} == set(frame[dimension["id"]]) - {TOTAL}


def test_a_status_not_yet_in_force_or_of_a_person_dead_is_not_counted(snapshot: Snapshot) -> None:
    table = TABLES["PWD_REGION_GROUP_SEX"]
    grand = (TOTAL, TOTAL, TOTAL)
    now = compute(table, snapshot, ON).values[grand]
    earlier = compute(table, snapshot, datetime.date(2015, 1, 1)).values[grand]
    # The demo snapshot has a status history: the periods in force then, not today's statuses.
    assert snapshot.history
    expected = snapshot.db.execute(
        "SELECT count(*) FROM read_parquet(?) d JOIN persons p USING (iin)"
        " WHERE d.valid_from <= DATE '2015-01-01'"
        " AND (d.valid_to IS NULL OR d.valid_to >= DATE '2015-01-01')"
        " AND (p.death_date IS NULL OR p.death_date > DATE '2015-01-01')",
        [str(snapshot.directory / "disability_history.parquet")],
    ).fetchone()
    assert expected is not None
    assert earlier == expected[0] < now


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"on": datetime.date(1990, 1, 1)}, ErrorCode.DATE_BEFORE_HISTORY),
        ({"on": datetime.date(2024, 1, 2)}, ErrorCode.DATE_AFTER_SNAPSHOT),
        ({"on": ON, "datasets": ["PWD_BY_SHOE_SIZE"]}, ErrorCode.DATASET_UNKNOWN),
        ({"on": ON, "threshold": 1}, ErrorCode.THRESHOLD_TOO_SMALL),
    ],
)
def test_bad_requests_are_refused_with_a_translated_message(
    snapshot: Snapshot, options: dict, code: ErrorCode
) -> None:
    on = options.pop("on")
    with pytest.raises(ValidationFailed) as refused:
        compute_datasets(snapshot, on, **options)
    assert refused.value.code == code
    english = refused.value.message
    with translation.override("ru"):
        assert refused.value.message != english
    with translation.override("kk"):
        assert refused.value.message != english


def test_a_named_dataset_the_snapshot_cannot_give_is_refused_and_unnamed_skipped(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    partial = tmp_path / "snapshot"
    partial.mkdir()
    for name in ("manifest.json", "persons.parquet", "disability.parquet"):
        (partial / name).write_bytes((demo_snapshot / name).read_bytes())
    snapshot = Snapshot.open(partial)
    try:
        with pytest.raises(ValidationFailed) as refused:
            compute_datasets(snapshot, ON, datasets=["IPR_LINES"])
        assert refused.value.code == ErrorCode.SNAPSHOT_INCOMPLETE
        assert "programme_lines.parquet" in refused.value.message
        skipped = compute_datasets(snapshot, ON, datasets=[]).skipped
        assert [name for name, _file in skipped] == [
            "IPR_LINES",
            "IPR_IMPLEMENTATION",
            "IPR_ORDERS",
            *DOMAIN_TABLES,
        ]
    finally:
        snapshot.close()


@pytest.mark.django_db
def test_the_command_publishes_and_a_refusal_writes_nothing(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    out = tmp_path / "open"
    stdout = StringIO()
    call_command(
        "statistics_publish",
        "--snapshot",
        str(demo_snapshot),
        "--date",
        "2024-01-01",
        "--out",
        str(out),
        "--dataset",
        "BENEFIT_AMOUNTS",
        stdout=stdout,
    )
    assert sorted(p.name for p in (out / "current").iterdir()) == [
        "BENEFIT_AMOUNTS.csv",
        "BENEFIT_AMOUNTS.json",
        "catalogue.jsonld",
    ]
    assert "1 datasets, 3 files" in stdout.getvalue()

    refused_out = tmp_path / "refused"
    with translation.override("ru"), pytest.raises(CommandError, match="раньше истории реестра"):
        call_command(
            "statistics_publish",
            "--snapshot",
            str(demo_snapshot),
            "--date",
            "1990-01-01",
            "--out",
            str(refused_out),
        )
    assert not refused_out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["open"]
