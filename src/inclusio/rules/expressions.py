"""The expression language: Python syntax, parsed with ``ast`` under a strict whitelist.

Nothing is ever evaluated by Python: the checked tree is compiled to Ibis (compiler.py).

Allowed: literals (int, decimal, bool, string; dates as ``date("2023-07-01")``), names (snapshot
columns, programme parameters, earlier conditions), ``+ - * /``, comparisons (chained too),
``x ** n`` (``n`` a whole number from 0 to 20), ``and``/``or``/``not``, ``x in [literal, ...]`` and
``not in``, and the functions ``age``, ``round_half_up``, ``min``, ``max``, ``if_``, ``is_null`` and
``date``. Everything else is refused with the file and line. Aggregates over a family's members
(``sum``, ``count``, ``any``, ``all``, and ``min``/``max`` of one argument) are checked by
``inclusio.rules.families`` and refused anywhere else.

Arithmetic is exact (``exact.py``) and checked before any run: a divisor that can be zero is
refused, as is an amount that can be negative, missing or too large (``check_amount``), unless a
guard rules it out (``if_(x > 0, a / x, 0)``, ``max(1, x)``, ``max(0, a - b)``,
``if_(is_null(x), 0, x)``).
"""

from __future__ import annotations

import ast
import datetime
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from inclusio.rules import exact
from inclusio.rules.errors import Count, RuleError, _
from inclusio.rules.exact import Fact, Num, TooLarge
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

_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
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

# The refusal of a construct the language does not have.
_COMPREHENSIONS = _("comprehensions not allowed in the rule language")
_REFUSED = {
    ast.Attribute: _("attribute access not allowed in the rule language"),
    ast.Subscript: _("subscripts not allowed in the rule language"),
    ast.Lambda: _("lambdas not allowed in the rule language"),
    ast.ListComp: _COMPREHENSIONS,
    ast.SetComp: _COMPREHENSIONS,
    ast.DictComp: _COMPREHENSIONS,
    ast.GeneratorExp: _COMPREHENSIONS,
    ast.JoinedStr: _("f-strings not allowed in the rule language"),
    ast.NamedExpr: _("assignment expressions (:=) not allowed in the rule language"),
    ast.IfExp: _("'a if c else b' not allowed in the rule language (write if_(c, a, b))"),
    ast.Starred: _("starred arguments not allowed in the rule language"),
    ast.Await: _("await not allowed in the rule language"),
    ast.Yield: _("yield not allowed in the rule language"),
    ast.YieldFrom: _("yield not allowed in the rule language"),
    ast.Dict: _("dictionaries not allowed in the rule language"),
    ast.Set: _("sets not allowed in the rule language"),
}


@dataclass(frozen=True)
class Expression:
    """A parsed and checked expression, with where it came from."""

    source: str
    tree: ast.expr
    type: Type
    file: str
    line: int  # the file line of the expression's first line
    # What is known of each numeric node's value (``if_`` branches narrowed by their condition),
    # and of each name read, before any run; the compiler sizes its exact integers from these.
    facts: Mapping[ast.AST, Fact] = field(default_factory=dict, compare=False, repr=False)
    names: Mapping[str, Fact] = field(default_factory=dict, compare=False, repr=False)
    # The exact shape of a computed numeric tree (None for a literal, a name, age() or no
    # number): what the compiler builds, sized before any run.
    shape: Num | None = field(default=None, compare=False, repr=False)

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
        raise RuleError(_("empty expression"), file=file, line=line)
    _measure(text, file, line)
    try:
        # Parentheses let an expression span several lines; they add no line.
        tree = ast.parse("(" + text + "\n)", mode="eval")
    except SyntaxError as error:
        where = line + (error.lineno or 1) - 1
        if re.search(r"\bimport\b", text):
            raise RuleError(
                _("imports are not allowed in an expression"), file=file, line=where
            ) from None
        raise RuleError(
            _("not a valid expression: %(cause)s"), file=file, line=where, cause=error.msg
        ) from None
    except (RecursionError, MemoryError):  # a second lock: _measure refuses these first
        raise _too_deep(file, line) from None
    _measure_tree(tree.body, text, file, line)
    return tree.body


def _too_deep(file: str, line: int) -> RuleError:
    return RuleError(
        _(
            "the expression is nested too deeply (at most %(most)s levels; each bracket, call "
            "and chained operator is one): split it with parameters or named conditions"
        ),
        file=file,
        line=line,
        most=MAX_EXPRESSION_DEPTH,
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
            _(
                "the expression is %(length)s characters long (at most %(most)s): split it "
                "with parameters or named conditions"
            ),
            file=file,
            line=line,
            length=Count(len(text)),
            most=Count(MAX_EXPRESSION_LENGTH),
        )
    depth = 0
    for index, character in _code(text):
        where = line + text.count("\n", 0, index)
        if not character.isascii():
            name = unicodedata.name(character, "")
            raise RuleError(
                _(
                    "only ASCII outside quoted texts: %(character)r (%(code)s) is not a letter "
                    "of a name or an operator; names are a-z, 0-9 and '_'"
                ),
                file=file,
                line=where,
                character=character,
                code=f"U+{ord(character):04X} {name}".strip(),
            )
        if character in "([":
            depth += 1
        elif character in ")]":
            depth -= 1
        if depth > MAX_EXPRESSION_DEPTH:
            raise _too_deep(file, where)


def _measure_tree(tree: ast.expr, text: str, file: str, line: int) -> None:
    """The tree's depth and size, and its number literals within what an amount column holds."""
    nodes = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        where = line + getattr(node, "lineno", 1) - 1
        if depth > MAX_EXPRESSION_DEPTH:
            raise _too_deep(file, where)
        if nodes > MAX_EXPRESSION_NODES:
            raise RuleError(
                _(
                    "the expression has more than %(most)s names, literals and operators: "
                    "split it with parameters or named conditions"
                ),
                file=file,
                line=line,
                most=Count(MAX_EXPRESSION_NODES),
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
    facts: Mapping[str, Fact] | None = None,
) -> Expression:
    """Parse, type-check and safety-check ``source``; ``names`` gives each known name's type.

    ``facts`` says what is known of names (the parameters: every value they take); a column's
    comes from the snapshot contract. ``zero_names`` are names whose value is zero on some date,
    for callers that give no facts: dividing by them is refused.
    """
    tree = parse_expression(source, file=file, line=line)
    checker = _Checker(source.strip(), names, file, line, zero_names)
    kind = checker.visit(tree)
    safety = _Safety(checker, facts or {})
    safety.check(tree, {})
    computed = safety.numeric(tree) and not safety.simple(tree)
    return Expression(
        source=source.strip(),
        tree=tree,
        type=kind,
        file=file,
        line=line,
        facts=safety.facts,
        names=safety.leaves,
        shape=safety.value(tree, {})[1] if computed else None,
    )


def check_amount(expression: Expression) -> None:
    """Refuse an amount that can be missing, negative or larger than ``exact.MONEY_LIMIT``,
    with the amount's line; the message says which guard to write."""
    fact = expression.facts[expression.tree]

    def refuse(message: str, **params: object) -> RuleError:
        return RuleError(message, file=expression.file, line=expression.line, **params)

    if fact.nullable:
        raise refuse(
            _(
                "the amount can be missing (it reads a value some subjects lack): "
                "write if_(is_null(x), 0, x) for the missing value x"
            )
        )
    if fact.may_be_negative():
        raise refuse(_("the amount can be negative: write max(0, ...) around it"))
    magnitude = fact.magnitude
    if magnitude is None or magnitude >= exact.MONEY_LIMIT:
        raise refuse(
            _(
                "the amount can exceed %(limit)s tenge (or has no upper bound): "
                "bound it with min(..., a limit)"
            ),
            limit=Count(exact.MONEY_LIMIT),
        )
    # The compiler rounds an amount that is a fraction half up once, at the end: sized here too.
    shape = expression.shape
    if shape is not None and (shape.bottom is not None or shape.top.scale != 0):
        try:
            exact.num_round(shape, magnitude)
        except exact.TooLarge:
            raise refuse(
                _(
                    "this formula's exact value could need more than %(most)s digits: bound "
                    "its values (min, max) or simplify it"
                ),
                most=exact.MAX_DIGITS,
            ) from None


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
        self.types: dict[ast.AST, Type] = {}

    def fail(self, node: ast.AST, message: str, **params: object) -> RuleError:
        where = self.line + getattr(node, "lineno", 1) - 1
        return RuleError(message, file=self.file, line=where, **params)

    def visit(self, node: ast.AST) -> Type:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            refused = _REFUSED.get(type(node))
            if refused is not None:
                raise self.fail(node, refused)
            raise self.fail(
                node,
                _("%(construct)r not allowed in the rule language"),
                construct=type(node).__name__,
            )
        kind: Type = method(node)
        self.types[node] = kind
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
            raise self.fail(
                node, _("None is not allowed: test for a missing value with is_null(x)")
            )
        raise self.fail(node, _("literal %(value)r not allowed in the rule language"), value=value)

    def visit_Name(self, node: ast.Name) -> Type:
        if node.id in FUNCTIONS:
            raise self.fail(
                node, _("%(name)s is a function: call it as %(name)s(...)"), name=node.id
            )
        if node.id in {"True", "False", "None"}:  # pragma: no cover - ast makes these Constants
            raise self.fail(node, _("%(name)s not allowed"), name=node.id)
        kind = self.names.get(node.id)
        if kind is None:
            raise self.fail(
                node,
                _(
                    "unknown name %(name)r: not a snapshot column, a parameter "
                    "or an earlier condition"
                ),
                name=node.id,
            )
        return kind

    # operators
    def visit_BinOp(self, node: ast.BinOp) -> Type:
        symbol = _ARITHMETIC.get(type(node.op))
        if symbol is None:
            raise self.fail(
                node, _("operator %(operator)s not allowed"), operator=type(node.op).__name__
            )
        left, right = self.visit(node.left), self.visit(node.right)
        if left not in NUMERIC or right not in NUMERIC:
            raise self.fail(
                node,
                _("cannot apply %(symbol)s to %(left)s and %(right)s: numbers only"),
                symbol=symbol,
                left=left,
                right=right,
            )
        if symbol == "**":
            exponent = _whole_literal(node.right)
            if exponent is None or not 0 <= exponent <= exact.MAX_EXPONENT:
                raise self.fail(
                    node.right,
                    _("the exponent of ** must be a whole number from 0 to %(most)s"),
                    most=exact.MAX_EXPONENT,
                )
            return left
        if symbol == "/":
            if self._is_zero(node.right):
                raise self.fail(node.right, _("division by zero"))
            return Type.DECIMAL
        return Type.INT if left == right == Type.INT else Type.DECIMAL

    def _is_zero(self, node: ast.expr) -> bool:
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            node = node.operand
        # a name that can be zero is refused by _Safety, which knows the values
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
            return isinstance(node.value, int | float) and node.value == 0
        return False

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Type:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            if operand != Type.BOOL:
                raise self.fail(node, _("'not' needs a bool, not %(type)s"), type=operand)
            return Type.BOOL
        if isinstance(node.op, ast.USub | ast.UAdd):
            if operand not in NUMERIC:
                raise self.fail(node, _("unary minus needs a number, not %(type)s"), type=operand)
            return operand
        raise self.fail(
            node, _("operator %(operator)s not allowed"), operator=type(node.op).__name__
        )

    def visit_BoolOp(self, node: ast.BoolOp) -> Type:
        word = "and" if isinstance(node.op, ast.And) else "or"
        for value in node.values:
            kind = self.visit(value)
            if kind != Type.BOOL:
                raise self.fail(
                    value, _("'%(word)s' needs bools, not %(type)s"), word=word, type=kind
                )
        return Type.BOOL

    def visit_Compare(self, node: ast.Compare) -> Type:
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            symbol = _COMPARISONS.get(type(op))
            if symbol is None:
                raise self.fail(
                    node, _("comparison %(operator)s not allowed"), operator=type(op).__name__
                )
            if symbol in {"in", "not in"}:
                self._check_membership(left, comparator, symbol)
                left = Type.BOOL  # a chain after 'in' compares the bool; rare but well-typed
                continue
            right = self.visit(comparator)
            comparable = (left in NUMERIC and right in NUMERIC) or left == right
            if not comparable:
                raise self.fail(
                    comparator,
                    _("cannot compare %(left)s with %(right)s using %(symbol)s"),
                    left=left,
                    right=right,
                    symbol=symbol,
                )
            if symbol not in {"==", "!="} and left == Type.BOOL:
                raise self.fail(comparator, _("cannot order bools with %(symbol)s"), symbol=symbol)
            left = right
        return Type.BOOL

    def _check_membership(self, left: Type, container: ast.expr, symbol: str) -> None:
        if not isinstance(container, ast.List | ast.Tuple):
            raise self.fail(
                container, _('\'%(symbol)s\' needs a literal list, like ["I", "II"]'), symbol=symbol
            )
        if not container.elts:
            raise self.fail(container, _("'%(symbol)s' needs a non-empty list"), symbol=symbol)
        for element in container.elts:
            literal = isinstance(element, ast.Constant) or (
                isinstance(element, ast.Call)
                and isinstance(element.func, ast.Name)
                and element.func.id == "date"
            )
            if not literal:
                raise self.fail(
                    element,
                    _("the list after '%(symbol)s' may hold literals only"),
                    symbol=symbol,
                )
            kind = self.visit(element)
            if not ((left in NUMERIC and kind in NUMERIC) or left == kind):
                raise self.fail(
                    element,
                    _("cannot look for a %(left)s among %(right)s values"),
                    left=left,
                    right=kind,
                )

    def visit_List(self, node: ast.List) -> Type:
        raise self.fail(node, _("a list may only follow 'in' or 'not in'"))

    def visit_Tuple(self, node: ast.Tuple) -> Type:
        raise self.fail(node, _("a tuple may only follow 'in' or 'not in'"))

    # functions
    def visit_Call(self, node: ast.Call) -> Type:
        if not isinstance(node.func, ast.Name):
            refused = _REFUSED.get(type(node.func))
            if refused is not None:
                raise self.fail(node, refused)
            raise self.fail(node, _("only the functions of the rule language may be called"))
        name = node.func.id
        if name in AGGREGATES:
            raise self.fail(
                node,
                _("%(name)s() is allowed only in aggregates over a family's members"),
                name=name,
            )
        if name not in FUNCTIONS:
            raise self.fail(
                node,
                _("unknown function %(name)r (allowed: %(allowed)s)"),
                name=name,
                allowed=", ".join(sorted(FUNCTIONS)),
            )
        if node.keywords:
            raise self.fail(node, _("%(name)s() takes no keyword arguments"), name=name)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.fail(node, _REFUSED[ast.Starred])
        check: Any = getattr(self, "call_" + name.rstrip("_"))
        kind: Type = check(node, node.args)
        return kind

    def _arity(self, node: ast.Call, args: list[ast.expr], count: int) -> None:
        if len(args) != count:
            name = node.func.id if isinstance(node.func, ast.Name) else "?"
            raise self.fail(
                node,
                _("%(name)s() takes %(count)s argument(s), got %(given)s"),
                name=name,
                count=count,
                given=len(args),
            )

    def call_date(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 1)
        arg = args[0]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise self.fail(node, _('date() takes a literal string, like date("2023-07-01")'))
        try:
            date_literal(arg.value)
        except ValueError:
            raise self.fail(
                node, _("not a date (YYYY-MM-DD): %(value)r"), value=arg.value
            ) from None
        return Type.DATE

    def call_age(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 1)
        kind = self.visit(args[0])
        if kind != Type.DATE:
            raise self.fail(node, _("age() takes a date, not %(type)s"), type=kind)
        return Type.INT

    def call_round_half_up(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 1)
        kind = self.visit(args[0])
        if kind not in NUMERIC:
            raise self.fail(node, _("round_half_up() takes a number, not %(type)s"), type=kind)
        return Type.INT

    def call_is_null(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 1)
        self.visit(args[0])
        return Type.BOOL

    def _common(self, node: ast.AST, kinds: list[Type], message: str, **params: object) -> Type:
        """The one type of ``kinds``; else the refusal ``message``, naming them as ``types``."""
        if all(kind in NUMERIC for kind in kinds):
            return Type.INT if all(kind == Type.INT for kind in kinds) else Type.DECIMAL
        if len(set(kinds)) == 1:
            return kinds[0]
        raise self.fail(node, message, types=", ".join(kinds), **params)

    def _extremum(self, node: ast.Call, args: list[ast.expr]) -> Type:
        name = node.func.id if isinstance(node.func, ast.Name) else "?"
        if len(args) < 2:
            raise self.fail(node, _("%(name)s() takes at least 2 arguments"), name=name)
        kinds = [self.visit(arg) for arg in args]
        kind = self._common(
            node,
            kinds,
            _("the arguments of %(name)s() must be of one type, got %(types)s"),
            name=name,
        )
        if kind == Type.BOOL:
            raise self.fail(node, _("%(name)s() does not take bools"), name=name)
        return kind

    call_min = _extremum
    call_max = _extremum

    def call_if(self, node: ast.Call, args: list[ast.expr]) -> Type:
        self._arity(node, args, 3)
        condition = self.visit(args[0])
        if condition != Type.BOOL:
            raise self.fail(
                args[0], _("the condition of if_() must be a bool, not %(type)s"), type=condition
            )
        return self._common(
            node,
            [self.visit(args[1]), self.visit(args[2])],
            _("if_() branches must be of one type, got %(types)s"),
        )


def number_literal(node: ast.Constant, source: str) -> Decimal:
    """A numeric literal's exact value (a float as written, never the binary float)."""
    value = node.value
    if isinstance(value, float):
        return decimal_literal(node, source)
    assert isinstance(value, int)
    return Decimal(value)


def _whole_literal(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


_NEGATED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.GtE,
    ast.LtE: ast.Gt,
    ast.Gt: ast.LtE,
    ast.GtE: ast.Lt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
_MIRRORED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.Gt,
    ast.LtE: ast.GtE,
    ast.Gt: ast.Lt,
    ast.GtE: ast.LtE,
    ast.Eq: ast.Eq,
    ast.NotEq: ast.NotEq,
}

Env = dict[str, Fact]


class _Safety:
    """The second pass over a typed tree: what each numeric value can be (``Fact``) and the
    sizes of its exact integers (``Num`` without Ibis). Refuses a divisor that can be zero and a
    formula too large to compute exactly. Inside ``if_(c, a, b)`` what ``c`` says of a name
    (``x > 0``, ``not is_null(x)``…) holds in ``a``, and its negation in ``b``."""

    def __init__(self, checker: _Checker, facts: Mapping[str, Fact]) -> None:
        self.checker = checker
        self.given = facts
        self.facts: dict[ast.AST, Fact] = {}
        self.leaves: dict[str, Fact] = {}

    def fail(self, node: ast.AST, message: str, **params: object) -> RuleError:
        return self.checker.fail(node, message, **params)

    def numeric(self, node: ast.AST) -> bool:
        return self.checker.types.get(node) in NUMERIC

    def base(self, name: str) -> Fact:
        """What is known of ``name`` on every row (never narrowed: the engines compute both
        branches of an ``if_`` on every row)."""
        if name not in self.leaves:
            kind = self.checker.names.get(name)
            if name in self.given:
                fact = self.given[name]
            elif name in self.checker.zero_names:
                fact = Fact(Decimal(0), Decimal(0), nullable=False, scale=0)
            else:
                fact = exact.name_fact(name, kind in NUMERIC, kind == Type.INT)
            self.leaves[name] = fact
        return self.leaves[name]

    def check(self, node: ast.AST, env: Env) -> None:
        """Walk any node: numeric ones are valued, the others searched for numeric parts."""
        if self.numeric(node):
            if self.simple(node):  # read as it is, not computed: no exact shape needed
                self.facts[node] = self.leaf_fact(node, env)
            else:
                self.value(node, env)
            return
        if isinstance(node, ast.Compare):
            self.compare(node, env)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "if_":
                self.branches(node, env)
            else:
                for arg in node.args:
                    self.check(arg, env)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                self.check(value, env)
        elif isinstance(node, ast.UnaryOp):
            self.check(node.operand, env)

    def compare(self, node: ast.Compare, env: Env) -> None:
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if isinstance(op, ast.In | ast.NotIn):
                self.check(left, env)
                if self.numeric(left) and not self.simple(left):
                    assert isinstance(right, ast.List | ast.Tuple)
                    for element in right.elts:
                        self.guarded(left, lambda a=left, e=element: self.sized(a, ast.Eq, e, env))
                continue
            computed = not (self.simple(left) and self.simple(right))
            if self.numeric(left) and self.numeric(right) and computed:
                self.guarded(node, lambda a=left, o=op, b=right: self.sized(a, type(o), b, env))
            else:
                self.check(left, env)
                self.check(right, env)

    def side_size(self, side: ast.expr, env: Env) -> int:
        """A compared side's size in the SQL (``exact.condition_size``)."""
        if self.numeric(side) and not self.simple(side):
            return exact.num_size(self.value(side, env)[1])
        return 1

    def simple(self, node: ast.AST) -> bool:
        """A literal, a name or ``age()``: compared as it is; anything else is computed
        exactly (the compiler's ``computed`` is the converse)."""
        if isinstance(node, ast.Constant | ast.Name):
            return True
        return isinstance(node, ast.Call) and _name_of(node.func) == "age"

    def leaf_fact(self, node: ast.AST, env: Env) -> Fact:
        if isinstance(node, ast.Constant):
            return exact.constant_fact(number_literal(node, self.checker.source))
        if isinstance(node, ast.Name):
            return env.get(node.id, self.base(node.id))
        assert isinstance(node, ast.Call)
        self.check(node.args[0], env)
        born = exact.column_nullable(_name_of(node.args[0]))
        return Fact(*exact.AGE_RANGE, nullable=born)

    def sized(self, left: ast.AST, op: type[ast.cmpop], right: ast.AST, env: Env) -> None:
        exact.num_compare(self.value(left, env)[1], op, self.value(right, env)[1])

    def guarded(self, node: ast.AST, run: Any) -> Any:
        try:
            return run()
        except TooLarge:
            raise self.fail(
                node,
                _(
                    "this formula's exact value could need more than %(most)s digits: bound "
                    "its values (min, max) or simplify it"
                ),
                most=exact.MAX_DIGITS,
            ) from None

    def value(self, node: ast.AST, env: Env) -> tuple[Fact, Num]:
        """The fact and the exact shape of a numeric node (recorded for the compiler)."""
        fact, shape = self.guarded(node, lambda: self._value(node, env))
        self.facts[node] = fact
        return fact, shape

    def _value(self, node: ast.AST, env: Env) -> tuple[Fact, Num]:
        if isinstance(node, ast.Constant):
            number = number_literal(node, self.checker.source)
            return exact.constant_fact(number), exact.constant(number, False)
        if isinstance(node, ast.Name):
            base = self.base(node.id)
            fact = env.get(node.id, base)
            if base.magnitude is None or base.scale is None:
                raise self.fail(
                    node,
                    _(
                        "cannot compute exactly with %(name)r: its range and decimal places "
                        "are unknown"
                    ),
                    name=node.id,
                )
            if node.id in self.given:  # a parameter: a literal on the date
                return fact, exact.leaf(None, base, False, value=0)
            return fact, exact.leaf(None, base, False)
        if isinstance(node, ast.UnaryOp):
            fact, shape = self.value(node.operand, env)
            if isinstance(node.op, ast.USub):
                return exact.fact_neg(fact), exact.num_neg(shape)
            return fact, shape
        if isinstance(node, ast.BinOp):
            return self.binop(node, env)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        name = node.func.id
        if name == "age":
            fact = self.leaf_fact(node, env)
            return fact, exact.leaf(None, fact, False)
        if name == "round_half_up":
            fact, shape = self.value(node.args[0], env)
            rounded = exact.fact_round(fact)
            return rounded, exact.num_round(shape, rounded.magnitude)
        if name in {"min", "max"}:
            values = [self.value(arg, env) for arg in node.args]
            largest = name == "max"
            fact = exact.fact_extremum([v[0] for v in values], largest=largest)
            return fact, exact.num_extremum([v[1] for v in values], largest=largest)
        if name == "if_":
            (then_fact, then_shape), (else_fact, else_shape) = self.branches(node, env)
            size = exact.condition_size(node.args[0], lambda side: self.side_size(side, env))
            return (
                exact.fact_union(then_fact, else_fact),
                exact.num_choose(None, then_shape, else_shape, condition_size=size),
            )
        raise self.fail(  # pragma: no cover
            node, _("%(name)s() does not give a number"), name=name
        )

    def binop(self, node: ast.BinOp, env: Env) -> tuple[Fact, Num]:
        left_fact, left = self.value(node.left, env)
        if isinstance(node.op, ast.Pow):
            exponent = _whole_literal(node.right)
            assert exponent is not None
            return exact.fact_power(left_fact, exponent), exact.num_power(left, exponent)
        right_fact, right = self.value(node.right, env)
        if isinstance(node.op, ast.Add):
            return exact.fact_add(left_fact, right_fact), exact.num_add(left, right)
        if isinstance(node.op, ast.Sub):
            fact = exact.fact_add(left_fact, exact.fact_neg(right_fact))
            return fact, exact.num_add(left, exact.num_neg(right))
        if isinstance(node.op, ast.Mult):
            return exact.fact_mul(left_fact, right_fact), exact.num_mul(left, right)
        if right_fact.may_be_zero():
            divisor = ast.get_source_segment("(" + self.checker.source + "\n)", node.right)
            raise self.fail(
                node.right,
                _(
                    "division by zero: the divisor %(divisor)s can be 0; guard it, as in "
                    "if_(x > 0, a / x, 0) or a / max(1, x)"
                ),
                divisor=divisor or "",
            )
        quotient = exact.num_div(left, right, divisor_may_be_negative=right_fact.may_be_negative())
        return exact.fact_div(left_fact, right_fact), quotient

    def branches(self, node: ast.Call, env: Env) -> tuple[tuple[Fact, Num], tuple[Fact, Num]]:
        """Check ``if_(c, a, b)``: ``a`` knowing ``c``, ``b`` knowing ``not c``; their values
        when numeric (otherwise facts of no use)."""
        condition, then, otherwise = node.args
        self.check(condition, env)
        then_env, else_env = (
            self.narrowed(condition, env, True),
            self.narrowed(condition, env, False),
        )
        if not self.numeric(then):
            self.check(then, then_env)
            self.check(otherwise, else_env)
            nothing = (Fact(), exact.constant(0, False))
            return nothing, nothing
        return self.value(then, then_env), self.value(otherwise, else_env)

    def narrowed(self, condition: ast.AST, env: Env, holds: bool) -> Env:
        """``env`` with what ``condition`` being true (``holds``) or not true says of names."""
        result = dict(env)
        if isinstance(condition, ast.UnaryOp) and isinstance(condition.op, ast.Not):
            return self.narrowed(condition.operand, env, not holds)
        if isinstance(condition, ast.BoolOp):
            # a and b: both hold; not (a or b): neither holds
            if isinstance(condition.op, ast.And) == holds:
                for value in condition.values:
                    result = self.narrowed(value, result, holds)
            return result
        if (
            isinstance(condition, ast.Call)
            and isinstance(condition.func, ast.Name)
            and condition.func.id == "is_null"
            and isinstance(condition.args[0], ast.Name)
            and not holds
        ):
            name = condition.args[0].id
            if self.numeric(condition.args[0]):
                result[name] = replace(result.get(name, self.base(name)), nullable=False)
            return result
        if isinstance(condition, ast.Compare) and len(condition.ops) == 1:
            op = type(condition.ops[0])
            left, right = condition.left, condition.comparators[0]
            if op in _NEGATED and self.numeric(left) and self.numeric(right):
                if not holds:
                    op = _NEGATED[op]
                for name_node, other, how in ((left, right, op), (right, left, _MIRRORED[op])):
                    if not isinstance(name_node, ast.Name) or name_node.id in self.given:
                        continue
                    known = result.get(name_node.id, self.base(name_node.id))
                    other_fact = self.value(other, env)[0]
                    if not holds and other_fact.nullable:
                        continue  # false because the other side is missing: nothing known
                    integer = self.checker.types.get(name_node) == Type.INT
                    refined = exact.refine(known, how, other_fact, integer=integer)
                    # a comparison that does not hold may have a missing value on this side
                    result[name_node.id] = (
                        refined if holds else replace(refined, nullable=known.nullable)
                    )
        return result


def _name_of(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else ""
