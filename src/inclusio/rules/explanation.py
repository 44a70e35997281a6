"""The amount as computed for one person: the amount expression with their own values.

A group III person reads "0.88 × 43 407 = 38 198", not the three coefficients of the rule: the
branches the person's values do not take (``if_``, and the argument ``min``/``max`` did not
choose) are pruned, and the names are replaced by the values in force and by the person's own
values that the screening wrote (``amount_inputs``). No Django here; the caller formats the
numbers in the reader's language.
"""

from __future__ import annotations

import ast
import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from inclusio.rules.expressions import Expression, Type, date_literal
from inclusio.rules.loader import CARED_COUNT, MEMBER_COUNT, SCREENING_DATE, Programme

Number = Callable[[Decimal | int], str]  # a number in the reader's language
_SYMBOLS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}


def _names(expression: Expression | None) -> set[str]:
    """The names an expression reads (not the functions it calls)."""
    if expression is None:
        return set()
    called = {id(node.func) for node in ast.walk(expression.tree) if isinstance(node, ast.Call)}
    return {
        node.id
        for node in ast.walk(expression.tree)
        if isinstance(node, ast.Name) and id(node) not in called
    }


def reads(expression: Expression | None, name: str) -> bool:
    """Whether ``expression`` reads the value ``name`` (a column, parameter or count)."""
    return name in _names(expression)


def amount_inputs(programme: Programme) -> tuple[str, ...]:
    """The subject's own values an explanation of ``programme`` shows: the columns its amount
    reads (not the parameters, the conditions or the date), and the count of cared persons or
    members that met the per-person conditions."""
    own = _names(programme.amount) - set(programme.parameters) - {SCREENING_DATE}
    own -= {condition.name for condition in programme.conditions}
    if programme.cared is not None:
        own.add(CARED_COUNT)
    if programme.members is not None:
        own.add(MEMBER_COUNT)
    return tuple(sorted(own))


class _Unknown(Exception):
    """A value the explanation does not hold: the computation is not shown."""


@dataclass(frozen=True)
class _Part:
    text: str
    value: Any
    precedence: int  # 3: a single value or a call; 1, 2: + − and × ÷


def _typed(value: Any, kind: Type | None) -> Any:
    """A value as the explanation stores it (JSON, or text for a subject's value), typed."""
    if value is None:
        return None
    try:
        if kind == Type.INT:
            return int(str(value))
        if kind == Type.DECIMAL:
            return Decimal(str(value))
        if kind == Type.BOOL:
            return value if isinstance(value, bool) else str(value).lower() == "true"
        if kind == Type.DATE:
            return datetime.date.fromisoformat(str(value))
    except (ValueError, InvalidOperation):
        raise _Unknown from None
    return value


class _Evaluator:
    def __init__(
        self,
        values: Mapping[str, Any],
        on: datetime.date,
        number: Number,
    ) -> None:
        self.values = values
        self.on = on
        self.number = number
        self.read: set[str] = set()  # the names on the branches taken

    def value(self, node: ast.expr) -> Any:
        """A condition's value, for choosing a branch."""
        return self.show(node).value

    def literal(self, value: Any) -> _Part:
        if isinstance(value, bool) or value is None:
            return _Part(str(value), value, 3)
        if isinstance(value, int | Decimal):
            return _Part(self.number(value), value, 3)
        return _Part(str(value), value, 3)

    def show(self, node: ast.expr) -> _Part:
        if isinstance(node, ast.Constant):
            value: Any = node.value
            if isinstance(value, float):
                value = Decimal(str(value))
            return self.literal(value)
        if isinstance(node, ast.Name):
            if node.id == SCREENING_DATE:
                return self.literal(self.on)
            if node.id not in self.values:
                raise _Unknown
            self.read.add(node.id)
            return self.literal(self.values[node.id])
        if isinstance(node, ast.BinOp) and type(node.op) in _SYMBOLS:
            return self.arithmetic(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.show(node.operand)
            if inner.value is None:
                raise _Unknown
            return _Part("−" + self.wrapped(inner, 3), -inner.value, 3)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.literal(not self.value(node.operand))
        if isinstance(node, ast.BoolOp):
            values = [bool(self.value(v)) for v in node.values]
            return self.literal(all(values) if isinstance(node.op, ast.And) else any(values))
        if isinstance(node, ast.Compare):
            return self.literal(self.compare(node))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node.func.id, node.args)
        raise _Unknown

    def wrapped(self, part: _Part, precedence: int) -> str:
        return f"({part.text})" if part.precedence < precedence else part.text

    def arithmetic(self, node: ast.BinOp) -> _Part:
        operator = type(node.op)
        precedence = _PRECEDENCE[operator]
        left, right = self.show(node.left), self.show(node.right)
        if left.value is None or right.value is None:
            raise _Unknown
        a, b = Decimal(left.value), Decimal(right.value)
        if operator is ast.Add:
            result = a + b
        elif operator is ast.Sub:
            result = a - b
        elif operator is ast.Mult:
            result = a * b
        elif b == 0:
            raise _Unknown
        else:
            result = a / b
        # The right side of − and ÷ keeps its brackets at the same level: a − (b − c).
        right_level = precedence + 1 if operator in (ast.Sub, ast.Div) else precedence
        text = f"{self.wrapped(left, precedence)} {_SYMBOLS[operator]} "
        text += self.wrapped(right, right_level)
        return _Part(text, result, precedence)

    def compare(self, node: ast.Compare) -> bool:
        left = self.value(node.left)
        for operator, comparator in zip(node.ops, node.comparators, strict=True):
            if isinstance(operator, ast.In | ast.NotIn):
                assert isinstance(comparator, ast.List | ast.Tuple)
                members = [self.value(element) for element in comparator.elts]
                found = left in members
                if found != isinstance(operator, ast.In):
                    return False
                continue
            right = self.value(comparator)
            if left is None or right is None:
                return False  # a missing value decides nothing: false, as in the engine
            holds = {
                ast.Eq: lambda a, b: a == b,
                ast.NotEq: lambda a, b: a != b,
                ast.Lt: lambda a, b: a < b,
                ast.LtE: lambda a, b: a <= b,
                ast.Gt: lambda a, b: a > b,
                ast.GtE: lambda a, b: a >= b,
            }[type(operator)](left, right)
            if not holds:
                return False
            left = right
        return True

    def call(self, name: str, args: list[ast.expr]) -> _Part:
        if name == "if_":
            return self.show(args[1] if self.value(args[0]) else args[2])
        if name in ("min", "max"):
            parts = [self.show(arg) for arg in args]
            if any(part.value is None for part in parts):
                raise _Unknown
            pick = min if name == "min" else max
            return pick(parts, key=lambda part: Decimal(part.value))
        if name == "round_half_up":
            return self.show(args[0])
        if name == "is_null":
            return self.literal(self.value(args[0]) is None)
        if name == "date" and isinstance(args[0], ast.Constant):
            return self.literal(date_literal(str(args[0].value)))
        if name == "age":
            born = self.value(args[0])
            if not isinstance(born, datetime.date):
                raise _Unknown
            before = (self.on.month, self.on.day) < (born.month, born.day)
            return self.literal(self.on.year - born.year - before)
        raise _Unknown


@dataclass(frozen=True)
class Computed:
    text: str  # "0,88 × 43 407 = 38 198"; "" when there is nothing to show
    # The parameters the amount reads only on branches the person's values do not take (the
    # coefficients of the other groups): not the person's to read, unless a condition reads them.
    not_taken: frozenset[str] = frozenset()


def _read_elsewhere(programme: Programme) -> set[str]:
    """The names read by the conditions (the programme's and its per-person sections')."""
    conditions = list(programme.conditions)
    for section in (programme.cared, programme.members):
        if section is not None:
            conditions += section.conditions
    names = _names(programme.eligible)
    for condition in conditions:
        names |= _names(condition.expression)
    return names


def computation(
    programme: Programme,
    on: datetime.date,
    parameters: Mapping[str, Any],
    inputs: Mapping[str, Any],
    amount_kzt: int,
    number: Number,
    conditions: Mapping[str, bool] | None = None,
) -> Computed:
    """ "0,88 × 43 407 = 38 198": the amount with the values of ``parameters`` (name → value as
    stored: a JSON number, or a decimal as text) and the subject's ``inputs`` (name → text),
    the branches not taken pruned (``conditions``: the programme's conditions, which an amount
    may read); "" when the amount is a single value (nothing to compute)
    or a value it needs is not at hand."""
    if programme.amount is None:
        return Computed("")
    kinds = dict(programme.columns)
    kinds.update({name: p.type for name, p in programme.parameters.items()})
    kinds[CARED_COUNT] = kinds[MEMBER_COUNT] = Type.INT
    values: dict[str, Any] = dict(conditions or {})
    try:
        for name, value in {**inputs, **parameters}.items():
            values[name] = _typed(value, kinds.get(name))
        evaluator = _Evaluator(values, on, number)
        shown = evaluator.show(programme.amount.tree)
    except (_Unknown, TypeError, ArithmeticError):
        return Computed("")
    not_taken = (_names(programme.amount) & set(parameters)) - evaluator.read
    not_taken -= _read_elsewhere(programme)
    text = "" if shown.precedence == 3 else f"{shown.text} = {number(amount_kzt)}"
    return Computed(text, frozenset(not_taken))
