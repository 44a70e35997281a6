"""The snapshot contract: the Parquet files a synthetic population is written to, and their types.

Other parts of the platform (the registry loader, benchmarks, analytics) read these files by
these names and types, so change them only with the generator version in the manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

GENERATOR_VERSION = 1
MANIFEST = "manifest.json"

_LIMITATION_FIELDS = [
    pa.field(name, pa.bool_(), nullable=False)
    for name in ("mobility", "vision", "hearing", "speech", "intellectual", "psychosocial")
]

SCHEMAS = {
    "persons": pa.schema(
        [
            pa.field("iin", pa.string(), nullable=False),
            pa.field("family_id", pa.int64(), nullable=False),
            pa.field("family_role", pa.string(), nullable=False),  # head | spouse | child | other
            pa.field("birth_date", pa.date32(), nullable=False),
            pa.field("sex", pa.string(), nullable=False),  # M | F
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("urban", pa.bool_(), nullable=False),
            pa.field("employed", pa.bool_(), nullable=False),
            pa.field("monthly_income_kzt", pa.int64(), nullable=False),
            pa.field("home_schooled", pa.bool_(), nullable=False),
        ]
    ),
    "families": pa.schema(
        [
            pa.field("family_id", pa.int64(), nullable=False),
            pa.field("region_code", pa.string(), nullable=False),
            pa.field("urban", pa.bool_(), nullable=False),
            pa.field("housing", pa.string(), nullable=False),  # own | rent | none
            pa.field("members", pa.int32(), nullable=False),
            pa.field("latitude", pa.float64(), nullable=False),
            pa.field("longitude", pa.float64(), nullable=False),
        ]
    ),
    "disability": pa.schema(
        [
            pa.field("iin", pa.string(), nullable=False),
            pa.field("category", pa.string(), nullable=False),  # I | II | III | child
            pa.field("cause", pa.string(), nullable=False),
            pa.field("since", pa.date32(), nullable=False),
            pa.field("until", pa.date32()),  # null: established indefinitely
            pa.field("work_capacity_loss_pct", pa.int16()),  # null for children
            *_LIMITATION_FIELDS,
        ]
    ),
    "care": pa.schema(
        [
            pa.field("carer_iin", pa.string(), nullable=False),
            pa.field("cared_iin", pa.string(), nullable=False),
            pa.field("relation", pa.string(), nullable=False),  # parent | guardian | other
            pa.field("since", pa.date32(), nullable=False),
        ]
    ),
}


def parquet_path(directory: Path, name: str) -> Path:
    return directory / f"{name}.parquet"


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{directory} holds no synthetic snapshot ({MANIFEST} missing)")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def open_snapshot(directory: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per snapshot file, named like the file."""
    db = duckdb.connect()
    db.execute("SET enable_progress_bar = false")
    for name in SCHEMAS:
        path = str(parquet_path(directory, name)).replace("'", "''")
        # The names are the contract's fixed file names; the path is quoted above.
        db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")  # noqa: S608
    return db
