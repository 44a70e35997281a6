"""Whom a screening run must explain: the holders of a current award or an open proposal.

``results.parquet`` keeps the subjects eligible to at least one programme. A person whose status
lapsed is eligible to nothing, and their award would end without a reason. The benefits app
knows its own holders; it hands them to the screening (``rules.screen.screen(explained=…)``),
which writes their rows, eligible or not, with every condition's truth. The ended proposal then
names the condition that no longer holds, or the programme that is no longer in force.

Only the app's own rows are read here (awards, proposals, family heads), never the population.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from inclusio.benefits import bulk
from inclusio.benefits.models import Award, Programme, Proposal
from inclusio.registry.models import FamilyMembership, Person
from inclusio.rules.screen import EXPLAINED_SCHEMA
from inclusio.snapshot.contract import parquet_path


def _holders() -> pa.Table:
    """Per holder and kind of programme: the person's IIN and, for a family programme, the
    registered family they head."""
    award, proposal = Award._meta.db_table, Proposal._meta.db_table
    programme, person = Programme._meta.db_table, Person._meta.db_table
    membership = FamilyMembership._meta.db_table
    # Only the models' table names are interpolated.
    return bulk.fetch_arrow(
        f"""
        SELECT DISTINCT pr.entity, p.iin, m.family_id
        FROM (SELECT person_id, programme_id FROM {award} WHERE ends IS NULL
              UNION SELECT person_id, programme_id FROM {proposal} WHERE status = 'pending') h
        JOIN {programme} pr ON pr.id = h.programme_id
        JOIN {person} p ON p.id = h.person_id
        LEFT JOIN {membership} m
            ON m.person_id = h.person_id AND m.role = 'head' AND pr.entity = 'family'
        """,  # noqa: S608
        [],
        pa.schema([("entity", pa.string()), ("iin", pa.string()), ("family_id", pa.int64())]),
    )


def write_subjects_to_explain(snapshot_dir: Path, path: Path) -> Path:
    """Write ``subjects_to_explain`` to ``path`` (Parquet), for the screening to read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(subjects_to_explain(snapshot_dir), path)
    return path


def subjects_to_explain(snapshot_dir: Path) -> pa.Table:
    """The subjects (``subject_kind``, ``subject_id``) of every current award and open proposal:
    the person's IIN, or for a family programme the snapshot's family that the holder's
    registered family is (``registry_family_id``, written by ``inclusio snapshot-export``)."""
    holders = _holders()
    families = parquet_path(snapshot_dir, "families")
    db = duckdb.connect()
    try:
        db.register("holders", holders)
        if families.is_file() and "registry_family_id" in pq.read_schema(families).names:
            db.register(
                "registered",
                pq.read_table(families, columns=["family_id", "registry_family_id"]),
            )
        else:
            db.execute("CREATE TABLE registered (family_id BIGINT, registry_family_id BIGINT)")
        table = db.sql(
            """
            SELECT 'person' AS subject_kind, iin AS subject_id FROM holders
            WHERE entity = 'person'
            UNION
            SELECT 'family', CAST(r.family_id AS VARCHAR) FROM holders h
            JOIN registered r ON r.registry_family_id = h.family_id
            WHERE h.entity = 'family'
            ORDER BY ALL
            """
        ).to_arrow_table()
    finally:
        db.close()
    return table.cast(EXPLAINED_SCHEMA)
