"""Age limits as date comparisons: ``age(birth_date) >= 18`` becomes ``birth_date <= 2006-01-01``.

``age()`` compiles to year, month and day arithmetic on every row; a comparison of an age with a
whole number is the same as comparing the date with a fixed cut-off date, which an engine does
several times faster (and can prune Parquet row groups with). ``AgeCompiler`` is the compiler with
that rewrite; every other construct compiles as before.
"""

from __future__ import annotations

import ast
import datetime
from collections.abc import Mapping
from typing import Any

from inclusio.rules.compiler import _Compiler, literal
from inclusio.rules.expressions import Expression, Type

# For `N op age(x)`, the same test written `age(x) op' N`.
_FLIPPED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.Gt,
    ast.LtE: ast.GtE,
    ast.Gt: ast.Lt,
    ast.GtE: ast.LtE,
    ast.Eq: ast.Eq,
    ast.NotEq: ast.NotEq,
}


def birth_cutoff(on: datetime.date, years: int) -> datetime.date | None:
    """The last birth date at which a person is ``years`` old or more on ``on`` (a 29 February
    birthday falls on 28 February in other years, like ``age()``); None when out of range."""
    year = on.year - years
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return None
    try:
        return on.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return datetime.date(year, 2, 28)


def _age_argument(node: ast.expr) -> ast.expr | None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "age"
        and len(node.args) == 1
    ):
        return node.args[0]
    return None


def _whole_number(node: ast.expr) -> int | None:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    return None


class AgeCompiler(_Compiler):
    def c_Compare(self, node: ast.Compare) -> Any:
        if any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
            return super().c_Compare(node)
        operands = [node.left, *node.comparators]
        parts = []
        for index, op in enumerate(node.ops):
            left, right = operands[index], operands[index + 1]
            parts.append(self._age_test(left, op, right))
        result = parts[0]
        for part in parts[1:]:
            result = result & part
        return result

    def _age_test(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> Any:
        born, years, kind = _age_argument(left), _whole_number(right), type(op)
        if born is None or years is None:
            born, years, kind = _age_argument(right), _whole_number(left), _FLIPPED[type(op)]
        if born is not None and years is not None:
            test = self._cutoff_test(born, kind, years)
            if test is not None:
                return test
        single = ast.Compare(left=left, ops=[op], comparators=[right])
        return super().c_Compare(ast.copy_location(single, left))

    def _cutoff_test(self, born_node: ast.expr, kind: type[ast.cmpop], years: int) -> Any:
        at_least, above = birth_cutoff(self.on, years), birth_cutoff(self.on, years + 1)
        if at_least is None or above is None:
            return None
        born = self.compile(born_node)
        old_enough = born <= literal(at_least, Type.DATE)  # age(born) >= years
        older = born <= literal(above, Type.DATE)  # age(born) >= years + 1
        tests = {
            ast.GtE: lambda: old_enough,
            ast.Gt: lambda: older,
            ast.Lt: lambda: ~old_enough,
            ast.LtE: lambda: ~older,
            ast.Eq: lambda: old_enough & ~older,
            ast.NotEq: lambda: ~old_enough | older,
        }
        return tests[kind]()


def compile_with_age_cutoffs(
    expression: Expression,
    table: Any,
    on: datetime.date,
    parameters: Mapping[str, tuple[Any, Type]] | None = None,
    conditions: Mapping[str, Any] | None = None,
) -> Any:
    """Like ``compiler.compile_expression``, with age limits compiled as date comparisons."""
    compiler = AgeCompiler(expression, table, on, parameters or {}, conditions or {})
    return compiler.compile(expression.tree)
