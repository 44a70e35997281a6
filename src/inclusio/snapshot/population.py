"""One person's record in the population register's part of a snapshot, found by IIN.

Registering a person starts from the population register: the record gives the birth date,
sex, region and residence, and the names when the feed carries them (the optional columns
``surname``, ``given_name`` and ``patronymic`` of ``persons.parquet``, which no rule reads).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from inclusio.snapshot.contract import parquet_path

# Read when present; a feed without them leaves the names to be typed.
NAME_COLUMNS = ("surname", "given_name", "patronymic")
_RECORD_COLUMNS = ("iin", "birth_date", "sex", "region_code", "urban")


@dataclass(frozen=True)
class PopulationRecord:
    iin: str
    birth_date: dt.date | None
    sex: str | None
    region_code: str | None
    urban: bool | None
    surname: str = ""
    given_name: str = ""
    patronymic: str = ""


def find_person(directory: Path, iin: str) -> PopulationRecord | None:
    """The population register's record of ``iin`` in the snapshot ``directory``, or None when
    the register does not hold it (or the folder holds no persons file)."""
    path = parquet_path(directory, "persons")
    if not path.is_file():
        return None
    present = set(pq.read_schema(path).names)
    if "iin" not in present:
        return None
    wanted = [c for c in (*_RECORD_COLUMNS, *NAME_COLUMNS) if c in present]
    columns = ", ".join(f'"{name}"' for name in wanted)
    db = duckdb.connect()
    try:
        db.execute("SET enable_progress_bar = false")
        # The column names are the fixed ones above, found in the file; path and IIN are
        # parameters.
        row = db.execute(
            f"SELECT {columns} FROM read_parquet(?) WHERE iin = ? LIMIT 1",  # noqa: S608
            [str(path), iin],
        ).fetchone()
    finally:
        db.close()
    if row is None:
        return None
    found = dict(zip(wanted, row, strict=True))
    return PopulationRecord(
        iin=iin,
        birth_date=found.get("birth_date"),
        sex=found.get("sex"),
        region_code=found.get("region_code"),
        urban=found.get("urban"),
        **{name: (found.get(name) or "").strip() for name in NAME_COLUMNS},
    )
