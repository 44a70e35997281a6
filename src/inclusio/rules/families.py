"""What a family programme (or assessment) reads of its members, beyond ``member_count``.

**Member aggregates** — one call over the persons of a family, each a family-level name::

    members:
      aggregates:
        adults: count(age(birth_date) >= 18)          # the members for whom a condition holds
        single_adult: count(age(birth_date) >= 18) == 1   # refused: one call, nothing around it
        youngest_child_age: min(age(birth_date), where=family_role == "child")
        any_group_1: any(category == "I")
        all_adults_work: all(age(birth_date) < 18 or employed)
        earnings: sum(monthly_income_kzt, where=employed)

``sum``, ``min`` and ``max`` take a ``where=`` condition (the members they read); ``count``,
``any`` and ``all`` take the condition itself. A missing value counts as false in a condition and
is left out of a sum, minimum or maximum; ``min``/``max`` over nobody is missing (a comparison
with it is false), a sum over nobody is 0, ``all`` over a family whose members all fail it is
false.

**Income per member** — the family means test of targeted social assistance::

    members:
      conditions: {...}                 # who counts as a member (member_count)
      income:
        disregard: [disability_benefit_kzt, carer_allowance_kzt]

``family_income`` is the sum, over the members who count, of every income column of the
snapshot contract (``INCOME_COLUMNS``; a missing value is 0) except the disregarded ones, and
``income_per_member`` is ``family_income / member_count`` with the compiler's division (missing
for a family with no member who counts).
"""

from __future__ import annotations

import ast
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
from yaml.nodes import Node, ScalarNode, SequenceNode

from inclusio.rules.errors import _
from inclusio.rules.expressions import (
    NUMERIC,
    Expression,
    Type,
    _Checker,
    check_expression,
    parse_expression,
)
from inclusio.snapshot.contract import INCOME_COLUMNS

if TYPE_CHECKING:
    from inclusio.rules.loader import Members, _Reader

AGGREGATE_FUNCTIONS = ("sum", "count", "any", "all", "min", "max")
_CONDITION_FUNCTIONS = frozenset({"count", "any", "all"})  # their argument is the condition
EXTREMES = frozenset({"min", "max"})  # not additive: see ``combine``
FAMILY_INCOME = "family_income"
INCOME_PER_MEMBER = "income_per_member"
INCOME_NAMES = {FAMILY_INCOME: Type.INT, INCOME_PER_MEMBER: Type.INT}
_INCOME_KEYS = frozenset({"disregard"})


@dataclass(frozen=True)
class MemberAggregate:
    """One aggregate over a family's members: ``argument`` is the per-member condition (count,
    any, all) or value (sum, min, max), ``where`` the members a sum/min/max reads (None: all),
    ``type`` the family-level value's."""

    function: str
    argument: Expression
    where: Expression | None
    type: Type

    @property
    def combine(self) -> str:
        """How two parts of a family add up: ``add`` (sums and counts, which any and all are
        made of), or ``min``/``max``."""
        return self.function if self.function in EXTREMES else "add"


@dataclass(frozen=True)
class Income:
    """The family means test: the income columns counted (the contract's, less ``disregarded``)."""

    counted: tuple[str, ...]
    disregarded: tuple[str, ...]
    line: int


def check_member_aggregate(
    source: str,
    names: Mapping[str, Type],
    *,
    file: str = "<rule>",
    line: int = 1,
    zero_names: frozenset[str] = frozenset(),
) -> MemberAggregate:
    """Parse and check one aggregate: a single call of ``AGGREGATE_FUNCTIONS`` at the top, its
    argument (and ``where=``) ordinary expressions over ``names`` with no aggregate inside."""
    text = source.strip()
    tree = parse_expression(text, file=file, line=line)
    checker = _Checker(text, names, file, line, zero_names)
    function = (
        tree.func.id if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) else ""
    )
    if function not in AGGREGATE_FUNCTIONS:
        raise checker.fail(
            tree,
            _("an aggregate is one call of %(functions)s"),
            functions=", ".join(f"{f}()" for f in AGGREGATE_FUNCTIONS),
        )
    assert isinstance(tree, ast.Call)
    if len(tree.args) != 1 or isinstance(tree.args[0], ast.Starred):
        raise checker.fail(tree, _("%(name)s() takes 1 argument"), name=function)
    where_node = None
    for keyword in tree.keywords:
        if keyword.arg != "where" or function in _CONDITION_FUNCTIONS or where_node is not None:
            message = (
                _("%(name)s() takes no keyword (write the condition itself)")
                if function in _CONDITION_FUNCTIONS
                else _("%(name)s() takes only where= (write the condition itself)")
            )
            raise checker.fail(tree, message, name=function)
        where_node = keyword.value
    argument = tree.args[0]
    kind = checker.visit(argument)
    if function in _CONDITION_FUNCTIONS and kind != Type.BOOL:
        raise checker.fail(
            argument,
            _("%(name)s() takes a condition over the members, not %(type)s"),
            name=function,
            type=kind,
        )
    if function == "sum" and kind not in NUMERIC:
        raise checker.fail(argument, _("sum() takes a number, not %(type)s"), type=kind)
    if function in EXTREMES and kind not in NUMERIC | {Type.DATE}:
        raise checker.fail(
            argument,
            _("%(name)s() takes a number or a date, not %(type)s"),
            name=function,
            type=kind,
        )
    where = None
    if where_node is not None:
        where_kind = checker.visit(where_node)
        if where_kind != Type.BOOL:
            raise checker.fail(
                where_node, _("where= takes a condition, not %(type)s"), type=where_kind
            )
        where = Expression(text, where_node, Type.BOOL, file, line)
    checked = Expression(source=text, tree=argument, type=kind, file=file, line=line)
    result = {"count": Type.INT, "any": Type.BOOL, "all": Type.BOOL}.get(function, kind)
    return MemberAggregate(function, checked, where, result)


def read_aggregates(
    reader: _Reader,
    node: Node,
    members: Mapping[str, Type],
    taken: dict[str, Type],
    zero: frozenset[str],
) -> dict[str, MemberAggregate]:
    """``aggregates``: ``name: call`` entries; each name joins ``taken`` (the family's names)."""
    # The loader imports this module.
    from inclusio.rules.loader import MAX_CONDITIONS, at_most, expression_line, mapping

    entries = mapping(node, reader.file, "aggregates")
    if not entries:
        raise reader.fail(node, _("aggregates: at least one"))
    at_most(len(entries), MAX_CONDITIONS, "aggregates", node, reader.file)
    result: dict[str, MemberAggregate] = {}
    for name, (key_node, value_node) in entries.items():
        # A family-level name: it must not hide a member's column or condition either.
        reader.new_name(name, key_node, {**members, **taken})
        if not isinstance(value_node, ScalarNode) or value_node.tag.endswith(":null"):
            raise reader.fail(value_node, _("an aggregate must be written as text"))
        result[name] = check_member_aggregate(
            str(value_node.value),
            members,
            file=reader.file,
            line=expression_line(value_node),
            zero_names=zero,
        )
        taken[name] = result[name].type
    return result


def read_income(reader: _Reader, node: Node) -> Income:
    """``income: {disregard: [column, …]}``: the contract's income columns not counted."""
    from inclusio.rules.loader import line_of, mapping, scalar

    section = mapping(node, reader.file, "income")
    for key, (key_node, _value) in section.items():
        if key not in _INCOME_KEYS:
            raise reader.fail(
                key_node,
                _("%(what)s: unknown key %(key)r (allowed: %(allowed)s)"),
                what="income",
                key=key,
                allowed=sorted(_INCOME_KEYS),
            )
    disregarded: list[str] = []
    if "disregard" in section:
        items = section["disregard"][1]
        if not isinstance(items, SequenceNode):
            raise reader.fail(items, _("income.disregard: a list of income columns"))
        for item in items.value:
            column = scalar(item, reader.file)
            if column not in INCOME_COLUMNS:
                raise reader.fail(
                    item,
                    _(
                        "income.disregard: %(column)r is not an income column "
                        "(the snapshot's are: %(columns)s)"
                    ),
                    column=column,
                    columns=", ".join(INCOME_COLUMNS),
                )
            if column in disregarded:
                raise reader.fail(
                    item,
                    _("%(what)s: %(key)r given twice"),
                    what="income.disregard",
                    key=column,
                )
            disregarded.append(str(column))
    counted = tuple(c for c in INCOME_COLUMNS if c not in disregarded)
    if not counted:
        raise reader.fail(node, _("income: every income column is disregarded; nothing is counted"))
    return Income(counted, tuple(disregarded), line_of(node))


# ---- compiled to Ibis ---------------------------------------------------------------------


def reductions(
    aggregates: Mapping[str, MemberAggregate],
    table: Any,
    on: datetime.date,
    parameters: Mapping[str, tuple[Any, Type]],
    conditions: Mapping[str, Any],
) -> dict[str, Any]:
    """Each aggregate as an Ibis reduction over ``table`` (persons), for a group-by on
    ``family_id``; ``finish`` turns the grouped column into the family's value."""
    from inclusio.rules.compiler import compile_expression  # the compiler imports the loader

    result = {}
    for name, aggregate in aggregates.items():
        value = compile_expression(aggregate.argument, table, on, parameters, conditions)
        where = None
        if aggregate.where is not None:
            where = compile_expression(aggregate.where, table, on, parameters, conditions)
            where = where.fill_null(False)
        match aggregate.function:
            case "count" | "any":
                result[name] = table.family_id.count(where=value.fill_null(False))
            case "all":  # the members for whom it does not hold: none means all do
                result[name] = table.family_id.count(where=~value.fill_null(False))
            case "sum":
                result[name] = value.sum(where=where)
            case "min":
                result[name] = value.min(where=where)
            case _:
                result[name] = value.max(where=where)
    return result


def finish(aggregate: MemberAggregate, column: Any) -> Any:
    """The family's value from its grouped reduction (null where no member was grouped)."""
    match aggregate.function:
        case "count":
            return column.fill_null(0).cast("int64")
        case "any":
            return column.fill_null(0) > 0
        case "all":
            return column.fill_null(0) == 0
        case "sum":
            counted = column.fill_null(0)
            return counted.cast("int64") if aggregate.type == Type.INT else counted
        case _:
            return column


def member_income(income: Income, table: Any) -> Any:
    """A person's counted income: the counted columns, a missing value as 0."""
    total = None
    for column in income.counted:
        value = table[column].fill_null(0).cast("int64")
        total = value if total is None else total + value
    return total


# The quotient as the rule language writes it, checked like a rule's formula: exact division,
# rounded half up to whole tenge (a fraction of a tenge per member decides nothing; a rule that
# must be exact compares ``family_income`` with the line times ``member_count``); ``max(1, …)``
# keeps the divisor from zero, and a family with no member has no income per member.
_PER_MEMBER = f"round_half_up({FAMILY_INCOME} / max(1, member_count))"


def income_per_member(family_income: Any, member_count: Any, on: datetime.date) -> Any:
    """``family_income / member_count`` in whole tenge (the compiler's exact division, rounded
    half up); missing for no member."""
    from inclusio.rules.compiler import compile_expression

    names = {FAMILY_INCOME: Type.INT, "member_count": Type.INT}
    expression = check_expression(_PER_MEMBER, names, file="<income>")
    # Read as the 64-bit integers the checker sized them as (a sum may come wider).
    columns = {
        FAMILY_INCOME: family_income.cast("int64"),
        "member_count": member_count.cast("int64"),
    }
    quotient = compile_expression(expression, columns, on)
    return ibis.ifelse(member_count > 0, quotient, ibis.null().cast(quotient.type()))


def names_read(aggregates: Mapping[str, MemberAggregate]) -> list[Expression]:
    """The per-member expressions of ``aggregates`` (for the columns a screening reads)."""
    expressions = []
    for aggregate in aggregates.values():
        expressions.append(aggregate.argument)
        if aggregate.where is not None:
            expressions.append(aggregate.where)
    return expressions


def family_reductions(
    members: Members, table: Any, on: datetime.date, parameters: Mapping[str, tuple[Any, Type]]
) -> dict[str, Any]:
    """A family programme's per-family reductions over ``table`` (persons), for a group-by on
    ``family_id``: ``member_count``, each aggregate, and ``family_income`` with an ``income``
    section. Every one adds up over two parts of a family but the ``min``/``max`` aggregates."""
    from inclusio.rules.compiler import compile_expression, decided
    from inclusio.rules.life import present
    from inclusio.rules.loader import MEMBER_COUNT

    conditions: dict[str, Any] = {}  # as later expressions read them: unknown stays unknown
    qualifies = present(table, on)  # one who died, emigrated or is imprisoned does not count
    for condition in members.conditions:
        conditions[condition.name] = compile_expression(
            condition.expression, table, on, parameters, conditions
        )
        qualifies = qualifies & decided(conditions[condition.name])
    result = {MEMBER_COUNT: table.family_id.count(where=qualifies)}
    result.update(reductions(members.aggregates, table, on, parameters, conditions))
    if members.income is not None:
        result[FAMILY_INCOME] = member_income(members.income, table).sum(where=qualifies)
    return result


def family_values(members: Members, columns: Any, on: datetime.date) -> dict[str, Any]:
    """The family-level names from the grouped reductions (``columns[name]``, null for a family
    none of whose persons was grouped): what the programme's conditions and amount read."""
    from inclusio.rules.loader import MEMBER_COUNT

    count = columns[MEMBER_COUNT].fill_null(0).cast("int64")
    values = {MEMBER_COUNT: count}
    for name, aggregate in members.aggregates.items():
        values[name] = finish(aggregate, columns[name])
    if members.income is not None:
        income = columns[FAMILY_INCOME].fill_null(0).cast("int64")
        values[FAMILY_INCOME] = income
        values[INCOME_PER_MEMBER] = income_per_member(income, count, on)
    return values
