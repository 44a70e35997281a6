"""Bulk reads and writes between the database and Arrow tables, for the screening runs.

Writes go by ``COPY … FROM STDIN`` on PostgreSQL and by ``executemany`` batches elsewhere; reads
fetch plain tuples (no model instances). Both work inside the caller's transaction.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, models

BATCH_ROWS = 50_000


def column_names(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    """The database columns of ``fields`` (``person`` → ``person_id``)."""
    return [str(getattr(model._meta.get_field(name), "column", name)) for name in fields]


def insert_arrow(
    model: type[models.Model], table: pa.Table, *, batch_rows: int | None = None
) -> int:
    """Insert every row of ``table`` into ``model``'s table; the column names are field names.

    Dates, timestamps and JSON must come as text already (in the database's own format).
    """
    if table.num_rows == 0:
        return 0
    columns = column_names(model, table.column_names)
    with connection.cursor() as cursor:
        for batch in table.to_batches(batch_rows or BATCH_ROWS):
            write_batch(cursor, model._meta.db_table, columns, batch)
    return table.num_rows


def write_batch(cursor: Any, table: str, columns: list[str], batch: pa.RecordBatch) -> None:
    """Write one batch (the unit a failure interrupts)."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        # Quoting every value keeps an empty string apart from NULL, which COPY reads unquoted.
        options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
        buffer = io.BytesIO()
        pa_csv.write_csv(batch, buffer, options)
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        return
    placeholders = ", ".join(["%s"] * len(columns))
    rows = list(zip(*(column.to_pylist() for column in batch.columns), strict=True))
    # Table and column names come from the models, never from input.
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def fetch_arrow(sql: str, params: Sequence[Any], schema: pa.Schema) -> pa.Table:
    """The rows of a query as an Arrow table of ``schema`` (the columns in the query's order)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return schema.empty_table()
    columns = list(zip(*rows, strict=True))
    return pa.table(
        [pa.array(column, type=f.type) for column, f in zip(columns, schema, strict=True)],
        schema=schema,
    )


def reserve_ids(model: type[models.Model], count: int) -> pa.Array:
    """``count`` new primary keys for ``model``, taken from its sequence (PostgreSQL) or after
    its largest id (SQLite, whose writers are serialised), so that rows written in bulk can be
    referred to without reading them back."""
    if count == 0:
        return pa.array([], pa.int64())
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return pa.array([row[0] for row in cursor.fetchall()], pa.int64())
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 — model table
        (largest,) = cursor.fetchone()
    return pa.array(range(largest + 1, largest + 1 + count), pa.int64())


def timestamp_text(value: Any) -> str:
    """A timestamp in the text form the database stores (for Arrow columns written as text)."""
    if connection.vendor == "postgresql":
        return str(value.isoformat())
    return str(connection.ops.adapt_datetimefield_value(value))
