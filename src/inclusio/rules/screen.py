"""Screen a whole snapshot: every programme, one columnar pass, one ``results.parquet``.

No Django here. DuckDB is the default engine; Spark runs the same compiled expressions
(``engine="spark"``, see ``inclusio.rules.engines``). ``screen()`` first checks the snapshot
against the contract (``inclusio.snapshot``) from the Parquet footers alone, and refuses a
missing file, a missing column that a rule reads (``inclusio.rules.columns``) or a column of an
incompatible type before any work starts. It then compiles every programme to Ibis over the
snapshot, evaluates them all in one wide table per kind of subject, keeps the subjects eligible
to at least one programme, and unfolds their rows with Arrow (``inclusio.rules.results``) — no
Python loop over rows.

The persons with a disability record or a care link — under a million of a country's twenty —
are joined to those tables once (``_recorded``); everyone else is read as having no record,
which is what the join would give them. This spares joining twenty million persons to the
records in each pass, and is the largest part of the screening's speed.

``results.parquet`` holds one row per subject and programme of the subject's kind (a person
gets every person programme's row, a family every family programme's), ordered by kind,
subject and programme. The subjects written are those eligible to at least one programme and
those the caller asks to be explained (``explained``: the holders of a current award or an open
proposal, eligible or not, whose ended right must name the condition that failed):

============== ====================================== ==========================================
column          type                                   meaning
============== ====================================== ==========================================
subject_id      string                                 IIN (or family id, for family programmes)
subject_kind    string                                 ``person`` or ``family``
programme       string                                 the programme's id
eligible        bool
amount_kzt      int64                                  whole tenge; null for an entitlement
                                                       without money and when not eligible
reasons         list<struct<condition: string,         each condition of the programme, in the
                met: bool>>                            order of the rule file, and its truth;
                                                       empty out of the programme's validity
                                                       (no condition is checked)
parameters      string (JSON)                          ``{name: {"value", "effective",
                                                       "reference", "illustrative"?}}``: the
                                                       parameter values in force on the date;
                                                       decimals are written as JSON strings
                                                       (``"1.61"``) to stay exact; the reference
                                                       ``{kk, ru, en}`` (a shared parameter's: a
                                                       text); ``illustrative: true`` for a value
                                                       the law does not give
inputs          list<struct<name: string,              the subject's own values the explanation
                value: string>>                        shows: the columns the amount reads, and
                                                       ``cared_count`` / ``member_count``
                                                       (``rules.explanation.amount_inputs``);
                                                       empty out of the programme's validity
rate            decimal(5, 4)                          a rate programme's share of the price the
                                                       state covers (0.5 is 50 %,
                                                       ``rules.rates``); null when not eligible
                                                       and for every other programme
============== ====================================== ==========================================

With assessments (the family well-being level), ``assessments.parquet`` beside it holds one row
per assessment and family written — the families eligible to a family programme and the
families of the persons eligible to a person programme, whose offers the level orders —:
``family_id`` (string), ``assessment``, ``level``, ``score`` (int64) and ``indicators``
(list<string>: the indicators met, in the order of the rule file).

With carer or family programmes whose ``cared`` or ``members`` section has conditions,
``members.parquet`` beside it names, for the subjects a proposal or award is made from, which
cared person or member met which of those conditions and who counted (``inclusio.rules.detail``).

With programmes in exclusivity groups (``inclusio.rules.exclusive``), ``exclusive.parquet``
holds, per subject eligible to a grouped programme, one row per such programme: ``subject_id``,
``subject_kind``, ``group``, ``programme`` and ``proposed`` (the default of its group; the others
are the alternatives the subject may choose instead).
"""

from __future__ import annotations

import datetime
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inclusio.rules.assessment import (
    FAMILY_COLUMNS,
    Assessment,
    assessment_metrics,
    assessment_scores,
    parameter_values,
)
from inclusio.rules.columns import columns_read
from inclusio.rules.compiler import (
    cared_counts,
    compile_expression,
    outcome,
    parameters_on,
    person_table,
)
from inclusio.rules.detail import MEMBERS, cared_detail, detail_rows, member_detail
from inclusio.rules.engines import connect
from inclusio.rules.exclusive import CHOICES, choose
from inclusio.rules.explanation import amount_inputs
from inclusio.rules.families import family_reductions, family_values
from inclusio.rules.loader import CARED_COUNT, MEMBER_COUNT, Programme
from inclusio.rules.rates import rate_value
from inclusio.rules.residual import refusing_arithmetic
from inclusio.rules.results import ProgrammeColumns, unfold, write_results
from inclusio.snapshot.contract import SCHEMAS, parquet_path
from inclusio.snapshot.validate import missing_columns, validate_snapshot

RESULTS = "results.parquet"
# The subjects written whether eligible or not (``screen(explained=…)``).
EXPLAINED_SCHEMA = pa.schema([("subject_kind", pa.string()), ("subject_id", pa.string())])
STEPS = ("validate", "compile", "evaluate", "summarise")


# ``assessments.parquet``: one row per family written and assessment (the families eligible to
# a family programme, and the families of the persons eligible to a person programme).
ASSESSMENTS = "assessments.parquet"
ASSESSMENT_SCHEMA = pa.schema(
    [
        pa.field("family_id", pa.string()),
        pa.field("assessment", pa.string()),
        pa.field("level", pa.string()),
        pa.field("score", pa.int64()),
        pa.field("indicators", pa.list_(pa.string())),
    ]
)

StepCallback = Callable[[str], None]


@dataclass(frozen=True)
class ProgrammeCount:
    eligible: int
    amount_kzt: int


@dataclass(frozen=True)
class Summary:
    date: datetime.date
    path: Path
    subjects: int  # subjects written (eligible to at least one programme)
    rows: int
    programmes: dict[str, ProgrammeCount] = field(default_factory=dict)
    # Per assessment, how many of the families written fall in each level.
    levels: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_amount_kzt(self) -> int:
        return sum(count.amount_kzt for count in self.programmes.values())

    @property
    def awards(self) -> int:
        return sum(count.eligible for count in self.programmes.values())


def _no_progress(step: str) -> None:
    """Progress callback that reports nothing."""


def check_snapshot(
    directory: Path,
    programmes: Iterable[Programme],
    assessments: Iterable[Assessment] = (),
    *,
    also: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, pa.Schema]:
    """Check the snapshot against what the programmes and assessments read (``columns_read``;
    ``also``: what the caller reads itself); return the contract's columns absent from each file.

    Raises ``SnapshotError`` for a missing file, a missing column that is read, or a column of
    an incompatible type, from the Parquet footers alone.
    """
    found = validate_snapshot(directory, columns_read(programmes, assessments, also=also))
    return missing_columns(found)


def snapshot_tables(
    con: Any, directory: Path, absent: dict[str, pa.Schema], *, prefix: str
) -> dict[str, Any]:
    """The snapshot's tables on ``con``, each in the contract's shape: a column that no rule
    reads may be absent from the files (a feed in the foundation's columns has no coordinates),
    and is read as null."""
    tables = {}
    for name in SCHEMAS:
        table = con.read_parquet(str(parquet_path(directory, name)), table_name=f"{prefix}{name}")
        if len(absent[name]):
            table = table.mutate(
                **{f.name: ibis.null().cast(ibis.dtype(f.type)) for f in absent[name]}
            )
        tables[name] = table
    return tables


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def parameters_used(programme: Programme, on: datetime.date) -> dict[str, dict[str, Any]]:
    """The value of each parameter in force on ``on``, with its effective date and reference.

    Empty outside the programme's period of validity, where no parameter is read. Raises the
    loader's ``RuleError`` for a date before a parameter's first value.
    """
    if not programme.in_force(on):
        return {}
    used = {}
    for name, parameter in programme.parameters.items():
        value = parameter.value_on(on)
        used[name] = {
            "value": _json_value(value.value),
            "effective": value.effective.isoformat(),
            "reference": value.reference,
        }
        if value.illustrative:
            used[name]["illustrative"] = True
    return used


class _Columns:
    """A wide table as one programme sees it: its own ``cared_count`` or ``member_count``
    under the plain name, every other column as it is."""

    def __init__(self, table: Any, renamed: dict[str, str], *, prefix: str = "") -> None:
        self.table = table
        self.renamed = renamed
        self.prefix = prefix  # every name read with it (a family programme's own columns)

    def __getitem__(self, name: str) -> Any:
        return self.table[self.prefix + self.renamed.get(name, name)]


def _wide(
    programmes: list[Programme], table: Any, renamed: dict[str, dict[str, str]], on: datetime.date
) -> tuple[dict[str, Any], list[ProgrammeColumns]]:
    """Every programme's conditions, eligibility and amount as columns over one table.

    Columns are named by the programme's position (``p3_eligible``…): condition names of two
    programmes may be the same.
    """
    columns: dict[str, Any] = {}
    compiled = []
    for index, programme in enumerate(programmes):
        view = _Columns(table, renamed.get(programme.id, {}))
        conditions, eligible, amount = outcome(programme, view, on)
        prefix = f"p{index}_"
        names = []
        # Out of its period of validity no condition is checked: the row has no reasons.
        checked = conditions.items() if programme.in_force(on) else ()
        for position, (name, value) in enumerate(checked):
            columns[f"{prefix}c{position}"] = value
            names.append((name, f"{prefix}c{position}"))
        columns[f"{prefix}eligible"] = eligible
        columns[f"{prefix}amount"] = amount
        rate = None
        if programme.rate is not None and programme.in_force(on):
            rate = f"{prefix}rate"
            share = compile_expression(
                programme.rate, view, on, parameters_on(programme, on), conditions
            )
            columns[rate] = rate_value(share, eligible)
        # The subject's own values that the explanation of the amount shows (none out of force).
        inputs = []
        for position, name in enumerate(amount_inputs(programme) if programme.in_force(on) else ()):
            columns[f"{prefix}v{position}"] = view[name].cast("string")
            inputs.append((name, f"{prefix}v{position}"))
        parameters = json.dumps(parameters_used(programme, on), ensure_ascii=False, sort_keys=True)
        compiled.append(
            ProgrammeColumns(
                programme.id,
                f"{prefix}eligible",
                f"{prefix}amount",
                tuple(names),
                parameters,
                tuple(inputs),
                rate,
            )
        )
    return columns, compiled


def _recorded(tables: dict[str, Any]) -> Any:
    """The persons with a disability record or a care link, joined to their record.

    Under a million of a country's twenty: every pass joins these few to the small tables, and
    reads everyone else as having no record (``_without_records``), which is what a join would
    give them.
    """
    persons, disability, care = tables["persons"], tables["disability"], tables["care"]
    iins = ibis.union(
        disability.select(iin=disability.iin),
        care.select(iin=care.carer_iin),
        care.select(iin=care.cared_iin),
        distinct=True,
    )
    return person_table(persons.semi_join(iins, persons.iin == iins.iin), disability)


def _without_records(persons: Any, disability: Any) -> Any:
    """``persons`` in the shape of the person table, every disability column null."""
    types = disability.schema()
    return persons.select(
        *[persons[f.name] for f in SCHEMAS["persons"]],
        **{
            f.name: ibis.null().cast(types[f.name])
            for f in SCHEMAS["disability"]
            if f.name != "iin"
        },
    )


def _person_wide(
    programmes: list[Programme],
    tables: dict[str, Any],
    recorded: Any,
    on: datetime.date,
    explained: Any = None,
) -> tuple[Any, list[ProgrammeColumns]]:
    """The persons eligible to at least one person programme, and the persons of ``explained``
    (a table of ``subject_id``), one row each: every person programme's columns (conditions,
    eligibility, amount).

    Every programme, carer counts included, is evaluated over ``recorded`` (``_recorded``);
    the other persons are evaluated over the person table alone, with the disability columns
    null and every carer count 0. The engine folds the conditions that then cannot hold, and
    where no programme can hold for a person without a record (as in Kazakhstan) it does not
    read them at all.
    """
    care = tables["care"]
    renamed: dict[str, dict[str, str]] = {}
    counted = []
    for index, programme in enumerate(programmes):
        if programme.cared is None or not programme.in_force(on):
            continue
        column = f"cared_{index}"
        renamed[programme.id] = {CARED_COUNT: column}
        counts = cared_counts(programme, recorded, care, on, parameters_on(programme, on))
        counted.append(
            counts.select(
                carer_iin=counts.carer_iin, column=ibis.literal(column), n=counts[CARED_COUNT]
            )
        )
    counters = [mapping[CARED_COUNT] for mapping in renamed.values()]
    with_counts = recorded
    if counted:
        # Every carer programme's count in one row per carer, joined once.
        long = ibis.union(*counted)
        per_carer = long.group_by("carer_iin").aggregate(
            **{column: long.n.max(where=long.column == column) for column in counters}
        )
        joined = recorded.left_join(per_carer, recorded.iin == per_carer.carer_iin)
        with_counts = joined.select(
            *[joined[name] for name in recorded.columns],
            **{column: joined[column].fill_null(0) for column in counters},
        )
    others = _without_records(tables["persons"], tables["disability"]).mutate(
        **{column: ibis.literal(0, type="int64") for column in counters}
    )
    parts = []
    compiled: list[ProgrammeColumns] = []
    for table in (with_counts, others):
        columns, compiled = _wide(programmes, table, renamed, on)
        evaluated = table.select(subject_id=table.iin, family_id=table.family_id, **columns)
        keep = _anyone(evaluated, compiled)
        if explained is not None and table is with_counts:
            keep = keep | evaluated.subject_id.isin(explained.subject_id)
        parts.append(evaluated.filter(keep))
    # Filtered before the anti-join, so that a filter folded to false leaves nothing to join.
    parts[1] = parts[1].anti_join(recorded, parts[1].subject_id == recorded.iin)
    if explained is not None:
        # The explained persons without a record (a carer whose care link ended), eligible to
        # nothing: picked out of the persons first, so that the filter above stays foldable.
        persons = tables["persons"]
        few = persons.semi_join(explained, persons.iin == explained.subject_id)
        bare = _without_records(few, tables["disability"]).mutate(
            **{column: ibis.literal(0, type="int64") for column in counters}
        )
        columns, _ = _wide(programmes, bare, renamed, on)
        evaluated = bare.select(subject_id=bare.iin, family_id=bare.family_id, **columns)
        evaluated = evaluated.filter(~_anyone(evaluated, compiled))
        parts.append(evaluated.anti_join(recorded, evaluated.subject_id == recorded.iin))
    return ibis.union(*parts), compiled


@dataclass(frozen=True)
class _Scored:
    """One assessment's columns in the wide family table."""

    assessment: Assessment
    level: str
    score: str
    indicators: tuple[tuple[str, str], ...]  # (indicator name, column)


def _family_wide(
    programmes: list[Programme],
    assessments: list[Assessment],
    tables: dict[str, Any],
    recorded: Any,
    on: datetime.date,
) -> tuple[Any, list[ProgrammeColumns], list[_Scored]]:
    """One row per family of the snapshot: every family programme's columns and every
    assessment's level, score and indicators.

    The per-family values they read — each family programme's members who qualify, its
    aggregates and income, each assessment's aggregates — come from one group-by over all the
    persons read as having no record, corrected by the recorded persons (``_recorded``): plus
    what they add with their records, minus what they added without. That is exact for sums
    and counts (``any`` and ``all`` are counts too), and spares joining twenty million persons
    to the records. A minimum or maximum cannot be corrected so: it is taken over the persons
    without a record and over the recorded persons apart, and the two combined.
    """
    families = tables["families"]
    extremes: dict[str, str] = {}  # column → "min" or "max": not additive

    def per_family(persons: Any) -> dict[str, Any]:
        counts: dict[str, Any] = {}
        for index, programme in enumerate(programmes):
            if programme.members is not None and programme.in_force(on):
                parameters = parameters_on(programme, on)
                reduced = family_reductions(programme.members, persons, on, parameters)
                for name, reduction in reduced.items():
                    counts[f"f{index}_{name}"] = reduction
                for name, aggregate in programme.members.aggregates.items():
                    if aggregate.combine != "add":
                        extremes[f"f{index}_{name}"] = aggregate.combine
        for index, assessment in enumerate(assessments):
            for name, metric in assessment_metrics(assessment, persons, on).items():
                counts[f"a{index}_{name}"] = metric
            for name, aggregate in assessment.aggregates.items():
                if aggregate.combine != "add":
                    extremes[f"a{index}_{name}"] = aggregate.combine
        return counts

    everyone = _without_records(tables["persons"], tables["disability"])
    as_nobody = _without_records(recorded, tables["disability"])
    additive = {c: r for c, r in per_family(everyone).items() if c not in extremes}
    counted = list(additive)
    wide = families.select(*FAMILY_COLUMNS)
    if counted:
        totals = everyone.group_by("family_id").aggregate(**additive)
        real = recorded.group_by("family_id").aggregate(
            **{c: r for c, r in per_family(recorded).items() if c in additive}
        )
        bare = as_nobody.group_by("family_id").aggregate(
            **{c: r for c, r in per_family(as_nobody).items() if c in additive}
        )
        correction = real.left_join(bare, "family_id").select(
            "family_id",
            **{c: real[c].fill_null(0) - bare[c].fill_null(0) for c in counted},
        )
        joined = wide.left_join(totals, "family_id").left_join(
            correction.rename(**{f"fix_{c}": c for c in counted}), "family_id"
        )
        wide = joined.select(
            *[joined[c] for c in FAMILY_COLUMNS],
            **{c: joined[c].fill_null(0) + joined[f"fix_{c}"].fill_null(0) for c in counted},
        )
    if extremes:
        others = everyone.anti_join(recorded, everyone.iin == recorded.iin)
        parts = [
            part.group_by("family_id").aggregate(
                **{c: r for c, r in per_family(part).items() if c in extremes}
            )
            for part in (others, recorded)
        ]
        joined = wide.left_join(parts[0], "family_id").left_join(
            parts[1].rename(**{f"rec_{c}": c for c in extremes}), "family_id"
        )
        combine = {"min": ibis.least, "max": ibis.greatest}
        wide = joined.select(
            *[joined[c] for c in wide.columns],
            **{c: combine[how](joined[c], joined[f"rec_{c}"]) for c, how in extremes.items()},
        )
    renamed: dict[str, dict[str, str]] = {}
    for index, programme in enumerate(programmes):
        if programme.members is None or not programme.in_force(on):
            column = f"f{index}_{MEMBER_COUNT}"
            renamed[programme.id] = {MEMBER_COUNT: column}
            wide = wide.mutate(**{column: ibis.literal(0, type="int64")})
            continue
        view = _Columns(wide, {}, prefix=f"f{index}_")
        values = family_values(programme.members, view, on)
        renamed[programme.id] = {name: f"f{index}_{name}" for name in values}
        wide = wide.mutate(**{f"f{index}_{name}": value for name, value in values.items()})
    columns, compiled = _wide(programmes, wide, renamed, on)
    scored = []
    for index, assessment in enumerate(assessments):
        view = _Columns(wide, {name: f"a{index}_{name}" for name in assessment.aggregates})
        indicators, score, level = assessment_scores(assessment, view, on)
        prefix = f"a{index}_"
        names = []
        for position, (name, value) in enumerate(indicators.items()):
            columns[f"{prefix}i{position}"] = value
            names.append((name, f"{prefix}i{position}"))
        columns[f"{prefix}level"] = level
        columns[f"{prefix}score"] = score
        scored.append(_Scored(assessment, f"{prefix}level", f"{prefix}score", tuple(names)))
    table = wide.select(
        subject_id=wide.family_id.cast("string"), family_id=wide.family_id, **columns
    )
    return table, compiled, scored


def _assessed(kept: Any, scored: _Scored) -> Any:
    """One assessment's rows, in the shape of ``ASSESSMENT_SCHEMA``: the indicators met, in
    the order of the rule file."""
    met = ibis.array(
        [
            ibis.ifelse(kept[column], ibis.literal(name), ibis.null().cast("string"))
            for name, column in scored.indicators
        ]
    ).filter(lambda name: name.notnull())
    return kept.select(
        family_id=kept.subject_id,
        assessment=ibis.literal(scored.assessment.id),
        level=kept[scored.level],
        score=kept[scored.score],
        indicators=met.cast(ibis.dtype("array<string>")),
    )


def _explained(con: Any, path: Path | str | None) -> tuple[Any, Any]:
    """The persons and the families of the ``explained`` file, as tables of ``subject_id`` on
    ``con`` (None for a kind it does not name)."""
    if path is None:
        return None, None
    kinds = pq.read_table(path, columns=["subject_kind"])["subject_kind"]
    table = con.read_parquet(str(path), table_name="screen_explained")
    found: list[Any] = []
    for kind in ("person", "family"):
        if not pc.any(pc.equal(kinds, kind)).as_py():
            found.append(None)
            continue
        mine = table.filter(table.subject_kind == kind)
        found.append(mine.select(subject_id=mine.subject_id.cast("string")))
    return found[0], found[1]


def _anyone(wide: Any, compiled: list[ProgrammeColumns]) -> Any:
    """Whether the subject is eligible to at least one of the programmes."""
    anyone = ibis.literal(False)
    for programme in compiled:
        anyone = anyone | wide[programme.eligible]
    return anyone


@refusing_arithmetic(lambda arguments: list(arguments["programmes"]))
def screen(
    snapshot_dir: Path | str,
    on: datetime.date,
    programmes: Iterable[Programme],
    out_dir: Path | str,
    *,
    on_step: StepCallback = _no_progress,
    threads: int | None = None,
    assessments: Iterable[Assessment] = (),
    engine: str = "duckdb",
    spark_master: str = "",
    explained: Path | str | None = None,
) -> Summary:
    """Screen the snapshot on ``on`` for ``programmes``; write ``out_dir/results.parquet``.

    The subjects of ``explained`` (a Parquet file of ``EXPLAINED_SCHEMA``: the caller's own few
    subjects, such as the holders of a current award or an open proposal) are written whether
    eligible or not, so that a right that ends names the conditions that no longer hold.

    Nothing is written when the snapshot is refused (``SnapshotError``) or a programme cannot be
    evaluated on the date (``RuleError``; ``residual.ArithmeticStopped`` when its arithmetic
    stops on the snapshot's values). The file is written under a temporary name and moved
    into place, so a crash never leaves a partial ``results.parquet``.
    """
    started = time.monotonic()
    snapshot_dir, out_dir = Path(snapshot_dir), Path(out_dir)
    programmes = list(programmes)
    assessments = sorted(assessments, key=lambda a: a.id)
    if not programmes:
        raise ValueError("no programme to screen")
    ids = [p.id for p in programmes]
    if len(set(ids)) != len(ids):
        raise ValueError(f"programme ids given twice: {sorted(i for i in ids if ids.count(i) > 1)}")

    on_step("validate")
    absent = check_snapshot(snapshot_dir, programmes, assessments)

    on_step("compile")
    # A date before a parameter's first value is refused now, before any work.
    for programme in programmes:
        parameters_used(programme, on)
    for assessment in assessments:
        parameter_values(assessment, on)
    con = connect(engine, threads=threads, spark_master=spark_master)
    tables = snapshot_tables(con, snapshot_dir, absent, prefix="snap_")
    # One pass per kind of subject: a wide table with every programme's columns, of which only
    # the subjects eligible to at least one programme are kept (a temporary table); their rows
    # are then unfolded, one per programme, with the reasons built for them only. Families are
    # also kept when a member was (their assessment orders that member's offers).
    persons = sorted((p for p in programmes if p.entity == "person"), key=lambda p: p.id)
    families = sorted((p for p in programmes if p.entity == "family"), key=lambda p: p.id)

    def materialise(name: str, table: Any) -> Any:
        return _materialise(con, engine, name, table)

    on_step("evaluate")
    recorded = materialise("screen_recorded_person", _recorded(tables))
    explained_persons, explained_families = _explained(con, explained)
    person_kept, person_compiled = (
        _person_wide(persons, tables, recorded, on, explained_persons) if persons else (None, [])
    )
    family_wide, family_compiled, scored = (
        _family_wide(families, assessments, tables, recorded, on)
        if families or assessments
        else (None, [], [])
    )
    parts = []  # by subject kind: "family" before "person"
    detailed: list[pa.Table] = []  # members.parquet: who met which per-person condition
    kept_persons = None
    if person_kept is not None:
        kept_persons = materialise("screen_kept_person", person_kept)
    assessed = None
    if family_wide is not None:
        eligible = _anyone(family_wide, family_compiled)
        keep = eligible
        if scored and kept_persons is not None:
            keep = keep | family_wide.family_id.isin(kept_persons.family_id)
        written = eligible
        if explained_families is not None:
            asked = family_wide.subject_id.isin(explained_families.subject_id)
            keep, written = keep | asked, written | asked
        kept_families = materialise(
            "screen_kept_family",
            family_wide.filter(keep).mutate(screen_eligible=eligible, screen_written=written),
        )
        if family_compiled:
            with_offers = kept_families.filter(kept_families.screen_written)
            parts.append(_unfold(con, with_offers, "family", family_compiled))
            detailed += _family_detail(
                con, families, family_compiled, kept_families, explained_families, tables, on
            )
        if scored:
            assessed = ibis.union(*[_assessed(kept_families, s) for s in scored]).order_by(
                ["family_id", "assessment"]
            )
    if kept_persons is not None:
        parts.append(_unfold(con, kept_persons, "person", person_compiled))
        detailed += _cared_detail(
            con, persons, person_compiled, kept_persons, explained_persons, tables, recorded, on
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    target, scores = out_dir / RESULTS, out_dir / ASSESSMENTS
    choices = out_dir / CHOICES
    members = out_dir / MEMBERS
    partial = out_dir / f".{RESULTS}.{os.getpid()}.partial"
    partial_members = out_dir / f".{MEMBERS}.{os.getpid()}.partial"
    partial_scores = out_dir / f".{ASSESSMENTS}.{os.getpid()}.partial"
    partial_choices = out_dir / f".{CHOICES}.{os.getpid()}.partial"
    grouped = [p for p in programmes if p.exclusive is not None]
    try:
        write_results(partial, parts)
        if assessed is not None:
            _write(con, engine, assessed, partial_scores, ASSESSMENT_SCHEMA)
        if grouped:
            _write_choices(partial, grouped, partial_choices)
        if detailed:
            pq.write_table(pa.concat_tables(detailed), partial_members, compression="zstd")
        on_step("summarise")
        summary = _summarise(partial, partial_scores if assessed is not None else None)
        # The scores and choices first: a results.parquet present means the whole run was
        # written; an earlier run's that would no longer match is removed.
        for written, final in (
            (assessed is not None, scores),
            (bool(grouped), choices),
            (bool(detailed), members),
        ):
            if written:
                os.replace(final.parent / f".{final.name}.{os.getpid()}.partial", final)
            else:
                final.unlink(missing_ok=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        partial_scores.unlink(missing_ok=True)
        partial_choices.unlink(missing_ok=True)
        partial_members.unlink(missing_ok=True)
    return Summary(
        date=on,
        path=target,
        subjects=summary.subjects,
        rows=summary.rows,
        programmes=summary.programmes,
        # Worst level first, as the rule file orders them; a level nobody is in counts 0.
        levels={
            a.id: {
                level.name: summary.levels.get(a.id, {}).get(level.name, 0) for level in a.levels
            }
            for a in assessments
        },
        seconds=time.monotonic() - started,
    )


def _detailed(con: Any, kept: Any, compiled: ProgrammeColumns, explained: Any, kept_id: str) -> Any:
    """The kept subjects a proposal or an award of the programme is made from: those eligible
    to it and the explained holders, as a one-column table ``kept_id``."""
    wanted = kept[compiled.eligible]
    if explained is not None:
        wanted = wanted | kept.subject_id.isin(explained.subject_id)
    chosen = kept.filter(wanted)
    return chosen.select(**{kept_id: chosen[kept_id]})


def _cared_detail(
    con: Any,
    programmes: list[Programme],
    compiled: list[ProgrammeColumns],
    kept: Any,
    explained: Any,
    tables: dict[str, Any],
    recorded: Any,
    on: datetime.date,
) -> list[pa.Table]:
    """``members.parquet``'s rows of the carer programmes (``rules.detail``)."""
    found = []
    for programme, columns in zip(programmes, compiled, strict=True):
        # A section without conditions counts everyone: there is no one to name.
        if programme.cared is None or not programme.cared.conditions or not programme.in_force(on):
            continue
        carers = _detailed(con, kept, columns, explained, "subject_id")
        table = cared_detail(programme, recorded, tables["care"], carers, on)
        rows = con.to_pyarrow(table)
        found.append(detail_rows(rows, "person", programme, programme.cared.conditions))
    return found


def _family_detail(
    con: Any,
    programmes: list[Programme],
    compiled: list[ProgrammeColumns],
    kept: Any,
    explained: Any,
    tables: dict[str, Any],
    on: datetime.date,
) -> list[pa.Table]:
    """``members.parquet``'s rows of the family programmes (``rules.detail``): the members of
    the detailed families, their records joined where they have one."""
    found = []
    for programme, columns in zip(programmes, compiled, strict=True):
        if (
            programme.members is None
            or not programme.members.conditions
            or not programme.in_force(on)
        ):
            continue
        families = _detailed(con, kept, columns, explained, "family_id")
        persons = tables["persons"]
        mine = persons.semi_join(families, persons.family_id == families.family_id)
        # These few persons joined to their records directly: no need for ``recorded`` here.
        everyone = person_table(mine, tables["disability"])
        table = member_detail(programme, everyone, on)
        rows = con.to_pyarrow(table)
        found.append(detail_rows(rows, "family", programme, programme.members.conditions))
    return found


def _write_choices(results: Path, grouped: list[Programme], path: Path) -> None:
    """``exclusive.parquet``: which programme of each exclusivity group is proposed to each
    subject eligible to several, and which are its alternatives (``exclusive.choose``)."""
    rows = pq.read_table(
        results,
        columns=["subject_id", "subject_kind", "programme", "eligible", "amount_kzt"],
        filters=[("programme", "in", [p.id for p in grouped]), ("eligible", "=", True)],
    )
    pq.write_table(choose(rows, grouped), path, compression="zstd")


def _unfold(con: Any, kept: Any, kind: str, compiled: list[ProgrammeColumns]) -> pa.Table:
    """The kept subjects' rows, one per programme, in subject order (see ``results.unfold``)."""
    columns = {"subject_id"}
    for programme in compiled:
        columns |= {programme.eligible, programme.amount}
        columns |= {column for _, column in programme.conditions}
        columns |= {column for _, column in programme.inputs}
        if programme.rate is not None:
            columns.add(programme.rate)
    wide = con.to_pyarrow(kept.select(*sorted(columns)).order_by("subject_id"))
    return unfold(wide, kind, compiled)


def _materialise(con: Any, engine: str, name: str, table: Any) -> Any:
    """Compute ``table`` once and keep it for the rest of the run (a temporary table)."""
    if engine == "duckdb":
        return con.create_table(name, table, temp=True)
    return table.cache()  # Spark: a persisted DataFrame, released with the session


def _write(con: Any, engine: str, results: Any, path: Path, schema: pa.Schema) -> None:
    """Write ``results`` as one Parquet file of ``schema``.

    DuckDB writes the file itself. Spark would write a folder of part files, so its rows come
    back as Arrow batches, in order, and are written here.
    """
    if engine == "duckdb":
        con.to_parquet(results, path, compression="zstd")
        return
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in con.to_pyarrow_batches(results):
            writer.write_table(pa.Table.from_batches([batch]).cast(schema))


@dataclass(frozen=True)
class _Counts:
    subjects: int
    rows: int
    programmes: dict[str, ProgrammeCount]
    levels: dict[str, dict[str, int]]


def _summarise(results: Path, scores: Path | None) -> _Counts:
    """Counts read back from the written files (by DuckDB, whatever engine wrote them)."""
    con = ibis.duckdb.connect()
    written = con.read_parquet(results, table_name="screen_results")
    counts = (
        written.group_by("programme")
        .aggregate(
            eligible=written.eligible.cast("int64").sum(),
            amount=written.amount_kzt.sum().fill_null(0),
        )
        .order_by("programme")
        .to_pyarrow()
        .to_pylist()
    )
    subjects = written.select("subject_kind", "subject_id").distinct().count().to_pyarrow().as_py()
    rows = written.count().to_pyarrow().as_py()
    levels: dict[str, dict[str, int]] = {}
    if scores is not None:
        assessed = con.read_parquet(scores, table_name="screen_scores")
        by_level = assessed.group_by(["assessment", "level"]).aggregate(families=assessed.count())
        for row in by_level.order_by(["assessment", "level"]).to_pyarrow().to_pylist():
            levels.setdefault(row["assessment"], {})[row["level"]] = int(row["families"])
    return _Counts(
        subjects=int(subjects),
        rows=int(rows),
        programmes={
            row["programme"]: ProgrammeCount(int(row["eligible"] or 0), int(row["amount"] or 0))
            for row in counts
        },
        levels=levels,
    )
