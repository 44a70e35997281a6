"""Assembling an exported snapshot: the registry's part, written by the registry from its
database as Arrow batches, and the population register's part, merged from a folder.

Everything is written into a staging folder first and moved into place at the end, the manifest
last: a folder whose manifest is present holds a whole snapshot, and a refused export leaves the
target as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from inclusio.snapshot.contract import (
    CONTRACT_VERSION,
    DISABILITY_HISTORY,
    DOMAIN_SCHEMAS,
    LIFE_EVENTS,
    MANIFEST,
    POPULATION_PART,
    REGISTRY_FAMILIES,
    REGISTRY_FAMILIES_SCHEMA,
    REGISTRY_LIFE_EVENTS,
    REGISTRY_LIFE_EVENTS_SCHEMA,
    REHABILITATION_SCHEMAS,
    SCHEMAS,
    exported_schema,
    parquet_path,
)
from inclusio.snapshot.validate import (
    Problem,
    SnapshotError,
    check_directory,
    validate_snapshot,
)

_HASH_CHUNK = 1 << 20


def write_batches(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> int:
    """Write ``batches`` (each of ``schema``) as one Parquet file; return the rows written."""
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def check_population(directory: Path) -> None:
    """Refuse a population folder that is not a snapshot (no manifest), or whose persons or
    families lack a key or carry a column of the wrong type."""
    check_directory(directory)
    if not (directory / MANIFEST).is_file():
        raise SnapshotError(
            f"{directory}: not a snapshot ({MANIFEST} missing)",
            problem=Problem.MANIFEST_MISSING,
            file=directory / MANIFEST,
        )
    validate_snapshot(directory, {}, files=POPULATION_PART)


@dataclass(frozen=True)
class Merged:
    rows: dict[str, int]  # per population file written
    unmatched_statuses: int  # statuses of persons the population does not hold (not screened)


def merge_population(population: Path, staging: Path) -> Merged:
    """Copy the population's persons into ``staging`` and its families with the registered
    family of each (``registry_family_id``).

    A population family is the registered family that most of its registered members belong to
    (ties: the smallest id); null when none of its members is in a registered family.
    """
    persons = parquet_path(population, "persons")
    db = duckdb.connect()
    try:
        db.execute("SET enable_progress_bar = false")
        db.execute(f"CREATE VIEW p AS SELECT * FROM read_parquet({_quoted(persons)})")  # noqa: S608
        _persons_with_life_events(db, persons, staging)
        families = parquet_path(population, "families")
        db.execute(f"CREATE VIEW f AS SELECT * FROM read_parquet({_quoted(families)})")  # noqa: S608
        members = parquet_path(staging, REGISTRY_FAMILIES)
        db.execute(f"CREATE VIEW r AS SELECT * FROM read_parquet({_quoted(members)})")  # noqa: S608
        # A population snapshot exported earlier carries the column already: this export's wins.
        own = [column[0] for column in db.execute("SELECT * FROM f LIMIT 0").description]
        kept = ", ".join(f"f.{_name(c)}" for c in own if c != "registry_family_id")
        target = parquet_path(staging, "families")
        db.execute(
            f"""
            COPY (
                WITH counted AS (
                    SELECT p.family_id, r.registry_family_id, count(*) AS n
                    FROM p JOIN r ON r.iin = p.iin GROUP BY ALL
                ), chosen AS (
                    SELECT family_id, registry_family_id FROM counted
                    QUALIFY row_number() OVER (
                        PARTITION BY family_id ORDER BY n DESC, registry_family_id
                    ) = 1
                )
                SELECT {kept}, CAST(c.registry_family_id AS BIGINT) AS registry_family_id
                FROM f LEFT JOIN chosen c ON c.family_id = f.family_id
                ORDER BY f.family_id
            ) TO {_quoted(target)} (FORMAT parquet, COMPRESSION zstd)
            """  # noqa: S608 — only the folder's own file paths and column names
        )
        statuses = parquet_path(staging, "disability")
        (unmatched,) = db.execute(
            f"SELECT count(*) FROM read_parquet({_quoted(statuses)}) d"  # noqa: S608
            " WHERE NOT EXISTS (SELECT 1 FROM p WHERE p.iin = d.iin)"
        ).fetchone() or (0,)
    finally:
        db.close()
    rows = {
        name: pq.ParquetFile(parquet_path(staging, name)).metadata.num_rows
        for name in POPULATION_PART
    }
    return Merged(rows, int(unmatched))


def _persons_with_life_events(db: duckdb.DuckDBPyConnection, persons: Path, staging: Path) -> None:
    """The population's persons into ``staging``, with the life events the registry records
    (``REGISTRY_LIFE_EVENTS``, when it holds any) in place of the population register's: the
    registry's death and emigration dates where it has them, and its imprisonment with its
    release as one spell. Without any, the file is copied as it is."""
    events = parquet_path(staging, REGISTRY_LIFE_EVENTS)
    target = parquet_path(staging, "persons")
    if not events.exists() or not pq.ParquetFile(events).metadata.num_rows:
        shutil.copyfile(persons, target)
        return
    db.execute(f"CREATE VIEW e AS SELECT * FROM read_parquet({_quoted(events)})")  # noqa: S608
    own = [column[0] for column in db.execute("SELECT * FROM p LIMIT 0").description]

    def population(column: str) -> str:
        return f"p.{_name(column)}" if column in own else "CAST(NULL AS DATE)"

    spell = "e.imprisonment_date IS NOT NULL"
    replaced = {
        "death_date": f"coalesce(e.death_date, {population('death_date')})",
        "emigration_date": f"coalesce(e.emigration_date, {population('emigration_date')})",
        "imprisonment_date": f"CASE WHEN {spell} THEN e.imprisonment_date"
        f" ELSE {population('imprisonment_date')} END",
        "release_date": f"CASE WHEN {spell} THEN e.release_date"
        f" ELSE {population('release_date')} END",
    }
    columns = [f"{replaced[c]} AS {_name(c)}" if c in replaced else f"p.{_name(c)}" for c in own]
    columns += [f"{replaced[c]} AS {_name(c)}" for c in LIFE_EVENTS if c not in own]
    # Only the folder's own file paths and column names are interpolated.
    select = f"SELECT {', '.join(columns)} FROM p LEFT JOIN e ON e.iin = p.iin"  # noqa: S608
    db.execute(
        f"COPY ({select} ORDER BY p.iin) TO {_quoted(target)} (FORMAT parquet, COMPRESSION zstd)"
    )


def write_manifest(staging: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest of the files in ``staging``: rows and SHA-256 of each, so that the same
    content exported twice is the same snapshot (its identity is the manifest's digest)."""
    files = {}
    for path in sorted(staging.glob("*.parquet")):
        files[path.stem] = {
            "rows": pq.ParquetFile(path).metadata.num_rows,
            "sha256": _sha256(path),
        }
    whole = {"contract_version": CONTRACT_VERSION, **manifest, "files": files}
    (staging / MANIFEST).write_text(
        json.dumps(whole, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return whole


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A staging folder beside ``out`` (in its parent, so that the files move without a copy);
    on success its files replace ``out``'s, the manifest last. On failure it is removed and
    ``out`` is left as it was, or not made."""
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.export-", dir=out.parent))
    try:
        yield staging
        out.mkdir(exist_ok=True)
        (out / MANIFEST).unlink(missing_ok=True)
        # A file of an earlier export that this one does not write would be read with it.
        for name in (
            *SCHEMAS,
            DISABILITY_HISTORY,
            REGISTRY_FAMILIES,
            REGISTRY_LIFE_EVENTS,
            *DOMAIN_SCHEMAS,
            *REHABILITATION_SCHEMAS,
        ):
            if not parquet_path(staging, name).exists():
                parquet_path(out, name).unlink(missing_ok=True)
        for path in sorted(staging.iterdir()):
            if path.name != MANIFEST:
                os.replace(path, out / path.name)
        os.replace(staging / MANIFEST, out / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def schema_of(name: str) -> pa.Schema:
    """The schema a registry-part file is written in."""
    if name == REGISTRY_FAMILIES:
        return REGISTRY_FAMILIES_SCHEMA
    if name == REGISTRY_LIFE_EVENTS:
        return REGISTRY_LIFE_EVENTS_SCHEMA
    if name in DOMAIN_SCHEMAS:
        return DOMAIN_SCHEMAS[name]
    if name in REHABILITATION_SCHEMAS:
        return REHABILITATION_SCHEMAS[name]
    return exported_schema(name)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _quoted(path: Path) -> str:
    """A path as a DuckDB string literal (views and COPY take no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def _name(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'
