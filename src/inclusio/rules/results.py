"""The rows of ``results.parquet``, unfolded from the kept subjects with Arrow.

The engines (DuckDB, Spark) evaluate every programme into one wide row per kept subject: its
conditions, eligibility and amount as columns (``ProgrammeColumns`` names them). Here each wide
row becomes one row per programme, with the reasons as a list and the parameters as JSON —
vectorised (NumPy indices and Arrow arrays, no Python loop over subjects), which is several
times faster than building nested values in the engine and sorting millions of rows with them.

The strings repeated on every row (kind, programme, condition names, parameters) are Arrow
dictionaries: the Parquet writer stores their few distinct values once without hashing every
row, and readers see plain strings (the Arrow schema is not stored in the file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REASON_TYPE = pa.list_(pa.struct([pa.field("condition", pa.string()), pa.field("met", pa.bool_())]))
RESULT_SCHEMA = pa.schema(
    [
        pa.field("subject_id", pa.string()),
        pa.field("subject_kind", pa.string()),
        pa.field("programme", pa.string()),
        pa.field("eligible", pa.bool_()),
        pa.field("amount_kzt", pa.int64()),
        pa.field("reasons", REASON_TYPE),
        pa.field("parameters", pa.string()),
    ]
)


@dataclass(frozen=True)
class ProgrammeColumns:
    """Where one programme's outcome lies in the wide table of its kind of subject."""

    programme: str  # the programme's id
    eligible: str
    amount: str
    conditions: tuple[tuple[str, str], ...]  # (condition name, column), in rule-file order
    parameters: str  # the parameters used, as JSON


def _repeated(values: Sequence[str], indices: np.ndarray) -> pa.DictionaryArray:
    """``values[i]`` for each i of ``indices``, as a dictionary array of distinct values (the
    Parquet writer's fast path; a dictionary with a value twice sends it down a slow one)."""
    distinct = sorted(set(values))
    position = np.array([distinct.index(value) for value in values], dtype=np.int32)
    return pa.DictionaryArray.from_arrays(
        pa.array(position[indices]), pa.array(distinct, pa.string())
    )


def _interleaved(kept: pa.Table, columns: Sequence[str]) -> np.ndarray:
    """The columns' values subject by subject: row i's values of every column, then row i+1's.

    The columns are never null (conditions and eligibility are decided, false when unknown).
    """
    stacked = np.column_stack([kept[name].to_numpy(zero_copy_only=False) for name in columns])
    return stacked.reshape(-1)


def unfold(kept: pa.Table, kind: str, programmes: Sequence[ProgrammeColumns]) -> pa.Table:
    """One row per kept subject and programme, in the subjects' order and, within a subject,
    the order of ``programmes``. ``kept`` has ``subject_id`` and the programmes' columns."""
    subjects, count = kept.num_rows, len(programmes)
    each = np.tile(np.arange(count), subjects)
    amounts = pa.concat_arrays(
        [kept[p.amount].combine_chunks().cast(pa.int64()) for p in programmes]
    )
    # The concatenation is programme by programme; taken in this order, subject by subject.
    subject_major = np.arange(count)[None, :] * subjects + np.arange(subjects)[:, None]
    conditions = [pair for p in programmes for pair in p.conditions]
    lengths = np.tile([len(p.conditions) for p in programmes], subjects)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    reasons = pa.ListArray.from_arrays(
        pa.array(offsets),
        pa.StructArray.from_arrays(
            [
                _repeated(
                    [name for name, _ in conditions], np.tile(np.arange(len(conditions)), subjects)
                ),
                pa.array(_interleaved(kept, [column for _, column in conditions]), pa.bool_()),
            ],
            names=["condition", "met"],
        ),
    )
    return pa.table(
        {
            "subject_id": kept["subject_id"].take(pa.array(np.repeat(np.arange(subjects), count))),
            "subject_kind": _repeated([kind], np.zeros(subjects * count, dtype=np.int32)),
            "programme": _repeated([p.programme for p in programmes], each),
            "eligible": pa.array(_interleaved(kept, [p.eligible for p in programmes]), pa.bool_()),
            "amount_kzt": amounts.take(pa.array(subject_major.reshape(-1))),
            "reasons": reasons,
            "parameters": _repeated([p.parameters for p in programmes], each),
        }
    )


def write_results(path: Path, parts: Sequence[pa.Table]) -> None:
    """Write the parts, in order, as one Parquet file of ``RESULT_SCHEMA``'s columns."""
    with pq.ParquetWriter(path, parts[0].schema, compression="zstd", store_schema=False) as writer:
        for part in parts:
            writer.write_table(part)
