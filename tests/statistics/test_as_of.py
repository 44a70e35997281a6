"""Statistics as of any date the snapshot's disability history covers: the history part
validates (and a snapshot without it still does), the generator's history holds the yearly
figures, the tables count them, and the dates the snapshot cannot answer for are refused."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.utils import translation

from inclusio.core.errors import ValidationFailed
from inclusio.snapshot.contract import DISABILITY_HISTORY, MANIFEST, parquet_path
from inclusio.snapshot.history import Bounds, validate_history
from inclusio.snapshot.validate import Problem, SnapshotError, validate_snapshot
from inclusio.statistics.errors import ErrorCode
from inclusio.statistics.publish import compute_datasets
from inclusio.statistics.tables import TABLES, TOTAL, Snapshot, compute
from inclusio.synthetic import figures as seed
from inclusio.synthetic.checks import check_history

ON = datetime.date(2024, 1, 1)
# The part as the contract states it, spelled out so that a change to it fails here.
HISTORY_COLUMNS = {
    "iin": pa.string(),
    "category": pa.string(),
    "cause": pa.string(),
    "work_capacity_loss_pct": pa.int16(),
    "valid_from": pa.date32(),
    "valid_to": pa.date32(),
    "reexamination_date": pa.date32(),
}


def without_history(demo_snapshot: Path, folder: Path) -> Path:
    folder.mkdir()
    for item in demo_snapshot.iterdir():
        if item.name != f"{DISABILITY_HISTORY}.parquet":
            (folder / item.name).symlink_to(item)
    return folder


def with_history(demo_snapshot: Path, folder: Path, history: pa.Table) -> Path:
    folder.mkdir()
    for item in demo_snapshot.iterdir():
        if item.name != f"{DISABILITY_HISTORY}.parquet":
            (folder / item.name).symlink_to(item)
    pq.write_table(history, parquet_path(folder, DISABILITY_HISTORY))
    return folder


def grand_total(snapshot: Snapshot, on: datetime.date) -> int:
    table = TABLES["PWD_REGION_GROUP_SEX"]
    value = compute(table, snapshot, on).values[(TOTAL, TOTAL, TOTAL)]
    assert isinstance(value, int)
    return value


def test_the_part_validates_and_a_snapshot_without_it_too(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    schema = validate_history(demo_snapshot)
    assert schema is not None
    assert {field.name: field.type for field in schema} == HISTORY_COLUMNS
    plain = without_history(demo_snapshot, tmp_path / "plain")
    assert validate_history(plain) is None
    validate_snapshot(plain)  # contract version 1 as it was

    history = pq.read_table(parquet_path(demo_snapshot, DISABILITY_HISTORY))
    no_end = with_history(demo_snapshot, tmp_path / "no-end", history.drop_columns(["valid_to"]))
    with pytest.raises(SnapshotError) as refused:
        validate_history(no_end)
    assert (refused.value.problem, refused.value.column) == (Problem.COLUMN_MISSING, "valid_to")
    texts = history.set_column(
        history.schema.get_field_index("valid_from"),
        "valid_from",
        history["valid_from"].cast(pa.string()),
    )
    typed = with_history(demo_snapshot, tmp_path / "typed", texts)
    with pytest.raises(SnapshotError) as refused:
        validate_history(typed)
    assert (refused.value.problem, refused.value.column) == (Problem.COLUMN_TYPE, "valid_from")
    # Publishing from it is refused before any table reads it.
    opened = Snapshot.open(typed)
    try:
        invalid = refusal(opened, ON)
    finally:
        opened.close()
    assert invalid.code == ErrorCode.HISTORY_INVALID and "'valid_from'" in invalid.message
    # The re-examination date is optional: no figure reads it.
    lean = with_history(
        demo_snapshot, tmp_path / "lean", history.drop_columns(["reexamination_date"])
    )
    assert validate_history(lean) is not None


def test_the_generators_history_holds_the_yearly_figures(demo_snapshot: Path) -> None:
    checks = check_history(demo_snapshot)
    assert len(checks) == len(seed.PWD_BY_YEAR) + len(seed.CHILDREN_BY_YEAR)
    assert all(check.ok for check in checks), [c for c in checks if not c.ok]


def test_the_tables_count_the_yearly_figures_and_today_agrees_with_the_statuses(
    snapshot: Snapshot,
) -> None:
    for year, national in seed.PWD_BY_YEAR.items():
        assert grand_total(snapshot, datetime.date(year, 1, 1)) == round(national * 0.001), year
    ages = compute(TABLES["PWD_REGION_AGE_SEX"], snapshot, datetime.date(2022, 1, 1)).values
    children = ages[(TOTAL, "Y0T6", TOTAL)] + ages[(TOTAL, "Y7T17", TOTAL)]  # type: ignore[operator]
    assert children == round(seed.CHILDREN_BY_YEAR[2022] * 0.001)
    # On the snapshot's date the history holds exactly the statuses in force.
    (in_force,) = snapshot.db.execute(
        "SELECT count(*) FROM read_parquet(?) d JOIN persons p USING (iin)",
        [str(parquet_path(snapshot.directory, "disability"))],
    ).fetchone() or (0,)
    assert grand_total(snapshot, ON) == in_force


def refusal(snapshot: Snapshot, on: datetime.date) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        compute_datasets(snapshot, on, datasets=["PWD_REGION_GROUP_SEX"])
    english = refused.value.message
    for language in ("ru", "kk"):
        with translation.override(language):
            assert refused.value.message != english, language
    return refused.value


def test_dates_outside_the_history_are_refused(
    snapshot: Snapshot, demo_snapshot: Path, tmp_path: Path
) -> None:
    bounds = snapshot.history_start()
    assert bounds is not None and bounds.declared
    # The manifest's history_from (the generator's first yearly point), not the earliest
    # period's start, which is years before it.
    start = bounds.first
    assert start == datetime.date(2018, 1, 1)
    assert grand_total(snapshot, start) == round(seed.PWD_BY_YEAR[2018] * 0.001)
    before = refusal(snapshot, start - datetime.timedelta(days=1))
    assert before.code == ErrorCode.DATE_BEFORE_HISTORY
    assert start.isoformat() in before.message
    after = refusal(snapshot, ON + datetime.timedelta(days=1))
    assert after.code == ErrorCode.DATE_AFTER_SNAPSHOT

    # Without a history, the statuses in force on the snapshot's date answer for it alone.
    plain = Snapshot.open(without_history(demo_snapshot, tmp_path / "plain"))
    try:
        assert not plain.history
        assert grand_total(plain, ON) == grand_total(snapshot, ON)
        earlier = refusal(plain, datetime.date(2023, 12, 31))
        assert earlier.code == ErrorCode.DATE_BEFORE_HISTORY
        assert "disability_history.parquet" in earlier.message
    finally:
        plain.close()


def with_manifest(folder: Path, **changes: object) -> Path:
    """The folder's manifest (a link to the generator's) replaced by a copy with ``changes``;
    a change to None removes the key."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            manifest.pop(key, None)
        else:
            manifest[key] = value
    (folder / MANIFEST).unlink()
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_the_first_day_answered_for_is_the_manifests_not_the_earliest_period(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    history = pq.read_table(parquet_path(demo_snapshot, DISABILITY_HISTORY))
    assert min(history["valid_from"].to_pylist()) < datetime.date(2018, 1, 1)
    # A producer vouching for a later day: the days before it are refused although periods
    # cover them (counting them would leave out the statuses ended before the producer began).
    folder = with_manifest(
        with_history(demo_snapshot, tmp_path / "later", history), history_from="2020-01-01"
    )
    opened = Snapshot.open(folder)
    try:
        assert opened.history_start() == Bounds(datetime.date(2020, 1, 1), True)
        assert grand_total(opened, datetime.date(2020, 1, 1)) == round(
            seed.PWD_BY_YEAR[2020] * 0.001
        )
        before = refusal(opened, datetime.date(2019, 12, 31))
        assert before.code == ErrorCode.DATE_BEFORE_HISTORY
        assert "2020-01-01" in before.message
        with pytest.raises(ValidationFailed):  # nothing is computed, nothing written
            compute_datasets(opened, datetime.date(2019, 6, 1), datasets=[])
    finally:
        opened.close()


def test_a_history_whose_manifest_names_no_first_day_answers_for_its_own_date_only(
    demo_snapshot: Path, tmp_path: Path
) -> None:
    history = pq.read_table(parquet_path(demo_snapshot, DISABILITY_HISTORY))
    folder = with_manifest(
        with_history(demo_snapshot, tmp_path / "older", history), history_from=None
    )
    opened = Snapshot.open(folder)
    try:
        assert opened.history and opened.history_start() == Bounds(ON, False)
        assert grand_total(opened, ON) > 0
        earlier = refusal(opened, datetime.date(2023, 12, 31))
        assert earlier.code == ErrorCode.DATE_BEFORE_HISTORY
        assert "history_from" in earlier.message
    finally:
        opened.close()
