"""Which snapshot columns a screening reads: those its rules name, and what the engine itself
needs for them. A snapshot is refused only for a column that is read (``columns_read``); the
others may be absent, and are read as null by nothing."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from inclusio.rules.assessment import FAMILY_COLUMNS, Assessment
from inclusio.rules.expressions import Expression
from inclusio.rules.families import names_read
from inclusio.rules.loader import Programme
from inclusio.snapshot.contract import SCHEMAS

# What a name in an expression reads, by the kind of expression: a person's (persons, their
# disability record, and for a carer programme the care link), or a family's own columns.
_PERSON_NAMES = {
    **{f.name: ("persons", f.name) for f in SCHEMAS["persons"]},
    **{f.name: ("disability", f.name) for f in SCHEMAS["disability"] if f.name != "iin"},
    "care_relation": ("care", "relation"),
    "care_since": ("care", "since"),
}
_FAMILY_NAMES = {name: ("families", name) for name in FAMILY_COLUMNS}


def _names(expression: Expression) -> set[str]:
    return {node.id for node in ast.walk(expression.tree) if isinstance(node, ast.Name)}


def _read(
    expressions: Iterable[Expression | None],
    names: Mapping[str, tuple[str, str]],
    into: dict[str, set[str]],
) -> None:
    for expression in expressions:
        if expression is None:
            continue
        for name in _names(expression):
            if name in names:
                file, column = names[name]
                into.setdefault(file, set()).add(column)


def columns_read(
    programmes: Iterable[Programme],
    assessments: Iterable[Assessment] = (),
    *,
    also: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, set[str]]:
    """Per snapshot file, the columns that screening ``programmes`` and ``assessments`` reads
    besides the keys; ``also`` adds what the caller reads itself (the what-if's regions)."""
    read: dict[str, set[str]] = {name: set(columns) for name, columns in (also or {}).items()}
    for programme in programmes:
        own: list[Expression | None] = [c.expression for c in programme.conditions]
        own += [programme.eligible, programme.amount, programme.rate]
        _read(own, _PERSON_NAMES if programme.entity == "person" else _FAMILY_NAMES, read)
        if programme.cared is not None:
            _read([c.expression for c in programme.cared.conditions], _PERSON_NAMES, read)
            if programme.cared.earliest_carer_only:
                read.setdefault("care", set()).add("since")  # the earliest link wins
        if programme.members is not None:
            members = programme.members
            per_member = [c.expression for c in members.conditions]
            _read(per_member + names_read(members.aggregates), _PERSON_NAMES, read)
            if members.income is not None:  # the disregarded columns are not read
                read.setdefault("persons", set()).update(members.income.counted)
    for assessment in assessments:
        per_member = [c.expression for c in assessment.member_conditions]
        per_member += names_read(assessment.aggregates)
        _read(per_member, _PERSON_NAMES, read)
        _read([i.when for i in assessment.indicators], _FAMILY_NAMES, read)
    return read
