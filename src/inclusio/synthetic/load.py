"""Load the registry part of a snapshot into the database: every person with a disability and
every carer, their families and memberships, one current disability status each, care links,
and the history's earlier periods as the decisions that held them (with the persons whose every
status has ended), so that an export's history reaches back as the snapshot's does.

The snapshot is read with DuckDB, names and addresses are derived (names.py), and the rows go
into temporary staging tables: by COPY on PostgreSQL, in large executemany batches elsewhere.
Set-based INSERT … SELECT statements then move them into the registry tables in one transaction.
This bypasses the registry services on purpose: they validate, audit and emit events one person
at a time, which for 800,000 persons would take hours; the snapshot is valid by construction
(its tests check it), and the load as a whole is recorded as one audit event.

Persons whose IIN is already registered are skipped together with their status and membership,
so running the load twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from inclusio import countries
from inclusio.core.audit import SYSTEM, record_write
from inclusio.registry import services
from inclusio.registry.models import (
    FUNCTIONAL_LIMITATIONS,
    CareLink,
    DisabilityStatus,
    Family,
    FamilyMembership,
    Person,
    fold_name,
)
from inclusio.snapshot.contract import (
    DISABILITY_HISTORY,
    HISTORY_FROM,
    open_snapshot,
    parquet_path,
    read_manifest,
)
from inclusio.snapshot.history import has_history
from inclusio.synthetic.names import derive_addresses, derive_names

STEPS = ("read", "stage", "insert")
ADDED = ("families", "persons", "memberships", "earlier_statuses", "statuses", "care_links")
COPY_BATCH_ROWS = 100_000
EXECUTEMANY_BATCH_ROWS = 20_000
_LIMITATION_COLUMNS = ", ".join(FUNCTIONAL_LIMITATIONS)
# The history holds no functional limitations: an earlier period is recorded without any.
_NO_LIMITATIONS = ", ".join(["%s"] * len(FUNCTIONAL_LIMITATIONS))

# Staging tables: name → column definitions, in the order of the Arrow tables that fill them.
# The types are standard SQL, which both PostgreSQL and SQLite accept.
STAGING = {
    "synth_family": "external_ref bigint, region_id varchar(2), urban boolean, housing varchar(4)",
    "synth_person": (
        "iin varchar(12), surname varchar(100), given_name varchar(100), "
        "patronymic varchar(100), birth_date date, sex varchar(1), region_id varchar(2), "
        "urban boolean, address varchar(300), latitude double precision, "
        "longitude double precision, preferred_language varchar(2), family_ref bigint, "
        "role varchar(6), surname_folded varchar(100), given_name_folded varchar(100), "
        "patronymic_folded varchar(100)"
    ),
    "synth_status": (
        "iin varchar(12), category varchar(5), cause varchar(20), "
        "work_capacity_loss_pct smallint, "
        + ", ".join(f"{name} boolean" for name in FUNCTIONAL_LIMITATIONS)
        + ", valid_from date, reexamination_date date"
    ),
    "synth_care": "carer_iin varchar(12), cared_iin varchar(12), relation varchar(8), since date",
    # The history's earlier periods (all but the status in force on the reference date), each
    # as the decision that held it, superseded by the next; and the refusals that ended the
    # statuses of persons without one today (their current records).
    "synth_history": (
        "iin varchar(12), category varchar(5), cause varchar(20), "
        "work_capacity_loss_pct smallint, valid_from date, reexamination_date date, "
        "superseded boolean, ended boolean"
    ),
}

StepCallback = Callable[[str], None]


def _no_progress(step: str) -> None:
    """Progress callback that reports nothing."""


def load_snapshot(directory: Path, *, on_step: StepCallback = _no_progress) -> dict[str, int]:
    """Load the snapshot in ``directory``; return how many rows of each kind were added (ADDED)
    and how many of its persons were already registered and so skipped."""
    manifest = read_manifest(directory)  # refuses a folder that holds no snapshot
    on_step("read")
    tables = read_registry_part(directory, countries.regions(settings.COUNTRY))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Room to hash hundreds of thousands of IINs in memory rather than spill to disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        on_step("stage")
        for name, columns in STAGING.items():
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
            _fill(cursor, name, tables[name])
        on_step("insert")
        counts = _insert_new_rows(cursor)
        for name in STAGING:
            cursor.execute(f"DROP TABLE {name}")
        complete_from = manifest.get(HISTORY_FROM) if has_history(directory) else None
        if counts["earlier_statuses"] and complete_from:
            # The records loaded are complete from the day the snapshot's history vouches for:
            # the export's history_from (registry.export.history_from).
            services.status_history_start_record(
                actor=SYSTEM,
                day=dt.date.fromisoformat(complete_from),
                source=DisabilityStatus.Source.SYNTHETIC,
                reference=directory.name,
            )
        if any(counts[what] for what in ADDED):
            record_write(
                actor=SYSTEM,
                action="synthetic_load",
                entity="registry",
                entity_id=directory.name,
                data=counts,
            )
    return counts


def read_registry_part(directory: Path, regions: list[dict[str, Any]]) -> dict[str, pa.Table]:
    """The staging tables' rows, from the snapshot's Parquet files."""
    history = has_history(directory)
    with open_snapshot(directory) as db:
        if history:
            path = str(parquet_path(directory, DISABILITY_HISTORY)).replace("'", "''")
            db.execute(f"CREATE VIEW {DISABILITY_HISTORY} AS SELECT * FROM read_parquet('{path}')")  # noqa: S608
        # The persons whose every status has ended by the reference date are in the history
        # only: loaded too, with their families, so that the export counts them on earlier days.
        former = f"UNION SELECT iin FROM {DISABILITY_HISTORY}" if history else ""  # noqa: S608
        db.execute(f"""
            CREATE TEMPORARY TABLE loaded AS
            SELECT p.iin, p.family_id, p.family_role, p.birth_date, p.sex, p.region_code,
                   p.urban, f.latitude, f.longitude
            FROM persons p JOIN families f USING (family_id)
            WHERE p.iin IN (
                SELECT iin FROM disability UNION SELECT carer_iin FROM care {former}
            )
        """)  # noqa: S608 - only a constant clause is interpolated
        persons = db.sql("SELECT * FROM loaded ORDER BY iin").to_arrow_table()
        families = db.sql("""
            SELECT family_id, region_code, urban, housing FROM families
            WHERE family_id IN (SELECT family_id FROM loaded) ORDER BY family_id
        """).to_arrow_table()
        statuses = db.sql(f"""
            SELECT iin, category, cause, work_capacity_loss_pct, {_LIMITATION_COLUMNS},
                   since, until FROM disability
        """).to_arrow_table()  # noqa: S608 - only constant column names are interpolated
        care = db.sql("SELECT carer_iin, cared_iin, relation, since FROM care").to_arrow_table()
        earlier = db.sql(_EARLIER_PERIODS if history else _NO_PERIODS).to_arrow_table()
    return {
        "synth_family": families,
        "synth_person": _person_rows(persons, regions),
        "synth_status": statuses,
        "synth_care": care,
        "synth_history": earlier,
    }


# The history's periods other than the status in force on the reference date (the one of
# ``disability`` starting the same day), each as a decision recorded before it: it held from its
# ``valid_from`` and is superseded by the next record, or else lapses on its re-examination date,
# the period's last day (a decision's own date when it is not earlier and the next period
# follows at once; the period's last day otherwise, so that the export's periods are the
# snapshot's). A person without a status today was not confirmed at re-examination: after their
# last period, a refusal (an ended record) from the day after it is their current record.
_EARLIER_PERIODS = f"""
    WITH periods AS (
        SELECT h.*,
               lead(h.valid_from) OVER (PARTITION BY h.iin ORDER BY h.valid_from) AS next_from,
               d.iin IS NULL AND h.valid_to IS NOT NULL
                   AND h.valid_from = max(h.valid_from) OVER (PARTITION BY h.iin) AS refused,
               d.since = h.valid_from AS in_force
        FROM {DISABILITY_HISTORY} h LEFT JOIN disability d ON d.iin = h.iin
    )
    SELECT iin, category, cause, work_capacity_loss_pct, valid_from, reexamination_date,
           superseded, ended
    FROM (
        SELECT iin, category, cause, work_capacity_loss_pct, valid_from,
               CASE WHEN valid_to IS NULL THEN reexamination_date
                    WHEN reexamination_date >= valid_to AND next_from = valid_to + 1
                    THEN reexamination_date
                    ELSE valid_to END AS reexamination_date,
               TRUE AS superseded, FALSE AS ended
        FROM periods WHERE in_force IS NOT TRUE
        UNION ALL
        SELECT iin, category, cause, work_capacity_loss_pct, CAST(valid_to + 1 AS DATE),
               NULL, FALSE, TRUE
        FROM periods WHERE refused
    )
    ORDER BY iin, valid_from
"""  # noqa: S608 - only a constant name is interpolated
_NO_PERIODS = """
    SELECT NULL::VARCHAR AS iin, NULL::VARCHAR AS category, NULL::VARCHAR AS cause,
           NULL::SMALLINT AS work_capacity_loss_pct, NULL::DATE AS valid_from,
           NULL::DATE AS reexamination_date, NULL::BOOLEAN AS superseded,
           NULL::BOOLEAN AS ended
    LIMIT 0
"""


def _person_rows(persons: pa.Table, regions: list[dict[str, Any]]) -> pa.Table:
    family_id = persons["family_id"].to_numpy()
    female = pc.equal(persons["sex"], "F").to_numpy()
    urban = persons["urban"].to_numpy()
    region = pc.index_in(persons["region_code"], value_set=pa.array([r["code"] for r in regions]))
    if region.null_count:
        raise ValueError("the snapshot names a region this country does not have")
    names = derive_names(persons["iin"].combine_chunks(), family_id, female)
    return pa.table(
        {
            "iin": persons["iin"],
            "surname": names.surname,
            "given_name": names.given_name,
            "patronymic": names.patronymic,
            "birth_date": persons["birth_date"],
            "sex": persons["sex"],
            "region_id": persons["region_code"],
            "urban": persons["urban"],
            "address": derive_addresses(family_id, region.to_numpy(), urban, regions),
            "latitude": persons["latitude"],
            "longitude": persons["longitude"],
            "preferred_language": names.language,
            "family_ref": persons["family_id"],
            "role": persons["family_role"],
            "surname_folded": _folded(names.surname),
            "given_name_folded": _folded(names.given_name),
            "patronymic_folded": _folded(names.patronymic),
        }
    )


def _folded(names: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The names folded as ``Person.save`` folds them: the distinct names are few, so each is
    folded once in Python and the column is taken from them."""
    if isinstance(names, pa.ChunkedArray):
        names = names.combine_chunks()
    encoded = pc.dictionary_encode(names)
    folded = pa.array([fold_name(name) for name in encoded.dictionary.to_pylist()], pa.string())
    return folded.take(encoded.indices)


def _fill(cursor: Any, name: str, table: pa.Table) -> None:
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {name} FROM STDIN (FORMAT csv)") as copy:
            for chunk in _csv_chunks(table):
                copy.write(chunk)
        cursor.execute(f"ANALYZE {name}")  # temporary tables are never analysed automatically
        return
    # Elsewhere (SQLite): dates as ISO text, which is how Django stores them there.
    table = table.cast(
        pa.schema(
            [
                pa.field(f.name, pa.string() if pa.types.is_date(f.type) else f.type)
                for f in table.schema
            ]
        )
    )
    placeholders = ", ".join(["%s"] * table.num_columns)
    for batch in table.to_batches(EXECUTEMANY_BATCH_ROWS):
        columns = [column.to_pylist() for column in batch.columns]
        rows = list(zip(*columns, strict=True))
        cursor.executemany(f"INSERT INTO {name} VALUES ({placeholders})", rows)  # noqa: S608


def _csv_chunks(table: pa.Table) -> Iterator[bytes]:
    # Quoting every value keeps an empty string apart from NULL, which COPY reads unquoted.
    options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
    for batch in table.to_batches(COPY_BATCH_ROWS):
        buffer = io.BytesIO()
        pa_csv.write_csv(batch, buffer, options)
        yield buffer.getvalue()


def _insert_new_rows(cursor: Any) -> dict[str, int]:
    """Move the staged rows of persons not yet registered into the registry tables."""
    person, family = Person._meta.db_table, Family._meta.db_table
    membership, status = FamilyMembership._meta.db_table, DisabilityStatus._meta.db_table
    care = CareLink._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Table names come from the models, never from input, so interpolating them is safe (S608).
    cursor.execute(f"DELETE FROM synth_person WHERE iin IN (SELECT iin FROM {person})")  # noqa: S608
    already_registered = cursor.rowcount
    inserts = {
        "families": (
            family,
            f"""INSERT INTO {family} (external_ref, region_id, urban, housing)
            SELECT s.external_ref, s.region_id, s.urban, s.housing FROM synth_family s
            WHERE s.external_ref IN (SELECT family_ref FROM synth_person)
              AND NOT EXISTS (SELECT 1 FROM {family} f WHERE f.external_ref = s.external_ref)""",  # noqa: S608
            [],
        ),
        "persons": (
            person,
            f"""INSERT INTO {person} (iin, surname, given_name, patronymic, birth_date, sex,
                region_id, urban, address, latitude, longitude, phone, preferred_language,
                user_id, created, updated, surname_folded, given_name_folded,
                patronymic_folded)
            SELECT iin, surname, given_name, patronymic, birth_date, sex, region_id, urban,
                address, latitude, longitude, '', preferred_language, NULL, %s, %s,
                surname_folded, given_name_folded, patronymic_folded
            FROM synth_person""",  # noqa: S608
            [now, now],
        ),
        "memberships": (
            membership,
            f"""INSERT INTO {membership} (family_id, person_id, role)
            SELECT f.id, p.id, s.role FROM synth_person s
            JOIN {person} p ON p.iin = s.iin JOIN {family} f ON f.external_ref = s.family_ref""",  # noqa: S608
            [],
        ),
        # Before the statuses in force, so that they are recorded first (the export orders a
        # person's records by recording, then by id) and each is superseded by what follows.
        "earlier_statuses": (
            status,
            f"""INSERT INTO {status} (person_id, category, cause, work_capacity_loss_pct,
                {_LIMITATION_COLUMNS}, valid_from, reexamination_date, ended, source,
                recorded_at, superseded_at)
            SELECT p.id, s.category, s.cause, s.work_capacity_loss_pct, {_NO_LIMITATIONS},
                s.valid_from, s.reexamination_date, s.ended, %s, %s,
                CASE WHEN s.superseded THEN %s END
            FROM synth_history s JOIN synth_person n ON n.iin = s.iin
            JOIN {person} p ON p.iin = s.iin
            ORDER BY s.iin, s.valid_from""",  # noqa: S608
            [
                *[False] * len(FUNCTIONAL_LIMITATIONS),
                DisabilityStatus.Source.SYNTHETIC.value,
                now,
                now,
            ],
        ),
        "statuses": (
            status,
            f"""INSERT INTO {status} (person_id, category, cause, work_capacity_loss_pct,
                {_LIMITATION_COLUMNS}, valid_from, reexamination_date, ended, source,
                recorded_at, superseded_at)
            SELECT p.id, s.category, s.cause, s.work_capacity_loss_pct, {_LIMITATION_COLUMNS},
                s.valid_from, s.reexamination_date, %s, %s, %s, NULL
            FROM synth_status s JOIN synth_person n ON n.iin = s.iin
            JOIN {person} p ON p.iin = s.iin""",  # noqa: S608
            [False, DisabilityStatus.Source.SYNTHETIC.value, now],
        ),
        "care_links": (
            care,
            f"""INSERT INTO {care} (carer_id, cared_id, relation, since, until)
            SELECT a.id, b.id, c.relation, c.since, NULL FROM synth_care c
            JOIN {person} a ON a.iin = c.carer_iin JOIN {person} b ON b.iin = c.cared_iin
            LEFT JOIN synth_person new_carer ON new_carer.iin = c.carer_iin
            LEFT JOIN synth_person new_cared ON new_cared.iin = c.cared_iin
            WHERE (new_carer.iin IS NOT NULL OR new_cared.iin IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM {care} x
                              WHERE x.carer_id = a.id AND x.cared_id = b.id)""",  # noqa: S608
            [],
        ),
    }
    counts = {}
    for what, (table, sql, params) in inserts.items():
        cursor.execute(sql, params)
        counts[what] = cursor.rowcount
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner still sees the table as empty and joins the
            # next statement's 100,000s of rows to it by nested loops.
            cursor.execute(f"ANALYZE {table}")
    return counts | {"already_registered": already_registered}
