"""The expression language: Python syntax, parsed with ``ast`` under a strict whitelist.

Nothing is ever evaluated by Python: the checked tree is compiled to Ibis (compiler.py).

Allowed: literals (int, decimal, bool, string; dates as ``date("2023-07-01")``), names (snapshot
columns, programme parameters, earlier conditions), ``+ - * /``, comparisons (chained too),
``and``/``or``/``not``, ``x in [literal, ...]`` and ``not in``, and the functions ``age``,
``round_half_up``, ``min``, ``max``, ``if_``, ``is_null`` and ``date``. Everything else is refused
with the file and line. Aggregates over a family's members (``sum``, ``count``, ``any``, ``all``,
and ``min``/``max`` of one argument) are checked by ``inclusio.rules.families`` and refused
anywhere else.
"""

from __future__ import annotations

import ast
import datetime
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from inclusio.rules.errors import RuleError
from inclusio.rules.reading import number_bounds


class Type(StrEnum):
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    STRING = "string"
    DATE = "date"


NUMERIC = frozenset({Type.INT, Type.DECIMAL})
FUNCTIONS = frozenset({"age", "round_half_up", "min", "max", "if_", "is_null", "date"})
# Over the members of a family, in an ``aggregates`` section only (an assessment's, or a family
# programme's ``members``; ``inclusio.rules.families``), like ``min(x)``/``max(x)`` of one argument.
AGGREGATES = frozenset({"sum", "count", "any", "all"})

_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_COMPARISONS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}

# What a refused construct is called in the message.
_REFUSED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "assignment expressions (:=)",
    ast.IfExp: "'a if c else b' (write if_(c, a, b))",
    ast.Starred: "starred arguments",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
}


@dataclass(frozen=True)
class Expression:
    """A parsed and checked expression, with where it came from."""

    source: str
    tree: ast.expr
    type: Type
    file: str
    line: int  # the file line of the expression's first line

    def line_of(self, node: ast.AST) -> int:
        return self.line + getattr(node, "lineno", 1) - 1


MAX_EXPRESSION_LENGTH = 4_000  # characters; the country's longest expression has 160
MAX_EXPRESSION_DEPTH = 40  # levels of the tree: brackets, calls, and one per chained operator
MAX_EXPRESSION_NODES = 1_000  # names, literals, operators and calls


def parse_expression(source: str, *, file: str = "<rule>", line: int = 1) -> ast.expr:
    """Parse ``source`` into a Python expression tree; syntax errors carry file and line.

    The size, the nesting and the characters are measured before Python's parser sees the text
    (it fails with RecursionError or MemoryError on deep nesting), and the tree after it.
    """
    text = source.strip()
    if not text:
        raise RuleError("empty expression", file=file, line=line)
    _measure(text, file, line)
    try:
        # Parentheses let an expression span several lines; they add no line.
        tree = ast.parse("(" + text + "\n)", mode="eval")
    except SyntaxError as error:
        where = line + (error.lineno or 1) - 1
        if re.search(r"\bimport\b", text):
            raise RuleError(
                "imports are not allowed in an expression", file=file, line=where
            ) from None
        raise RuleError(f"not a valid expression: {error.msg}", file=file, line=where) from None
    except (RecursionError, MemoryError):  # a second lock: _measure refuses these first
        raise RuleError(_TOO_DEEP, file=file, line=line) from None
    _measure_tree(tree.body, text, file, line)
    return tree.body


_TOO_DEEP = (
    f"the expression is nested too deeply (at most {MAX_EXPRESSION_DEPTH} levels; each "
    "bracket, call and chained operator is one): split it with parameters or named conditions"
)


def _code(text: str) -> Iterator[tuple[int, str]]:
    """The characters of ``text`` outside quoted texts and comments, with their index."""
    index, end = 0, len(text)
    while index < end:
        character = text[index]
        if character in "'\"":
            quote = (
                text[index : index + 3] if text[index : index + 3] in ("'''", '"""') else character
            )
            index += len(quote)
            while index < end and not text.startswith(quote, index):
                index += 2 if text[index] == "\\" else 1
            index += len(quote)
        elif character == "#":
            while index < end and text[index] != "\n":
                index += 1
        else:
            yield index, character
            index += 1


def _measure(text: str, file: str, line: int) -> None:
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise RuleError(
            f"the expression is {len(text):,} characters long (at most "
            f"{MAX_EXPRESSION_LENGTH:,}): split it with parameters or named conditions",
            file=file,
            line=line,
        )
    depth = 0
    for index, character in _code(text):
        where = line + text.count("\n", 0, index)
        if not character.isascii():
            name = unicodedata.name(character, "")
            raise RuleError(
                f"only ASCII outside quoted texts: {character!r} (U+{ord(character):04X} {name}) "
                "is not a letter of a name or an operator; names are a-z, 0-9 and '_'",
                file=file,
                line=where,
            )
        if character in "([":
            depth += 1
        elif character in ")]":
            depth -= 1
        if depth > MAX_EXPRESSION_DEPTH:
            raise RuleError(_TOO_DEEP, file=file, line=where)


def _measure_tree(tree: ast.expr, text: str, file: str, line: int) -> None:
    """The tree's depth and size, and its number literals within what an amount column holds."""
    nodes = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        where = line + getattr(node, "lineno", 1) - 1
        if depth > MAX_EXPRESSION_DEPTH:
            raise RuleError(_TOO_DEEP, file=file, line=where)
        if nodes > MAX_EXPRESSION_NODES:
            raise RuleError(
                f"the expression has more than {MAX_EXPRESSION_NODES:,} names, literals and "
                "operators: split it with parameters or named conditions",
                file=file,
                line=line,
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool | str):
            if isinstance(node.value, int):
                number_bounds(Decimal(node.value), str(node.value), file, where)
            elif isinstance(node.value, float):
                literal = ast.get_source_segment("(" + text + "\n)", node) or repr(node.value)
                try:
                    number = Decimal(literal.replace("_", ""))
                except InvalidOperation:  # pragma: no cover - ast accepted it as a float
                    number = Decimal(repr(node.value))
                number_bounds(number, literal, file, where)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def check_expression(
    source: str,
    names: Mapping[str, Type],
    *,
    file: str = "<rule>",
    line: int = 1,
    zero_names: frozenset[str] = frozenset(),
) -> Expression:
    """Parse and type-check ``source``; ``names`` gives each known name's type.

    ``zero_names`` are names whose value is zero on some date (parameters): dividing by them is
    refused like dividing by a zero literal.
    """
    tree = parse_expression(source, file=file, line=line)
    checker = _Checker(source.strip(), names, file, line, zero_names)
    kind = checker.visit(tree)
    return Expression(source=source.strip(), tree=tree, type=kind, file=file, line=line)


def decimal_literal(node: ast.Constant, source: str) -> Decimal:
    """The exact decimal a float literal was written as (never the binary float)."""
    text = ast.get_source_segment("(" + source + "\n)", node) or repr(node.value)
    try:
        return Decimal(text.replace("_", ""))
    except InvalidOperation:  # pragma: no cover - ast accepted it as a float
        return Decimal(repr(node.value))


def date_literal(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class _Checker:
    def __init__(
        self,
        source: str,
        names: Mapping[str, Type],
        file: str,
        line: int,
        zero_names: frozenset[str],
    ) -> None:
        self.source = source
        self.names = names
        self.file = file
        self.line = line
        self.zero_names = zero_names

    def fail(self, node: ast.AST, message: str) -> RuleError:
        where = self.line + getattr(node, "lineno", 1) - 1
        return RuleError(message, file=self.file, line=where)

    def visit(self, node: ast.AST) -> Type:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            what = _REFUSED.get(type(node), f"'{type(node).__name__}'")
            raise self.fail(node, f"{what} not allowed in the rule language")
        kind: Type = method(node)
        return kind

    # literals and names
    def visit_Constant(self, node: ast.Constant) -> Type:
        value = node.value
        if isinstance(value, bool):
            return Type.BOOL
        if isinstance(value, int):
            return Type.INT
        if isinstance(value, float):
            return Type.DECIMAL
        if isinstance(value, str):
            return Type.STRING
        if value is None:
            raise self.fail(node, "None is not allowed: test for a missing value with is_null(x)")
        raise self.fail(node, f"literal {value!r} not allowed in the rule language")

    def visit_Name(self, node: ast.Name) -> Type:
        if node.id in FUNCTIONS:
            raise self.fail(node, f"{node.id} is a function: call it as {node.id}(...)")
        if node.id in {"True", "False", "None"}:  # pragma: no cover - ast makes these Constants
            raise self.fail(node, f"{node.id} not allowed")
        kind = self.names.get(node.id)
        if kind is None:
            raise self.fail(
                node,
                f"unknown name {node.id!r}: not a snapshot column, a parameter "
                "or an earlier condition",
            )
        return kind

    # operators
    def visit_BinOp(self, node: ast.BinOp) -> Type:
        symbol = _ARITHMETIC.get(type(node.op))
        if symbol is None:
            raise self.fail(node, f"operator {type(node.op).__name__} not allowed")
        left, right = self.visit(node.left), self.visit(node.right)
        if left not in NUMERIC or right not in NUMERIC:
            raise self.fail(node, f"cannot apply {symbol} to {left} and {right}: numbers only")
        if symbol == "/":
            if self._is_zero(node.right):
                raise self.fail(node.right, "division by zero")
            return Type.DECIMAL
        return Type.INT if left == right == Type.INT else Type.DECIMAL

    def _is_zero(self, node: ast.expr) -> bool:
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            node = node.operand
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
            return isinstance(node.value, int | float) and node.value == 0
        return isinstance(node, ast.Name) and node.id in self.zero_names

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Type:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            if operand != Type.BOOL:
                raise self.fail(node, f"'not' needs a bool, not {operand}")
            return Type.BOOL
        if isinstance(node.op, ast.USub | ast.UAdd):
            if operand not in NUMERIC:
                raise self.fail(node, f"unary minus needs a number, not {operand}")
            return operand
        raise self.fail(node, f"operator {type(node.op).__name__} not allowed")

    def visit_BoolOp(self, node: ast.BoolOp) -> Type:
        word = "and" if isinstance(node.op, ast.And) else "or"
        for value in node.values:
            kind = self.visit(value)
            if kind != Type.BOOL:
                raise self.fail(value, f"'{word}' needs bools, not {kind}")
        return Type.BOOL

    def visit_Compare(self, node: ast.Compare) -> Type:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            symbol = _COMPARISONS.get(type(op))
            if symbol is None:
                raise self.fail(node, f"comparison {type(op).__name__} not allowed")
            if symbol in {"in", "not in"}:
                self._check_membership(left, comparator, symbol)
                left = Type.BOOL  # a chain after 'in' compares the bool; rare but well-typed
                continue
            right = self.visit(comparator)
            comparable = (left in NUMERIC and right in NUMERIC) or left == right
            if not comparable:
                raise self.fail(comparator, f"cannot compare {left} with {right} using {symbol}")
            if symbol not in {"==", "!="} and left == Type.BOOL:
                raise self.fail(comparator, f"cannot order bools with {symbol}")
            left = right
        return Type.BOOL

    def _check_membership(self, left: Type, container: ast.expr, symbol: str) -> None:
        if not isinstance(container, ast.List | ast.Tuple):
            raise self.fail(container, f'\'{symbol}\' needs a literal list, like ["I", "II"]')
        if not container.elts:
            raise self.fail(container, f"'{symbol}' needs a non-empty list")
        for element in container.elts:
            literal = isinstance(element, ast.Constant) or (
                isinstance(element, ast.Call)
                and isinstance(element.func, ast.Name)
                and element.func.id == "date"
            )
            if not literal:
                raise self.fail(element, f"the list after '{symbol}' may hold literals only")
            kind = self.visit(element)
            if not ((left in NUMERIC and kind in NUMERIC) or left == kind):
                raise self.fail(element, f"cannot look for a {left} among {kind} values")

    def visit_List(self, node: ast.List) -> Type:
        raise self.fail(node, "a list may only follow 'in' or 'not in'")

    def visit_Tuple(self, node: ast.Tuple) -> Type:
        raise self.fail(node, "a tuple may only follow 'in' or 'not in'")

    # functions
    def visit_Call(self, node: ast.Call) -> Type:
        if not isinstance(node.func, ast.Name):
            what = _REFUSED.get(type(node.func))
            if what is not None:
                raise self.fail(node, f"{what} not allowed in the rule language")
            raise self.fail(node, "only the functions of the rule language may be called")
        name = node.func.id
        if name in AGGREGATES:
            raise self.fail(node, f"{name}() is allowed only in aggregates over a family's members")
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise self.fail(node, f"unknown function {name!r} (allowed: {allowed})")
        if node.keywords:
            raise self.fail(node, f"{name}() takes no keyword arguments")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.fail(node, "starred arguments not allowed in the rule language")
        check: Any = getattr(self, "call_" + name.rstrip("_"))
        kind: Type = check(node, node.args)
        return kind

    def _arity(self, node: ast.Call, args: list[ast.expr], count: int) -> None:
        if len(args) != count:
            name = node.func.id if isinstance(node.func, ast.Name) else "?"
            raise self.fail(node, f"{name}() takes {count} argument(s), got {len(args)}")

    def call_date(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 1)
        arg = args[0]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise self.fail(node, 'date() takes a literal string, like date("2023-07-01")')
        try:
            date_literal(arg.value)
        except ValueError:
            raise self.fail(node, f"not a date (YYYY-MM-DD): {arg.value!r}") from None
        return Type.DATE

    def call_age(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 1)
        kind = self.visit(args[0])
        if kind != Type.DATE:
            raise self.fail(node, f"age() takes a date, not {kind}")
        return Type.INT

    def call_round_half_up(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 1)
        kind = self.visit(args[0])
        if kind not in NUMERIC:
            raise self.fail(node, f"round_half_up() takes a number, not {kind}")
        return Type.INT

    def call_is_null(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 1)
        self.visit(args[0])
        return Type.BOOL

    def _common(self, node: ast.AST, kinds: list[Type], what: str) -> Type:
        if all(kind in NUMERIC for kind in kinds):
            return Type.INT if all(kind == Type.INT for kind in kinds) else Type.DECIMAL
        if len(set(kinds)) == 1:
            return kinds[0]
        shown = ", ".join(kinds)
        raise self.fail(node, f"{what} must be of one type, got {shown}")

    def _extremum(self, node: ast.Call, args: list[ast.expr]) -> Type:
        name = node.func.id if isinstance(node.func, ast.Name) else "?"
        if len(args) < 2:
            raise self.fail(node, f"{name}() takes at least 2 arguments")
        kinds = [self.visit(arg) for arg in args]
        kind = self._common(node, kinds, f"the arguments of {name}()")
        if kind == Type.BOOL:
            raise self.fail(node, f"{name}() does not take bools")
        return kind

    call_min = _extremum
    call_max = _extremum

    def call_if(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 3)
        condition = self.visit(args[0])
        if condition != Type.BOOL:
            raise self.fail(args[0], f"the condition of if_() must be a bool, not {condition}")
        return self._common(node, [self.visit(args[1]), self.visit(args[2])], "if_() branches")
