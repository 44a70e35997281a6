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
# The subject's own values that the explanation shows: the columns the amount reads, and how
# many cared persons or members met the programme's per-person conditions.
# A rate programme's share of a price (``rules.rates``), exactly: 0.5 is 50 %.
RATE_TYPE = pa.decimal128(5, 4)
INPUT_TYPE = pa.list_(pa.struct([pa.field("name", pa.string()), pa.field("value", pa.string())]))
RESULT_SCHEMA = pa.schema(
    [
        pa.field("subject_id", pa.string()),
        pa.field("subject_kind", pa.string()),
        pa.field("programme", pa.string()),
        pa.field("eligible", pa.bool_()),
        pa.field("amount_kzt", pa.int64()),
        pa.field("reasons", REASON_TYPE),
        pa.field("parameters", pa.string()),
        pa.field("inputs", INPUT_TYPE),
        pa.field("rate", RATE_TYPE),
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
    inputs: tuple[tuple[str, str], ...] = ()  # (name, column of its value as text)
    rate: str | None = None  # a rate programme's share (null when not eligible)


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

    Conditions and eligibility are never null (decided, false when unknown); an input may be.
    """
    stacked = np.column_stack([kept[name].to_numpy(zero_copy_only=False) for name in columns])
    return stacked.reshape(-1)


def _named_list(
    kept: pa.Table,
    pairs: Sequence[Sequence[tuple[str, str]]],
    names: tuple[str, str],
    value_type: pa.DataType,
) -> pa.ListArray:
    """Per subject and programme, the list of ``{name, value}`` structs that ``pairs`` gives
    (programme by programme: (name, column) pairs), subject by subject."""
    subjects = kept.num_rows
    flat = [pair for group in pairs for pair in group]
    lengths = np.tile([len(group) for group in pairs], subjects)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    values = (
        pa.array(_interleaved(kept, [column for _, column in flat]), value_type)
        if flat
        else pa.array([], value_type)
    )
    return pa.ListArray.from_arrays(
        pa.array(offsets),
        pa.StructArray.from_arrays(
            [
                _repeated(
                    [name for name, _ in flat] or [""],
                    np.tile(np.arange(len(flat)), subjects),
                ),
                values,
            ],
            names=list(names),
        ),
    )


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
    reasons = _named_list(
        kept, [p.conditions for p in programmes], ("condition", "met"), pa.bool_()
    )
    inputs = _named_list(kept, [p.inputs for p in programmes], ("name", "value"), pa.string())
    rates = pa.concat_arrays(
        [
            kept[p.rate].combine_chunks().cast(RATE_TYPE)
            if p.rate is not None
            else pa.nulls(subjects, RATE_TYPE)
            for p in programmes
        ]
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
            "inputs": inputs,
            "rate": rates.take(pa.array(subject_major.reshape(-1))),
        }
    )


def write_results(path: Path, parts: Sequence[pa.Table]) -> None:
    """Write the parts, in order, as one Parquet file of ``RESULT_SCHEMA``'s columns."""
    with pq.ParquetWriter(path, parts[0].schema, compression="zstd", store_schema=False) as writer:
        for part in parts:
            writer.write_table(part)
