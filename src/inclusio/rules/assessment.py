"""Assessments: rule files (``kind: assessment``) that score every family and give it a level.

The family well-being level of the Digital Family Card is one. The file is read and checked like
a programme (YAML, every refusal with file and line, expressions checked and compiled to Ibis,
never evaluated by Python)::

    member_conditions:  # named tests of each member (persons and their disability record)
      adult: age(birth_date) >= 18
    aggregates:         # per family, over its members: sum, count, any, all, min, max
      employed_adults: count(adult and employed)
    indicators:         # per family: a domain, a condition, points, a plain-language text
      no_employed_adult:
        domain: economic
        when: employed_adults == 0
        points: 15
        explain: {kk: ..., ru: ..., en: ...}
    levels:             # worst first: the first level whose min_score the score reaches
      - {level: crisis, min_score: 60, titles: {kk: ..., ru: ..., en: ...}}
      - {level: stable, min_score: 0, titles: {kk: ..., ru: ..., en: ...}}

Indicators read the aggregates, the family's own columns (``housing``, ``members``, ``urban``,
``region_code``, ``family_id``), the parameters, ``screening_date`` and earlier indicators. A
family's score is the sum of the points of its indicators that hold.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import ibis
import pyarrow as pa
from yaml.nodes import Node, SequenceNode

from inclusio.countries.shared import SharedParameters
from inclusio.rules.compiler import compile_expression, decided, person_table
from inclusio.rules.errors import RuleError, _
from inclusio.rules.exact import parameter_facts
from inclusio.rules.expressions import Expression, Type
from inclusio.rules.families import MemberAggregate, finish, read_aggregates, reductions
from inclusio.rules.loader import (
    MAX_CONDITIONS,
    SCREENING_DATE,
    Condition,
    Parameter,
    _Reader,
    at_most,
    is_name,
    mapping,
    name_problem,
    person_columns,
    scalar,
)

DOMAINS = ("economic", "social", "housing", "health", "education")
# The families table's columns an indicator reads (the coordinates are not for rules).
FAMILY_COLUMNS = ("family_id", "region_code", "urban", "housing", "members")
RESULT_COLUMNS = frozenset({"subject_id", "level", "score"})
_TOP_KEYS = frozenset(
    {
        "id",
        "kind",
        "titles",
        "reference",
        "entity",
        "parameters",
        "shared",
        "member_conditions",
        "aggregates",
        "indicators",
        "levels",
        "explain",
    }
)
_INDICATOR_KEYS = ("domain", "when", "points", "explain")
_LEVEL_KEYS = ("level", "min_score", "titles")


def family_columns() -> dict[str, Type]:
    """What an indicator reads of the family itself (``families`` snapshot table)."""
    columns = {
        "family_id": Type.INT,
        "region_code": Type.STRING,
        "urban": Type.BOOL,
        "housing": Type.STRING,
        "members": Type.INT,
    }
    columns[SCREENING_DATE] = Type.DATE
    return columns


@dataclass(frozen=True)
class Indicator:
    name: str
    domain: str  # one of DOMAINS
    when: Expression
    points: int
    explain: dict[str, str]  # per language: what is true of the family when it holds


@dataclass(frozen=True)
class Level:
    name: str
    min_score: int  # a family is at the first level (worst first) whose min_score it reaches
    titles: dict[str, str]


@dataclass(frozen=True)
class Assessment:
    id: str
    titles: dict[str, str]
    reference: dict[str, str]  # per language
    parameters: dict[str, Parameter]
    member_conditions: tuple[Condition, ...]
    aggregates: dict[str, MemberAggregate]  # in file order
    indicators: tuple[Indicator, ...]
    levels: tuple[Level, ...]  # worst first; the last has min_score 0
    file: str
    # Plain-language texts per language: every indicator's, and any parameter's or aggregate's.
    explain: dict[str, dict[str, str]] = field(default_factory=dict)
    entity: str = "family"
    kind: ClassVar[str] = "assessment"

    def in_force(self, on: datetime.date) -> bool:
        """Always: an assessment has no period of validity (its parameters may still lack a
        value on a date, which is an error)."""
        return True

    def level_of(self, score: int) -> str:
        return next(level.name for level in self.levels if score >= level.min_score)


def read_assessment(root: Node, file: str, shared: SharedParameters | None = None) -> Assessment:
    return _AssessmentReader(file, shared).assessment(root)


class _AssessmentReader(_Reader):
    def assessment(self, root: Node) -> Assessment:
        top = mapping(root, self.file, None)
        for key, (key_node, _value) in top.items():
            if key not in _TOP_KEYS:
                raise self.fail(
                    key_node,
                    _("unknown key %(key)r (allowed: %(allowed)s)"),
                    key=key,
                    allowed=sorted(_TOP_KEYS),
                )
        for key in ("id", "titles", "reference", "entity", "aggregates", "indicators", "levels"):
            if key not in top:
                raise self.fail(root, _("missing key %(key)r"), key=key)
        assessment_id = self.text(top["id"][1], "id")
        if not is_name(assessment_id):
            message, params = name_problem(assessment_id)
            raise self.fail(top["id"][1], message, **params)
        titles = self.languages(top["titles"][1], "titles")
        reference = self.languages(top["reference"][1], "reference")
        if scalar(top["entity"][1], self.file) != "family":
            raise self.fail(top["entity"][1], _("an assessment's entity must be 'family'"))

        family = family_columns()
        members = person_columns()
        parameters = self.all_parameters(top, {**members, **family})
        self.facts = parameter_facts(parameters)
        zero = frozenset(
            name for name, p in parameters.items() if any(v.value == 0 for v in p.values)
        )
        for names in (members, family):
            names.update({name: p.type for name, p in parameters.items()})

        member_conditions: tuple[Condition, ...] = ()
        if "member_conditions" in top:
            member_conditions = self.condition_list(
                top["member_conditions"][1], members, zero, "member_conditions"
            )
        aggregates = read_aggregates(self, top["aggregates"][1], members, family, zero)
        indicators = self.indicators(top["indicators"][1], family, zero)
        levels = self.levels(top["levels"][1])

        explain = {indicator.name: indicator.explain for indicator in indicators}
        if "explain" in top:
            allowed = [*parameters, *aggregates]
            explain.update(self.explain(top["explain"][1], allowed))
        return Assessment(
            id=assessment_id,
            titles=titles,
            reference=reference,
            parameters=parameters,
            member_conditions=member_conditions,
            aggregates=aggregates,
            indicators=indicators,
            levels=levels,
            file=self.file,
            explain=explain,
        )

    def new_name(self, name: str, node: Node, names: dict[str, Type]) -> None:
        if name in RESULT_COLUMNS:
            raise self.fail(node, _("%(name)r is reserved for the result columns"), name=name)
        super().new_name(name, node, names)

    def indicators(
        self, node: Node, names: dict[str, Type], zero: frozenset[str]
    ) -> tuple[Indicator, ...]:
        entries = mapping(node, self.file, "indicators")
        if not entries:
            raise self.fail(node, _("indicators: at least one"))
        at_most(len(entries), MAX_CONDITIONS, "indicators", node, self.file)
        result = []
        for name, (key_node, value_node) in entries.items():
            self.new_name(name, key_node, names)
            what = f"indicators.{name}"
            entry = mapping(value_node, self.file, what)
            for key, (entry_key, _value) in entry.items():
                if key not in _INDICATOR_KEYS:
                    raise self.fail(
                        entry_key,
                        _("%(what)s: unknown key %(key)r (allowed: %(allowed)s)"),
                        what=what,
                        key=key,
                        allowed=list(_INDICATOR_KEYS),
                    )
            for key in _INDICATOR_KEYS:
                if key not in entry:
                    raise self.fail(value_node, _("%(what)s: missing %(key)r"), what=what, key=key)
            domain = scalar(entry["domain"][1], self.file)
            if domain not in DOMAINS:
                raise self.fail(
                    entry["domain"][1],
                    _("%(what)s: domain must be one of %(allowed)s"),
                    what=what,
                    allowed=", ".join(DOMAINS),
                )
            when = self.expression(entry["when"][1], names, zero)
            if when.type != Type.BOOL:
                raise self.fail(
                    entry["when"][1], _("%(what)s: 'when' must be true or false"), what=what
                )
            points = scalar(entry["points"][1], self.file)
            if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
                raise self.fail(
                    entry["points"][1], _("%(what)s: points must be a whole number > 0"), what=what
                )
            explain = self.languages(entry["explain"][1], f"{what}.explain")
            result.append(Indicator(name, str(domain), when, points, explain))
            names[name] = Type.BOOL
        return tuple(result)

    def levels(self, node: Node) -> tuple[Level, ...]:
        if not isinstance(node, SequenceNode) or not node.value:
            raise self.fail(node, _("levels: a list, worst first, of {level, min_score, titles}"))
        at_most(len(node.value), MAX_CONDITIONS, "levels", node, self.file)
        result: list[Level] = []
        for item in node.value:
            entry = mapping(item, self.file, "levels")
            for key, (key_node, _value) in entry.items():
                if key not in _LEVEL_KEYS:
                    raise self.fail(key_node, _("levels: unknown key %(key)r"), key=key)
            for key in _LEVEL_KEYS:
                if key not in entry:
                    raise self.fail(item, _("%(what)s: missing %(key)r"), what="levels", key=key)
            name = self.text(entry["level"][1], "level")
            if not is_name(name):
                message, params = name_problem(name)
                raise self.fail(entry["level"][1], message, **params)
            if any(level.name == name for level in result):
                raise self.fail(entry["level"][1], _("level %(name)r given twice"), name=name)
            min_score = scalar(entry["min_score"][1], self.file)
            if isinstance(min_score, bool) or not isinstance(min_score, int) or min_score < 0:
                raise self.fail(entry["min_score"][1], _("min_score must be a whole number >= 0"))
            if result and min_score >= result[-1].min_score:
                raise self.fail(
                    entry["min_score"][1],
                    _(
                        "levels go from the worst to the best: each min_score must be below the "
                        "previous one (%(level)s: %(score)s)"
                    ),
                    level=result[-1].name,
                    score=result[-1].min_score,
                )
            titles = self.languages(entry["titles"][1], f"levels.{name}.titles")
            result.append(Level(name, min_score, titles))
        if result[-1].min_score != 0:
            raise self.fail(node.value[-1], _("the last (best) level must have min_score 0"))
        return tuple(result)


def parameter_values(assessment: Assessment, on: datetime.date) -> dict[str, tuple[Any, Type]]:
    """The value of each parameter on ``on``; a date before its first value is an error."""
    return {
        name: (parameter.value_on(on).value, parameter.type)
        for name, parameter in assessment.parameters.items()
    }


def assessment_metrics(assessment: Assessment, persons: Any, on: datetime.date) -> dict[str, Any]:
    """The assessment's member aggregates as Ibis reductions over ``persons`` (the person
    table), ready for a group-by on ``family_id`` — alone, or beside other per-family counts."""
    parameters = parameter_values(assessment, on)
    conditions: dict[str, Any] = {}
    for condition in assessment.member_conditions:  # unknown stays unknown (``decided``)
        conditions[condition.name] = compile_expression(
            condition.expression, persons, on, parameters, conditions
        )
    return reductions(assessment.aggregates, persons, on, parameters, conditions)


def assessment_scores(
    assessment: Assessment, columns: Any, on: datetime.date
) -> tuple[dict[str, Any], Any, Any]:
    """The indicators (name → bool), the score (int64) and the level (string) of a family.

    ``columns`` gives, by name (``columns[name]``: a table or a mapping), the family columns
    (``FAMILY_COLUMNS``) and every aggregate of ``assessment_metrics`` as computed by the group-
    by (null for a family none of whose members counted; read here as 0).
    """
    parameters = parameter_values(assessment, on)
    inputs: dict[str, Any] = {name: columns[name] for name in FAMILY_COLUMNS}
    inputs["members"] = columns["members"].cast("int64")
    for name, aggregate in assessment.aggregates.items():
        inputs[name] = finish(aggregate, columns[name])  # a sum over nulls only is 0
    known: dict[str, Any] = {}  # as later indicators read them: unknown stays unknown
    indicators: dict[str, Any] = {}
    score: Any = ibis.literal(0, type="int64")
    for indicator in assessment.indicators:
        known[indicator.name] = compile_expression(indicator.when, inputs, on, parameters, known)
        indicators[indicator.name] = decided(known[indicator.name])
        points = ibis.literal(indicator.points, type="int64")
        score = score + ibis.ifelse(indicators[indicator.name], points, 0)
    score = score.cast("int64")
    level: Any = ibis.literal(assessment.levels[-1].name)
    for worse in reversed(assessment.levels[:-1]):
        level = ibis.ifelse(score >= worse.min_score, worse.name, level)
    return indicators, score, level


def assessment_table(
    assessment: Assessment, persons_table: Any, families_table: Any, on: datetime.date
) -> Any:
    """One row per family of ``persons_table``: ``subject_id`` (the family id as text),
    ``level``, ``score`` (int64) and one bool column per indicator.

    ``persons_table`` is the person table (persons ⨝ disability, ``compiler.person_table``), or
    any part of it holding whole families; ``families_table`` the snapshot's ``families``. All
    aggregates are computed in one group-by over the persons, joined once to the families. A
    family with persons but no ``families`` row is left out.
    """
    per_family = persons_table.group_by("family_id").aggregate(
        **assessment_metrics(assessment, persons_table, on)
    )
    joined = per_family.join(families_table.select(*FAMILY_COLUMNS), "family_id")
    indicators, score, level = assessment_scores(assessment, joined, on)
    return joined.select(
        subject_id=joined.family_id.cast("string"), level=level, score=score, **indicators
    )


def assess(
    assessment: Assessment,
    tables: Mapping[str, Any],
    on: datetime.date,
    *,
    connection: Any = None,
) -> pa.Table:
    """Run ``assessment`` on ``on`` over snapshot tables (pyarrow or Ibis): ``persons``,
    ``disability`` and ``families``. On ``connection`` (an Ibis backend; a fresh DuckDB by
    default). Rows ordered by subject_id."""
    for name in ("persons", "disability", "families"):
        if name not in tables:
            raise RuleError(
                _("the snapshot lacks the %(table)r table"), file=assessment.file, table=name
            )
    ibis_tables = {
        name: ibis.memtable(table) if isinstance(table, pa.Table) else table
        for name, table in tables.items()
    }
    base = person_table(ibis_tables["persons"], ibis_tables["disability"])
    result = assessment_table(assessment, base, ibis_tables["families"], on).order_by("subject_id")
    backend = connection if connection is not None else ibis.duckdb.connect()
    arrow: pa.Table = backend.to_pyarrow(result)
    return arrow
