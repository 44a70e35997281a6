"""Arithmetic errors the engines raise at run time, turned into a refusal naming the programme.

The checker proves at load that no divisor is zero and that every exact integer fits, given the
ranges the snapshot's columns are read in (``exact.COLUMN_RANGES``). A snapshot outside those
ranges makes an engine stop (DuckDB "Could not cast value …", "Overflow in multiplication …",
Spark's ``NUMERIC_VALUE_OUT_OF_RANGE``): the run is refused with ``ArithmeticStopped``, which
names the first programme that stops and how many subjects hold values out of range, and
nothing is written.
"""

from __future__ import annotations

import datetime
import functools
import inspect
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import duckdb
import ibis

from inclusio.rules.columns import columns_read
from inclusio.rules.compiler import person_table, programme_table
from inclusio.rules.engines import connect
from inclusio.rules.errors import Count, RuleError, _
from inclusio.rules.exact import COLUMN_RANGES
from inclusio.rules.loader import Programme


class ArithmeticStopped(RuleError):
    """An engine stopped on a programme's arithmetic. ``subjects``: how many subjects hold a
    value out of its documented range in a column the programme computes with (0 when the
    cause is not such a value); ``columns``: those columns."""

    def __init__(self, programme: Programme, subjects: int, columns: tuple[str, ...]) -> None:
        self.programme = programme.id
        self.subjects = subjects
        self.columns = columns
        line = programme.amount.line if programme.amount is not None else None
        if columns:
            ranges = ", ".join(
                f"{name} {COLUMN_RANGES[name][0]:,}..{COLUMN_RANGES[name][1]:,}" for name in columns
            )
            super().__init__(
                _(
                    "programme %(programme)r cannot be computed: %(subjects)s subject(s) hold "
                    "values out of range (%(ranges)s); nothing was written"
                ),
                file=programme.file,
                line=line,
                programme=programme.id,
                subjects=Count(subjects),
                ranges=ranges,
            )
        else:
            super().__init__(
                _(
                    "programme %(programme)r cannot be computed: the snapshot's values make its "
                    "arithmetic fail; nothing was written"
                ),
                file=programme.file,
                line=line,
                programme=programme.id,
            )


def arithmetic_errors() -> tuple[type[BaseException], ...]:
    """The exceptions by which DuckDB and Spark stop on a value that does not fit."""
    errors: list[type[BaseException]] = [
        duckdb.OutOfRangeException,
        duckdb.ConversionException,
        duckdb.InvalidInputException,
    ]
    try:
        from pyspark.errors import ArithmeticException, NumberFormatException
    except ImportError:  # pragma: no cover - the dev install has PySpark
        return tuple(errors)
    return (*errors, ArithmeticException, NumberFormatException)


def out_of_range(tables: dict[str, Any], programme: Programme) -> tuple[int, tuple[str, ...]]:
    """How many persons hold a value out of its range in a column ``programme`` reads."""
    read = columns_read([programme]).get("persons", set()) | columns_read([programme]).get(
        "disability", set()
    )
    columns = tuple(sorted(name for name in read if name in COLUMN_RANGES))
    if not columns:
        return 0, ()
    base = person_table(tables["persons"], tables["disability"])
    outside = ibis.literal(False)
    for name in columns:
        low, high = COLUMN_RANGES[name]
        outside = outside | ((base[name] < low) | (base[name] > high)).fill_null(False)
    count = base.filter(outside).count()
    return int(count.to_pyarrow().as_py()), columns


def locate(
    con: Any, tables: dict[str, Any], programmes: Iterable[Programme], on: datetime.date
) -> ArithmeticStopped | None:
    """The first of ``programmes`` whose arithmetic stops on this snapshot, evaluated alone."""
    base = person_table(tables["persons"], tables["disability"])
    for programme in sorted(programmes, key=lambda p: p.id):
        table = programme_table(programme, base, on, care=tables.get("care"))
        checked = table.aggregate(
            eligible=table.eligible.cast("int64").sum(), amount=table.amount_kzt.sum()
        )
        try:
            con.to_pyarrow(checked)
        except arithmetic_errors():
            subjects, columns = out_of_range(tables, programme)
            return ArithmeticStopped(programme, subjects, columns)
    return None


def refusal(
    error: BaseException,
    con: Any,
    tables: dict[str, Any],
    programmes: Iterable[Programme],
    on: datetime.date,
) -> RuleError:
    """The refusal for an engine's arithmetic ``error`` during a run of ``programmes``."""
    located = locate(con, tables, programmes, on)
    if located is not None:
        return located
    first = " ".join(str(error).split())[:200]
    return RuleError(
        _("the engine stopped on an arithmetic error (%(error)s); nothing was written"),
        error=first,
    )


P = ParamSpec("P")
R = TypeVar("R")


def refusing_arithmetic(
    programmes_of: Callable[[dict[str, Any]], list[Programme]],
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a run over a snapshot (``snapshot_dir``, ``on``, ``engine``, ``spark_master``
    among its arguments) so that an engine's arithmetic error becomes the refusal naming the
    programme (``refusal``); ``programmes_of`` gives the programmes run, from the arguments."""

    def decorate(run: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(run)

        @functools.wraps(run)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return run(*args, **kwargs)
            except arithmetic_errors() as error:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                arguments = dict(bound.arguments)
                raise _refusal_for(error, arguments, programmes_of(arguments)) from None

        return guarded

    return decorate


def _refusal_for(
    error: BaseException, arguments: dict[str, Any], programmes: list[Programme]
) -> RuleError:
    from inclusio.rules.screen import check_snapshot, snapshot_tables  # it uses this module

    directory = Path(arguments["snapshot_dir"])
    con = connect(arguments.get("engine", "duckdb"), spark_master=arguments.get("spark_master", ""))
    absent = check_snapshot(directory, programmes)
    tables = snapshot_tables(con, directory, absent, prefix="stopped_")
    return refusal(error, con, tables, programmes, arguments["on"])
