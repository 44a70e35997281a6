"""Unfolding kept subjects into the rows of results.parquet (``inclusio.rules.results``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from inclusio.rules.results import RESULT_SCHEMA, ProgrammeColumns, unfold, write_results

BENEFIT = ProgrammeColumns(
    programme="benefit",
    eligible="b_eligible",
    amount="b_amount",
    conditions=(("has_group", "b_c0"), ("valid", "b_c1")),
    parameters='{"rate": {"value": "1.61"}}',
    inputs=(("category", "b_v0"),),
)
RIGHT = ProgrammeColumns(
    programme="right",
    eligible="r_eligible",
    amount="r_amount",
    conditions=(("valid", "r_c0"),),  # a condition name two programmes share
    parameters="{}",
    rate="r_rate",
)
KEPT = pa.table(
    {
        "subject_id": ["111", "222"],
        "b_eligible": [True, False],
        "b_amount": pa.array([65313, None], pa.int64()),
        "b_c0": [True, False],
        "b_c1": [True, True],
        "b_v0": ["II", None],  # the subject's own value the amount reads; may be missing
        "r_eligible": [True, True],
        "r_amount": pa.array([7971, 7971], pa.int64()),
        "r_c0": [True, True],
        "r_rate": pa.array([Decimal("0.5"), Decimal(1)], pa.decimal128(5, 4)),
    }
)


def row(
    subject: str,
    programme: ProgrammeColumns,
    eligible: bool,
    amount: int | None,
    *met: bool,
    rate: Decimal | None = None,
) -> dict[str, object]:
    """A row as read back from the file."""
    return {
        "subject_id": subject,
        "subject_kind": "person",
        "programme": programme.programme,
        "eligible": eligible,
        "amount_kzt": amount,
        "reasons": [
            {"condition": name, "met": value}
            for (name, _), value in zip(programme.conditions, met, strict=True)
        ],
        "parameters": programme.parameters,
        "inputs": [
            {"name": name, "value": KEPT[column][int(subject[0]) - 1].as_py()}
            for name, column in programme.inputs
        ],
        "rate": rate,
    }


def test_each_subject_gets_each_programme_row_in_order(tmp_path: Path) -> None:
    path = tmp_path / "results.parquet"
    write_results(path, [unfold(KEPT, "person", [BENEFIT, RIGHT])])
    written = pq.read_table(path)
    assert written.schema == RESULT_SCHEMA  # readers see plain strings, not dictionaries
    assert written.to_pylist() == [
        row("111", BENEFIT, True, 65313, True, True),
        row("111", RIGHT, True, 7971, True, rate=Decimal("0.5")),
        row("222", BENEFIT, False, None, False, True),
        row("222", RIGHT, True, 7971, True, rate=Decimal(1)),
    ]


def test_parts_of_two_kinds_and_an_empty_one_make_one_file(tmp_path: Path) -> None:
    path = tmp_path / "results.parquet"
    nobody = KEPT.slice(0, 0)
    write_results(
        path,
        [unfold(nobody, "family", [RIGHT]), unfold(KEPT.slice(1), "person", [BENEFIT, RIGHT])],
    )
    written = pq.read_table(path)
    assert written.column("subject_kind").to_pylist() == ["person", "person"]
    assert written.column("programme").to_pylist() == ["benefit", "right"]
