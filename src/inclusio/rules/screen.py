"""Screen a whole snapshot: every programme, one columnar pass, one ``results.parquet``.

No Django here. DuckDB is the default engine; Spark runs the same compiled expressions
(``engine="spark"``, see ``inclusio.rules.engines``). ``screen()`` first checks the snapshot
against the contract (``inclusio.synthetic.snapshot.SCHEMAS``) from the Parquet footers alone,
and refuses a missing file, a missing column or a column of an incompatible type before any work
starts. It then compiles every programme to Ibis over the snapshot read by DuckDB, unions the
per-programme results, keeps every row of the subjects eligible to at least one programme, and
writes them (DuckDB's ``COPY``; from Spark, Arrow batches) — no Python loop over rows.

``results.parquet`` holds one row per subject and programme of the subject's kind (a person
gets every person programme's row, a family every family programme's), ordered by kind,
subject and programme:

============== ====================================== ==========================================
column          type                                   meaning
============== ====================================== ==========================================
subject_id      string                                 IIN (or family id, for family programmes)
subject_kind    string                                 ``person`` or ``family``
programme       string                                 the programme's id
eligible        bool
amount_kzt      int64                                  whole tenge; null for an entitlement
                                                       without money and when not eligible
reasons         list<struct<condition: string,         each condition of the programme, in the
                met: bool>>                            order of the rule file, and its truth
parameters      string (JSON)                          ``{name: {"value", "effective",
                                                       "reference"}}``: the parameter values in
                                                       force on the date; decimals are written as
                                                       JSON strings (``"1.61"``) to stay exact
============== ====================================== ==========================================
"""

from __future__ import annotations

import datetime
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from inclusio.rules.compiler import person_table, programme_table
from inclusio.rules.engines import connect
from inclusio.rules.loader import Programme
from inclusio.synthetic.snapshot import SCHEMAS, parquet_path

RESULTS = "results.parquet"
STEPS = ("validate", "compile", "evaluate", "summarise")

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

StepCallback = Callable[[str], None]


class SnapshotError(ValueError):
    """A snapshot that does not meet the contract; names the file and, if any, the column."""

    def __init__(self, message: str, *, file: Path, column: str | None = None) -> None:
        self.file = file
        self.column = column
        super().__init__(message)


@dataclass(frozen=True)
class ProgrammeCount:
    eligible: int
    amount_kzt: int


@dataclass(frozen=True)
class Summary:
    date: datetime.date
    path: Path
    subjects: int  # subjects written (eligible to at least one programme)
    rows: int
    programmes: dict[str, ProgrammeCount] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_amount_kzt(self) -> int:
        return sum(count.amount_kzt for count in self.programmes.values())

    @property
    def awards(self) -> int:
        return sum(count.eligible for count in self.programmes.values())


def _no_progress(step: str) -> None:
    """Progress callback that reports nothing."""


def _family(data_type: pa.DataType) -> str:
    """The kind of value a column holds, for deciding whether two Arrow types are compatible."""
    if pa.types.is_boolean(data_type):
        return "bool"
    if pa.types.is_integer(data_type):
        return "integer"
    if pa.types.is_floating(data_type) or pa.types.is_decimal(data_type):
        return "number"
    if (
        pa.types.is_string(data_type)
        or pa.types.is_large_string(data_type)
        or pa.types.is_string_view(data_type)
    ):
        return "string"
    if pa.types.is_date(data_type):
        return "date"
    if pa.types.is_dictionary(data_type):
        return _family(data_type.value_type)
    return str(data_type)


def compatible(expected: pa.DataType, actual: pa.DataType) -> bool:
    """Same type, or the same kind of value (any integer width, any string or date encoding)."""
    return expected == actual or _family(expected) == _family(actual)


def validate_snapshot(directory: Path) -> None:
    """Refuse a snapshot missing a file, a column, or with a column of an incompatible type.

    Reads the Parquet footers only (no data).
    """
    if not directory.is_dir():
        raise SnapshotError(f"{directory}: no such snapshot directory", file=directory)
    for name, schema in SCHEMAS.items():
        path = parquet_path(directory, name)
        if not path.is_file():
            raise SnapshotError(f"{path}: snapshot file missing", file=path)
        try:
            actual = pq.read_schema(path)
        except (OSError, pa.ArrowException) as error:
            raise SnapshotError(
                f"{path}: not a readable Parquet file ({error})", file=path
            ) from None
        for expected in schema:
            index = actual.get_field_index(expected.name)
            if index < 0:
                raise SnapshotError(
                    f"{path}: column {expected.name!r} missing", file=path, column=expected.name
                )
            found = actual.field(index).type
            if not compatible(expected.type, found):
                raise SnapshotError(
                    f"{path}: column {expected.name!r} is {found}, expected {expected.type}",
                    file=path,
                    column=expected.name,
                )


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def parameters_used(programme: Programme, on: datetime.date) -> dict[str, dict[str, Any]]:
    """The value of each parameter in force on ``on``, with its effective date and reference.

    Empty outside the programme's period of validity, where no parameter is read. Raises the
    loader's ``RuleError`` for a date before a parameter's first value.
    """
    if not programme.in_force(on):
        return {}
    used = {}
    for name, parameter in programme.parameters.items():
        value = parameter.value_on(on)
        used[name] = {
            "value": _json_value(value.value),
            "effective": value.effective.isoformat(),
            "reference": value.reference,
        }
    return used


def _programme_table(programme: Programme, base: Any, care: Any, on: datetime.date) -> Any:
    """The compiler's table: subject_id, eligible, amount_kzt and one bool per condition."""
    if getattr(programme, "cared", None) is not None:  # a carer programme reads the care links
        return programme_table(programme, base, on, care=care)
    return programme_table(programme, base, on)


def _row_wise(programme: Programme) -> bool:
    """Whether a person's result depends on that person's row only (no care links)."""
    return programme.entity == "person" and getattr(programme, "cared", None) is None


def _programme_rows(programme: Programme, table: Any, on: datetime.date) -> Any:
    """A programme's result table in the common shape of ``RESULT_SCHEMA``."""
    reasons = ibis.array(
        [
            ibis.struct({"condition": ibis.literal(c.name), "met": table[c.name]})
            for c in programme.conditions
        ]
    )
    parameters = json.dumps(parameters_used(programme, on), ensure_ascii=False, sort_keys=True)
    return table.select(
        subject_id=table.subject_id.cast("string"),
        subject_kind=ibis.literal(programme.entity),
        programme=ibis.literal(programme.id),
        eligible=table.eligible,
        amount_kzt=table.amount_kzt.cast("int64"),
        reasons=reasons.cast(ibis.dtype("array<struct<condition: string, met: boolean>>")),
        parameters=ibis.literal(parameters),
    )


def screen(
    snapshot_dir: Path | str,
    on: datetime.date,
    programmes: Iterable[Programme],
    out_dir: Path | str,
    *,
    on_step: StepCallback = _no_progress,
    threads: int | None = None,
    engine: str = "duckdb",
    spark_master: str = "",
) -> Summary:
    """Screen the snapshot on ``on`` for ``programmes``; write ``out_dir/results.parquet``.

    Nothing is written when the snapshot is refused (``SnapshotError``) or a programme cannot be
    evaluated on the date (``RuleError``). The file is written under a temporary name and moved
    into place, so a crash never leaves a partial ``results.parquet``.
    """
    started = time.monotonic()
    snapshot_dir, out_dir = Path(snapshot_dir), Path(out_dir)
    programmes = list(programmes)
    if not programmes:
        raise ValueError("no programme to screen")
    ids = [p.id for p in programmes]
    if len(set(ids)) != len(ids):
        raise ValueError(f"programme ids given twice: {sorted(i for i in ids if ids.count(i) > 1)}")

    on_step("validate")
    validate_snapshot(snapshot_dir)

    on_step("compile")
    con = connect(engine, threads=threads, spark_master=spark_master)
    tables = {
        name: con.read_parquet(str(parquet_path(snapshot_dir, name)), table_name=f"snap_{name}")
        for name in SCHEMAS
    }
    base = person_table(tables["persons"], tables["disability"])
    compiled = {
        p.id: (p, _programme_table(p, base, tables["care"], on))
        for p in sorted(programmes, key=lambda p: p.id)
    }

    on_step("evaluate")
    # Two passes: first the (few) subjects eligible to any programme, kept in a temporary table;
    # then every programme's rows for those subjects only, so the reasons are built for them only.
    # Subjects are keyed by kind and id: a family id and an IIN are different subjects.
    eligible = [
        table.filter(table.eligible).select(
            subject_kind=ibis.literal(programme.entity), subject_id=table.subject_id.cast("string")
        )
        for programme, table in compiled.values()
    ]
    keep = _materialise(con, engine, "screen_keep", ibis.union(*eligible, distinct=True))
    kept_persons = keep.filter(keep.subject_kind == "person")
    # A person programme without care links is a row-wise projection of the person table, so
    # it is evaluated again over the kept persons only; the others over everyone, then filtered.
    persons = tables["persons"]
    kept = person_table(
        persons.semi_join(kept_persons, persons.iin == kept_persons.subject_id),
        tables["disability"],
    )
    parts = []
    for programme, table in compiled.values():
        if _row_wise(programme):
            rows = _programme_table(programme, kept, tables["care"], on)
        else:
            mine = keep.filter(keep.subject_kind == programme.entity)
            rows = table.semi_join(mine, table.subject_id.cast("string") == mine.subject_id)
        parts.append(_programme_rows(programme, rows, on))
    results = ibis.union(*parts).order_by(["subject_kind", "subject_id", "programme"])
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / RESULTS
    partial = out_dir / f".{RESULTS}.{os.getpid()}.partial"
    try:
        _write(con, engine, results, partial)
        on_step("summarise")
        summary = _summarise(partial, on, target)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(
        date=summary.date,
        path=target,
        subjects=summary.subjects,
        rows=summary.rows,
        programmes=summary.programmes,
        seconds=time.monotonic() - started,
    )


def _materialise(con: Any, engine: str, name: str, table: Any) -> Any:
    """Compute ``table`` once and keep it for the rest of the run (a temporary table)."""
    if engine == "duckdb":
        return con.create_table(name, table, temp=True)
    return table.cache()  # Spark: a persisted DataFrame, released with the session


def _write(con: Any, engine: str, results: Any, path: Path) -> None:
    """Write ``results`` as one Parquet file of ``RESULT_SCHEMA``.

    DuckDB writes the file itself. Spark would write a folder of part files, so its rows come
    back as Arrow batches, in order, and are written here.
    """
    if engine == "duckdb":
        con.to_parquet(results, path, compression="zstd")
        return
    with pq.ParquetWriter(path, RESULT_SCHEMA, compression="zstd") as writer:
        for batch in con.to_pyarrow_batches(results):
            writer.write_table(pa.Table.from_batches([batch]).cast(RESULT_SCHEMA))


def _summarise(path: Path, on: datetime.date, target: Path) -> Summary:
    """Counts read back from the written file (by DuckDB, whatever engine wrote it)."""
    con = ibis.duckdb.connect()
    written = con.read_parquet(path, table_name="screen_results")
    counts = (
        written.group_by("programme")
        .aggregate(
            eligible=written.eligible.cast("int64").sum(),
            amount=written.amount_kzt.sum().fill_null(0),
        )
        .order_by("programme")
        .to_pyarrow()
        .to_pylist()
    )
    subjects = written.select("subject_kind", "subject_id").distinct().count().to_pyarrow().as_py()
    rows = written.count().to_pyarrow().as_py()
    return Summary(
        date=on,
        path=target,
        subjects=int(subjects),
        rows=int(rows),
        programmes={
            row["programme"]: ProgrammeCount(int(row["eligible"] or 0), int(row["amount"] or 0))
            for row in counts
        },
    )
