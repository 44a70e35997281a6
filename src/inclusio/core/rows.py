"""Rows of a model read by a fixed condition, without the query compiler.

Every page reads the same few rows before its view runs — the session, the account, the second
factor's device — and the ORM compiles each read anew on every request: on a dispatcher's lookup
the compiling cost more than the database's answers. ``fetch`` writes a model's SELECT once per
process and condition and builds the objects as the ORM does (``Model.from_db``, with the
database's and the fields' converters, so a date read on SQLite is a date), so what a caller
receives is the same object a queryset would give.

Only for hot paths with a condition that never changes shape; everything else uses the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from django.db import connections
from django.db.models import Model

Converter = Callable[[Any, Any, Any], Any]
Prepared = tuple[str, list[str], list[tuple[Any, ...]]]
# (model, condition, extra columns, lock, database alias) → (SQL, the fields' names, each
# column's converters)
_PREPARED: dict[tuple[type[Model], str, tuple[tuple[str, str], ...], str, str], Prepared] = {}
# How ``fetch`` may lock the rows it finds: FOR UPDATE (to write them), FOR SHARE (to keep
# them as they are while the transaction lasts, beside others doing the same).
Lock = Literal["", "update", "share"]
_LOCKING = {"update": " FOR UPDATE", "share": " FOR SHARE"}


def _prepared(
    model: type[Model], where: str, extra: tuple[tuple[str, str], ...], lock: Lock, alias: str
) -> Prepared:
    key = (model, where, extra, lock, alias)
    if key not in _PREPARED:
        connection = connections[alias]
        table = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        quote = connection.ops.quote_name
        columns = ", ".join(
            [f"{quote(table)}.{quote(str(field.column))}" for field in fields]
            + [expression for _, expression in extra]
        )
        sql = f"SELECT {columns} FROM {quote(table)} WHERE {where}"  # noqa: S608 - model's names
        if lock and connection.features.has_select_for_update:
            # The table's own rows only: those a subquery of ``where`` or ``extra`` reads stay
            # unlocked (as ``select_for_update(of=("self",))``).
            sql += _LOCKING[lock]
        converters = []
        for field in fields:
            column = field.get_col(table)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            converters.append(tuple((converter, column) for converter in found))
        _PREPARED[key] = (sql, [field.attname for field in fields], converters)
    return _PREPARED[key]


def fetch[M: Model](
    model: type[M],
    where: str,
    params: Sequence[Any],
    *,
    extra: Mapping[str, str] | None = None,
    lock: Lock = "",
    alias: str = "default",
) -> list[M]:
    """The rows of ``model`` matching ``where`` (SQL over the table's own quoted column names,
    with ``%s`` placeholders for ``params``, and an ORDER BY at its end if the order matters:
    rows are locked in it), as model objects. ``extra`` names more columns
    (attribute → SQL expression, e.g. a related row's column by a subquery), set on each object
    as the ORM's ``annotate`` does; their values are the database's, unconverted. ``lock``
    ("update" or "share") locks the rows found until the transaction ends, where the database
    can (SQLite writes one transaction at a time anyway)."""
    extra_columns = tuple((extra or {}).items())
    sql, names, converters = _prepared(model, where, extra_columns, lock, alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = list(row)
        for position, column_converters in enumerate(converters):
            for converter, column in column_converters:
                values[position] = converter(values[position], column, connection)
        instance = model.from_db(alias, names, values[: len(names)])
        for (attribute, _), value in zip(extra_columns, values[len(names) :], strict=True):
            setattr(instance, attribute, value)
        found.append(instance)
    return found


def fetch_one[M: Model](
    model: type[M],
    where: str,
    params: Sequence[Any],
    *,
    extra: Mapping[str, str] | None = None,
    lock: Lock = "",
    alias: str = "default",
) -> M | None:
    """The first row ``fetch`` finds, or None."""
    found = fetch(model, where, params, extra=extra, lock=lock, alias=alias)
    return found[0] if found else None


# (model, fields' names, database alias) → (the UPDATE, the fields it writes)
_UPDATES: dict[tuple[type[Model], tuple[str, ...], str], tuple[str, list[Any]]] = {}


def update_fields(obj: Model, fields: Sequence[str], *, alias: str = "default") -> None:
    """Write ``fields`` of ``obj`` to its row, as ``obj.save(update_fields=fields)`` would,
    the UPDATE written once per process and set of fields: for a row changed on every step of
    a hot path (an order's state). No signals are sent; each field's ``pre_save`` and
    ``get_db_prep_save`` are applied as the ORM applies them."""
    model = type(obj)
    key = (model, tuple(fields), alias)
    connection = connections[alias]
    if key not in _UPDATES:
        quote = connection.ops.quote_name
        concrete = {field.name: field for field in model._meta.concrete_fields}
        written = [concrete[name] for name in fields]  # a name of no column fails here
        assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in written)
        pk = model._meta.pk
        assert pk is not None
        table, key_column = quote(model._meta.db_table), quote(str(pk.column))
        sql = f"UPDATE {table} SET {assignments} WHERE {key_column} = %s"  # noqa: S608
        _UPDATES[key] = (sql, written)
    sql, written = _UPDATES[key]
    values = [field.get_db_prep_save(field.pre_save(obj, False), connection) for field in written]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, obj.pk])


# From this many rows an insert on PostgreSQL goes through COPY: a statement a row, even
# pipelined, costs the client a round of adaptation and protocol work each (an alert's 10,000
# access-log rows and messages), where COPY streams the rows in one.
COPY_FROM_ROWS = 100


def insert_many(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, alias: str = "default"
) -> None:
    """Insert ``rows`` (values ready for the database, in the order of ``columns``) into
    ``table``: by COPY on PostgreSQL when there are many, else one INSERT executed for every
    row (psycopg pipelines them; SQLite steps one prepared statement)."""
    if not rows:
        return
    connection = connections[alias]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) >= COPY_FROM_ROWS:
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})",  # noqa: S608
            rows,
        )


# (model, database alias) → (the INSERT, the fields it writes)
_INSERTS: dict[tuple[type[Model], str], tuple[str, list[Any]]] = {}


def insert_one(obj: Model, *, alias: str = "default") -> None:
    """Insert a new ``obj`` (its key not set) and give it the key the database chose, as
    ``obj.save()`` would, the INSERT written once per process: for a row written on every
    request of a hot path (a dispatcher's lookup, the till's sale and its code). No signals are
    sent; each field's own preparation (``pre_save``, ``get_db_prep_save``) is applied as the
    ORM applies it."""
    model = type(obj)
    key = (model, alias)
    connection = connections[alias]
    pk = model._meta.pk
    assert pk is not None
    if key not in _INSERTS:
        quote = connection.ops.quote_name
        fields = [f for f in model._meta.concrete_fields if f is not pk]
        names = ", ".join(quote(str(field.column)) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
        if connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(str(pk.column))}"
        _INSERTS[key] = (sql, fields)
    sql, fields = _INSERTS[key]
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if connection.features.can_return_columns_from_insert:
            obj.pk = cursor.fetchone()[0]
        else:
            obj.pk = cursor.lastrowid
    obj._state.adding = False
    obj._state.db = alias
