"""Unfolding kept subjects into the rows of results.parquet (``inclusio.rules.results``)."""

from __future__ import annotations

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
)
RIGHT = ProgrammeColumns(
    programme="right",
    eligible="r_eligible",
    amount="r_amount",
    conditions=(("valid", "r_c0"),),  # a condition name two programmes share
    parameters="{}",
)
KEPT = pa.table(
    {
        "subject_id": ["111", "222"],
        "b_eligible": [True, False],
        "b_amount": pa.array([65313, None], pa.int64()),
        "b_c0": [True, False],
        "b_c1": [True, True],
        "r_eligible": [True, True],
        "r_amount": pa.array([7971, 7971], pa.int64()),
        "r_c0": [True, True],
    }
)


def test_each_subject_gets_each_programme_row_in_order(tmp_path: Path) -> None:
    path = tmp_path / "results.parquet"
    write_results(path, [unfold(KEPT, "person", [BENEFIT, RIGHT])])
    written = pq.read_table(path)
    assert written.schema == RESULT_SCHEMA  # readers see plain strings, not dictionaries
    assert written.to_pylist() == [
        {
            "subject_id": "111",
            "subject_kind": "person",
            "programme": "benefit",
            "eligible": True,
            "amount_kzt": 65313,
            "reasons": [
                {"condition": "has_group", "met": True},
                {"condition": "valid", "met": True},
            ],
            "parameters": '{"rate": {"value": "1.61"}}',
        },
        {
            "subject_id": "111",
            "subject_kind": "person",
            "programme": "right",
            "eligible": True,
            "amount_kzt": 7971,
            "reasons": [{"condition": "valid", "met": True}],
            "parameters": "{}",
        },
        {
            "subject_id": "222",
            "subject_kind": "person",
            "programme": "benefit",
            "eligible": False,
            "amount_kzt": None,
            "reasons": [
                {"condition": "has_group", "met": False},
                {"condition": "valid", "met": True},
            ],
            "parameters": '{"rate": {"value": "1.61"}}',
        },
        {
            "subject_id": "222",
            "subject_kind": "person",
            "programme": "right",
            "eligible": True,
            "amount_kzt": 7971,
            "reasons": [{"condition": "valid", "met": True}],
            "parameters": "{}",
        },
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
