"""Checking a snapshot against the contract, from the Parquet footers alone (no data read)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from enum import StrEnum
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from inclusio.snapshot.contract import KEYS, OPTIONAL, SCHEMAS, parquet_path


class Problem(StrEnum):
    """What is wrong with a snapshot; the platform translates each into the user's language."""

    NOT_A_DIRECTORY = "SNAPSHOT_NOT_A_DIRECTORY"
    MANIFEST_MISSING = "SNAPSHOT_MANIFEST_MISSING"
    FILE_MISSING = "SNAPSHOT_FILE_MISSING"
    FILE_UNREADABLE = "SNAPSHOT_FILE_UNREADABLE"
    COLUMN_MISSING = "SNAPSHOT_COLUMN_MISSING"
    COLUMN_TYPE = "SNAPSHOT_COLUMN_TYPE"


class SnapshotError(ValueError):
    """A snapshot that does not meet the contract; names the file and, if any, the column."""

    def __init__(
        self,
        message: str,
        *,
        problem: Problem,
        file: Path,
        column: str | None = None,
        found: str = "",
        expected: str = "",
    ) -> None:
        self.problem = problem
        self.file = file
        self.column = column
        self.found = found
        self.expected = expected
        super().__init__(message)


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


def check_directory(directory: Path) -> None:
    if not directory.is_dir():
        raise SnapshotError(
            f"{directory}: no such snapshot directory",
            problem=Problem.NOT_A_DIRECTORY,
            file=directory,
        )


def read_file_schema(directory: Path, name: str) -> pa.Schema:
    """The schema of the snapshot's file ``name``; refuses a missing or unreadable file."""
    path = parquet_path(directory, name)
    if not path.is_file():
        raise SnapshotError(
            f"{path}: snapshot file missing", problem=Problem.FILE_MISSING, file=path
        )
    try:
        return pq.read_schema(path)
    except (OSError, pa.ArrowException) as error:
        raise SnapshotError(
            f"{path}: not a readable Parquet file ({error})",
            problem=Problem.FILE_UNREADABLE,
            file=path,
        ) from None


def check_columns(
    path: Path, actual: pa.Schema, expected: pa.Schema, required: Collection[str]
) -> None:
    """Refuse a required column that is missing, and any column of the contract that is present
    with an incompatible type (the screening reads every column it finds)."""
    for field in expected:
        index = actual.get_field_index(field.name)
        if index < 0:
            if field.name in required:
                raise SnapshotError(
                    f"{path}: column {field.name!r} missing",
                    problem=Problem.COLUMN_MISSING,
                    file=path,
                    column=field.name,
                )
            continue
        found = actual.field(index).type
        if not compatible(field.type, found):
            raise SnapshotError(
                f"{path}: column {field.name!r} is {found}, expected {field.type}",
                problem=Problem.COLUMN_TYPE,
                file=path,
                column=field.name,
                found=str(found),
                expected=str(field.type),
            )


def validate_snapshot(
    directory: Path,
    required: Mapping[str, Iterable[str]] | None = None,
    *,
    files: Iterable[str] = tuple(SCHEMAS),
) -> dict[str, pa.Schema]:
    """Refuse a snapshot missing a file or a required column, or with a column of an incompatible
    type; return each file's schema as found.

    ``required`` names, per file, the columns demanded besides the keys (``KEYS``); None demands
    every column of the contract. The ``OPTIONAL`` columns (the life events) are never demanded.
    """
    check_directory(directory)
    found = {}
    for name in files:
        actual = read_file_schema(directory, name)
        if required is None:
            demanded: set[str] = set(SCHEMAS[name].names)
        else:
            demanded = set(KEYS[name]) | set(required.get(name, ()))
        demanded -= OPTIONAL.get(name, frozenset())
        check_columns(parquet_path(directory, name), actual, SCHEMAS[name], demanded)
        found[name] = actual
    return found


def missing_columns(found: Mapping[str, pa.Schema]) -> dict[str, pa.Schema]:
    """Per file, the contract's columns absent from the file as found (none of them required),
    which a screening reads as null."""
    return {
        name: pa.schema([f for f in SCHEMAS[name] if schema.get_field_index(f.name) < 0])
        for name, schema in found.items()
    }
