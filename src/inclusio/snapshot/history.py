"""Persons with disabilities on a day, defined once for every reader of a snapshot.

The published statistics (``statistics.tables``) and the CRPD report's figures
(``crpd.figures``) count the same persons: both read the relations below, over the same views,
so that a report figure and the corresponding table total cannot disagree.

A person with a disability on day D holds a status in force on D and is alive and resident on
D; their age is in whole years on D. The statuses come from the snapshot's disability history
part (``disability_history.parquet``, docs/snapshot.md) when it has one, which answers for any
day from the one its manifest's ``history_from`` vouches for to the snapshot's date; without
it, from ``disability.parquet``, the statuses in force on the snapshot's own date, which
answers for that date only.

No Django here: the snapshot contract is read by outside producers' tools too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from inclusio.snapshot.contract import (
    DISABILITY_HISTORY,
    DISABILITY_HISTORY_REQUIRED,
    DISABILITY_HISTORY_SCHEMA,
    HISTORY_FROM,
    parquet_path,
    read_manifest,
)
from inclusio.snapshot.validate import check_columns, read_file_schema

# The view every definition reads the statuses from: one row per period of a status.
PERIODS = "status_periods"
# The persons' columns a snapshot may leave out (docs/snapshot.md): absent, nobody died or left
# and no benefit was reported.
_OPTIONAL_PERSON_COLUMNS = {
    "death_date": "DATE",
    "emigration_date": "DATE",
    "disability_benefit_kzt": "BIGINT",
    "carer_allowance_kzt": "BIGINT",
}

# The definitions; every one takes the day as the named parameter ``$on``.
ALIVE = (
    "(p.death_date IS NULL OR p.death_date > $on) "
    "AND (p.emigration_date IS NULL OR p.emigration_date > $on)"
)
AGE = "date_sub('year', p.birth_date, $on)"
IN_FORCE = "s.valid_from <= $on AND (s.valid_to IS NULL OR s.valid_to >= $on)"
# The population on the day: every person born by then, alive and resident (an export names
# persons born after the day the report asks about).
IN_POPULATION = f"p.birth_date <= $on AND {ALIVE}"
POPULATION = f"SELECT p.* FROM persons AS p WHERE {IN_POPULATION}"  # noqa: S608
# The persons with disabilities on the day, one row each, with what the tables break them by.
_PERSONS_WITH_DISABILITIES = """
    SELECT {day_column}p.iin, p.family_id, p.region_code, p.sex, p.urban, {age} AS age,
           s.category, s.cause, s.work_capacity_loss_pct
    FROM {periods} AS s JOIN persons AS p ON p.iin = s.iin{days}
    WHERE {in_force} AND {alive}
"""
PERSONS_WITH_DISABILITIES = _PERSONS_WITH_DISABILITIES.format(
    day_column="", age=AGE, periods=PERIODS, days="", in_force=IN_FORCE, alive=ALIVE
)
# The same definition on several days in one scan of the persons (the periodic report's
# 1 Januaries): one row per person and day, the day in the column ``day``, the days the list
# parameter ``$days``. It is the definition above with the day read from that column.
_DAY = "d.day"
PERSONS_WITH_DISABILITIES_BY_DAY = _PERSONS_WITH_DISABILITIES.format(
    day_column=f"{_DAY} AS day, ",
    age=AGE.replace("$on", _DAY),
    periods=PERIODS,
    days=" CROSS JOIN (SELECT unnest($days::DATE[]) AS day) AS d",
    in_force=IN_FORCE.replace("$on", _DAY),
    alive=ALIVE.replace("$on", _DAY),
)


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def has_history(directory: Path) -> bool:
    return parquet_path(directory, DISABILITY_HISTORY).is_file()


def validate_history(directory: Path) -> pa.Schema | None:
    """The history part's schema, or None when the snapshot has none (it is optional); refuses
    a file that is unreadable, lacks a required column or holds one of another type."""
    if not has_history(directory):
        return None
    found = read_file_schema(directory, DISABILITY_HISTORY)
    check_columns(
        parquet_path(directory, DISABILITY_HISTORY),
        found,
        DISABILITY_HISTORY_SCHEMA,
        DISABILITY_HISTORY_REQUIRED,
    )
    return found


def create_persons_view(db: duckdb.DuckDBPyConnection, directory: Path) -> None:
    """The view ``persons`` over the snapshot's persons, the optional columns read as null when
    the file lacks them."""
    persons = f"read_parquet({_quoted(parquet_path(directory, 'persons'))})"
    present = {row[0] for row in db.execute(f"DESCRIBE SELECT * FROM {persons}").fetchall()}  # noqa: S608
    added = "".join(
        f", NULL::{kind} AS {column}"
        for column, kind in _OPTIONAL_PERSON_COLUMNS.items()
        if column not in present
    )
    db.execute(f"CREATE OR REPLACE VIEW persons AS SELECT *{added} FROM {persons}")  # noqa: S608


def create_periods_view(db: duckdb.DuckDBPyConnection, directory: Path) -> bool | None:
    """The view ``PERIODS`` over the history part, or without one over ``disability.parquet``;
    True when it reads the history, None when the snapshot holds neither."""
    if has_history(directory):
        path, columns, history = DISABILITY_HISTORY, "valid_from, valid_to", True
    elif parquet_path(directory, "disability").is_file():
        path, columns, history = "disability", "since AS valid_from, until AS valid_to", False
    else:
        return None
    source = (
        f"SELECT iin, category, cause, work_capacity_loss_pct, {columns} "  # noqa: S608 - constants
        f"FROM read_parquet({_quoted(parquet_path(directory, path))})"
    )
    db.execute(f"CREATE OR REPLACE VIEW {PERIODS} AS {source}")
    return history


@dataclass(frozen=True)
class Bounds:
    """The days a snapshot's statuses answer for: from ``first`` to the snapshot's own date.
    ``declared`` is False when the snapshot holds a history part whose manifest names no
    ``history_from`` (made before the key joined the contract): it is then not trusted before
    its own date, and ``first`` is that date."""

    first: dt.date
    declared: bool


def history_bounds(directory: Path, history: bool, reference: dt.date) -> Bounds:
    """The first day the snapshot answers for: the manifest's ``history_from`` when it has a
    history part, or without a history, or without the key, the snapshot's own date (a
    ``history_from`` after it leaves no day answered for).

    Not the earliest period's start: a history holds the earlier periods only of the persons its
    producer knows, so a day before the one it vouches for would be undercounted silently."""
    if not history:
        return Bounds(reference, True)
    day = read_manifest(directory).get(HISTORY_FROM)
    if not day:
        return Bounds(reference, False)
    try:
        first = dt.date.fromisoformat(str(day))
    except ValueError:
        return Bounds(reference, False)
    return Bounds(first, True)
