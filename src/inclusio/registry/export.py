"""The registry's part of a snapshot, exported from the operational database
(``inclusio snapshot-export``), and merged with the population register's part when given: the
life events the registry records replace the population register's in the persons' file.

National scale is ≈725,000 statuses: the rows go from the database cursor to Arrow in chunks of
``CHUNK_ROWS`` (a server-side cursor on PostgreSQL), straight into Parquet; no model instance is
built. On PostgreSQL the reads share one repeatable-read snapshot of the database, so the
statuses, links and families agree with each other.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from inclusio.core.audit import Actor, record_write
from inclusio.registry.models import (
    CareLink,
    DisabilityStatus,
    FamilyMembership,
    LifeEvent,
    Person,
    StatusHistoryStart,
)
from inclusio.snapshot import assemble
from inclusio.snapshot.contract import (
    DISABILITY_HISTORY,
    HISTORY_FROM,
    REGISTRY_FAMILIES,
    REGISTRY_LIFE_EVENTS,
    read_manifest,
)
from inclusio.snapshot.validate import Problem, SnapshotError

CHUNK_ROWS = 50_000
STEPS = ("statuses", "history", "care", "families", "life", "population", "manifest")

StepCallback = Callable[[str], None]

# The status in force on the date, per person: of the rows already valid then, the one recorded
# last (a later decision supersedes an earlier one, and a refusal at re-examination is recorded
# as an ended row); it counts when it is not ended and its re-examination date is not past. Only
# the models' table names are interpolated.
_STATUSES_SQL = """
SELECT p.iin, s.category, s.cause, s.valid_from, s.reexamination_date, s.work_capacity_loss_pct,
       s.mobility, s.vision, s.hearing, s.speech, s.intellectual, s.psychosocial, s.person_id
FROM (
    SELECT person_id, category, cause, valid_from, reexamination_date, work_capacity_loss_pct,
           mobility, vision, hearing, speech, intellectual, psychosocial, ended,
           ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY recorded_at DESC, id DESC)
               AS newest
    FROM {status} WHERE valid_from <= %s
) s JOIN {person} p ON p.id = s.person_id
WHERE s.newest = 1 AND s.ended = %s
  AND (s.reexamination_date IS NULL OR s.reexamination_date >= %s)
ORDER BY p.iin
"""
# The periods of every status up to the date, by the same rule as above applied to each day: a
# row decides from its valid_from when it was recorded after every row valid by then (``newest``
# is the running maximum of the recording order, peers of the same day included), and holds
# until the next deciding row takes effect or its re-examination date, whichever is first
# (computed in Python: date arithmetic differs between the databases). A deciding ended row
# only closes the period before it. Only the models' table names are interpolated.
_HISTORY_SQL = """
SELECT p.iin, w.category, w.cause, w.work_capacity_loss_pct, w.valid_from,
       w.reexamination_date, w.next_from, w.person_id
FROM (
    SELECT person_id, category, cause, work_capacity_loss_pct, valid_from, reexamination_date,
           ended,
           LEAD(valid_from) OVER (PARTITION BY person_id ORDER BY valid_from) AS next_from
    FROM (
        SELECT r.*, MAX(recorded) OVER (PARTITION BY person_id ORDER BY valid_from) AS newest
        FROM (
            SELECT person_id, category, cause, work_capacity_loss_pct, valid_from,
                   reexamination_date, ended,
                   ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY recorded_at, id)
                       AS recorded
            FROM {status} WHERE valid_from <= %s
        ) r
    ) d
    WHERE recorded = newest
) w JOIN {person} p ON p.id = w.person_id
WHERE w.ended = %s
ORDER BY p.iin, w.valid_from
"""
_CARE_SQL = """
SELECT carer.iin, cared.iin, c.relation, c.since, c.carer_id, c.cared_id
FROM {care} c
JOIN {person} carer ON carer.id = c.carer_id
JOIN {person} cared ON cared.id = c.cared_id
WHERE c.since <= %s AND (c.until IS NULL OR c.until >= %s) AND c.relation <> 'attorney'
ORDER BY carer.iin, cared.iin
"""
_FAMILIES_SQL = """
SELECT m.family_id, m.person_id, p.iin, m.role
FROM {membership} m JOIN {person} p ON p.id = m.person_id
ORDER BY m.family_id, p.iin
"""

# Per person, the life events recorded on or before the date: the death, the latest emigration,
# the latest imprisonment and the latest release — counted only when it ends that imprisonment.
_LIFE_SQL = """
SELECT person_id, iin, death_date, emigration_date, imprisonment_date,
       CASE WHEN release_date >= imprisonment_date THEN release_date END
FROM (
    SELECT e.person_id, p.iin,
           MAX(CASE WHEN e.kind = 'death' THEN e.date END) AS death_date,
           MAX(CASE WHEN e.kind = 'emigration' THEN e.date END) AS emigration_date,
           MAX(CASE WHEN e.kind = 'imprisonment' THEN e.date END) AS imprisonment_date,
           MAX(CASE WHEN e.kind = 'release' THEN e.date END) AS release_date
    FROM {life} e JOIN {person} p ON p.id = e.person_id
    WHERE e.date <= %s
    GROUP BY e.person_id, p.iin
) t
ORDER BY iin
"""


@dataclass(frozen=True)
class Exported:
    directory: Path
    on: dt.date
    rows: dict[str, int] = field(default_factory=dict)
    # Statuses of persons the population register does not hold (not screened); None without
    # a population part.
    unmatched_statuses: int | None = None
    seconds: float = 0.0


def _no_progress(step: str) -> None:
    """Progress callback that reports nothing."""


def _array(values: Sequence[Any], data_type: pa.DataType) -> pa.Array:
    """A column as Arrow: SQLite hands dates computed through a query back as text and
    booleans as integers, which are cast."""
    try:
        return pa.array(values, type=data_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(values).cast(data_type)


def _batches(sql: str, params: list[Any], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            columns = list(zip(*rows, strict=True))
            yield pa.record_batch(
                [_array(column, f.type) for column, f in zip(columns, schema, strict=True)],
                schema=schema,
            )


def _day(value: dt.date | str | None) -> dt.date | None:
    """A date as the cursor gives it back (SQLite: text from a subquery)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _history_batches(sql: str, params: list[Any], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The periods of ``_HISTORY_SQL``'s deciding rows: each ends the day before the next
    decision takes effect or on its re-examination date, whichever comes first."""

    def period(row: Sequence[Any]) -> tuple[Any, ...]:
        iin, category, cause, loss, valid_from, reexamination, next_from, person_id = row
        reexamination, next_from = _day(reexamination), _day(next_from)
        ends = [
            day
            for day in (reexamination, next_from and next_from - dt.timedelta(days=1))
            if day is not None
        ]
        valid_to = min(ends) if ends else None
        return (iin, category, cause, loss, _day(valid_from), valid_to, reexamination, person_id)

    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            columns = list(zip(*(period(row) for row in rows), strict=True))
            yield pa.record_batch(
                [_array(column, f.type) for column, f in zip(columns, schema, strict=True)],
                schema=schema,
            )


def _tables() -> dict[str, str]:
    return {
        "status": DisabilityStatus._meta.db_table,
        "person": Person._meta.db_table,
        "care": CareLink._meta.db_table,
        "membership": FamilyMembership._meta.db_table,
        "life": LifeEvent._meta.db_table,
    }


def history_from(on: dt.date) -> dt.date:
    """The first day the exported history answers for: the day from which the registry's
    status records are complete. That is the latest day a load of earlier records vouched for
    (``StatusHistoryStart``: ``synth-load`` of a snapshot with a history); without one, the day
    the registry recorded its first status, before which it knows only the statuses still in
    force then and none that had ended; with no status at all, the export's own date.

    Not the earliest ``valid_from``: a status recorded today may have held since 2010 while
    the statuses that ended before the registry began were never recorded."""
    declared = StatusHistoryStart.objects.aggregate(day=Max("day"))["day"]
    if declared is not None:
        return declared
    recorded = DisabilityStatus.objects.aggregate(first=Min("recorded_at"))["first"]
    if recorded is not None:
        return timezone.localdate(recorded)
    return on


def check_output(out: Path) -> None:
    """Refuse an output folder that cannot be made: its parent missing, or a file in its way."""
    if out.exists() and not out.is_dir():
        raise OSError(_("%(path)s exists and is not a folder.") % {"path": out})
    if not out.parent.is_dir():
        raise OSError(_("The folder %(path)s does not exist.") % {"path": out.parent})


def snapshot_export(
    *,
    actor: Actor,
    on: dt.date,
    out: Path,
    population: Path | None = None,
    on_step: StepCallback = _no_progress,
) -> Exported:
    """Write the registry's part of the snapshot on ``on`` into ``out``, with the population
    register's part from ``population`` when given; audited.

    Raises ``SnapshotError`` for a population folder that is not a snapshot or breaks the
    contract, and ``OSError`` for an output folder that cannot be written — before anything is
    written; a failure later leaves ``out`` as it was.
    """
    started = time.monotonic()
    if population is not None:
        assemble.check_population(population)
    check_output(out)
    names = _tables()
    rows: dict[str, int] = {}
    unmatched = None
    with assemble.staged(out) as staging:
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            for step, name, sql, params in (
                ("statuses", "disability", _STATUSES_SQL, [on, False, on]),
                ("history", DISABILITY_HISTORY, _HISTORY_SQL, [on, False]),
                ("care", "care", _CARE_SQL, [on, on]),
                ("families", REGISTRY_FAMILIES, _FAMILIES_SQL, []),
                ("life", REGISTRY_LIFE_EVENTS, _LIFE_SQL, [on]),
            ):
                on_step(step)
                schema = assemble.schema_of(name)
                batches = _history_batches if name == DISABILITY_HISTORY else _batches
                rows[name] = assemble.write_batches(
                    staging / f"{name}.parquet",
                    schema,
                    batches(sql.format(**names), params, schema),
                )
            rows.update(_export_domain_parts(on, staging, on_step))
            first = history_from(on)
        on_step("population")
        manifest: dict[str, Any] = {
            "date": on.isoformat(),
            "parts": ["registry"],
            HISTORY_FROM: first.isoformat(),
        }
        for part in dict.fromkeys(known.part for known in DOMAIN_PARTS):
            manifest["parts"].append(part)
        if population is not None:
            merged = assemble.merge_population(population, staging)
            rows.update(merged.rows)
            unmatched = merged.unmatched_statuses
            manifest["parts"].append("population")
            manifest["population"] = read_manifest(population)
        on_step("manifest")
        written = assemble.write_manifest(staging, manifest)
    record_write(
        actor=actor,
        action="snapshot_export",
        entity="snapshot",
        entity_id=on.isoformat(),
        data={"parts": manifest["parts"], "rows": rows, "files": written["files"]},
    )
    return Exported(
        directory=out,
        on=on,
        rows=rows,
        unmatched_statuses=unmatched,
        seconds=time.monotonic() - started,
    )


# --- The domains' part: each domain app registers the files it exports ---------------------
# The registry is below the domain apps (pyproject.toml's layers) and imports none of them: an
# app registers its step in its AppConfig.ready(), and the export runs it inside the same
# database snapshot as the registry's own steps, between them and the population's merge.


@dataclass(frozen=True)
class DomainPart:
    """An app's step of the export: ``files`` gives, for the date, each file's name (a key of
    ``snapshot.contract.DOMAIN_SCHEMAS`` or ``REHABILITATION_SCHEMAS``) and its rows as Arrow
    batches of that schema; ``part`` is the snapshot part the manifest's ``parts`` names for it
    (``domains``, ``rehabilitation``)."""

    step: str
    label: Callable[[], str]
    files: Callable[[dt.date], Iterator[tuple[str, Iterator[pa.RecordBatch]]]]
    part: str = "domains"


DOMAIN_PARTS: list[DomainPart] = []


def register_part(part: DomainPart) -> None:
    """Add an app's step (once: a second registration of the same step replaces the first)."""
    DOMAIN_PARTS[:] = [known for known in DOMAIN_PARTS if known.step != part.step] + [part]


def steps() -> tuple[str, ...]:
    """Every step of an export, in order: the registry's, the domains', the population's."""
    registry, rest = STEPS[: STEPS.index("population")], STEPS[STEPS.index("population") :]
    return (*registry, *(part.step for part in DOMAIN_PARTS), *rest)


def local_day_sql(column: str) -> str:
    """SQL for the day of the timestamp ``column`` in the platform's time zone. Timestamps are
    stored in UTC; a day in a snapshot is the country's day (an order confirmed at 01:00 in
    Almaty belongs to that day, not to the day before in UTC)."""
    sql, params = connection.ops.datetime_cast_date_sql(
        column, (), timezone.get_default_timezone_name()
    )
    # The zone's name is the platform's setting, not input: written into the SQL as a literal.
    return sql % tuple("'" + str(value).replace("'", "''") + "'" for value in params)


def query_batches(sql: str, params: list[Any], name: str) -> Iterator[pa.RecordBatch]:
    """The rows of ``sql`` as Arrow batches of the domain file ``name``'s schema (SQLite's
    dates computed in a query, which come back as text, are cast)."""
    return _batches(sql, params, assemble.schema_of(name))


def _export_domain_parts(on: dt.date, staging: Path, on_step: StepCallback) -> dict[str, int]:
    rows = {}
    for part in DOMAIN_PARTS:
        on_step(part.step)
        for name, batches in part.files(on):
            rows[name] = assemble.write_batches(
                staging / f"{name}.parquet", assemble.schema_of(name), batches
            )
    return rows


def describe(error: SnapshotError) -> str:
    """A snapshot refusal in the user's language, naming the file and the column."""
    messages = {
        Problem.NOT_A_DIRECTORY: _("The folder %(file)s does not exist."),
        Problem.MANIFEST_MISSING: _("%(file)s is missing: the folder is not a snapshot."),
        Problem.FILE_MISSING: _("The snapshot file %(file)s is missing."),
        Problem.FILE_UNREADABLE: _("%(file)s is not a readable Parquet file."),
        Problem.COLUMN_MISSING: _("%(file)s: the column '%(column)s' is missing."),
        Problem.COLUMN_TYPE: _(
            "%(file)s: the column '%(column)s' is of type %(found)s, %(expected)s expected."
        ),
    }
    return messages[error.problem] % {
        "file": error.file,
        "column": error.column or "",
        "found": error.found,
        "expected": error.expected,
    }
