"""The expression language: what it refuses, with the right line, and its types."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inclusio.rules import RuleError, Type, check_expression
from inclusio.rules.exact import values_fact

NAMES = {
    "birth_date": Type.DATE,
    "since": Type.DATE,
    "category": Type.STRING,
    "employed": Type.BOOL,
    "monthly_income_kzt": Type.INT,
    "coefficient": Type.DECIMAL,
    "zero_rate": Type.INT,
}

# What is known of the parameter: every value it takes.
FACTS = {"coefficient": values_fact([Decimal("0.5"), Decimal("1.25")])}


def refused(source: str, line: int = 10, **kwargs: object) -> RuleError:
    with pytest.raises(RuleError) as caught:
        check_expression(source, NAMES, file="rules/x.yaml", line=line, **kwargs)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("category.upper() == 'I'", "attribute access"),
        ("category[0] == 'I'", "subscripts"),
        ("(lambda: True)()", "lambdas"),
        ("(employed or employed)(1)", "only the functions"),
        ("[x for x in [1, 2]] == [1]", "comprehensions"),
        ("__import__('os')", "unknown function '__import__'"),
        ("open('f') == 1", "unknown function 'open'"),
        ("f'{category}' == 'I'", "f-strings"),
        ("(x := 1) == 1", "assignment expressions"),
        ("1 if employed else 2", "if_(c, a, b)"),
        ("{'a': 1} == 1", "dictionaries"),
        ("monthly_income_kzt ** monthly_income_kzt", "exponent of **"),
        ("monthly_income_kzt ** 21", "exponent of **"),
        ("monthly_income_kzt ** -1", "exponent of **"),
        ("monthly_income_kzt % 2", "operator Mod"),
        ("monthly_income_kzt % 2", "operator Mod"),
        ("category is None", "comparison Is"),
        ("min(*[1, 2])", "starred"),
        ("round_half_up(x=1)", "keyword"),
        ("category == None", "is_null"),
        ("import os", "imports are not allowed"),
        ("category in monthly_income_kzt", "literal list"),
        ("category in [category]", "literals only"),
    ],
)
def test_forbidden_constructs_are_refused_with_file_and_line(source: str, words: str) -> None:
    error = refused(source)
    assert words in error.message
    assert error.file == "rules/x.yaml"
    assert error.line == 10
    assert str(error).startswith("rules/x.yaml:10: ")


def test_the_line_is_the_line_of_the_offending_part() -> None:
    error = refused("employed and\n  monthly_income_kzt > 0 and\n  category.lower() == 'i'", 20)
    assert error.line == 22
    assert "attribute access" in error.message


def test_syntax_errors_carry_the_line() -> None:
    error = refused("employed and\n  (monthly_income_kzt > ", 5)
    assert "not a valid expression" in error.message


def test_unknown_names() -> None:
    error = refused("incomee > 0")
    assert "unknown name 'incomee'" in error.message


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("birth_date > 1990", "cannot compare date with int"),
        ("employed + 1", "cannot apply + to bool and int"),
        ("category * 2", "numbers only"),
        ("since - birth_date > 0", "numbers only"),
        ("employed < True", "cannot order bools"),
        ("not monthly_income_kzt", "'not' needs a bool"),
        ("employed and monthly_income_kzt", "'and' needs bools"),
        ("category in [1, 2]", "cannot look for a string among int"),
        ("age(category) > 1", "age() takes a date"),
        ("age(birth_date, since) > 1", "takes 1 argument"),
        ("if_(monthly_income_kzt, 1, 2) > 0", "must be a bool"),
        ("if_(employed, 1, 'a') == 1", "one type"),
        ("max(category, 1) == 1", "one type"),
        ("date('2023-13-01') > since", "not a date"),
        ("date(category) > since", "literal string"),
        ("-category == 'I'", "unary minus"),
    ],
)
def test_type_mismatches_are_refused(source: str, words: str) -> None:
    assert words in refused(source).message


@pytest.mark.parametrize("source", ["monthly_income_kzt / 0", "coefficient / -0.0", "1 / (0)"])
def test_division_by_a_zero_constant(source: str) -> None:
    assert "division by zero" in refused(source).message


def test_division_by_a_parameter_that_is_zero_on_some_date() -> None:
    error = refused("monthly_income_kzt / zero_rate", zero_names=frozenset({"zero_rate"}))
    assert "division by zero" in error.message


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("age(birth_date) >= 18 and not employed", Type.BOOL),
        ("18 <= age(birth_date) < 65", Type.BOOL),
        ("category in ['I', 'II'] or category not in ('III',)", Type.BOOL),
        ("is_null(since) or since >= date('2023-07-01')", Type.BOOL),
        ("monthly_income_kzt * 2 + 1", Type.INT),
        ("coefficient * monthly_income_kzt", Type.DECIMAL),
        ("monthly_income_kzt / 3", Type.DECIMAL),
        ("round_half_up(1.5 * monthly_income_kzt)", Type.INT),
        ("min(monthly_income_kzt, 100)", Type.INT),
        ("max(coefficient, 1)", Type.DECIMAL),
        ("if_(employed, 1, 2.5)", Type.DECIMAL),
        ("max(since, date('2020-01-01'))", Type.DATE),
    ],
)
def test_well_typed_expressions(source: str, kind: Type) -> None:
    assert check_expression(source, NAMES, facts=FACTS).type == kind


def test_a_value_of_unknown_range_is_compared_as_it_is_but_not_computed_with() -> None:
    names = {"share": Type.DECIMAL}
    assert check_expression("share > 0.5 and not is_null(share)", names).type == Type.BOOL
    with pytest.raises(RuleError) as caught:
        check_expression("share * 2 > 1", names, file="x.yaml", line=4)
    assert "cannot compute exactly with 'share'" in caught.value.message
    assert caught.value.line == 4
