"""A screening run: screen the snapshot, then turn the results into proposals.

The difference with the current awards is computed columnar, in DuckDB, over
``results.parquet`` and a few narrow tables read from the database (the registry's IINs, the
family heads, the current awards, the pending proposals); no row of the 20-million snapshot goes
through the ORM. The proposals, the automatic decisions and awards, and the messages are then
written in one transaction, by ``COPY`` on PostgreSQL, with set-based statements for the rest.

For each person (or, for a family programme, the head of the registered family that the
exported snapshot names beside the population's family: ``registry_family_id``) and programme:

* eligible now, no current award → ``new``;
* eligible now, a current award of another amount → ``changed``;
* a current award, not eligible now → ``ended``, with the programme's conditions as they are
  now: the screening writes the rows of every holder of a current award or an open proposal,
  eligible or not (``benefits.ending.subjects_to_explain``).

A pending proposal that says the same as the new one is kept; one that says something else is
superseded by the new one, and one that no longer applies is withdrawn. ``ended`` proposals and
those of programmes assigned by law are decided on import (a decision by nobody); the others
wait for the person's consent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inclusio import countries
from inclusio.benefits import bulk, messaging
from inclusio.benefits.ending import write_subjects_to_explain
from inclusio.benefits.errors import ErrorCode
from inclusio.benefits.models import (
    WELLBEING_LEVELS,
    Award,
    Decision,
    Programme,
    Proposal,
    ScreeningRun,
)
from inclusio.core.audit import SYSTEM, Actor, account_of, record_write
from inclusio.core.errors import ValidationFailed
from inclusio.core.parameters import shared_parameters
from inclusio.countries.shared import SharedParameters
from inclusio.registry.export import describe
from inclusio.registry.models import FamilyMembership, Person
from inclusio.rules import screen as rules_screen
from inclusio.rules.assessment import Assessment
from inclusio.rules.detail import MEMBERS
from inclusio.rules.engines import ENGINES, EngineUnavailable
from inclusio.rules.errors import RuleError
from inclusio.rules.exclusive import CHOICES
from inclusio.rules.loader import Programme as RuleProgramme
from inclusio.rules.loader import load_programme_text, load_rule_file
from inclusio.snapshot.contract import MANIFEST, parquet_path
from inclusio.snapshot.validate import SnapshotError

logger = logging.getLogger(__name__)

# The assessment whose level (in assessments.parquet, beside results.parquet) orders the offers.
WELLBEING_ASSESSMENT = "family_wellbeing"
# Beside results.parquet: the holders whose rows the screening writes, eligible or not.
EXPLAINED = "explained.parquet"
PROPOSAL_FIELDS = (
    "run",
    "programme",
    "version",
    "subject_kind",
    "subject_id",
    "person",
    "kind",
    "amount_kzt",
    "previous_amount_kzt",
    "rate",
    "exclusive_group",
    "alternative",
    "reasons",
    "parameters",
    "inputs",
    "members",
    "priority",
    "wellbeing",
    "award",
    "status",
    "created_at",
)
DECISION_FIELDS = (
    "proposal",
    "person",
    "programme",
    "outcome",
    "amount_kzt",
    "decided_at",
    "explanation",
)
STARTS_AN_AWARD = [Decision.Outcome.GRANTED.value, Decision.Outcome.AMOUNT_CHANGED.value]
OUTCOME_OF_KIND = {
    Proposal.Kind.NEW: Decision.Outcome.GRANTED,
    Proposal.Kind.CHANGED: Decision.Outcome.AMOUNT_CHANGED,
    Proposal.Kind.ENDED: Decision.Outcome.ENDED,
}


def snapshot_id(snapshot_dir: Path) -> str:
    """The SHA-256 of the snapshot's manifest: the snapshot's identity."""
    path = snapshot_dir / MANIFEST
    if not path.is_file():
        raise ValidationFailed(
            ErrorCode.SNAPSHOT_MISSING,
            _("%(directory)s holds no snapshot (its manifest.json is missing)."),
            directory=str(snapshot_dir),
        )
    return hashlib.sha256(path.read_bytes()).hexdigest()


def runs_directory() -> Path:
    return Path(settings.VAR_DIR) / "runs"


def screening_run(
    *, actor: Actor, snapshot_dir: Path | str, on: dt.date, engine: str = "duckdb"
) -> ScreeningRun:
    if engine not in ENGINES:
        raise ValidationFailed(
            ErrorCode.ENGINE_UNAVAILABLE,
            _("The %(engine)s engine is not available."),
            engine=engine,
        )
    snapshot_dir = Path(snapshot_dir).resolve()
    identity = snapshot_id(snapshot_dir)
    done = _completed(identity, on)
    if done is not None:
        return done
    programmes = list(
        Programme.objects.filter(active_version__isnull=False).select_related("active_version")
    )
    if not programmes:
        raise ValidationFailed(
            ErrorCode.NO_PROGRAMMES,
            _("No benefit programme is loaded: run 'inclusio benefits-programmes' first."),
        )
    started = time.monotonic()
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            snapshot_dir=str(snapshot_dir),
            snapshot_id=identity,
            screening_date=on,
            engine=engine,
            started_by=account_of(actor),
        )
        record_write(
            actor=actor,
            action="screening_run_start",
            entity="screening_run",
            entity_id=run.pk,
            data={"snapshot": identity, "date": on.isoformat(), "engine": engine},
        )
    try:
        out_dir = runs_directory() / str(run.pk)
        # Read once: the screening and the reasons an award ends use the same values.
        shared = shared_parameters()
        rules = [rule_programme(p, shared) for p in programmes]
        explained = write_subjects_to_explain(snapshot_dir, out_dir / EXPLAINED)
        summary = _screen(snapshot_dir, on, rules, shared, out_dir, engine, explained)
        with transaction.atomic():
            counts = write_proposals(run, programmes, out_dir, snapshot_dir)
            counts["subjects"] = summary.subjects
            counts["eligible"] = {code: c.eligible for code, c in summary.programmes.items()}
            counts["amount_kzt"] = {code: c.amount_kzt for code, c in summary.programmes.items()}
            run.status = ScreeningRun.Status.COMPLETED
            run.counts = counts
            run.finished_at = timezone.now()
            run.seconds = time.monotonic() - started
            run.save(update_fields=["status", "counts", "finished_at", "seconds"])
            record_write(
                actor=actor,
                action="screening_run_complete",
                entity="screening_run",
                entity_id=run.pk,
                data={key: counts[key] for key in ("proposals", "automatic", "not_in_registry")},
            )
    except Exception as error:
        _mark_failed(run, error, started)
        if isinstance(error, IntegrityError):
            # Another run of the same snapshot and date completed meanwhile: that one counts.
            done = _completed(identity, on)
            if done is not None:
                return done
        if isinstance(error, SnapshotError | RuleError | EngineUnavailable):
            if isinstance(error, SnapshotError):
                cause = describe(error)
            elif isinstance(error, RuleError):
                cause = error.text(get_language())
            else:
                cause = str(error)
            raise ValidationFailed(
                ErrorCode.SCREENING_REFUSED,
                _("The screening was refused: %(error)s"),
                error=cause,
            ) from error
        raise
    return run


def _completed(identity: str, on: dt.date) -> ScreeningRun | None:
    return ScreeningRun.objects.filter(
        snapshot_id=identity, screening_date=on, status=ScreeningRun.Status.COMPLETED
    ).first()


def _mark_failed(run: ScreeningRun, error: BaseException, started: float) -> None:
    with transaction.atomic():
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=ScreeningRun.Status.FAILED,
            error=f"{error.__class__.__name__}: {error}"[:5000],
            finished_at=timezone.now(),
            seconds=time.monotonic() - started,
        )
        record_write(
            actor=SYSTEM,
            action="screening_run_fail",
            entity="screening_run",
            entity_id=run.pk,
            data={"error": error.__class__.__name__},
        )


def rule_programme(programme: Programme, shared: SharedParameters) -> RuleProgramme:
    """The rule file of the programme's version in force, loaded from its stored text with the
    country's shared parameters as the database holds them now."""
    version = programme.active_version
    assert version is not None
    return load_programme_text(version.text, file=version.file, shared=shared)


def _screen(
    snapshot_dir: Path,
    on: dt.date,
    rules: list[RuleProgramme],
    shared: SharedParameters,
    out_dir: Path,
    engine: str,
    explained: Path,
) -> rules_screen.Summary:
    return rules_screen.screen(
        snapshot_dir,
        on,
        rules,
        out_dir,
        assessments=assessments(shared),
        engine=engine,
        spark_master=settings.SPARK_MASTER,
        explained=explained,
    )


def assessments(shared: SharedParameters) -> list[Assessment]:
    """The country's assessment files (the family well-being level), which order the offers.

    A file that does not load orders nothing and stops nothing: the run goes on without it, and
    the refusal (file, line, cause) is logged.
    """
    directory = Path(countries.COUNTRIES_DIR) / settings.COUNTRY / "programmes"
    found = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.endswith(".test.yaml"):
            continue
        try:
            rule = load_rule_file(path, shared=shared)
        except (RuleError, OSError) as error:
            logger.warning("assessment file not used: %s", error)
            continue
        if isinstance(rule, Assessment):
            found.append(rule)
    return found


# --- the difference, in DuckDB -----------------------------------------------------------------


def _registry_tables() -> dict[str, pa.Table]:
    """The narrow tables the difference needs, read from the database as Arrow."""
    person, membership = Person._meta.db_table, FamilyMembership._meta.db_table
    award, proposal = Award._meta.db_table, Proposal._meta.db_table
    int64, text = pa.int64(), pa.string()
    # Only the models' table names are interpolated.
    return {
        "registry_persons": bulk.fetch_arrow(
            f"SELECT id, iin, region_id FROM {person}",  # noqa: S608
            [],
            pa.schema([("person_id", int64), ("iin", text), ("region_id", text)]),
        ),
        # A registered family's head, under the platform's family id.
        "registry_heads": bulk.fetch_arrow(
            f"SELECT family_id, person_id FROM {membership} WHERE role = 'head'",  # noqa: S608
            [],
            pa.schema([("registry_family_id", int64), ("person_id", int64)]),
        ),
        "current_awards": bulk.fetch_arrow(
            f"SELECT id, person_id, programme_id, amount_kzt, CAST(rate AS TEXT) FROM {award}"  # noqa: S608
            " WHERE ends IS NULL",
            [],
            pa.schema(
                [
                    ("award_id", int64),
                    ("person_id", int64),
                    ("programme_id", int64),
                    ("amount_kzt", int64),
                    ("rate", text),  # the share as the database writes it
                ]
            ),
        ),
        "pending": bulk.fetch_arrow(
            "SELECT id, person_id, programme_id, kind, amount_kzt, CAST(rate AS TEXT)"  # noqa: S608
            f" FROM {proposal} WHERE status = 'pending'",
            [],
            pa.schema(
                [
                    ("proposal_id", int64),
                    ("person_id", int64),
                    ("programme_id", int64),
                    ("kind", text),
                    ("amount_kzt", int64),
                    ("rate", text),  # the share as the database writes it
                ]
            ),
        ),
    }


def _programme_table(programmes: list[Programme]) -> pa.Table:
    rows = [
        {
            "programme_id": p.pk,
            "code": p.code,
            "entity": p.entity,
            "automatic": p.assignment == Programme.Assignment.AUTOMATIC,
            "one_off": p.period == Programme.Period.ONCE,
            "version_id": p.active_version_id,
            "titles": json.dumps(
                {"kk": p.title_kk, "ru": p.title_ru, "en": p.title_en}, ensure_ascii=False
            ),
            "reference": json.dumps(p.references, ensure_ascii=False),
            "rule_sha256": p.active_version.sha256 if p.active_version else "",
            "exclusive_group": p.exclusive_group,
        }
        for p in programmes
    ]
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("programme_id", pa.int64()),
                ("code", pa.string()),
                ("entity", pa.string()),
                ("automatic", pa.bool_()),
                ("one_off", pa.bool_()),
                ("version_id", pa.int64()),
                ("titles", pa.string()),
                ("reference", pa.string()),
                ("rule_sha256", pa.string()),
                ("exclusive_group", pa.string()),
            ]
        ),
    )


def _wellbeing_sql(db: duckdb.DuckDBPyConnection, out_dir: Path, snapshot_dir: Path) -> str:
    """A view ``subject_wellbeing(subject_kind, subject_id, level)``: each family's well-being
    level, and each person's (their family's); empty when the screening scored no family."""
    levels = out_dir / rules_screen.ASSESSMENTS
    persons = parquet_path(snapshot_dir, "persons")
    # Only the run's own file paths, quoted, are interpolated.
    if levels.is_file():
        db.execute(
            "CREATE VIEW wellbeing AS SELECT CAST(family_id AS VARCHAR) AS family_id,"  # noqa: S608
            f" CAST(level AS VARCHAR) AS level FROM read_parquet({_quoted(levels)})"
            f" WHERE assessment = '{WELLBEING_ASSESSMENT}'"
        )
    else:
        return (
            "SELECT NULL::VARCHAR AS subject_kind, NULL::VARCHAR AS subject_id,"
            " NULL::VARCHAR AS level WHERE FALSE"
        )
    db.execute(
        "CREATE VIEW snapshot_persons AS SELECT iin,"  # noqa: S608
        f" CAST(family_id AS VARCHAR) AS family_id FROM read_parquet({_quoted(persons)})"
    )
    return """
        SELECT 'family' AS subject_kind, family_id AS subject_id, level FROM wellbeing
        UNION ALL
        SELECT 'person', p.iin, w.level
        FROM snapshot_persons p JOIN wellbeing w USING (family_id)
    """


def _snapshot_families(db: duckdb.DuckDBPyConnection, snapshot_dir: Path) -> None:
    """Views ``snapshot_families(family_id, registry_family_id)``: each family of the snapshot
    and the registered family it is (exported by ``inclusio snapshot-export``), and
    ``registered_subjects``, the other way round (one snapshot family per registered family).

    A family programme is offered to the head of the registered family, matched on the
    platform's own id; a snapshot that carries none (not exported from the registry) matches no
    family, and its family subjects are counted as not in the registry.
    """
    families = parquet_path(snapshot_dir, "families")
    columns = pq.read_schema(families).names if families.is_file() else []
    if "registry_family_id" in columns:
        # Only the snapshot's own file path, quoted, is interpolated.
        db.execute(
            "CREATE VIEW snapshot_families AS SELECT CAST(family_id AS VARCHAR) AS family_id,"  # noqa: S608
            f" CAST(registry_family_id AS BIGINT) AS registry_family_id"
            f" FROM read_parquet({_quoted(families)}) WHERE registry_family_id IS NOT NULL"
        )
    else:
        db.execute(
            "CREATE VIEW snapshot_families AS SELECT NULL::VARCHAR AS family_id,"
            " NULL::BIGINT AS registry_family_id WHERE FALSE"
        )
    db.execute(
        "CREATE VIEW registered_subjects AS SELECT registry_family_id, min(family_id)"
        " AS family_id FROM snapshot_families GROUP BY registry_family_id"
    )


def _subject_members(db: duckdb.DuckDBPyConnection, out_dir: Path) -> None:
    """A view ``subject_members(subject_kind, subject_id, programme, members)``: per subject and
    programme, who of the cared persons or members met which condition (``rules.detail``), as
    the JSON list a proposal keeps; empty when the screening detailed nobody."""
    detail = out_dir / MEMBERS
    if not detail.is_file():
        db.execute(
            "CREATE VIEW subject_members AS SELECT NULL::VARCHAR AS subject_kind,"
            " NULL::VARCHAR AS subject_id, NULL::VARCHAR AS programme,"
            " NULL::VARCHAR AS members WHERE FALSE"
        )
        return
    # Only the run's own file path, quoted, is interpolated.
    db.execute(
        "CREATE VIEW subject_members AS SELECT subject_kind, subject_id, programme,"  # noqa: S608
        " CAST(to_json(list({'member': member, 'counted': counted, 'reasons': reasons}"
        " ORDER BY member)) AS VARCHAR) AS members"
        f" FROM read_parquet({_quoted(detail)}) GROUP BY subject_kind, subject_id, programme"
    )


def _choices(db: duckdb.DuckDBPyConnection, out_dir: Path) -> None:
    """A view ``choices(subject_kind, subject_id, programme, proposed)``: which offer of each
    exclusivity group the screening proposes and which are alternatives (``exclusive.parquet``,
    written when a programme is in a group); empty otherwise."""
    path = out_dir / CHOICES
    if path.is_file():
        # Only the run's own file path, quoted, is interpolated.
        db.execute(
            "CREATE VIEW choices AS SELECT CAST(subject_kind AS VARCHAR) AS subject_kind,"  # noqa: S608
            " CAST(subject_id AS VARCHAR) AS subject_id, CAST(programme AS VARCHAR) AS programme,"
            f" proposed FROM read_parquet({_quoted(path)})"
        )
    else:
        db.execute(
            "CREATE VIEW choices AS SELECT NULL::VARCHAR AS subject_kind,"
            " NULL::VARCHAR AS subject_id, NULL::VARCHAR AS programme, NULL::BOOLEAN AS proposed"
            " WHERE FALSE"
        )


def _quoted(path: Path) -> str:
    """A path as a DuckDB string literal (views cannot take parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


_LEVEL_PRIORITY = " ".join(
    f"WHEN '{level}' THEN {index}" for index, level in enumerate(WELLBEING_LEVELS)
)

# 1. results joined to the registry: the person (or the family's head) of each subject.
_SUBJECTS_SQL = """
CREATE TABLE subjects AS
WITH r AS (
    SELECT r.subject_kind, r.subject_id, r.eligible, r.amount_kzt, r.rate,
           CAST(to_json(r.reasons) AS VARCHAR) AS reasons, r.parameters,
           CAST(to_json(r.inputs) AS VARCHAR) AS inputs,
           m.members,
           pr.programme_id
    FROM read_parquet({results}) r JOIN programmes pr ON pr.code = r.programme
    LEFT JOIN subject_members m ON m.subject_kind = r.subject_kind
        AND m.subject_id = r.subject_id AND m.programme = r.programme
)
SELECT r.*, p.person_id FROM r LEFT JOIN registry_persons p ON p.iin = r.subject_id
WHERE r.subject_kind = 'person'
UNION ALL
SELECT r.*, h.person_id FROM r
LEFT JOIN snapshot_families sf ON sf.family_id = r.subject_id
LEFT JOIN registry_heads h ON h.registry_family_id = sf.registry_family_id
WHERE r.subject_kind = 'family'
"""
# 2. what each (person, programme) should become, against the current awards.
_DIFF_SQL = """
CREATE TABLE diff AS
WITH wanted AS (
    SELECT * FROM subjects WHERE eligible AND person_id IS NOT NULL
), awards AS (
    SELECT a.*, one_off FROM current_awards a JOIN programmes USING (programme_id)
)
SELECT coalesce(w.person_id, a.person_id) AS person_id,
       coalesce(w.programme_id, a.programme_id) AS programme_id,
       CASE WHEN w.person_id IS NOT NULL THEN w.amount_kzt END AS amount_kzt,
       CASE WHEN w.person_id IS NOT NULL THEN w.rate END AS rate,
       a.award_id, a.amount_kzt AS award_amount,
       CASE
           -- A one-off grant, once awarded, stands: no later screening changes or ends it.
           WHEN a.one_off THEN NULL
           WHEN w.person_id IS NOT NULL AND a.award_id IS NULL THEN 'new'
           WHEN w.person_id IS NOT NULL AND (
               w.amount_kzt IS DISTINCT FROM a.amount_kzt
               OR w.rate IS DISTINCT FROM CAST(a.rate AS DECIMAL(5, 4)))
               THEN 'changed'
           WHEN w.person_id IS NULL THEN 'ended'
       END AS kind
FROM wanted w FULL OUTER JOIN awards a
    ON a.person_id = w.person_id AND a.programme_id = w.programme_id
"""

# 3. against the pending proposals: keep, supersede, or withdraw them.
_PLAN_SQL = """
CREATE TABLE plan AS
WITH open AS (
    SELECT o.* FROM pending o JOIN programmes USING (programme_id)
)
SELECT coalesce(d.person_id, o.person_id) AS person_id,
       coalesce(d.programme_id, o.programme_id) AS programme_id,
       d.kind, d.amount_kzt, d.rate, d.award_id, d.award_amount,
       o.proposal_id AS open_id,
       o.proposal_id IS NOT NULL AND d.kind IS NOT NULL AND o.kind = d.kind
           AND o.amount_kzt IS NOT DISTINCT FROM d.amount_kzt
           AND CAST(o.rate AS DECIMAL(5, 4)) IS NOT DISTINCT FROM d.rate AS open_still_holds
FROM (SELECT * FROM diff WHERE kind IS NOT NULL) d FULL OUTER JOIN open o
    ON o.person_id = d.person_id AND o.programme_id = d.programme_id
"""

# 4. the proposals to write, with their reasons and priority.
_PROPOSALS_TEMPLATE = """
CREATE TABLE proposals AS
SELECT pl.person_id, pl.programme_id, pr.version_id, pr.entity AS subject_kind,
       coalesce(s.subject_id,
                CASE WHEN pr.entity = 'family' THEN rs.family_id ELSE rp.iin END, '')
           AS subject_id,
       pl.kind,
       pl.amount_kzt,
       pl.award_amount AS previous_amount_kzt,
       CAST(pl.rate AS VARCHAR) AS rate,
       pr.exclusive_group,
       -- In a group, a new offer is an alternative when the screening proposes another of the
       -- group, or when the person holds (and keeps) a benefit of another programme of it.
       pr.exclusive_group <> '' AND pl.kind = 'new' AND (
           NOT coalesce(x.proposed, TRUE)
           OR EXISTS (
               SELECT 1 FROM current_awards a JOIN programmes g USING (programme_id)
               WHERE a.person_id = pl.person_id AND g.exclusive_group = pr.exclusive_group
                 AND a.programme_id <> pl.programme_id
                 AND NOT EXISTS (
                     SELECT 1 FROM plan e WHERE e.kind = 'ended' AND e.award_id = a.award_id
                 )
           )
       ) AS alternative,
       coalesce(s.reasons, '[]') AS reasons,
       coalesce(s.parameters, '{{}}') AS parameters,
       coalesce(s.inputs, '[]') AS inputs,
       coalesce(s.members, '[]') AS members,
       coalesce(w.level, '') AS wellbeing,
       CASE w.level {level_priority} ELSE {no_level} END AS priority,
       pl.award_id,
       CASE WHEN pl.kind = 'ended' OR pr.automatic THEN 'assigned' ELSE 'pending' END AS status,
       rp.region_id,
       pr.code, pr.titles, pr.reference, pr.rule_sha256
FROM plan pl
JOIN programmes pr USING (programme_id)
JOIN registry_persons rp ON rp.person_id = pl.person_id
LEFT JOIN subjects s ON s.person_id = pl.person_id AND s.programme_id = pl.programme_id
LEFT JOIN registry_heads h ON h.person_id = pl.person_id
LEFT JOIN registered_subjects rs ON rs.registry_family_id = h.registry_family_id
LEFT JOIN subject_wellbeing w
    ON w.subject_kind = pr.entity
   AND w.subject_id = coalesce(s.subject_id,
        CASE WHEN pr.entity = 'family' THEN rs.family_id ELSE rp.iin END)
LEFT JOIN choices x
    ON x.subject_kind = s.subject_kind AND x.subject_id = s.subject_id AND x.programme = pr.code
WHERE pl.kind IS NOT NULL AND NOT pl.open_still_holds
"""
_PROPOSALS_SQL = _PROPOSALS_TEMPLATE.format(
    level_priority=_LEVEL_PRIORITY, no_level=len(WELLBEING_LEVELS)
)


@dataclass(frozen=True)
class Plan:
    proposals: pa.Table  # PROPOSAL_FIELDS but run and created_at
    decisions: pa.Table  # person, programme, outcome, amount_kzt, explanation (assigned only)
    supersede: list[int]  # pending proposals replaced by a new one
    withdraw: list[int]  # pending proposals that no longer apply
    counts: dict[str, Any]


def plan(
    programmes: list[Programme],
    out_dir: Path,
    snapshot_dir: Path,
    on: dt.date,
) -> Plan:
    """The proposals a run's results call for, computed in DuckDB."""
    registry = _registry_tables()
    db = duckdb.connect()
    try:
        db.execute("SET enable_progress_bar = false")
        for name, table in registry.items():
            db.register(name, table)
        db.register("programmes", _programme_table(programmes))
        _snapshot_families(db, snapshot_dir)
        _subject_members(db, out_dir)
        db.execute(_SUBJECTS_SQL.format(results=_quoted(out_dir / rules_screen.RESULTS)))
        db.execute(f"CREATE VIEW subject_wellbeing AS {_wellbeing_sql(db, out_dir, snapshot_dir)}")
        _choices(db, out_dir)
        db.execute(_DIFF_SQL)
        db.execute(_PLAN_SQL)
        db.execute(_PROPOSALS_SQL)
        # ``seq`` numbers the proposals in the order they are written (their ids are reserved
        # in that order), so that a decision names its proposal without reading it back.
        db.execute(
            "CREATE TABLE numbered AS SELECT row_number() OVER"
            " (ORDER BY person_id, programme_id) - 1 AS seq, * FROM proposals"
        )
        proposals = db.sql(
            "SELECT programme_id AS programme, version_id AS version, subject_kind, subject_id,"
            " person_id AS person, kind, amount_kzt, previous_amount_kzt, rate,"
            " exclusive_group, alternative, reasons, parameters,"
            " inputs, members,"
            " priority, wellbeing, award_id AS award, status FROM numbered ORDER BY seq"
        ).to_arrow_table()
        decisions = db.sql(
            """
            SELECT seq, person_id AS person, programme_id AS programme,
                   CASE kind WHEN 'new' THEN 'granted' WHEN 'changed' THEN 'amount_changed'
                        ELSE 'ended' END AS outcome,
                   amount_kzt, rate,
                   CAST(json_object(
                       'programme', code, 'titles', json(titles), 'reference', json(reference),
                       'rule_sha256', rule_sha256, 'version_id', version_id, 'kind', kind,
                       'eligible', kind <> 'ended', 'amount_kzt', amount_kzt,
                       'previous_amount_kzt', previous_amount_kzt, 'rate', rate,
                       'reasons', json(reasons), 'parameters', json(parameters),
                       'inputs', json(inputs), 'members', json(members),
                       'screening_date', ?) AS VARCHAR) AS explanation
            FROM numbered WHERE status = 'assigned' ORDER BY seq
            """,
            params=[on.isoformat()],
        ).to_arrow_table()
        supersede = [
            int(row[0])
            for row in db.execute(
                "SELECT open_id FROM plan WHERE open_id IS NOT NULL AND kind IS NOT NULL"
                " AND NOT open_still_holds"
            ).fetchall()
        ]
        withdraw = [
            int(row[0])
            for row in db.execute(
                "SELECT open_id FROM plan WHERE open_id IS NOT NULL AND kind IS NULL"
            ).fetchall()
        ]
        counts = _counts(db)
    finally:
        db.close()
    counts["superseded"] = len(supersede)
    counts["withdrawn"] = len(withdraw)
    return Plan(proposals, decisions, supersede, withdraw, counts)


def _counts(db: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    kinds = {kind: 0 for kind in Proposal.Kind.values}
    for kind, count in db.execute("SELECT kind, count(*) FROM proposals GROUP BY kind").fetchall():
        kinds[str(kind)] = int(count)
    by_region: dict[str, dict[str, int]] = {}
    for region, kind, count in db.execute(
        "SELECT region_id, kind, count(*) FROM proposals GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        by_region.setdefault(str(region), {k: 0 for k in Proposal.Kind.values})[str(kind)] = int(
            count
        )
    (automatic,) = db.execute(
        "SELECT count(*) FROM proposals WHERE status = 'assigned'"
    ).fetchone() or (0,)
    (outside,) = db.execute(
        "SELECT count(*) FROM (SELECT DISTINCT subject_kind, subject_id FROM subjects"
        " WHERE person_id IS NULL)"
    ).fetchone() or (0,)
    return {
        "proposals": kinds,
        "by_region": by_region,
        "automatic": int(automatic),
        "not_in_registry": int(outside),
    }


# --- writing, in the caller's transaction -----------------------------------------------------


def write_proposals(
    run: ScreeningRun,
    programmes: list[Programme],
    out_dir: Path,
    snapshot_dir: Path,
) -> dict[str, Any]:
    """Write the run's proposals, automatic decisions, awards and messages; return the counts.

    Call inside a transaction: a failure anywhere leaves none of it.
    """
    if connection.vendor == "postgresql":
        # Django declares foreign keys DEFERRABLE INITIALLY DEFERRED: a million deferred checks
        # queued until COMMIT cost about twice what checking each statement's rows costs. The
        # setting ends with this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # One run writes at a time: a second run waits here, then reads what the first wrote.
    list(Programme.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    result = plan(programmes, out_dir, snapshot_dir, run.screening_date)
    now = timezone.now()
    for ids, status in (
        (result.supersede, Proposal.Status.SUPERSEDED),
        (result.withdraw, Proposal.Status.WITHDRAWN),
    ):
        for start in range(0, len(ids), 1000):
            # Still pending: an answer given since the plan was read stands.
            Proposal.objects.filter(
                pk__in=ids[start : start + 1000], status=Proposal.Status.PENDING
            ).update(status=status)
    n = result.proposals.num_rows
    ids = bulk.reserve_ids(Proposal, n)
    proposals = (
        result.proposals.append_column("id", ids)
        .append_column("run", pa.array([run.pk] * n, pa.int64()))
        .append_column("created_at", pa.array([bulk.timestamp_text(now)] * n, pa.string()))
    )
    bulk.insert_arrow(Proposal, proposals.select(["id", *PROPOSAL_FIELDS]))
    if result.decisions.num_rows:
        _write_decisions(run, result.decisions, ids, now)
    messaging.backend().send_run(run.pk)
    return result.counts


def _write_decisions(
    run: ScreeningRun, decisions: pa.Table, proposal_ids: pa.Array, now: dt.datetime
) -> None:
    """The decisions taken on import, then the awards they end, change or start."""
    m = decisions.num_rows
    ids = bulk.reserve_ids(Decision, m)
    decisions = (
        decisions.append_column("id", ids)
        .append_column("proposal", pc.take(proposal_ids, decisions["seq"]))
        .append_column("decided_at", pa.array([bulk.timestamp_text(now)] * m, pa.string()))
    )
    bulk.insert_arrow(Decision, decisions.select(["id", *DECISION_FIELDS]))
    award, proposal, decision = (
        Award._meta.db_table,
        Proposal._meta.db_table,
        Decision._meta.db_table,
    )
    last_day = connection.ops.adapt_datefield_value(run.screening_date - dt.timedelta(days=1))
    with connection.cursor() as cursor:
        # End the awards that end or change (the day before the screening date, never before
        # they started), naming the decision that ends them. Only the models' table names are
        # interpolated.
        cursor.execute(
            f"UPDATE {award} SET ends = CASE WHEN starts > %s THEN starts ELSE %s END,"  # noqa: S608
            f" ended_by_id = (SELECT d.id FROM {decision} d JOIN {proposal} p"
            f" ON p.id = d.proposal_id WHERE p.run_id = %s AND p.award_id = {award}.id)"
            f" WHERE id IN (SELECT award_id FROM {proposal} WHERE run_id = %s"
            " AND status = 'assigned' AND award_id IS NOT NULL)",
            [last_day, last_day, run.pk, run.pk],
        )
    # Then start the new ones, from the screening date.
    starting = decisions.filter(pc.is_in(decisions["outcome"], pa.array(STARTS_AN_AWARD)))
    k = starting.num_rows
    starts = str(connection.ops.adapt_datefield_value(run.screening_date))
    awards = pa.table(
        {
            "person": starting["person"],
            "programme": starting["programme"],
            "amount_kzt": starting["amount_kzt"],
            "rate": starting["rate"],
            "starts": pa.array([starts] * k, pa.string()),
            "decision": starting["id"],
        }
    )
    bulk.insert_arrow(Award, awards)
