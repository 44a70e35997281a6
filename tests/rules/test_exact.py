"""Exact arithmetic: DuckDB, Spark and Python's exact numbers give the same amounts.

Known cases from issue 9, then a property test: random formulas over + - * /, guarded divisors,
powers, min, max, if_ and round_half_up, with random parameters and column values.
"""

from __future__ import annotations

import ast
import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from inclusio.rules import RuleError, load_programme_text
from inclusio.rules.cases import situation_table
from inclusio.rules.compiler import evaluate
from inclusio.rules.engines import connect
from tests.rules.texts import explain

# Spark allows one session a process: under pytest-xdist these tests share the Spark worker.
pytestmark = pytest.mark.xdist_group("spark")

ON = datetime.date(2024, 1, 1)
PROGRAMME = """\
id: exact
titles: {{kk: Дәл, ru: Точно, en: Exact}}
reference: {{kk: "none", ru: "none", en: "none"}}
entity: person
parameters:
  subsistence_minimum:
    - {{effective: 2023-01-01, value: {minimum}, reference: x}}
  coefficient:
    - {{effective: 2023-01-01, value: {coefficient}, reference: x}}
conditions:
  everyone: not is_null(iin)
amount: {amount}
"""


def programme(amount: str, minimum: int = 40567, coefficient: Decimal = Decimal("1.61")) -> Any:
    text = PROGRAMME.format(amount=amount, minimum=minimum, coefficient=coefficient)
    text += explain("everyone")
    return load_programme_text(text, file="exact.yaml")


def people(incomes: list[int]) -> dict[str, Any]:
    rows = [
        {"iin": f"{i:03}", "birth_date": datetime.date(1980, 1, 1), "monthly_income_kzt": income}
        for i, income in enumerate(incomes)
    ]
    return {
        "persons": situation_table("persons", rows, "test", 1),
        "disability": situation_table("disability", [], "test", 1),
    }


@pytest.fixture(scope="module")
def engines() -> dict[str, Any]:
    return {"duckdb": connect("duckdb"), "spark": connect("spark")}


def amounts(engine: Any, amount: str, incomes: list[int], **values: Any) -> list[int]:
    result = evaluate(programme(amount, **values), people(incomes), ON, connection=engine)
    return [int(a) for a in result["amount_kzt"].to_pylist()]


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        # exactly 20,283.5: half up, not the 20,283 of a floating-point quotient
        ("subsistence_minimum / 30 * 15", 20284),
        ("round_half_up(subsistence_minimum / 30 * 15)", 20284),
        ("coefficient ** 10 * subsistence_minimum", 4747136),  # 4,747,135.764…
        ("coefficient ** 8 * subsistence_minimum", 1831386),  # once an overflow in DuckDB
        ("subsistence_minimum / 3", 13522),  # 13,522.33…
        ("subsistence_minimum * 2 / 3", 27045),  # 27,044.66…
        ("max(0, subsistence_minimum - monthly_income_kzt)", 40567),
    ],
)
def test_known_cases_on_both_engines(
    engines: dict[str, Any], engine: str, amount: str, expected: int
) -> None:
    assert amounts(engines[engine], amount, [0]) == [expected]


def test_the_power_equals_pythons_decimal(engines: dict[str, Any]) -> None:
    exact = (Decimal("1.61") ** 10 * 40567).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    for engine in engines.values():
        assert amounts(engine, "coefficient ** 10 * subsistence_minimum", [0]) == [int(exact)]


# The property test. A formula is generated as text; Python evaluates it with exact fractions.

LEAVES = st.one_of(
    st.integers(0, 1000).map(str),
    st.decimals(min_value=0, max_value=10, places=2, allow_nan=False).map(str),
    st.sampled_from(["subsistence_minimum", "coefficient", "monthly_income_kzt"]),
)


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        pair.map(lambda p: f"({p[0]} + {p[1]})"),
        pair.map(lambda p: f"({p[0]} - {p[1]})"),
        pair.map(lambda p: f"({p[0]} * {p[1]})"),
        pair.map(lambda p: f"({p[0]} / max(1, {p[1]}))"),
        pair.map(lambda p: f"min({p[0]}, {p[1]})"),
        pair.map(lambda p: f"max({p[0]}, {p[1]})"),
        st.tuples(children, st.integers(0, 3)).map(lambda p: f"({p[0]}) ** {p[1]}"),
        children.map(lambda c: f"round_half_up({c})"),
        st.tuples(children, children, children).map(
            lambda t: f"if_({t[0]} > {t[1]}, {t[1]}, {t[2]})"
        ),
    )


FORMULAS = st.recursive(LEAVES, combine, max_leaves=4).map(lambda f: f"max(0, {f})")
INCOMES = st.lists(st.integers(0, 2_000_000), min_size=1, max_size=4)
MINIMUM = st.integers(1, 100_000)
COEFFICIENT = st.decimals(min_value=0, max_value=3, places=2, allow_nan=False)


def half_up(value: Fraction) -> int:
    """Round half away from zero (half up for the non-negative amounts)."""
    whole = (2 * abs(value.numerator) + value.denominator) // (2 * value.denominator)
    return -whole if value < 0 else whole


def python_value(source: str, names: dict[str, Fraction]) -> Fraction:
    """The formula's exact value, evaluated by Python on fractions."""

    def value(node: ast.expr) -> Fraction:
        if isinstance(node, ast.Constant):
            return Fraction(Decimal(ast.get_source_segment(source, node) or str(node.value)))
        if isinstance(node, ast.Name):
            return names[node.id]
        if isinstance(node, ast.BinOp):
            left, right = value(node.left), value(node.right)
            operations: dict[type, Callable[[Fraction, Fraction], Fraction]] = {
                ast.Add: lambda a, b: a + b,
                ast.Sub: lambda a, b: a - b,
                ast.Mult: lambda a, b: a * b,
                ast.Div: lambda a, b: a / b,
                ast.Pow: lambda a, b: a ** int(b),
            }
            return operations[type(node.op)](left, right)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        args = node.args
        if node.func.id == "min":
            return min(value(args[0]), value(args[1]))
        if node.func.id == "max":
            return max(value(args[0]), value(args[1]))
        if node.func.id == "round_half_up":
            return Fraction(half_up(value(args[0])))
        assert node.func.id == "if_" and isinstance(args[0], ast.Compare)
        condition = value(args[0].left) > value(args[0].comparators[0])
        return value(args[1]) if condition else value(args[2])

    return value(ast.parse(source, mode="eval").body)


def expected(source: str, incomes: list[int], minimum: int, coefficient: Decimal) -> list[int]:
    result = []
    for income in incomes:
        names = {
            "subsistence_minimum": Fraction(minimum),
            "coefficient": Fraction(coefficient),
            "monthly_income_kzt": Fraction(income),
        }
        result.append(half_up(python_value(source, names)))
    return result


def loads(source: str, minimum: int, coefficient: Decimal) -> bool:
    try:
        programme(source, minimum, coefficient)
    except RuleError:  # too large to compute exactly, or an amount that can exceed the limit
        return False
    return True


def check(engine: Any, source: str, incomes: list[int], minimum: int, coefficient: Decimal) -> None:
    assume(loads(source, minimum, coefficient))
    want = expected(source, incomes, minimum, coefficient)
    assert amounts(engine, source, incomes, minimum=minimum, coefficient=coefficient) == want


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(source=FORMULAS, incomes=INCOMES, minimum=MINIMUM, coefficient=COEFFICIENT)
def test_duckdb_computes_what_python_computes_exactly(
    source: str, incomes: list[int], minimum: int, coefficient: Decimal
) -> None:
    check(connect("duckdb"), source, incomes, minimum, coefficient)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
@given(source=FORMULAS, incomes=INCOMES, minimum=MINIMUM, coefficient=COEFFICIENT)
def test_spark_computes_what_python_computes_exactly(
    engines: dict[str, Any], source: str, incomes: list[int], minimum: int, coefficient: Decimal
) -> None:
    check(engines["spark"], source, incomes, minimum, coefficient)


@settings(max_examples=100, deadline=None)
@given(
    factors=st.lists(
        st.decimals(min_value=0, max_value=5, places=3, allow_nan=False), min_size=1, max_size=5
    ),
    income=st.integers(0, 10_000_000),
)
def test_products_without_division_equal_pythons_decimal(
    factors: list[Decimal], income: int
) -> None:
    source = " * ".join([*(str(f) for f in factors), "monthly_income_kzt"])
    # an income may reach 10**12: a product that could pass 10**14 tenge is refused at load
    assume(loads(source, 40567, Decimal("1.61")))
    with localcontext() as context:
        context.prec = 100
        product = Decimal(income)
        for factor in factors:
            product *= factor
    want = int(product.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert amounts(connect("duckdb"), source, [income]) == [want]


@pytest.mark.parametrize(
    "amount",
    [
        # two roundings inside min and max: 6,204 uses of the values, 800 kB of SQL, counted 141
        # before the roundings' sign and the extremum's test were counted in full
        "max(0, min(subsistence_minimum / max(1, 89), round_half_up(round_half_up(coefficient))))",
    ],
)
def test_a_formula_whose_sql_would_outgrow_the_engines_is_refused_when_loaded(amount: str) -> None:
    with pytest.raises(RuleError, match="simplify it"):
        programme(amount, minimum=2)
