"""Rates: a benefit that is a share of a price, not money (cultural services at 50 %).

A programme gives ``rate:`` instead of ``amount:``::

    rate: if_(free_of_charge, 1, 0.5)   # the share of the price the state covers

A rate is a decimal share from 0 to 1, shown as a percent (0.5 is "50 %"). So that no rate can
fall outside that range on any date, its expression is a literal or a parameter, or ``if_``
choosing between such rates: each literal and every dated value of each parameter is checked at
load. The rate is missing for a subject who is not eligible.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.datatypes as dt

from inclusio.rules.errors import RuleError, _
from inclusio.rules.expressions import Expression, decimal_literal

if TYPE_CHECKING:
    from inclusio.rules.loader import Parameter

RATE = "rate"  # the result column
RATE_TYPE = dt.Decimal(5, 4)  # a share to the hundredth of a percent
_ONE = Decimal(1)


def check_rate(expression: Expression, parameters: Mapping[str, Parameter]) -> None:
    """Refuse, at the line of the offending part, a rate that is not a literal, a parameter or
    ``if_`` of rates, or whose value is outside 0..1 (every dated value of a parameter)."""

    def fail(node: ast.AST, message: str, **params: object) -> RuleError:
        return RuleError(message, file=expression.file, line=expression.line_of(node), **params)

    def leaf(node: ast.expr) -> None:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "if_"
            and len(node.args) == 3
        ):
            leaf(node.args[1])
            leaf(node.args[2])
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            literal = node.value
            number = (
                decimal_literal(node, expression.source)
                if isinstance(literal, float)
                else Decimal(literal)
            )
            if isinstance(literal, bool) or not 0 <= number <= _ONE:
                raise fail(
                    node,
                    _("a rate is a share from 0 to 1 (0.5 for 50 %%), not %(value)s"),
                    value=number,
                )
            return
        if isinstance(node, ast.Name) and node.id in parameters:
            for dated in parameters[node.id].values:
                if isinstance(dated.value, bool) or not 0 <= Decimal(dated.value) <= _ONE:
                    raise RuleError(
                        _(
                            "a rate is a share from 0 to 1: parameter %(name)r is %(value)s "
                            "from %(date)s"
                        ),
                        file=expression.file,
                        line=dated.line,
                        name=node.id,
                        value=dated.value,
                        date=dated.effective.isoformat(),
                    )
            return
        raise fail(
            node,
            _(
                "a rate is a literal share (0.5), a parameter, or if_(condition, rate, rate): "
                "no arithmetic, so that it stays between 0 and 1"
            ),
        )

    leaf(expression.tree)


def rate_value(compiled: Any, eligible: Any) -> Any:
    """The compiled rate as a decimal share, missing where not eligible."""
    return ibis.ifelse(eligible, compiled.cast(RATE_TYPE), ibis.null().cast(RATE_TYPE))


def percent(share: Decimal | float | int, language: str) -> str:
    """A share shown as a percent: "50 %" in Kazakh and Russian, "50%" in English."""
    text = f"{(Decimal(str(share)) * 100).normalize():f}"
    if language in {"kk", "ru"}:
        return f"{text.replace('.', ',')}\N{NO-BREAK SPACE}%"
    return f"{text}%"
